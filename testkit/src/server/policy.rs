//! The account policy the core caches: whether a passkey is required, which scenarios need a
//! passkey verification, and which login paths are blocked.

use axum::Json;
use axum::extract::State;
use rusqlite::Connection;
use serde::Serialize;

use super::db;
use super::error::{ApiError, ApiResult, ErrorCode};
use super::extract::Authenticated;
use super::state::AppState;

/// Which scenarios need a fresh passkey verification (J6). Phase policy: login only.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Scenarios {
    /// Login (on by default).
    pub login: bool,
    /// Withdrawal.
    pub withdrawal: bool,
    /// Security-setting changes.
    pub security_settings: bool,
    /// API-key management.
    pub api_keys: bool,
}

/// The `Policy` object of the contract.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Policy {
    /// The account.
    pub account_id: String,
    /// The flag: password + code never yields a session, H5/third-party login are refused.
    pub passkey_required: bool,
    /// How many passkeys the account has.
    pub passkey_count: u32,
    /// Scenarios that need a passkey verification.
    pub scenarios: Scenarios,
    /// Login paths refused for this account.
    pub blocked_paths: Vec<&'static str>,
    /// Grows whenever the policy changes.
    pub version: i64,
}

/// The current policy of an account.
pub fn policy_of(conn: &Connection, account_id: &str) -> ApiResult<Policy> {
    let account = db::account_by_id(conn, account_id)?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    let count = db::credential_ids_of(conn, account_id)?.len();
    let blocked_paths = if account.passkey_required {
        vec!["h5_login", "third_party_login"]
    } else {
        Vec::new()
    };
    Ok(Policy {
        account_id: account.id,
        passkey_required: account.passkey_required,
        passkey_count: u32::try_from(count).unwrap_or(u32::MAX),
        scenarios: Scenarios {
            login: true,
            withdrawal: false,
            security_settings: false,
            api_keys: false,
        },
        blocked_paths,
        version: account.policy_version,
    })
}

/// `GET /v1/policy`.
pub async fn get(
    State(app): State<AppState>,
    Authenticated(session): Authenticated,
) -> ApiResult<Json<Policy>> {
    app.db
        .with(|conn| policy_of(conn, &session.account_id))
        .map(Json)
}
