//! How the core is configured: which server, which relying party, which origins, and how the
//! device describes itself.

use std::net::IpAddr;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use crate::error::PasskeysError;

/// A configuration the core refuses to run with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The server URL does not parse.
    #[error("the server address is not a valid URL")]
    BadUrl,
    /// The server URL carries a user name or password (`https://user:pass@host/`): it would be
    /// sent with no request the core makes, yet kept in the configuration and shown by its
    /// `Debug`, so a secret there is refused rather than carried.
    #[error("the server address must not carry a user name or password")]
    CredentialsInUrl,
    /// Plain http to anything but a loopback test server, or loopback http without the explicit
    /// opt-in (BRIEF §5 #16).
    #[error(
        "the server address must use https (plain http only for a loopback test server, by explicit configuration)"
    )]
    InsecureTransport,
    /// The rp id is empty or not a bare domain.
    #[error("the relying party id must be a bare domain name")]
    BadRpId,
    /// A certificate pin is not a SHA-256 digest (32 bytes).
    #[error("a certificate pin must be the SHA-256 of a SubjectPublicKeyInfo (32 bytes)")]
    BadPin,
    /// The policy key is not a SEC1 uncompressed P-256 point.
    #[error("the policy key must be an uncompressed P-256 public key (65 bytes)")]
    BadPolicyKey,
    /// A configuration for a real (https) server without the server's policy key: the device
    /// could keep an account's "requires passkeys" mark but never verify the signed policy that
    /// lifts it, and would refuse that account's code, H5 and third-party sign-ins for good.
    #[error("a configuration for an https server needs the server's policy key (with_policy_key)")]
    NoPolicyKey,
    /// An allowed origin is neither `https://…` nor `android:apk-key-hash:<43 chars>`.
    #[error(
        "allowed origin {0} is neither https://… nor android:apk-key-hash:<unpadded base64url SHA-256>"
    )]
    BadOrigin(String),
    /// The device's model or OS name is empty, longer than 64 characters, or holds a control
    /// character.
    #[error("the device model and OS must be 1 to 64 characters, no control characters")]
    BadDevice,
}

impl From<ConfigError> for PasskeysError {
    fn from(e: ConfigError) -> Self {
        Self::InvalidConfig {
            detail: e.to_string(),
        }
    }
}

/// Longest device model or OS name, in characters.
const MAX_DEVICE_CHARS: usize = 64;

/// The device the app runs on, as the app describes it: sent with every sign-in, so the server
/// can tell the account's devices apart and flag a sign-in from a model or OS the account has
/// not used before (the security activity, [`crate::SignIn::new_device_notice`]). Never a
/// secret and never an identifier: a model and an OS, as the user would name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceDescription {
    /// The device model, e.g. `Pixel 8` or `iPhone 15`.
    pub model: String,
    /// The operating system and its version, e.g. `Android 15` or `iOS 18.2`.
    pub os: String,
}

impl DeviceDescription {
    /// A description of `model` and `os`: each 1 to 64 characters, no control characters.
    pub fn new(model: &str, os: &str) -> Result<Self, ConfigError> {
        let device = Self {
            model: model.to_owned(),
            os: os.to_owned(),
        };
        device.check()?;
        Ok(device)
    }

    /// Whether both names are within the limits ([`ConfigError::BadDevice`] otherwise).
    pub fn check(&self) -> Result<(), ConfigError> {
        let ok = |name: &str| {
            (1..=MAX_DEVICE_CHARS).contains(&name.chars().count())
                && !name.chars().any(char::is_control)
        };
        if ok(&self.model) && ok(&self.os) {
            Ok(())
        } else {
            Err(ConfigError::BadDevice)
        }
    }
}

/// The core's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The server's base URL, e.g. `https://api.bingx.com/passkeys/`.
    pub base_url: Url,
    /// The relying party id (the passkey's domain), e.g. `bingx.com`.
    pub rp_id: String,
    /// Origins a platform response may carry in clientDataJSON: `https://<rp id>` (iOS and the
    /// web) and one `android:apk-key-hash:…` per app signing certificate.
    pub allowed_origins: Vec<String>,
    /// Timeout of one HTTP request.
    pub request_timeout: Duration,
    /// The largest server answer read, in bytes (BRIEF §5 #15).
    pub max_response_bytes: usize,
    /// The server's policy-signing key (SEC1 uncompressed P-256 point), pinned in the app.
    /// Required for an https server (a client is refused with [`ConfigError::NoPolicyKey`]
    /// without it); optional only for a loopback test server, where without it the core verifies
    /// no policy and refuses paths only for accounts it saw flagged.
    pub policy_key: Option<Vec<u8>>,
    /// SHA-256 digests of SubjectPublicKeyInfos (the exchange's own keys). When not empty, a
    /// server whose certificate chain carries none of them is refused, even if the chain verifies:
    /// a pin must be the server certificate's key or the key of a certificate the server sends
    /// that signs the path to it (so pin an intermediate, not a root the server does not send).
    pub spki_pins: Vec<[u8; 32]>,
    /// Certificates (DER) to trust *instead of* the platform's trust store: a test or QA
    /// server's own CA. Empty: the platform's store (rustls-platform-verifier).
    pub trust_anchors: Vec<Vec<u8>>,
    /// The device's model and OS, sent with every sign-in (see [`DeviceDescription`]); checked
    /// again when the client is built. Without it the server records no devices and sends no
    /// new-device notice.
    pub device: Option<DeviceDescription>,
}

impl Config {
    /// A configuration for `base_url` and `rp_id`, allowing the origin `https://<rp_id>`. Plain
    /// http is refused; see [`Config::for_loopback_test_server`].
    pub fn new(base_url: &str, rp_id: &str) -> Result<Self, ConfigError> {
        let config = Self::unchecked(base_url, rp_id)?;
        if config.base_url.scheme() != "https" {
            return Err(ConfigError::InsecureTransport);
        }
        config.validate_origins()?;
        Ok(config)
    }

    /// A configuration that talks plain http to a test server on this machine's loopback
    /// interface. Any other host is refused (BRIEF §5 #16).
    pub fn for_loopback_test_server(base_url: &str, rp_id: &str) -> Result<Self, ConfigError> {
        let config = Self::unchecked(base_url, rp_id)?;
        if config.base_url.scheme() == "http" && !is_loopback(&config.base_url) {
            return Err(ConfigError::InsecureTransport);
        }
        Ok(config)
    }

    /// Add an Android app signing certificate's origin (`android:apk-key-hash:…`).
    pub fn with_android_origin(mut self, apk_key_hash: &str) -> Result<Self, ConfigError> {
        let origin = format!("android:apk-key-hash:{apk_key_hash}");
        check_origin(&origin)?;
        self.allowed_origins.push(origin);
        Ok(self)
    }

    /// Pin the server's policy-signing key (65 bytes, SEC1 uncompressed P-256).
    pub fn with_policy_key(mut self, key: Vec<u8>) -> Result<Self, ConfigError> {
        if key.len() != 65 || key[0] != 4 {
            return Err(ConfigError::BadPolicyKey);
        }
        self.policy_key = Some(key);
        Ok(self)
    }

    /// Pin a server key: the SHA-256 of a SubjectPublicKeyInfo (see [`Config::spki_pins`]). Pin
    /// at least two keys (the one in use and a backup) so a key change is not a lock-out.
    pub fn with_spki_pin(mut self, sha256: &[u8]) -> Result<Self, ConfigError> {
        let pin: [u8; 32] = sha256.try_into().map_err(|_| ConfigError::BadPin)?;
        self.spki_pins.push(pin);
        Ok(self)
    }

    /// Describe the device the app runs on (see [`DeviceDescription`]): `model` and `os` each 1
    /// to 64 characters, no control characters.
    pub fn with_device(mut self, model: &str, os: &str) -> Result<Self, ConfigError> {
        self.device = Some(DeviceDescription::new(model, os)?);
        Ok(self)
    }

    /// Trust this certificate (DER) instead of the platform's trust store (see
    /// [`Config::trust_anchors`]); checked when the client is built.
    pub fn with_trust_anchor(mut self, der: Vec<u8>) -> Self {
        self.trust_anchors.push(der);
        self
    }

    /// What a client checks again as it is built, since the fields are public and may have been
    /// changed after the checked constructors: the server address (https, or plain http to a
    /// loopback test server only), the rp id, the origins, the policy key's form and that an
    /// https server has one, and the device description.
    pub(crate) fn check_for_client(&self) -> Result<(), ConfigError> {
        if self.base_url.host().is_none() {
            return Err(ConfigError::BadUrl);
        }
        check_no_credentials(&self.base_url)?;
        match self.base_url.scheme() {
            "https" => {}
            "http" if is_loopback(&self.base_url) => {}
            "http" => return Err(ConfigError::InsecureTransport),
            _ => return Err(ConfigError::BadUrl),
        }
        check_rp_id(&self.rp_id)?;
        self.validate_origins()?;
        if let Some(device) = &self.device {
            device.check()?;
        }
        match &self.policy_key {
            Some(key) if key.len() != 65 || key[0] != 4 => return Err(ConfigError::BadPolicyKey),
            Some(_) => {}
            None if !self.is_insecure_loopback() => return Err(ConfigError::NoPolicyKey),
            None => {}
        }
        Ok(())
    }

    /// Whether plain http is in use (only ever to a loopback test server: a client refuses any
    /// other host, see `check_for_client`).
    pub fn is_insecure_loopback(&self) -> bool {
        self.base_url.scheme() == "http"
    }

    fn unchecked(base_url: &str, rp_id: &str) -> Result<Self, ConfigError> {
        let mut base_url = Url::parse(base_url).map_err(|_| ConfigError::BadUrl)?;
        if !matches!(base_url.scheme(), "https" | "http") || base_url.host().is_none() {
            return Err(ConfigError::BadUrl);
        }
        check_no_credentials(&base_url)?;
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        check_rp_id(rp_id)?;
        Ok(Self {
            base_url,
            rp_id: rp_id.to_owned(),
            allowed_origins: vec![format!("https://{rp_id}")],
            request_timeout: Duration::from_secs(30),
            max_response_bytes: 256 * 1024,
            policy_key: None,
            spki_pins: Vec::new(),
            trust_anchors: Vec::new(),
            device: None,
        })
    }

    fn validate_origins(&self) -> Result<(), ConfigError> {
        self.allowed_origins
            .iter()
            .try_for_each(|o| check_origin(o))
    }
}

fn check_no_credentials(url: &Url) -> Result<(), ConfigError> {
    if url.username().is_empty() && url.password().is_none() {
        Ok(())
    } else {
        Err(ConfigError::CredentialsInUrl)
    }
}

fn check_rp_id(rp_id: &str) -> Result<(), ConfigError> {
    let ok = !rp_id.is_empty()
        && rp_id.len() <= 253
        && rp_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::BadRpId)
    }
}

fn check_origin(origin: &str) -> Result<(), ConfigError> {
    let ok = if let Some(hash) = origin.strip_prefix("android:apk-key-hash:") {
        hash.len() == 43
            && hash
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    } else {
        origin.starts_with("https://")
            && Url::parse(origin).is_ok_and(|u| u.path() == "/" && u.query().is_none())
    };
    if ok {
        Ok(())
    } else {
        Err(ConfigError::BadOrigin(origin.chars().take(100).collect()))
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_of_an_https_server_needs_the_policy_key() {
        let https = Config::new("https://api.bingx.com", "bingx.com").unwrap();
        assert_eq!(https.check_for_client(), Err(ConfigError::NoPolicyKey));
        let pinned = https.with_policy_key(vec![4; 65]).unwrap();
        assert_eq!(pinned.check_for_client(), Ok(()));
        let loopback = Config::for_loopback_test_server("http://127.0.0.1:8787", "bingx.com");
        assert_eq!(loopback.unwrap().check_for_client(), Ok(()));
    }

    #[test]
    fn a_client_checks_again_what_was_changed_after_the_constructors() {
        let pinned = Config::new("https://api.bingx.com", "bingx.com")
            .unwrap()
            .with_policy_key(vec![4; 65])
            .unwrap();
        let changed = |change: &dyn Fn(&mut Config)| {
            let mut config = pinned.clone();
            change(&mut config);
            config.check_for_client()
        };
        let plain = |c: &mut Config| c.base_url = Url::parse("http://192.0.2.2:8080/").unwrap();
        assert_eq!(changed(&plain), Err(ConfigError::InsecureTransport));
        let other = |c: &mut Config| c.base_url = Url::parse("ftp://127.0.0.1/").unwrap();
        assert_eq!(changed(&other), Err(ConfigError::BadUrl));
        let rp = |c: &mut Config| c.rp_id = "bingx.com/evil".to_owned();
        assert_eq!(changed(&rp), Err(ConfigError::BadRpId));
        let userinfo = |c: &mut Config| c.base_url.set_password(Some("hunter2")).unwrap();
        assert_eq!(changed(&userinfo), Err(ConfigError::CredentialsInUrl));
        let origin = |c: &mut Config| c.allowed_origins.push("http://evil.test".to_owned());
        assert!(matches!(changed(&origin), Err(ConfigError::BadOrigin(_))));
        let key = |c: &mut Config| c.policy_key = Some(vec![4; 12]);
        assert_eq!(changed(&key), Err(ConfigError::BadPolicyKey));
        // Plain http to loopback stays possible for a test server.
        let loopback = |c: &mut Config| c.base_url = Url::parse("http://127.0.0.1:1/").unwrap();
        assert_eq!(changed(&loopback), Ok(()));
    }

    #[test]
    fn https_is_required() {
        assert!(Config::new("https://api.bingx.com", "bingx.com").is_ok());
        assert_eq!(
            Config::new("http://api.bingx.com", "bingx.com").unwrap_err(),
            ConfigError::InsecureTransport
        );
        // Even loopback needs the explicit test-server constructor.
        assert_eq!(
            Config::new("http://127.0.0.1:8787", "bingx.com").unwrap_err(),
            ConfigError::InsecureTransport
        );
    }

    #[test]
    fn a_server_address_with_a_user_name_or_password_is_refused() {
        for url in [
            "https://user:hunter2@api.bingx.com/",
            "https://user@api.bingx.com/",
            "https://:hunter2@api.bingx.com/",
        ] {
            let refused = Config::new(url, "bingx.com").unwrap_err();
            assert_eq!(refused, ConfigError::CredentialsInUrl, "{url}");
            // The message names the problem, never the secret.
            assert!(!refused.to_string().contains("hunter2"), "{url}");
            assert_eq!(
                Config::for_loopback_test_server(
                    &url.replace("https://", "http://")
                        .replace("api.bingx.com", "127.0.0.1"),
                    "bingx.com"
                )
                .unwrap_err(),
                ConfigError::CredentialsInUrl,
                "{url}"
            );
        }
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8787",
            "http://localhost:1",
            "http://[::1]:80",
            "https://x.test",
        ] {
            assert!(
                Config::for_loopback_test_server(ok, "bingx.test").is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "http://10.0.2.2:8787",
            "http://192.168.1.5",
            "http://bingx.com",
            "ftp://127.0.0.1",
        ] {
            assert!(
                Config::for_loopback_test_server(bad, "bingx.test").is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn android_origins_are_checked() {
        let c = Config::new("https://api.bingx.com", "bingx.com").unwrap();
        assert!(
            c.clone()
                .with_android_origin("PuEw6QmwgPR1FaPJxV8GTbM477Qz2fqx5CzBg5o_HUo")
                .is_ok()
        );
        for bad in [
            "PuEw6QmwgPR1FaPJxV8GTbM477Qz2fqx5CzBg5o_HUo=",
            "PuEw6QmwgPR1FaPJxV8GTbM477Qz2fqx5CzBg5o/HUo",
            "short",
        ] {
            assert!(c.clone().with_android_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn device_names_are_checked() {
        let c = Config::new("https://api.bingx.com", "bingx.com").unwrap();
        let described = c.clone().with_device("Pixel 8", "Android 15").unwrap();
        assert_eq!(
            described.device,
            Some(DeviceDescription {
                model: "Pixel 8".into(),
                os: "Android 15".into()
            })
        );
        // 64 characters (not bytes) is the limit.
        assert!(c.clone().with_device(&"é".repeat(64), "iOS 18").is_ok());
        for (model, os) in [
            ("", "Android 15"),
            ("Pixel 8", ""),
            (&"x".repeat(65), "Android 15"),
            ("Pixel\n8", "Android 15"),
            ("Pixel 8", "Android\u{7f}15"),
        ] {
            assert_eq!(
                c.clone().with_device(model, os).unwrap_err(),
                ConfigError::BadDevice,
                "{model:?} {os:?}"
            );
        }
    }

    #[test]
    fn rp_id_must_be_a_domain() {
        for bad in ["", "https://bingx.com", "bingx.com/x", "bing x.com"] {
            assert_eq!(
                Config::new("https://api.bingx.com", bad).unwrap_err(),
                ConfigError::BadRpId
            );
        }
    }
}
