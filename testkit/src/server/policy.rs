//! The account policy the core caches: whether a passkey is required, which scenarios need a
//! passkey verification, and which login paths are blocked. Every policy the server returns is
//! signed (ES256 over the exact payload bytes) so that the core can cache it and detect
//! tampering; the public key is `GET /v1/policy-key`.

use std::fmt;

use axum::Json;
use axum::extract::State;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::Generate;
use rusqlite::Connection;
use serde::Serialize;

use super::catalogue::{self, LoginPath, Scenarios};
use super::db::{self, Account, Db};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::extract::Authenticated;
use super::state::{App, AppState};

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

    /// The key kept in the database under [`POLICY_KEY_NAME`]: created at the first start on a
    /// database and the same at every later start, so that devices that pinned its public key
    /// keep verifying policies after a restart.
    pub(crate) fn stored(db: &Db, now: i64) -> ApiResult<Self> {
        let secret = db.transaction(|tx| {
            db::server_key(tx, POLICY_KEY_NAME, || Self::generate().secret_bytes(), now)
        })?;
        Self::from_secret_bytes(&secret).ok_or_else(|| ApiError::new(ErrorCode::Internal))
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

/// The policy fields that are signed: the `Policy` of the contract without `signed`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PolicyBody {
    /// The account.
    pub account_id: String,
    /// The flag: password + code never yields a session, H5/third-party login are refused.
    pub passkey_required: bool,
    /// How many passkeys the account has.
    pub passkey_count: u32,
    /// The global scenario catalogue (a scenario needs a passkey iff it is on and the flag is on).
    pub scenarios: Scenarios,
    /// Login paths refused for this account.
    pub blocked_paths: Vec<&'static str>,
    /// Grows whenever the policy changes.
    pub version: i64,
    /// When the server issued this policy (its clock, unix seconds).
    pub issued_at: i64,
}

/// The server's signature over a policy.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SignedPolicy {
    /// Unpadded base64url of the exact JSON bytes of the [`PolicyBody`] that was signed.
    pub payload: String,
    /// Unpadded base64url of the ECDSA P-256 SHA-256 signature over those bytes, DER.
    pub signature: String,
}

/// The `Policy` object of the contract: the body's members plus `signed`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Policy {
    /// The policy.
    #[serde(flatten)]
    pub body: PolicyBody,
    /// The signature over the body.
    pub signed: SignedPolicy,
}

/// Whether `path` is blocked for the account: the flag is on and the global policy has not
/// reopened it.
pub fn is_blocked(conn: &Connection, account: &Account, path: LoginPath) -> ApiResult<bool> {
    Ok(account.passkey_required && !catalogue::current(conn)?.is_reopened(path))
}

/// The current policy of an account, signed with the server's policy key.
pub fn policy_of(conn: &Connection, app: &App, account_id: &str) -> ApiResult<Policy> {
    let account = db::account_by_id(conn, account_id)?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    let count = db::credential_ids_of(conn, account_id)?.len();
    let global = catalogue::current(conn)?;
    let blocked_paths = [LoginPath::H5, LoginPath::ThirdParty]
        .into_iter()
        .filter(|path| account.passkey_required && !global.is_reopened(*path))
        .map(LoginPath::as_str)
        .collect();
    let body = PolicyBody {
        account_id: account.id,
        passkey_required: account.passkey_required,
        passkey_count: u32::try_from(count).unwrap_or(u32::MAX),
        scenarios: global.scenarios,
        blocked_paths,
        version: account.policy_version,
        issued_at: app.clock.now(),
    };
    let payload = serde_json::to_vec(&body).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    let signature = app.policy_key.sign(&payload);
    Ok(Policy {
        body,
        signed: SignedPolicy {
            payload: data_encoding::BASE64URL_NOPAD.encode(&payload),
            signature: data_encoding::BASE64URL_NOPAD.encode(&signature),
        },
    })
}

/// `GET /v1/policy`.
pub async fn get(
    State(app): State<AppState>,
    Authenticated(session): Authenticated,
) -> ApiResult<Json<Policy>> {
    app.db
        .with(|conn| policy_of(conn, &app, &session.account_id))
        .map(Json)
}

/// The answer of `GET /v1/policy-key`.
#[derive(Debug, Serialize)]
pub struct PolicyKeyResponse {
    /// Always `"ES256"`.
    alg: &'static str,
    /// Unpadded base64url of the SEC1 uncompressed point (65 bytes).
    public_key: String,
}

/// `GET /v1/policy-key` (no auth): the public key that verifies `Policy.signed`.
pub async fn key(State(app): State<AppState>) -> Json<PolicyKeyResponse> {
    Json(PolicyKeyResponse {
        alg: "ES256",
        public_key: data_encoding::BASE64URL_NOPAD.encode(&app.policy_key.public_key_sec1()),
    })
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
