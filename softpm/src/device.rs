//! Device-bound mode ([`SoftPasswordManager::device_bound`](super::SoftPasswordManager::device_bound)):
//! the edits that turn passkey-authenticator's synced-passkey output into a device-bound
//! authenticator's.
//!
//! passkey-authenticator 0.6 sets BE and BS in every authenticatorData and has no switch for it,
//! so the flags byte is rewritten afterwards. A registration (attestation "none") carries no
//! signature: only the flags change, in the attestation object's `authData` and in the top-level
//! `authenticatorData` member alike. An assertion gets BE and BS cleared, its counter taken from the
//! vault (one more than the last, atomically), and a fresh signature over
//! `authenticatorData || SHA-256(clientDataJSON)` made with the credential's own key.

use passkey_crypto::coset::cbor::Value as Cbor;
use passkey_types::ctap2::Flags;
use passkey_types::webauthn::{AuthenticatedPublicKeyCredential, CreatedPublicKeyCredential};
use sha2_010::{Digest, Sha256};

use bingx_passkeys_core::platform::PlatformError;

use super::store::{self, SharedVault};

/// authenticatorData: rpIdHash (32) | flags (1) | signCount (4, big-endian) | ...
const FLAGS_AT: usize = 32;
const COUNTER_AT: usize = 33;
const HEADER_LEN: usize = 37;

/// Clear BE and BS in a registration response, everywhere authenticatorData occurs.
pub(crate) fn bind_registration(
    credential: &mut CreatedPublicKeyCredential,
) -> Result<(), PlatformError> {
    let original = credential.response.authenticator_data.to_vec();
    let (fmt, auth_data) =
        attestation_format_and_auth_data(&credential.response.attestation_object)?;
    if fmt != "none" || auth_data != original {
        return Err(failed(
            "the attestation object is not fmt \"none\" over the same authenticatorData",
        ));
    }
    let at = find_once(&credential.response.attestation_object, &original)?;
    clear_backup_flags(&mut credential.response.authenticator_data)?;
    let attestation_object: &mut [u8] = &mut credential.response.attestation_object;
    clear_backup_flags(
        attestation_object
            .get_mut(at..)
            .ok_or_else(|| failed("authData is out of the attestation object"))?,
    )?;
    Ok(())
}

/// Clear BE and BS in an assertion, set the next device-bound counter and sign it again.
pub(crate) fn bind_assertion(
    vault: &SharedVault,
    credential: &mut AuthenticatedPublicKeyCredential,
) -> Result<(), PlatformError> {
    let id = credential.raw_id.to_vec();
    let counter = store::lock(vault)
        .next_counter(&id)
        .ok_or_else(|| failed("the credential left the vault during the ceremony"))?;
    let auth_data: &mut [u8] = &mut credential.response.authenticator_data;
    clear_backup_flags(auth_data)?;
    auth_data
        .get_mut(COUNTER_AT..HEADER_LEN)
        .ok_or_else(|| failed("authenticatorData is too short"))?
        .copy_from_slice(&counter.to_be_bytes());

    let mut message = credential.response.authenticator_data.to_vec();
    message.extend_from_slice(&Sha256::digest(
        credential.response.client_data_json.as_slice(),
    ));
    let signature = store::lock(vault)
        .sign(&id, &message)
        .ok_or_else(|| failed("the credential's key cannot sign"))?;
    credential.response.signature = signature.into();
    Ok(())
}

fn clear_backup_flags(auth_data: &mut [u8]) -> Result<(), PlatformError> {
    if auth_data.len() < HEADER_LEN {
        return Err(failed("authenticatorData is too short"));
    }
    let flags = auth_data
        .get_mut(FLAGS_AT)
        .ok_or_else(|| failed("authenticatorData is too short"))?;
    *flags &= !(Flags::BE | Flags::BS).bits();
    Ok(())
}

/// `fmt` and `authData` of a CBOR attestation object.
fn attestation_format_and_auth_data(
    attestation_object: &[u8],
) -> Result<(String, Vec<u8>), PlatformError> {
    let value: Cbor = passkey_crypto::coset::cbor::de::from_reader(attestation_object)
        .map_err(|_| failed("the attestation object is not CBOR"))?;
    let map = value
        .as_map()
        .ok_or_else(|| failed("the attestation object is not a map"))?;
    let get = |key: &str| {
        map.iter()
            .find(|(k, _)| k.as_text() == Some(key))
            .map(|(_, v)| v)
    };
    let fmt = get("fmt")
        .and_then(Cbor::as_text)
        .ok_or_else(|| failed("the attestation object has no fmt"))?;
    let auth_data = get("authData")
        .and_then(Cbor::as_bytes)
        .ok_or_else(|| failed("the attestation object has no authData"))?;
    Ok((fmt.to_owned(), auth_data.clone()))
}

/// Where the single occurrence of `needle` starts in `haystack`.
fn find_once(haystack: &[u8], needle: &[u8]) -> Result<usize, PlatformError> {
    if needle.is_empty() {
        return Err(failed("empty authenticatorData"));
    }
    let mut found = haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, window)| *window == needle)
        .map(|(at, _)| at);
    match (found.next(), found.next()) {
        (Some(at), None) => Ok(at),
        _ => Err(failed(
            "authData not found exactly once in the attestation object",
        )),
    }
}

fn failed(why: &str) -> PlatformError {
    PlatformError::Other {
        kind: "softpm.device_bound_failed".to_owned(),
        message: format!("could not make the response device-bound: {why}"),
    }
}
