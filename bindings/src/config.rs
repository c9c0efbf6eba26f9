//! How an app configures the library.

use bingx_passkeys_core::{Config, DeviceDescription, PasskeysError};

/// Which server and which relying party.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PasskeysConfig {
    /// The server's base URL, e.g. `https://api.bingx.com/passkeys/`. Must be https unless
    /// `allow_insecure_loopback`.
    pub base_url: String,
    /// The relying party id (the passkey's domain), e.g. `bingx.com`.
    pub rp_id: String,
    /// The app's signing certificate hashes (unpadded base64url SHA-256, 43 characters), each
    /// allowed as an `android:apk-key-hash:…` origin. Empty on iOS.
    #[uniffi(default)]
    pub android_apk_key_hashes: Vec<String>,
    /// Allow plain http, and only to a test server on this machine's loopback interface
    /// (tests, the demo). Never set in a release build.
    #[uniffi(default)]
    pub allow_insecure_loopback: bool,
    /// The server's policy-signing key (65 bytes, SEC1 uncompressed P-256), pinned in the app.
    /// With it the device keeps a verified copy of the account's policy and refuses blocked
    /// login paths before any request. Required unless `allow_insecure_loopback`
    /// (`InvalidConfig` otherwise): without it the device could never verify the policy that
    /// lifts an account's requirement.
    #[uniffi(default)]
    pub policy_key: Option<Vec<u8>>,
    /// Certificate pins: SHA-256 digests (32 bytes) of SubjectPublicKeyInfos of the exchange's
    /// own keys. When not empty, a server whose chain carries none of them is refused
    /// (`UntrustedServer`). Pin the key in use and a backup key.
    #[uniffi(default)]
    pub spki_pins: Vec<Vec<u8>>,
    /// Certificates (DER) to trust instead of the platform's trust store: a QA server's own CA.
    /// Empty (always, in a release build): the platform's store.
    #[uniffi(default)]
    pub trust_anchors: Vec<Vec<u8>>,
    /// The device's model and OS (e.g. `Pixel 8`, `Android 15`), sent with every sign-in so the
    /// server can flag a sign-in from a device the account has not used before
    /// (`SignIn.new_device_notice()`). Each 1 to 64 characters, no control characters
    /// (`InvalidConfig` otherwise). Null: no devices recorded, no notice.
    #[uniffi(default)]
    pub device: Option<DeviceDescription>,
}

impl TryFrom<PasskeysConfig> for Config {
    type Error = PasskeysError;

    fn try_from(c: PasskeysConfig) -> Result<Self, PasskeysError> {
        let mut config = if c.allow_insecure_loopback {
            Config::for_loopback_test_server(&c.base_url, &c.rp_id)?
        } else {
            Config::new(&c.base_url, &c.rp_id)?
        };
        for hash in &c.android_apk_key_hashes {
            config = config.with_android_origin(hash)?;
        }
        if let Some(key) = c.policy_key {
            config = config.with_policy_key(key)?;
        }
        for pin in &c.spki_pins {
            config = config.with_spki_pin(pin)?;
        }
        for anchor in c.trust_anchors {
            config = config.with_trust_anchor(anchor);
        }
        if let Some(device) = c.device {
            config = config.with_device(&device.model, &device.os)?;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base_url: &str, allow_insecure_loopback: bool) -> PasskeysConfig {
        PasskeysConfig {
            base_url: base_url.to_owned(),
            rp_id: "bingx.com".to_owned(),
            android_apk_key_hashes: vec!["PuEw6QmwgPR1FaPJxV8GTbM477Qz2fqx5CzBg5o_HUo".to_owned()],
            allow_insecure_loopback,
            policy_key: None,
            spki_pins: Vec::new(),
            trust_anchors: Vec::new(),
            device: None,
        }
    }

    #[test]
    fn plain_http_needs_the_loopback_opt_in() {
        let https = Config::try_from(config("https://api.bingx.com", false)).unwrap();
        assert_eq!(https.allowed_origins.len(), 2);
        assert!(Config::try_from(config("http://127.0.0.1:8787", true)).is_ok());
        for (url, loopback) in [
            ("http://127.0.0.1:8787", false),
            ("http://api.bingx.com", true),
        ] {
            assert!(matches!(
                Config::try_from(config(url, loopback)),
                Err(PasskeysError::InvalidConfig { .. })
            ));
        }
        let short_key = PasskeysConfig {
            policy_key: Some(vec![4; 64]),
            ..config("https://api.bingx.com", false)
        };
        assert!(Config::try_from(short_key).is_err());
        let described = PasskeysConfig {
            device: Some(DeviceDescription {
                model: "Pixel 8".to_owned(),
                os: "Android 15".to_owned(),
            }),
            ..config("https://api.bingx.com", false)
        };
        assert_eq!(
            Config::try_from(described).unwrap().device.unwrap().model,
            "Pixel 8"
        );
        let control = PasskeysConfig {
            device: Some(DeviceDescription {
                model: "Pixel\n8".to_owned(),
                os: "Android 15".to_owned(),
            }),
            ..config("https://api.bingx.com", false)
        };
        assert!(matches!(
            Config::try_from(control),
            Err(PasskeysError::InvalidConfig { .. })
        ));
    }
}
