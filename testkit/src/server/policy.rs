//! The account policy the core caches: whether a passkey is required, which scenarios need a
//! passkey verification, and which login paths are blocked. Every policy the server returns is
//! signed (ES256 over the exact payload bytes) so that the core can cache it and detect
//! tampering; the public key is `GET /v1/policy-key`.

use rusqlite::Connection;
use serde::Serialize;

use super::catalogue::{LoginPath, Scenarios};
use super::db::{self, Account};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::state::App;

/// The policy fields that are signed: the `Policy` of the contract without `signed`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PolicyBody {
    /// The account.
    pub account_id: String,
    /// The account's email (as stored: trimmed, lower case). A sign-in's answer is signed for the
    /// account of the email typed: a client compares the two, so a policy signed for a sign-in
    /// of another account (whose request echoed the same nonce) does not pass for this one.
    pub email: String,
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
    /// The request's `X-Policy-Nonce`, echoed (absent when it carried none): a client accepts a
    /// policy that lifts the requirement only with the nonce of its own request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
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
    Ok(account.passkey_required && !db::global_policy(conn)?.is_reopened(path))
}

/// The current policy of an account, signed with the server's policy key; `nonce` is the
/// request's `X-Policy-Nonce` (`extract::PolicyNonce`), signed in as it came.
pub fn policy_of(
    conn: &Connection,
    app: &App,
    account_id: &str,
    nonce: Option<&str>,
) -> ApiResult<Policy> {
    let account = db::account_by_id(conn, account_id)?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    let count = db::passkey_count(conn, account_id)?;
    let global = db::global_policy(conn)?;
    let blocked_paths = [LoginPath::H5, LoginPath::ThirdParty]
        .into_iter()
        .filter(|path| account.passkey_required && !global.is_reopened(*path))
        .map(LoginPath::as_str)
        .collect();
    let body = PolicyBody {
        account_id: account.id,
        email: account.email,
        passkey_required: account.passkey_required,
        passkey_count: u32::try_from(count).unwrap_or(u32::MAX),
        scenarios: global.scenarios,
        blocked_paths,
        version: account.policy_version,
        issued_at: app.clock.now(),
        nonce: nonce.map(str::to_owned),
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
