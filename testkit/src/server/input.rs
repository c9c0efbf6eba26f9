//! The checks of request values that `docs/openapi.yaml` states: lengths in characters, no
//! control characters, canonical base64url, and WebAuthn credentials as the contract has them.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Whether `text` has `min` to `max` characters. Characters are Unicode scalar values, which is
/// what the contract's `minLength`/`maxLength` count (not UTF-8 bytes).
pub fn char_len_within(text: &str, min: usize, max: usize) -> bool {
    let len = text.chars().take(max.saturating_add(1)).count();
    (min..=max).contains(&len)
}

/// Whether `c` may be part of text a client chooses: not a control character (Unicode category
/// Cc: U+0000–U+001F and U+007F–U+009F) and not a bidirectional embedding, override or isolate
/// (U+202A–U+202E, U+2066–U+2069), which reorders what follows it where the owner reads it. The
/// direction marks (U+200E, U+200F, U+061C) are taken: Arabic and Hebrew text holds them.
pub fn showable(c: char) -> bool {
    !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether every character of `text` is [`showable`], as the contract's patterns say
/// (`'^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$'`).
pub fn no_control(text: &str) -> bool {
    text.chars().all(showable)
}

/// The contract's plain text member: 1 to `max` characters, none of them a control character.
pub fn valid_text(text: &str, max: usize) -> bool {
    char_len_within(text, 1, max) && no_control(text)
}

/// Whether `text` is the contract's `Base64Url`: unpadded base64url in canonical form (no `=`,
/// the unused bits of the last character zero).
pub fn is_base64url(text: &str) -> bool {
    data_encoding::BASE64URL_NOPAD
        .decode(text.as_bytes())
        .is_ok()
}

/// Members of a credential that hold bytes (`Base64Url` in the contract). webauthn-rs decodes
/// most of them itself but also takes padding; `id` it takes as any string.
const CREDENTIAL_BYTES: &[&str] = &[
    "/id",
    "/rawId",
    "/response/clientDataJSON",
    "/response/attestationObject",
    "/response/authenticatorData",
    "/response/signature",
    "/response/userHandle",
    "/clientExtensionResults/hmac_get_secret/output1",
    "/clientExtensionResults/hmac_get_secret/output2",
    "/extensions/hmac_get_secret/output1",
    "/extensions/hmac_get_secret/output2",
];

/// A WebAuthn credential (`RegistrationResponseJSON` or `AuthenticationResponseJSON` of the
/// contract) read as webauthn-rs's type `T` once it holds to what the contract adds: `type` is
/// `public-key`, every byte member is canonical unpadded base64url, and
/// `authenticatorAttachment` is a string or null. Anything else is a deserialisation error, so a
/// 400 `BAD_REQUEST` with the fixed message of a JSON body that does not parse.
#[derive(Debug)]
pub struct Credential<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Credential<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut value = Value::deserialize(deserializer)?;
        // JSON Schema's `integer` is a number without a fraction, `1200.0` included; webauthn-rs
        // reads `minPinLength` as a `u32`, which takes only `1200`.
        for pointer in [
            "/clientExtensionResults/minPinLength",
            "/extensions/minPinLength",
        ] {
            if let Some(number) = value.pointer_mut(pointer)
                && let Some(whole) = whole_number(number)
            {
                *number = Value::from(whole);
            }
        }
        if !credential_holds_to_contract(&value) {
            return Err(D::Error::custom("credential outside the contract"));
        }
        serde_json::from_value(value)
            .map(Self)
            .map_err(|_| D::Error::custom("credential of the wrong shape"))
    }
}

/// The value of a JSON number without a fraction that fits `u64` (`7.0` → 7), if it is one.
fn whole_number(value: &Value) -> Option<u64> {
    let float = value.as_f64().filter(|_| !value.is_u64())?;
    // Exact for every whole f64 below 2^64; `as` saturates the rest, which the range refuses.
    (float.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&float))
        .then_some(float as u64)
}

fn credential_holds_to_contract(value: &Value) -> bool {
    let bytes_ok = CREDENTIAL_BYTES
        .iter()
        .all(|pointer| match value.pointer(pointer) {
            Some(Value::String(text)) => is_base64url(text),
            // `id` must be a string; the others are typed by webauthn-rs (`userHandle` may be
            // null).
            Some(_) => *pointer != "/id",
            None => true,
        });
    // Objects where the contract has objects (serde would also read webauthn-rs's structs from
    // arrays of their members).
    let objects_ok = ["", "/response"]
        .iter()
        .all(|pointer| value.pointer(pointer).is_some_and(Value::is_object))
        && [
            "/clientExtensionResults",
            "/extensions",
            "/clientExtensionResults/credProps",
            "/extensions/credProps",
            "/clientExtensionResults/hmac_get_secret",
            "/extensions/hmac_get_secret",
        ]
        .iter()
        .all(|pointer| {
            value
                .pointer(pointer)
                .is_none_or(|member| member.is_object() || member.is_null())
        });
    let type_ok = value
        .get("type")
        .is_none_or(|kind| kind.as_str() == Some("public-key"));
    let attachment_ok = value
        .get("authenticatorAttachment")
        .is_none_or(|attachment| attachment.is_string() || attachment.is_null());
    objects_ok && bytes_ok && type_ok && attachment_ok
}
