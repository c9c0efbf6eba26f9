//! The WebAuthn relying party: webauthn-rs configured from [`ServerConfig`], creation options
//! shaped for real clients (PLATFORM.md §6), and the display facts read from a verified
//! registration's authenticator data.

use ciborium::Value;
use serde_json::json;
use uuid::Uuid;
use webauthn_rs::prelude::{CreationChallengeResponse, WebauthnError};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use super::config::{ConfigError, ServerConfig};

/// Builds the relying party: `WebauthnBuilder::new(rp_id, https origin)` plus every other
/// allowed origin (Android `apk-key-hash` origins match by exact equality).
pub fn relying_party(config: &ServerConfig) -> Result<Webauthn, RpError> {
    let (main, extra) = config.parsed_origins()?;
    let mut builder = WebauthnBuilder::new(&config.rp_id, &main)
        .map_err(RpError::Webauthn)?
        .rp_name(&config.rp_name)
        .timeout(config.ceremony_ttl);
    for origin in &extra {
        builder = builder.append_allowed_origin(origin);
    }
    builder.build().map_err(RpError::Webauthn)
}

/// Why the relying party could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RpError {
    /// The configuration was refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// webauthn-rs refused the configuration.
    #[error("webauthn-rs refused the configuration: {0}")]
    Webauthn(WebauthnError),
}

/// The inner `publicKey` object of webauthn-rs's options, with a discoverable credential and
/// user verification required (webauthn-rs asks for `residentKey: "discouraged"`, which would
/// make a credential that usernameless sign-in can't find) and `excludeCredentials` always
/// present.
pub fn creation_options(ccr: &CreationChallengeResponse) -> serde_json::Result<serde_json::Value> {
    let mut options = serde_json::to_value(&ccr.public_key)?;
    if let Some(object) = options.as_object_mut() {
        let selection = object
            .entry("authenticatorSelection")
            .or_insert_with(|| json!({}));
        if let Some(selection) = selection.as_object_mut() {
            selection.insert("residentKey".into(), json!("required"));
            selection.insert("requireResidentKey".into(), json!(true));
            selection.insert("userVerification".into(), json!("required"));
        }
        object
            .entry("excludeCredentials")
            .or_insert_with(|| json!([]));
        object.insert("attestation".into(), json!("none"));
    }
    Ok(options)
}

/// What the authenticator data of a registration says about the new credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestedFacts {
    /// The authenticator's AAGUID (nil when it reports all zeroes).
    pub aaguid: Uuid,
    /// BE: the credential may be synced.
    pub backup_eligible: bool,
    /// BS: the credential is synced or backed up now.
    pub backed_up: bool,
    /// The credential id inside the attested credential data.
    pub credential_id: Vec<u8>,
}

const FLAG_BE: u8 = 0x08;
const FLAG_BS: u8 = 0x10;
const FLAG_AT: u8 = 0x40;

/// Reads the attested credential data from an attestation object (CBOR map with `authData`).
/// `None` when it is malformed; callers use it only after webauthn-rs verified the object.
pub fn attested_facts(attestation_object: &[u8]) -> Option<AttestedFacts> {
    let value: Value = ciborium::from_reader(attestation_object).ok()?;
    let auth_data = value.as_map()?.iter().find_map(|(key, value)| {
        (key.as_text() == Some("authData"))
            .then(|| value.as_bytes())
            .flatten()
    })?;
    // rpIdHash (32) | flags (1) | signCount (4) | aaguid (16) | credIdLen (2) | credId …
    let flags = *auth_data.get(32)?;
    if flags & FLAG_AT == 0 {
        return None;
    }
    let aaguid = Uuid::from_slice(auth_data.get(37..53)?).ok()?;
    let len_bytes = auth_data.get(53..55)?;
    let len = usize::from(u16::from_be_bytes([len_bytes[0], len_bytes[1]]));
    let credential_id = auth_data.get(55..55 + len)?.to_vec();
    Some(AttestedFacts {
        aaguid,
        backup_eligible: flags & FLAG_BE != 0,
        backed_up: flags & FLAG_BS != 0,
        credential_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attestation_object(auth_data: Vec<u8>) -> Vec<u8> {
        let value = Value::Map(vec![
            (Value::Text("fmt".into()), Value::Text("none".into())),
            (Value::Text("attStmt".into()), Value::Map(vec![])),
            (Value::Text("authData".into()), Value::Bytes(auth_data)),
        ]);
        let mut out = Vec::new();
        ciborium::into_writer(&value, &mut out).expect("cbor");
        out
    }

    #[test]
    fn reads_aaguid_flags_and_credential_id() {
        let aaguid = Uuid::parse_str("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4").expect("uuid");
        let mut auth_data = vec![0u8; 32];
        auth_data.push(0x01 | 0x04 | FLAG_BE | FLAG_BS | FLAG_AT);
        auth_data.extend([0, 0, 0, 0]);
        auth_data.extend(aaguid.as_bytes());
        auth_data.extend([0, 3, 9, 8, 7]);
        let facts = attested_facts(&attestation_object(auth_data)).expect("facts");
        assert_eq!(facts.aaguid, aaguid);
        assert!(facts.backup_eligible && facts.backed_up);
        assert_eq!(facts.credential_id, vec![9, 8, 7]);
    }

    #[test]
    fn malformed_input_is_none() {
        assert_eq!(attested_facts(b""), None);
        assert_eq!(attested_facts(&[0xff; 10]), None);
        assert_eq!(attested_facts(&attestation_object(vec![0; 40])), None);
        let mut truncated = vec![0u8; 32];
        truncated.push(FLAG_AT);
        truncated.extend([0u8; 20]);
        truncated.extend([0xff, 0xff, 1]);
        assert_eq!(attested_facts(&attestation_object(truncated)), None);
    }

    #[test]
    fn options_require_discoverable_credentials_and_uv() {
        let config = ServerConfig::for_tests("bingx.test");
        let rp = relying_party(&config).expect("rp");
        let (ccr, _state) = rp
            .start_passkey_registration(Uuid::new_v4(), "a@b.test", "a@b.test", None)
            .expect("options");
        let options = creation_options(&ccr).expect("json");
        let selection = &options["authenticatorSelection"];
        assert_eq!(selection["residentKey"], "required");
        assert_eq!(selection["requireResidentKey"], true);
        assert_eq!(selection["userVerification"], "required");
        assert_eq!(options["excludeCredentials"], json!([]));
        assert_eq!(options["rp"]["id"], "bingx.test");
        assert!(options.get("publicKey").is_none());
    }
}
