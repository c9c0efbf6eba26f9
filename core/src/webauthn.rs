//! WebAuthn values and the client-side checks of BRIEF §5 #12 (options, before the platform is
//! called) and #13 (platform responses, before anything leaves the device).
//!
//! Options are typed with passkey-types. Responses are checked through a lenient view of the
//! Level 3 JSON because real platforms omit members passkey-types requires (Windows Hello and some
//! iOS wrappers send no `authenticatorData`/`publicKeyAlgorithm`); the JSON itself is forwarded to
//! the server byte for byte, so what the server verifies is exactly what the platform produced.

use passkey_types::ctap2::{AuthenticatorData, Flags};
use passkey_types::encoding::{base64url, try_from_base64url};
use passkey_types::webauthn::{
    ClientDataType, CollectedClientData, PublicKeyCredentialCreationOptions,
    PublicKeyCredentialRequestOptions, UserVerificationRequirement,
};
use serde::Deserialize;

use crate::error::PasskeysError;
use crate::platform::{CreateRequest, GetRequest};

/// The largest options or response JSON the core accepts (real ones are 1–4 KiB).
pub const MAX_JSON_BYTES: usize = 64 * 1024;
/// WebAuthn's limit on credential id length.
pub const MAX_CREDENTIAL_ID_BYTES: usize = 1023;
/// The shortest challenge the core accepts (BRIEF §5 #7, #12).
pub const MIN_CHALLENGE_BYTES: usize = 16;

/// Options the core refuses to hand to the platform (BRIEF §5 #12).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    /// Not valid WebAuthn options JSON.
    #[error("the server sent passkey options that could not be read")]
    Malformed,
    /// Larger than [`MAX_JSON_BYTES`].
    #[error("the server sent passkey options that are too large")]
    TooLarge,
    /// The rp id is missing or not the configured domain.
    #[error("the passkey request is for another website ({found}), not {expected}")]
    WrongRpId {
        /// The configured rp id.
        expected: String,
        /// What the options named.
        found: String,
    },
    /// The challenge is shorter than [`MIN_CHALLENGE_BYTES`].
    #[error("the passkey request has a challenge that is too short")]
    WeakChallenge,
    /// The options do not require user verification (biometrics or screen lock).
    #[error("the passkey request does not require biometrics or the screen lock")]
    UserVerificationNotRequired,
    /// ES256 is not among the offered algorithms.
    #[error("the passkey request does not offer the ES256 algorithm")]
    NoEs256,
    /// The user entity is unusable (empty id or name, id over 64 bytes).
    #[error("the passkey request names no valid account")]
    BadUser,
}

/// A platform response the core refuses to send on (BRIEF §5 #13).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    /// Not a WebAuthn credential JSON of the expected shape.
    #[error("the password manager returned a response that could not be read ({0})")]
    Malformed(&'static str),
    /// Larger than [`MAX_JSON_BYTES`].
    #[error("the password manager returned a response that is too large")]
    TooLarge,
    /// `type` is not `public-key`.
    #[error("the password manager returned a credential of the wrong type")]
    WrongCredentialType,
    /// `id` and `rawId` differ, or the id is too long.
    #[error("the password manager returned a credential whose id and rawId differ")]
    IdMismatch,
    /// clientDataJSON `type` is not the expected ceremony.
    #[error("the password manager answered a different kind of request")]
    WrongCeremonyType,
    /// clientDataJSON `challenge` is not the request's challenge.
    #[error("the password manager answered a different request (challenge mismatch)")]
    ChallengeMismatch,
    /// clientDataJSON `origin` is not one of the allowed origins.
    #[error("the passkey was made for another origin ({0})")]
    OriginMismatch(String),
    /// authenticatorData's rpIdHash is not SHA-256 of the rp id.
    #[error("the passkey belongs to another website")]
    RpIdHashMismatch,
    /// User presence or user verification flag missing.
    #[error("the password manager did not verify you with biometrics or the screen lock")]
    UserNotVerified,
    /// The returned credential is not one the request allowed.
    #[error("the password manager used a passkey the request did not allow")]
    CredentialNotAllowed,
    /// clientDataJSON says the ceremony ran inside another site's frame (`crossOrigin: true` or a
    /// `topOrigin` member); an app's own ceremony never does.
    #[error("the passkey request was made from inside another website, which this app never does")]
    CrossOrigin,
}

impl From<OptionsError> for PasskeysError {
    fn from(e: OptionsError) -> Self {
        Self::InvalidResponse {
            detail: e.to_string(),
        }
    }
}

impl From<ResponseError> for PasskeysError {
    fn from(e: ResponseError) -> Self {
        Self::InvalidResponse {
            detail: e.to_string(),
        }
    }
}

/// What the response must match: the request's context.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The configured relying party id.
    pub rp_id: &'a str,
    /// Origins accepted in clientDataJSON (`https://<rp id>`, `android:apk-key-hash:…`).
    pub origins: &'a [String],
    /// The challenge the server issued for this ceremony.
    pub challenge: &'a [u8],
}

/// Facts of a checked registration response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRegistration {
    /// The new credential's id.
    pub credential_id: Vec<u8>,
    /// The authenticator's AAGUID.
    pub aaguid: [u8; 16],
    /// Backup eligible (a synced passkey).
    pub backup_eligible: bool,
}

/// Facts of a checked authentication response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAssertion {
    /// The credential that signed.
    pub credential_id: Vec<u8>,
    /// The user handle, when the platform returned one.
    pub user_handle: Option<Vec<u8>>,
}

/// Parse and check creation options from the server, then shape the platform request.
pub fn prepare_create(options_json: &str, rp_id: &str) -> Result<CreateRequest, OptionsError> {
    if options_json.len() > MAX_JSON_BYTES {
        return Err(OptionsError::TooLarge);
    }
    let options: PublicKeyCredentialCreationOptions =
        serde_json::from_str(options_json).map_err(|_| OptionsError::Malformed)?;
    check_rp_id(options.rp.id.as_deref(), rp_id)?;
    check_challenge(&options.challenge)?;
    let uv = options
        .authenticator_selection
        .as_ref()
        .map(|s| s.user_verification);
    if uv != Some(UserVerificationRequirement::Required) {
        return Err(OptionsError::UserVerificationNotRequired);
    }
    let has_es256 = options
        .pub_key_cred_params
        .iter()
        .any(|p| p.alg == coset::iana::Algorithm::ES256);
    if !has_es256 {
        return Err(OptionsError::NoEs256);
    }
    let user = &options.user;
    if user.id.is_empty() || user.id.len() > 64 || user.name.trim().is_empty() {
        return Err(OptionsError::BadUser);
    }
    // Hand the platform exactly what was checked: the typed options, serialized again.
    let request_json = serde_json::to_string(&options).map_err(|_| OptionsError::Malformed)?;
    Ok(CreateRequest {
        request_json,
        rp_id: rp_id.to_owned(),
        challenge: options.challenge.to_vec(),
        user_id: user.id.to_vec(),
        user_name: user.name.clone(),
        user_display_name: user.display_name.clone(),
        exclude_credential_ids: options
            .exclude_credentials
            .iter()
            .flatten()
            .map(|d| d.id.to_vec())
            .collect(),
        timeout_ms: options.timeout,
    })
}

/// Parse and check request (assertion) options from the server, then shape the platform request.
pub fn prepare_get(options_json: &str, rp_id: &str) -> Result<GetRequest, OptionsError> {
    if options_json.len() > MAX_JSON_BYTES {
        return Err(OptionsError::TooLarge);
    }
    let options: PublicKeyCredentialRequestOptions =
        serde_json::from_str(options_json).map_err(|_| OptionsError::Malformed)?;
    check_rp_id(options.rp_id.as_deref(), rp_id)?;
    check_challenge(&options.challenge)?;
    if options.user_verification != UserVerificationRequirement::Required {
        return Err(OptionsError::UserVerificationNotRequired);
    }
    let request_json = serde_json::to_string(&options).map_err(|_| OptionsError::Malformed)?;
    Ok(GetRequest {
        request_json,
        rp_id: rp_id.to_owned(),
        challenge: options.challenge.to_vec(),
        allow_credential_ids: options
            .allow_credentials
            .iter()
            .flatten()
            .map(|d| d.id.to_vec())
            .collect(),
        timeout_ms: options.timeout,
    })
}

fn check_rp_id(found: Option<&str>, expected: &str) -> Result<(), OptionsError> {
    match found {
        Some(id) if id == expected => Ok(()),
        other => Err(OptionsError::WrongRpId {
            expected: expected.to_owned(),
            found: other.unwrap_or("none").chars().take(100).collect(),
        }),
    }
}

fn check_challenge(challenge: &[u8]) -> Result<(), OptionsError> {
    if challenge.len() < MIN_CHALLENGE_BYTES {
        return Err(OptionsError::WeakChallenge);
    }
    Ok(())
}

/// The members of `RegistrationResponseJSON` the core checks; everything else is passed on.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegistrationJson {
    id: String,
    raw_id: String,
    #[serde(rename = "type")]
    ty: String,
    response: AttestationJson,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttestationJson {
    #[serde(rename = "clientDataJSON")]
    client_data_json: String,
    attestation_object: String,
}

/// The members of `AuthenticationResponseJSON` the core checks.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssertionJson {
    id: String,
    raw_id: String,
    #[serde(rename = "type")]
    ty: String,
    response: AssertionResponseJson,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssertionResponseJson {
    #[serde(rename = "clientDataJSON")]
    client_data_json: String,
    authenticator_data: String,
    signature: String,
    #[serde(default)]
    user_handle: Option<String>,
}

/// Check a platform's `RegistrationResponseJSON` against the request (BRIEF §5 #13).
pub fn check_registration(
    response_json: &str,
    expected: &Expected<'_>,
) -> Result<CheckedRegistration, ResponseError> {
    if response_json.len() > MAX_JSON_BYTES {
        return Err(ResponseError::TooLarge);
    }
    let parsed: RegistrationJson = serde_json::from_str(response_json)
        .map_err(|_| ResponseError::Malformed("not a registration response"))?;
    let credential_id = check_ids(&parsed.ty, &parsed.id, &parsed.raw_id)?;
    check_client_data(
        &parsed.response.client_data_json,
        ClientDataType::Create,
        expected,
    )?;
    let attestation_object = decode(&parsed.response.attestation_object, "attestationObject")?;
    let auth_data_bytes = auth_data_from_attestation(&attestation_object)?;
    let auth_data = check_auth_data(&auth_data_bytes, expected.rp_id)?;
    let attested = auth_data
        .attested_credential_data
        .as_ref()
        .ok_or(ResponseError::Malformed("no attested credential data"))?;
    if attested.credential_id() != credential_id.as_slice() {
        return Err(ResponseError::IdMismatch);
    }
    Ok(CheckedRegistration {
        credential_id,
        aaguid: attested.aaguid.0,
        backup_eligible: auth_data.flags.contains(Flags::BE),
    })
}

/// Check a platform's `AuthenticationResponseJSON` against the request (BRIEF §5 #13).
/// `allowed` lists the credential ids the request allowed (empty: any, usernameless).
pub fn check_assertion(
    response_json: &str,
    expected: &Expected<'_>,
    allowed: &[Vec<u8>],
) -> Result<CheckedAssertion, ResponseError> {
    if response_json.len() > MAX_JSON_BYTES {
        return Err(ResponseError::TooLarge);
    }
    let parsed: AssertionJson = serde_json::from_str(response_json)
        .map_err(|_| ResponseError::Malformed("not an authentication response"))?;
    let credential_id = check_ids(&parsed.ty, &parsed.id, &parsed.raw_id)?;
    if !allowed.is_empty() && !allowed.contains(&credential_id) {
        return Err(ResponseError::CredentialNotAllowed);
    }
    check_client_data(
        &parsed.response.client_data_json,
        ClientDataType::Get,
        expected,
    )?;
    let auth_data = decode(&parsed.response.authenticator_data, "authenticatorData")?;
    check_auth_data(&auth_data, expected.rp_id)?;
    if decode(&parsed.response.signature, "signature")?.is_empty() {
        return Err(ResponseError::Malformed("empty signature"));
    }
    let user_handle = match parsed.response.user_handle.as_deref() {
        None | Some("") => None,
        Some(h) => Some(decode(h, "userHandle")?),
    };
    Ok(CheckedAssertion {
        credential_id,
        user_handle,
    })
}

fn decode(value: &str, what: &'static str) -> Result<Vec<u8>, ResponseError> {
    try_from_base64url(value).ok_or(ResponseError::Malformed(what))
}

fn check_ids(ty: &str, id: &str, raw_id: &str) -> Result<Vec<u8>, ResponseError> {
    if ty != "public-key" {
        return Err(ResponseError::WrongCredentialType);
    }
    let id_bytes = decode(id, "id")?;
    let raw = decode(raw_id, "rawId")?;
    if id_bytes != raw || raw.is_empty() || raw.len() > MAX_CREDENTIAL_ID_BYTES {
        return Err(ResponseError::IdMismatch);
    }
    Ok(raw)
}

fn check_client_data(
    encoded: &str,
    ty: ClientDataType,
    expected: &Expected<'_>,
) -> Result<(), ResponseError> {
    let bytes = decode(encoded, "clientDataJSON")?;
    let client_data: CollectedClientData =
        serde_json::from_slice(&bytes).map_err(|_| ResponseError::Malformed("clientDataJSON"))?;
    if client_data.ty != ty {
        return Err(ResponseError::WrongCeremonyType);
    }
    // Compare bytes, so padding or alphabet differences cannot sneak a different challenge in.
    match try_from_base64url(&client_data.challenge) {
        Some(c) if c == expected.challenge && base64url(&c) == client_data.challenge => {}
        _ => return Err(ResponseError::ChallengeMismatch),
    }
    if !expected.origins.contains(&client_data.origin) {
        return Err(ResponseError::OriginMismatch(
            client_data.origin.chars().take(200).collect(),
        ));
    }
    // An app's ceremony is never cross-origin: `crossOrigin: false` or no member is fine, and a
    // `topOrigin` (L3: present only for a ceremony inside another origin's frame) is refused
    // whatever its value.
    if client_data.cross_origin == Some(true) || client_data.unknown_keys.contains_key("topOrigin")
    {
        return Err(ResponseError::CrossOrigin);
    }
    Ok(())
}

fn auth_data_from_attestation(attestation_object: &[u8]) -> Result<Vec<u8>, ResponseError> {
    let value: ciborium::Value =
        ciborium::de::from_reader_with_recursion_limit(attestation_object, 16)
            .map_err(|_| ResponseError::Malformed("attestationObject"))?;
    let map = value
        .as_map()
        .ok_or(ResponseError::Malformed("attestationObject"))?;
    map.iter()
        .find(|(k, _)| k.as_text() == Some("authData"))
        .and_then(|(_, v)| v.as_bytes().cloned())
        .ok_or(ResponseError::Malformed(
            "attestationObject has no authData",
        ))
}

/// The flag bits WebAuthn L3 §6.1 reserves for future use (RFU1 = bit 1, RFU2 = bit 5): a relying
/// party ignores them.
const RESERVED_FLAGS: u8 = 0x02 | 0x20;

/// The offset of the flags byte in authenticatorData (after the 32-byte rpIdHash).
const FLAGS_OFFSET: usize = 32;

fn check_auth_data(bytes: &[u8], rp_id: &str) -> Result<AuthenticatorData, ResponseError> {
    // passkey-types refuses flag bits it does not know, so parse a copy with the reserved bits
    // cleared; the bytes that are forwarded to the server stay as the platform made them.
    let mut cleared = bytes.to_vec();
    if let Some(flags) = cleared.get_mut(FLAGS_OFFSET) {
        *flags &= !RESERVED_FLAGS;
    }
    let auth_data = AuthenticatorData::from_slice(&cleared)
        .map_err(|_| ResponseError::Malformed("authenticatorData"))?;
    if auth_data.rp_id_hash()
        != ring::digest::digest(&ring::digest::SHA256, rp_id.as_bytes()).as_ref()
    {
        return Err(ResponseError::RpIdHashMismatch);
    }
    if !auth_data.flags.contains(Flags::UP | Flags::UV) {
        return Err(ResponseError::UserNotVerified);
    }
    Ok(auth_data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creation_options() -> serde_json::Value {
        serde_json::json!({
            "rp": {"id": "bingx.test", "name": "BingX"},
            "user": {"id": "dXNlci0x", "name": "alice@bingx.test", "displayName": "Alice"},
            "challenge": base64url(&[7u8; 32]),
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -257}],
            "timeout": 60000,
            "excludeCredentials": [{"type": "public-key", "id": base64url(&[1, 2, 3])}],
            "authenticatorSelection": {"residentKey": "required", "requireResidentKey": true, "userVerification": "required"},
            "attestation": "none",
            "extensions": {"credentialProtectionPolicy": "userVerificationRequired", "credProps": true}
        })
    }

    #[test]
    fn good_creation_options_are_shaped_for_both_platforms() {
        let request = prepare_create(&creation_options().to_string(), "bingx.test").unwrap();
        assert_eq!(request.challenge, vec![7u8; 32]);
        assert_eq!(request.user_id, b"user-1");
        assert_eq!(request.user_name, "alice@bingx.test");
        assert_eq!(request.exclude_credential_ids, vec![vec![1, 2, 3]]);
        let android: serde_json::Value = serde_json::from_str(&request.request_json).unwrap();
        assert_eq!(android["rp"]["id"], "bingx.test");
        assert_eq!(android["challenge"], base64url(&[7u8; 32]));
        assert_eq!(
            android["authenticatorSelection"]["userVerification"],
            "required"
        );
    }

    #[test]
    fn creation_options_for_another_rp_are_refused() {
        let mut o = creation_options();
        o["rp"]["id"] = "bingx-login.example.net".into();
        assert!(matches!(
            prepare_create(&o.to_string(), "bingx.test"),
            Err(OptionsError::WrongRpId { .. })
        ));
        o["rp"].as_object_mut().unwrap().remove("id");
        assert!(matches!(
            prepare_create(&o.to_string(), "bingx.test"),
            Err(OptionsError::WrongRpId { .. })
        ));
    }

    #[test]
    fn creation_options_with_short_challenge_are_refused() {
        let mut o = creation_options();
        o["challenge"] = base64url(&[7u8; 15]).into();
        assert_eq!(
            prepare_create(&o.to_string(), "bingx.test"),
            Err(OptionsError::WeakChallenge)
        );
    }

    #[test]
    fn creation_options_without_required_uv_are_refused() {
        for uv in ["preferred", "discouraged"] {
            let mut o = creation_options();
            o["authenticatorSelection"]["userVerification"] = uv.into();
            assert_eq!(
                prepare_create(&o.to_string(), "bingx.test"),
                Err(OptionsError::UserVerificationNotRequired)
            );
        }
        let mut o = creation_options();
        o.as_object_mut().unwrap().remove("authenticatorSelection");
        assert_eq!(
            prepare_create(&o.to_string(), "bingx.test"),
            Err(OptionsError::UserVerificationNotRequired)
        );
    }

    #[test]
    fn creation_options_without_es256_are_refused() {
        let mut o = creation_options();
        o["pubKeyCredParams"] = serde_json::json!([{"type": "public-key", "alg": -257}]);
        assert_eq!(
            prepare_create(&o.to_string(), "bingx.test"),
            Err(OptionsError::NoEs256)
        );
    }

    #[test]
    fn hostile_options_get_typed_errors() {
        for bad in [
            "",
            "null",
            "[]",
            "{\"rp\": 5}",
            &"[".repeat(10_000),
            "{\"challenge\": \"!!!\"}",
        ] {
            assert!(prepare_create(bad, "bingx.test").is_err(), "{bad:.20}");
            assert!(prepare_get(bad, "bingx.test").is_err(), "{bad:.20}");
        }
        let huge = format!("{{\"x\": \"{}\"}}", "a".repeat(MAX_JSON_BYTES));
        assert_eq!(
            prepare_create(&huge, "bingx.test"),
            Err(OptionsError::TooLarge)
        );
    }

    #[test]
    fn request_options_are_checked() {
        let good = serde_json::json!({
            "challenge": base64url(&[9u8; 32]),
            "rpId": "bingx.test",
            "allowCredentials": [{"type": "public-key", "id": base64url(&[4, 5])}],
            "userVerification": "required"
        });
        let request = prepare_get(&good.to_string(), "bingx.test").unwrap();
        assert_eq!(request.allow_credential_ids, vec![vec![4, 5]]);
        let mut o = good.clone();
        o["userVerification"] = "preferred".into();
        assert_eq!(
            prepare_get(&o.to_string(), "bingx.test"),
            Err(OptionsError::UserVerificationNotRequired)
        );
        let mut o = good.clone();
        o["rpId"] = "evil.test".into();
        assert!(matches!(
            prepare_get(&o.to_string(), "bingx.test"),
            Err(OptionsError::WrongRpId { .. })
        ));
        let mut o = good;
        o["challenge"] = base64url(&[1u8; 8]).into();
        assert_eq!(
            prepare_get(&o.to_string(), "bingx.test"),
            Err(OptionsError::WeakChallenge)
        );
    }

    /// authenticatorData for `bingx.test` with the given flags and trailing bytes.
    fn auth_data(flags: u8, rest: &[u8]) -> Vec<u8> {
        let mut bytes = ring::digest::digest(&ring::digest::SHA256, b"bingx.test")
            .as_ref()
            .to_vec();
        bytes.push(flags);
        bytes.extend_from_slice(&7u32.to_be_bytes());
        bytes.extend_from_slice(rest);
        bytes
    }

    #[test]
    fn reserved_flag_bits_are_ignored_with_extension_data() {
        // UP | UV | ED with RFU1 and RFU2 set, then the extension map {"credProtect": 3}.
        let extensions = [
            0xa1, 0x6b, b'c', b'r', b'e', b'd', b'P', b'r', b'o', b't', b'e', b'c', b't', 0x03,
        ];
        let parsed = check_auth_data(&auth_data(0x85 | RESERVED_FLAGS, &extensions), "bingx.test")
            .expect("reserved bits are ignored");
        assert!(
            parsed.extensions.is_some(),
            "the extension data is still read"
        );
        assert_eq!(parsed.counter, Some(7));
        // ED set without extension data is still malformed; no UV is still refused.
        assert_eq!(
            check_auth_data(&auth_data(0x85 | RESERVED_FLAGS, &[]), "bingx.test").unwrap_err(),
            ResponseError::Malformed("authenticatorData")
        );
        assert_eq!(
            check_auth_data(&auth_data(0x01 | RESERVED_FLAGS, &[]), "bingx.test").unwrap_err(),
            ResponseError::UserNotVerified
        );
        // Too short for the fixed header: malformed, not a panic.
        assert!(check_auth_data(&auth_data(0x05, &[])[..32], "bingx.test").is_err());
    }

    #[test]
    fn hostile_responses_get_typed_errors() {
        let expected = Expected {
            rp_id: "bingx.test",
            origins: &["https://bingx.test".to_owned()],
            challenge: &[0u8; 32],
        };
        for bad in [
            "",
            "{}",
            "{\"id\":1}",
            &"{\"a\":".repeat(20_000),
            "{\"id\":\"AA\",\"rawId\":\"AA\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"%%%\",\"attestationObject\":\"\",\"authenticatorData\":\"\",\"signature\":\"\"}}",
        ] {
            assert!(check_registration(bad, &expected).is_err());
            assert!(check_assertion(bad, &expected, &[]).is_err());
        }
    }
}
