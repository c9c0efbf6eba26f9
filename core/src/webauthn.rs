//! WebAuthn values and the client-side checks of BRIEF §5 #12 (options, before the platform is
//! called) and #13 (platform responses, before anything leaves the device).
//!
//! Options are read as JSON values: the members the core checks are checked, binary members are
//! written back as canonical base64url, and the platform is handed exactly what was checked,
//! serialized again. Responses are checked through a lenient view of the Level 3 JSON because real
//! platforms omit members a strict schema requires (Windows Hello and some iOS wrappers send no
//! `authenticatorData`/`publicKeyAlgorithm`); the JSON itself is forwarded to the server byte for
//! byte, so what the server verifies is exactly what the platform produced. No WebAuthn crate is
//! linked: what is read here is small, and the server (webauthn-rs) verifies everything again.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::encoding::base64url;
use crate::encoding::cbor::{MapKey, Reader};
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
    /// A registration came back with the id of a passkey the account already has (the request's
    /// `excludeCredentials`): a conforming authenticator refuses instead (InvalidStateError).
    /// Sent on, the server's refusal would have the core tell the password managers to forget
    /// that id: the account's real passkey.
    #[error("the password manager answered with a passkey the account already has")]
    ExcludedCredential,
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

/// COSE's number for ES256 (ECDSA with P-256 and SHA-256).
const ES256: i64 = -7;

/// Parse and check creation options from the server, then shape the platform request.
pub fn prepare_create(options_json: &str, rp_id: &str) -> Result<CreateRequest, OptionsError> {
    let mut options = parse_options(options_json)?;
    let rp = options.get("rp").and_then(Value::as_object);
    check_rp_id(
        rp.and_then(|rp| rp.get("id")).and_then(Value::as_str),
        rp_id,
    )?;
    rp.and_then(|rp| rp.get("name"))
        .and_then(Value::as_str)
        .ok_or(OptionsError::Malformed)?;
    let challenge = canonical_bytes(&mut options, "challenge")?;
    check_challenge(&challenge)?;
    let uv = options
        .get("authenticatorSelection")
        .and_then(|s| s.get("userVerification"));
    if uv.and_then(Value::as_str) != Some("required") {
        return Err(OptionsError::UserVerificationNotRequired);
    }
    let params = options
        .get("pubKeyCredParams")
        .and_then(Value::as_array)
        .ok_or(OptionsError::Malformed)?;
    let has_es256 = params.iter().any(|p| {
        p.get("type").and_then(Value::as_str) == Some("public-key")
            && p.get("alg").and_then(Value::as_i64) == Some(ES256)
    });
    if !has_es256 {
        return Err(OptionsError::NoEs256);
    }
    let user = options
        .get_mut("user")
        .and_then(Value::as_object_mut)
        .ok_or(OptionsError::Malformed)?;
    let user_id = canonical_bytes(user, "id")?;
    let text = |member: &str| user.get(member).and_then(Value::as_str).map(str::to_owned);
    let (user_name, user_display_name) = text("name")
        .zip(text("displayName"))
        .ok_or(OptionsError::Malformed)?;
    if user_id.is_empty() || user_id.len() > 64 || user_name.trim().is_empty() {
        return Err(OptionsError::BadUser);
    }
    let exclude_credential_ids = credential_ids(&mut options, "excludeCredentials")?;
    let timeout_ms = timeout(&options)?;
    Ok(CreateRequest {
        // Hand the platform exactly what was checked, binary members in canonical base64url.
        request_json: Value::Object(options).to_string(),
        rp_id: rp_id.to_owned(),
        challenge,
        user_id,
        user_name,
        user_display_name,
        exclude_credential_ids,
        timeout_ms,
    })
}

/// Parse and check request (assertion) options from the server, then shape the platform request.
pub fn prepare_get(options_json: &str, rp_id: &str) -> Result<GetRequest, OptionsError> {
    let mut options = parse_options(options_json)?;
    check_rp_id(options.get("rpId").and_then(Value::as_str), rp_id)?;
    let challenge = canonical_bytes(&mut options, "challenge")?;
    check_challenge(&challenge)?;
    if options.get("userVerification").and_then(Value::as_str) != Some("required") {
        return Err(OptionsError::UserVerificationNotRequired);
    }
    let allow_credential_ids = credential_ids(&mut options, "allowCredentials")?;
    let timeout_ms = timeout(&options)?;
    Ok(GetRequest {
        request_json: Value::Object(options).to_string(),
        rp_id: rp_id.to_owned(),
        challenge,
        allow_credential_ids,
        timeout_ms,
    })
}

/// The options as a JSON object, within [`MAX_JSON_BYTES`].
fn parse_options(options_json: &str) -> Result<Map<String, Value>, OptionsError> {
    if options_json.len() > MAX_JSON_BYTES {
        return Err(OptionsError::TooLarge);
    }
    match serde_json::from_slice(options_json.as_bytes()) {
        Ok(Value::Object(options)) => Ok(options),
        _ => Err(OptionsError::Malformed),
    }
}

/// The bytes of a base64url member of `object`, which is written back without padding.
fn canonical_bytes(object: &mut Map<String, Value>, member: &str) -> Result<Vec<u8>, OptionsError> {
    let value = object.get_mut(member).ok_or(OptionsError::Malformed)?;
    let bytes = value
        .as_str()
        .and_then(base64url::decode)
        .ok_or(OptionsError::Malformed)?;
    *value = Value::String(base64url::encode(&bytes));
    Ok(bytes)
}

/// The ids of a credential descriptor list (`excludeCredentials`, `allowCredentials`): absent
/// or null is empty; each descriptor must be a public-key credential with a base64url id.
fn credential_ids(
    options: &mut Map<String, Value>,
    member: &str,
) -> Result<Vec<Vec<u8>>, OptionsError> {
    let descriptors = match options.get_mut(member) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(descriptors)) => descriptors,
        Some(_) => return Err(OptionsError::Malformed),
    };
    descriptors
        .iter_mut()
        .map(|descriptor| {
            let descriptor = descriptor.as_object_mut().ok_or(OptionsError::Malformed)?;
            if descriptor.get("type").and_then(Value::as_str) != Some("public-key") {
                return Err(OptionsError::Malformed);
            }
            canonical_bytes(descriptor, "id")
        })
        .collect()
}

/// `timeout` in milliseconds, when the server gave one.
fn timeout(options: &Map<String, Value>) -> Result<Option<u32>, OptionsError> {
    match options.get("timeout") {
        None | Some(Value::Null) => Ok(None),
        Some(t) => t
            .as_u64()
            .and_then(|t| u32::try_from(t).ok())
            .map(Some)
            .ok_or(OptionsError::Malformed),
    }
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
    let parsed: RegistrationJson = serde_json::from_slice(response_json.as_bytes())
        .map_err(|_| ResponseError::Malformed("not a registration response"))?;
    let credential_id = check_ids(&parsed.ty, &parsed.id, &parsed.raw_id)?;
    check_client_data(
        &parsed.response.client_data_json,
        "webauthn.create",
        expected,
    )?;
    let attestation_object = decode(&parsed.response.attestation_object, "attestationObject")?;
    let auth_data_bytes = auth_data_from_attestation(&attestation_object)?;
    let auth_data = check_auth_data(&auth_data_bytes, expected.rp_id)?;
    let attested = auth_data
        .attested
        .ok_or(ResponseError::Malformed("no attested credential data"))?;
    if attested.credential_id != credential_id.as_slice() {
        return Err(ResponseError::IdMismatch);
    }
    Ok(CheckedRegistration {
        credential_id,
        aaguid: attested.aaguid,
        backup_eligible: auth_data.flags & flags::BE != 0,
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
    let parsed: AssertionJson = serde_json::from_slice(response_json.as_bytes())
        .map_err(|_| ResponseError::Malformed("not an authentication response"))?;
    let credential_id = check_ids(&parsed.ty, &parsed.id, &parsed.raw_id)?;
    if !allowed.is_empty() && !allowed.contains(&credential_id) {
        return Err(ResponseError::CredentialNotAllowed);
    }
    check_client_data(&parsed.response.client_data_json, "webauthn.get", expected)?;
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
    base64url::decode(value).ok_or(ResponseError::Malformed(what))
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

/// The members of `CollectedClientData` the core checks.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClientData {
    #[serde(rename = "type")]
    ty: String,
    challenge: String,
    origin: String,
    #[serde(default)]
    cross_origin: Option<bool>,
    #[serde(default)]
    top_origin: Present,
}

/// Whether a member is there at all, whatever its value (`null` included).
#[derive(Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Self(true))
    }
}

fn check_client_data(
    encoded: &str,
    ty: &str,
    expected: &Expected<'_>,
) -> Result<(), ResponseError> {
    let bytes = decode(encoded, "clientDataJSON")?;
    // All of it must be JSON as any reader (the server's) reads it: UTF-8, valid escapes, in every
    // member. The struct below reads only the members the core checks and skips the others
    // without looking inside them, and it refuses a duplicated member, which a value tree would
    // take the last of.
    let malformed = |_| ResponseError::Malformed("clientDataJSON");
    serde_json::from_slice::<Value>(&bytes).map_err(malformed)?;
    let client_data: ClientData = serde_json::from_slice(&bytes).map_err(malformed)?;
    if client_data.ty != ty {
        return Err(ResponseError::WrongCeremonyType);
    }
    // Compare bytes, so padding or alphabet differences cannot sneak a different challenge in.
    match base64url::decode(&client_data.challenge) {
        Some(c) if c == expected.challenge && base64url::encode(&c) == client_data.challenge => {}
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
    if client_data.cross_origin == Some(true) || client_data.top_origin.0 {
        return Err(ResponseError::CrossOrigin);
    }
    Ok(())
}

/// The `authData` of an attestation object (a CBOR map with `fmt`, `attStmt` and `authData`).
fn auth_data_from_attestation(attestation_object: &[u8]) -> Result<Vec<u8>, ResponseError> {
    let mut reader = Reader::new(attestation_object);
    let mut auth_data = None;
    reader
        .map_entries(|key, value| {
            if key != MapKey::Text(b"authData") {
                return Some(false);
            }
            // A second `authData` would make the map ambiguous.
            (auth_data.is_none()).then_some(())?;
            auth_data = Some(value.bytes()?.to_vec());
            Some(true)
        })
        .filter(|()| reader.at_end())
        .ok_or(ResponseError::Malformed("attestationObject"))?;
    auth_data.ok_or(ResponseError::Malformed(
        "attestationObject has no authData",
    ))
}

/// The flag bits of authenticatorData (WebAuthn L3 §6.1). Bits 1 and 5 are reserved: a relying
/// party ignores them.
mod flags {
    /// User present.
    pub const UP: u8 = 0x01;
    /// User verified.
    pub const UV: u8 = 0x04;
    /// Backup eligible.
    pub const BE: u8 = 0x08;
    /// Attested credential data included.
    pub const AT: u8 = 0x40;
    /// Extension data included.
    pub const ED: u8 = 0x80;
}

/// The parts of authenticatorData the core reads.
#[derive(Debug)]
struct AuthData<'a> {
    flags: u8,
    #[cfg_attr(not(test), allow(dead_code))]
    counter: u32,
    attested: Option<Attested<'a>>,
    #[cfg_attr(not(test), allow(dead_code))]
    has_extensions: bool,
}

/// Attested credential data (registration only).
#[derive(Debug)]
struct Attested<'a> {
    aaguid: [u8; 16],
    credential_id: &'a [u8],
}

/// Split authenticatorData: rpIdHash (32) · flags (1) · signCount (4) · attested credential data
/// when AT (aaguid 16 · id length 2 · id · COSE key, a CBOR map) · extensions when ED (a CBOR
/// map). Anything missing, malformed or left over makes it malformed.
fn parse_auth_data(bytes: &[u8]) -> Option<AuthData<'_>> {
    let (header, mut rest) = bytes.split_at_checked(37)?;
    let flags = header[32];
    let counter = u32::from_be_bytes(header[33..37].try_into().ok()?);
    let attested = if flags & flags::AT != 0 {
        let (aaguid, after) = rest.split_at_checked(16)?;
        let (length, after) = after.split_at_checked(2)?;
        let length = usize::from(u16::from_be_bytes(length.try_into().ok()?));
        let (credential_id, after) = after.split_at_checked(length)?;
        let mut key = Reader::new(after);
        key.skip_map()?;
        rest = &after[key.position()..];
        Some(Attested {
            aaguid: aaguid.try_into().ok()?,
            credential_id,
        })
    } else {
        None
    };
    let has_extensions = flags & flags::ED != 0;
    if has_extensions {
        let mut extensions = Reader::new(rest);
        extensions.skip_map()?;
        rest = &rest[extensions.position()..];
    }
    rest.is_empty().then_some(AuthData {
        flags,
        counter,
        attested,
        has_extensions,
    })
}

fn check_auth_data<'a>(bytes: &'a [u8], rp_id: &str) -> Result<AuthData<'a>, ResponseError> {
    let auth_data = parse_auth_data(bytes).ok_or(ResponseError::Malformed("authenticatorData"))?;
    if bytes[..32] != *ring::digest::digest(&ring::digest::SHA256, rp_id.as_bytes()).as_ref() {
        return Err(ResponseError::RpIdHashMismatch);
    }
    if auth_data.flags & (flags::UP | flags::UV) != flags::UP | flags::UV {
        return Err(ResponseError::UserNotVerified);
    }
    Ok(auth_data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flag bits WebAuthn L3 §6.1 reserves (RFU1 = bit 1, RFU2 = bit 5).
    const RESERVED_FLAGS: u8 = 0x02 | 0x20;

    fn creation_options() -> serde_json::Value {
        serde_json::json!({
            "rp": {"id": "bingx.test", "name": "BingX"},
            "user": {"id": "dXNlci0x", "name": "alice@bingx.test", "displayName": "Alice"},
            "challenge": base64url::encode(&[7u8; 32]),
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -257}],
            "timeout": 60000,
            "excludeCredentials": [{"type": "public-key", "id": base64url::encode(&[1, 2, 3])}],
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
        assert_eq!(android["challenge"], base64url::encode(&[7u8; 32]));
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
        o["challenge"] = base64url::encode(&[7u8; 15]).into();
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
            "challenge": base64url::encode(&[9u8; 32]),
            "rpId": "bingx.test",
            "allowCredentials": [{"type": "public-key", "id": base64url::encode(&[4, 5])}],
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
        o["challenge"] = base64url::encode(&[1u8; 8]).into();
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
        let bytes = auth_data(0x85 | RESERVED_FLAGS, &extensions);
        let parsed = check_auth_data(&bytes, "bingx.test").expect("reserved bits are ignored");
        assert!(parsed.has_extensions, "the extension data is still read");
        assert_eq!(parsed.counter, 7);
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
    fn the_platform_gets_what_was_checked_with_canonical_binary_members() {
        let mut o = creation_options();
        // Padded base64url from the server; members the core does not read are kept.
        o["challenge"] = format!("{}=", base64url::encode(&[7u8; 32])).into();
        o["user"]["id"] = "dXNlci0x".into();
        o["hints"] = serde_json::json!(["client-device"]);
        let request = prepare_create(&o.to_string(), "bingx.test").unwrap();
        let sent: Value = serde_json::from_str(&request.request_json).unwrap();
        assert_eq!(sent["challenge"], base64url::encode(&[7u8; 32]));
        assert_eq!(sent["user"]["id"], "dXNlci0x");
        assert_eq!(sent["excludeCredentials"][0]["id"], "AQID");
        assert_eq!(sent["hints"], o["hints"]);
        assert_eq!(
            sent["extensions"]["credentialProtectionPolicy"],
            "userVerificationRequired"
        );
        assert_eq!(request.timeout_ms, Some(60_000));
    }

    #[test]
    fn options_with_members_of_the_wrong_shape_are_malformed() {
        let mutations: [fn(&mut Value); 9] = [
            |o| o["challenge"] = "not base64url!".into(),
            |o| o["user"]["id"] = 5.into(),
            |o| {
                o["user"]
                    .as_object_mut()
                    .unwrap()
                    .remove("displayName")
                    .map(drop)
                    .unwrap()
            },
            |o| {
                o["rp"]
                    .as_object_mut()
                    .unwrap()
                    .remove("name")
                    .map(drop)
                    .unwrap()
            },
            |o| o["pubKeyCredParams"] = "ES256".into(),
            |o| o["excludeCredentials"] = serde_json::json!([{"type": "password", "id": "AQID"}]),
            |o| o["excludeCredentials"] = serde_json::json!({"id": "AQID"}),
            |o| o["timeout"] = (-1).into(),
            |o| o["timeout"] = (u64::from(u32::MAX) + 1).into(),
        ];
        for (i, mutate) in mutations.iter().enumerate() {
            let mut o = creation_options();
            mutate(&mut o);
            assert_eq!(
                prepare_create(&o.to_string(), "bingx.test"),
                Err(OptionsError::Malformed),
                "mutation {i}"
            );
        }
        // ES256 must be offered as a public-key credential.
        let mut o = creation_options();
        o["pubKeyCredParams"] = serde_json::json!([{"type": "other", "alg": -7}]);
        assert_eq!(
            prepare_create(&o.to_string(), "bingx.test"),
            Err(OptionsError::NoEs256)
        );
        // No credential lists at all is fine.
        let mut o = creation_options();
        o.as_object_mut().unwrap().remove("excludeCredentials");
        o["timeout"] = Value::Null;
        let request = prepare_create(&o.to_string(), "bingx.test").unwrap();
        assert!(request.exclude_credential_ids.is_empty());
        assert_eq!(request.timeout_ms, None);
    }

    /// An attestation object `{"fmt": "none", "attStmt": {}, "authData": auth_data}` as CBOR.
    fn attestation_object(auth_data: &[u8]) -> Vec<u8> {
        let mut out = vec![0xa3, 0x63, b'f', b'm', b't', 0x64, b'n', b'o', b'n', b'e'];
        out.extend_from_slice(&[0x67, b'a', b't', b't', b'S', b't', b'm', b't', 0xa0]);
        out.extend_from_slice(&[0x68, b'a', b'u', b't', b'h', b'D', b'a', b't', b'a']);
        out.extend_from_slice(&[0x58, u8::try_from(auth_data.len()).unwrap()]);
        out.extend_from_slice(auth_data);
        out
    }

    /// Attested credential data: aaguid, id, and a COSE key (here a CBOR map `{1: 2}`).
    fn attested(id: &[u8]) -> Vec<u8> {
        let mut out = vec![0xaa; 16];
        out.extend_from_slice(&u16::try_from(id.len()).unwrap().to_be_bytes());
        out.extend_from_slice(id);
        out.extend_from_slice(&[0xa1, 0x01, 0x02]);
        out
    }

    #[test]
    fn attestation_objects_and_authenticator_data_are_read_strictly() {
        let good = auth_data(0x45, &attested(&[1, 2, 3]));
        assert_eq!(
            auth_data_from_attestation(&attestation_object(&good)).unwrap(),
            good
        );
        let parsed = check_auth_data(&good, "bingx.test").unwrap();
        let credential = parsed.attested.unwrap();
        assert_eq!(credential.credential_id, [1, 2, 3]);
        assert_eq!(credential.aaguid, [0xaa; 16]);

        // Trailing bytes after the map, or a second authData, are malformed.
        let mut trailing = attestation_object(&good);
        trailing.push(0x00);
        let mut twice = attestation_object(&good);
        twice[0] = 0xa4;
        twice.extend_from_slice(&[0x68, b'a', b'u', b't', b'h', b'D', b'a', b't', b'a', 0x40]);
        for bad in [
            trailing,
            twice,
            vec![0x80],
            attestation_object(&good)[..30].to_vec(),
        ] {
            assert_eq!(
                auth_data_from_attestation(&bad),
                Err(ResponseError::Malformed("attestationObject")),
                "{bad:02x?}"
            );
        }
        // A map without authData.
        assert_eq!(
            auth_data_from_attestation(&[0xa1, 0x01, 0x02]),
            Err(ResponseError::Malformed(
                "attestationObject has no authData"
            ))
        );

        // authenticatorData: AT with a key that is not a map, an id longer than the bytes, or
        // bytes after the last part.
        let mut not_a_map = attested(&[1]);
        not_a_map.truncate(not_a_map.len() - 3);
        not_a_map.push(0x01); // the unsigned integer 1 where the COSE key map belongs
        let mut long_id = attested(&[1]);
        long_id[16..18].copy_from_slice(&500u16.to_be_bytes());
        let mut left_over = attested(&[1]);
        left_over.push(0x00);
        for rest in [not_a_map, long_id, left_over, vec![]] {
            assert_eq!(
                check_auth_data(&auth_data(0x45, &rest), "bingx.test").unwrap_err(),
                ResponseError::Malformed("authenticatorData")
            );
        }
        // Another rp id's hash.
        assert_eq!(
            check_auth_data(&good, "evil.test").unwrap_err(),
            ResponseError::RpIdHashMismatch
        );
    }

    /// clientDataJSON of a get ceremony for `bingx.test` (challenge `[3; 32]`) with `extra`
    /// (members, each after a comma) appended, checked as a `ty` ceremony.
    fn check_client_data_with(extra: &[u8], ty: &str) -> Result<(), ResponseError> {
        let expected = Expected {
            rp_id: "bingx.test",
            origins: &["https://bingx.test".to_owned()],
            challenge: &[3u8; 32],
        };
        let mut json = format!(
            r#"{{"type":"webauthn.get","challenge":"{}","origin":"https://bingx.test""#,
            base64url::encode(&[3u8; 32])
        )
        .into_bytes();
        json.extend_from_slice(extra);
        json.push(b'}');
        check_client_data(&base64url::encode(&json), ty, &expected)
    }

    #[test]
    fn a_top_origin_member_is_refused_whatever_its_value() {
        assert_eq!(check_client_data_with(b"", "webauthn.get"), Ok(()));
        assert_eq!(
            check_client_data_with(br#","crossOrigin":false"#, "webauthn.get"),
            Ok(())
        );
        for extra in [
            &br#","topOrigin":null"#[..],
            br#","topOrigin":"https://bingx.test""#,
            br#","crossOrigin":true"#,
        ] {
            assert_eq!(
                check_client_data_with(extra, "webauthn.get"),
                Err(ResponseError::CrossOrigin),
                "{}",
                String::from_utf8_lossy(extra)
            );
        }
        assert_eq!(
            check_client_data_with(b"", "webauthn.create"),
            Err(ResponseError::WrongCeremonyType)
        );
        // A duplicated member is not read one way here and another way by the server.
        assert_eq!(
            check_client_data_with(br#","origin":"https://evil.test""#, "webauthn.get"),
            Err(ResponseError::Malformed("clientDataJSON"))
        );
    }

    #[test]
    fn client_data_that_is_not_json_in_a_member_the_core_skips_is_malformed() {
        assert_eq!(
            check_client_data_with(br#","androidPackageName":"com.bingx""#, "webauthn.get"),
            Ok(())
        );
        // Not UTF-8, or a lone surrogate, in a member only a full reader looks into (found by the
        // client_data fuzz target).
        for bad in [
            &b",\"androidPackageName\":\"id.p\x9f\x8c\""[..],
            br#","x":"\ud800""#,
        ] {
            assert_eq!(
                check_client_data_with(bad, "webauthn.get"),
                Err(ResponseError::Malformed("clientDataJSON")),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
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
