//! The server's policy-signing key (ECDSA P-256): every policy the server returns is signed with
//! it, and `GET /v1/policy-key` publishes its public half, which devices pin.
//! [`crate::server::start`] keeps it in the database (`server_keys`) unless the configuration
//! brings one.

use std::fmt;

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::Generate;

/// The name of the policy key in the database's `server_keys`.
pub const POLICY_KEY_NAME: &str = "policy-signing";

/// The server's policy-signing key (ECDSA P-256). Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct PolicyKey(SigningKey);

impl PolicyKey {
    /// A new random key.
    pub fn generate() -> Self {
        Self(SigningKey::generate())
    }

    /// The key with this 32-byte big-endian secret scalar; `None` if it is not a valid scalar.
    pub fn from_secret_bytes(secret: &[u8]) -> Option<Self> {
        SigningKey::from_slice(secret).ok().map(Self)
    }

    /// The 32-byte big-endian secret scalar (to store the key; never print it).
    pub(crate) fn secret_bytes(&self) -> Vec<u8> {
        self.0.to_bytes().to_vec()
    }

    /// The public key as a SEC1 uncompressed point (65 bytes, `0x04 | x | y`).
    pub fn public_key_sec1(&self) -> Vec<u8> {
        VerifyingKey::from(&self.0)
            .to_sec1_point(false)
            .as_bytes()
            .to_vec()
    }

    /// ECDSA P-256 with SHA-256 over `message`, ASN.1 DER encoded.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: Signature = self.0.sign(message);
        signature.to_der().as_bytes().to_vec()
    }
}

impl fmt::Debug for PolicyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PolicyKey(<secret>)")
    }
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::signature::Verifier;

    use super::*;

    #[test]
    fn signatures_verify_with_the_published_point() {
        let key = PolicyKey::generate();
        let point = key.public_key_sec1();
        assert_eq!(point.len(), 65);
        assert_eq!(point[0], 0x04);
        let message = br#"{"account_id":"a","issued_at":1}"#;
        let der = key.sign(message);
        let verifying = VerifyingKey::from_sec1_bytes(&point).expect("point");
        let signature = Signature::from_der(&der).expect("DER");
        assert!(verifying.verify(message, &signature).is_ok());
        assert!(verifying.verify(b"tampered", &signature).is_err());
    }

    #[test]
    fn a_configured_secret_gives_the_same_key_and_debug_hides_it() {
        let secret = [7u8; 32];
        let a = PolicyKey::from_secret_bytes(&secret).expect("valid scalar");
        let b = PolicyKey::from_secret_bytes(&secret).expect("valid scalar");
        assert_eq!(a.public_key_sec1(), b.public_key_sec1());
        assert!(PolicyKey::from_secret_bytes(&[0u8; 32]).is_none());
        assert_eq!(format!("{a:?}"), "PolicyKey(<secret>)");
    }
}
