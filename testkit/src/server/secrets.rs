//! Generation and hashing of the secrets the server hands out or receives: bearer tokens,
//! one-time codes and passwords. Tokens and codes are stored only as SHA-256 digests,
//! passwords only as Argon2id hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use sha2_010::{Digest, Sha256};

/// A new random identifier or bearer token: 32 random bytes, unpadded base64url.
pub fn new_token() -> String {
    data_encoding::BASE64URL_NOPAD.encode(&rand::random::<[u8; 32]>())
}

/// A new 6-digit one-time code.
pub fn new_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// SHA-256 of a token or code, as stored in the database.
pub fn digest(secret: &str) -> Vec<u8> {
    digest_bytes(secret.as_bytes())
}

/// What the server shows of a device id: the first 8 hex digits of its SHA-256, enough to tell
/// an account's devices apart (an app computes its own to find itself), and nothing of the id.
/// The id is what the pending sign-ins of a device the account has signed in from are kept apart
/// by (`db::SignInRoom`): shown whole, a session's list or the security activity would hand it
/// to whoever holds a session.
pub fn device_hint(device_id: &str) -> String {
    Sha256::digest(device_id.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The room an install key names (`db::SignInRoom`): its SHA-256, in hex.
pub fn room_of(install_key: &str) -> String {
    Sha256::digest(install_key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// SHA-256 of bytes.
pub fn digest_bytes(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// SHA-256 of a one-time code bound to what it was issued for, so equal codes for different
/// logins or step-ups don't share a digest.
pub fn code_digest(owner_id: &str, code: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(owner_id.as_bytes());
    hasher.update([0u8]);
    hasher.update(code.as_bytes());
    hasher.finalize().to_vec()
}

/// Constant-time comparison of two digests.
pub fn digests_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Argon2id hash (PHC string) of a password. Slow on purpose: call off the async threads.
pub fn hash_password(password: &str) -> Option<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).ok()?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .ok()
        .map(|hash| hash.to_string())
}

/// Checks a password against a stored Argon2 PHC string. Slow on purpose.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A well-formed hash of no real password, checked against when the email is unknown so an
/// unknown email and a wrong password take the same time.
pub fn dummy_password_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4z8cV1wDq0yXbqcb5h3Mh5m2tcm8l0W5hZ0ZJ0Xq1mA"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a phc string"));
        assert!(PasswordHash::new(dummy_password_hash()).is_ok());
        assert!(!verify_password("x", dummy_password_hash()));
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..100 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(new_token().len(), 43);
    }
}
