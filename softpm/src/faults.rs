//! What can go wrong in a ceremony, on purpose: the switches of
//! [`SoftPasswordManager::set_fault`](super::SoftPasswordManager::set_fault) and the edits that
//! turn a real response into a broken one.
//!
//! A broken response is still made by the real authenticator: the edit is applied to its output
//! afterwards (a flipped bit), or the authenticator is run with a falsified input (another
//! challenge, another origin, no user verification), so that every other part of the response
//! stays genuine and only the documented part is wrong.

use passkey_types::ctap2::AuthenticatorData;
use passkey_types::encoding::base64url;
use passkey_types::webauthn::{AuthenticatedPublicKeyCredential, CreatedPublicKeyCredential};

use bingx_passkeys_core::platform::PlatformError;

/// The origin a phishing page runs the ceremony from under [`Fault::WrongOrigin`].
pub const PHISHING_ORIGIN: &str = "https://bingx-login.example.net";
/// The rp id a phishing page claims under [`Fault::WrongOrigin`].
pub const PHISHING_RP_ID: &str = "bingx-login.example.net";

/// A failure or a broken response the software password manager produces on purpose, until the
/// fault is cleared with `set_fault(None)`.
///
/// Not `Copy` (since [`Fault::ForeignUserHandle`] carries bytes): clone it to reuse it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fault {
    /// The user dismisses the sheet: create and get fail with [`PlatformError::Cancelled`]. The
    /// authenticator really runs and the "user" refuses consent (CTAP2 `OperationDenied`).
    Cancel,
    /// Get finds no passkey at all, as if the password manager were empty:
    /// [`PlatformError::NoCredential`]. Create is not affected.
    NoCredential,
    /// No password manager on the device: create and get fail with
    /// [`PlatformError::NoPasswordManager`], signals too, and `capabilities()` reports
    /// `password_manager_available: false` with `UnavailableReason::NoPasswordManager`.
    NoPasswordManager,
    /// The password manager lacks the account it keeps passkeys in (no Google account on the
    /// device, sync off): create and get fail with [`PlatformError::AccountMissing`].
    /// `capabilities()` still reports a ready device, as on Android, where an
    /// app cannot see the accounts beforehand and the ceremony is the first to tell. Signals are
    /// not affected.
    AccountMissing,
    /// The ceremony times out: [`PlatformError::TimedOut`].
    Timeout,
    /// The ceremony is interrupted (app backgrounded): [`PlatformError::Interrupted`].
    Interrupted,
    /// The password manager ignores `userVerification: "required"` and skips biometrics: the
    /// ceremony succeeds, but the UV flag is clear in authenticatorData (UP stays set). The core
    /// and the server must refuse the response.
    NoUserVerification,
    /// The ceremony runs as a phishing page would run it: origin [`PHISHING_ORIGIN`], rp id
    /// [`PHISHING_RP_ID`], with a fooled password manager that offers the real site's passkeys.
    /// clientDataJSON's origin and authenticatorData's rpIdHash both differ from the real site's;
    /// the signature is valid over them. A passkey created this way is stored under the phishing
    /// rp id.
    WrongOrigin,
    /// Get: one bit of the signature is flipped. Create: one bit of the credential public key's
    /// x coordinate is flipped, in the attestation object's authenticatorData and, consistently,
    /// in the top-level `authenticatorData` and `publicKey` members (the key is then not a point
    /// on its curve).
    TamperSignature,
    /// clientDataJSON carries another challenge than the request's (every byte XORed with 0xA5);
    /// the signature is valid over it.
    WrongChallenge,
    /// The response's `id` names another credential than its `rawId` (the last byte of the id
    /// flipped); `rawId` and everything else are genuine.
    MismatchedRawId,
    /// Get ignores `allowCredentials`: the password manager answers with the newest passkey it
    /// holds for the rp id, whether or not the request names it — an attacker answering someone
    /// else's login (the server asked for the victim's credential ids) with their own passkey. The
    /// response is otherwise genuine and validly signed by that passkey; the relying party must
    /// refuse a credential that is not among the account's (BRIEF §5 #10). Create is not affected.
    IgnoreAllowList,
    /// Get returns these bytes as `userHandle` instead of the credential's user handle. The user
    /// handle is not covered by the signature, so the response is otherwise genuine and verifies;
    /// a relying party doing a usernameless login must check that the credential belongs to the
    /// account the user handle names (BRIEF §5 #10). Empty bytes give an empty `userHandle`
    /// member (`""`), not an absent one. Create is not affected.
    ForeignUserHandle(Vec<u8>),
}

/// Flip the lowest bit of the last byte of the public key's x coordinate, everywhere it occurs.
pub(crate) fn tamper_public_key(
    credential: &mut CreatedPublicKeyCredential,
) -> Result<(), PlatformError> {
    let x = {
        let auth_data = AuthenticatorData::from_slice(&credential.response.authenticator_data)
            .map_err(|_| tamper_failed("authenticatorData does not parse"))?;
        let key = auth_data
            .attested_credential_data
            .ok_or_else(|| tamper_failed("no attested credential data"))?
            .key;
        key.params
            .iter()
            .find_map(|(label, value)| {
                (*label == passkey_crypto::coset::Label::Int(-2))
                    .then(|| value.as_bytes().cloned())
                    .flatten()
            })
            .ok_or_else(|| tamper_failed("the public key has no x coordinate"))?
    };
    flip_last_bit_of(&mut credential.response.authenticator_data, &x)?;
    flip_last_bit_of(&mut credential.response.attestation_object, &x)?;
    if let Some(der) = credential.response.public_key.as_mut() {
        flip_last_bit_of(der, &x)?;
    }
    Ok(())
}

/// Flip the lowest bit of the signature's last byte (in an ECDSA DER signature: inside `s`, so
/// the DER still parses and only the signature value is wrong).
pub(crate) fn tamper_signature(
    credential: &mut AuthenticatedPublicKeyCredential,
) -> Result<(), PlatformError> {
    let last = credential
        .response
        .signature
        .last_mut()
        .ok_or_else(|| tamper_failed("empty signature"))?;
    *last ^= 0x01;
    Ok(())
}

/// The challenge a [`Fault::WrongChallenge`] ceremony signs instead of the request's.
pub(crate) fn other_challenge(challenge: &[u8]) -> Vec<u8> {
    challenge.iter().map(|b| b ^ 0xA5).collect()
}

/// The `id` a [`Fault::MismatchedRawId`] response carries: another credential id, same length.
pub(crate) fn mismatched_id(raw_id: &[u8]) -> String {
    let mut other = raw_id.to_vec();
    match other.last_mut() {
        Some(last) => *last ^= 0x01,
        None => other.push(0),
    }
    base64url(&other)
}

/// Flip the lowest bit of the last byte of the single occurrence of `needle` in `haystack`.
fn flip_last_bit_of(haystack: &mut [u8], needle: &[u8]) -> Result<(), PlatformError> {
    if needle.is_empty() {
        return Err(tamper_failed("empty x coordinate"));
    }
    let mut found = haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, window)| *window == needle)
        .map(|(at, _)| at);
    let (Some(at), None) = (found.next(), found.next()) else {
        return Err(tamper_failed("x coordinate not found exactly once"));
    };
    haystack[at + needle.len() - 1] ^= 0x01;
    Ok(())
}

fn tamper_failed(why: &str) -> PlatformError {
    PlatformError::Other {
        kind: "softpm.tamper_failed".to_owned(),
        message: format!("could not tamper with the response: {why}"),
    }
}
