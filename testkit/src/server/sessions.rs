//! Sessions: the one place a session is opened, and what a sign-in step answers.
//!
//! Every session the server hands out is opened by [`open_session`], inside the SQLite
//! transaction that decides it: the account is read again there and its passkey flag checked
//! against what the sign-in proved ([`SignedInWith`]). A passkey is always enough; a code or a
//! trust mark never is for a flagged account; a third-party token only while the global policy has
//! reopened that path.

use rusqlite::Transaction;
use serde::Serialize;
use uuid::Uuid;

use super::catalogue::LoginPath;
use super::clock::secs;
use super::codes::Factor;
use super::db::{self, Session};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::policy;
use super::secrets;
use super::state::App;

/// What a new session rests on: the factor the sign-in proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedInWith {
    /// A verified passkey assertion (J2's passkey step, J3 usernameless): always enough.
    Passkey,
    /// Password plus an email/SMS/TOTP code: never enough for a flagged account.
    Code,
    /// Password plus a "trust this device" mark: never enough for a flagged account.
    TrustedDevice,
    /// A third-party identity provider's id token: enough for a flagged account only while the
    /// global policy has reopened third-party login.
    ThirdParty,
}

impl SignedInWith {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SignedInWith::Passkey => "passkey",
            SignedInWith::Code => "code",
            SignedInWith::TrustedDevice => "trusted_device",
            SignedInWith::ThirdParty => "third_party",
        }
    }
}

/// Opens a session for the account on `device_id` and returns the bearer token. Every session
/// the server hands out is opened here, inside the transaction that decides it: the account is
/// read again in `tx` and the passkey flag checked against `with`, so an Enable that commits
/// while a sign-in is under way (its revocation of every other session and trust mark) is either
/// seen here or sees this session. SQLite runs one transaction at a time on the one connection.
pub fn open_session(
    tx: &Transaction<'_>,
    app: &App,
    account_id: &str,
    device_id: &str,
    with: SignedInWith,
) -> ApiResult<String> {
    let account = db::account_by_id(tx, account_id)?
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidCredentials))?;
    let allowed = match with {
        SignedInWith::Passkey => true,
        SignedInWith::Code | SignedInWith::TrustedDevice => !account.passkey_required,
        SignedInWith::ThirdParty => !policy::is_blocked(tx, &account, LoginPath::ThirdParty)?,
    };
    if !allowed {
        return Err(ApiError::new(match with {
            SignedInWith::ThirdParty => ErrorCode::ThirdPartyLoginBlocked,
            _ => ErrorCode::PasskeyRequired,
        }));
    }
    let now = app.clock.now();
    let token = secrets::new_token();
    app.note_secret(&token);
    let session = Session {
        id: Uuid::new_v4().to_string(),
        account_id: account.id,
        device_id: device_id.to_owned(),
    };
    let expires_at = now.saturating_add(secs(app.config.session_ttl));
    db::insert_session(
        tx,
        &session,
        &secrets::digest(&token),
        with.as_str(),
        now,
        expires_at,
    )?;
    Ok(token)
}

/// The answer to a login step.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LoginResponse {
    /// A second factor is needed.
    CodeRequired {
        /// Names this login attempt in `/v1/login/code`.
        login_id: String,
        /// Factors the account can use.
        factors: Vec<Factor>,
    },
    /// Signed in.
    SignedIn {
        /// Bearer token.
        session_token: String,
        /// The account.
        account_id: String,
        /// A "trust this device" mark, when asked for.
        #[serde(skip_serializing_if = "Option::is_none")]
        trust_token: Option<String>,
    },
    /// The account is protected by a passkey: no code is sent; the login goes on with a passkey
    /// assertion at `POST /v1/login/passkey`.
    PasskeyRequired {
        /// Names this login in `/v1/login/passkey` (single use, expires with the ceremony).
        login_id: String,
        /// `PublicKeyCredentialRequestOptionsJSON` listing the account's passkeys.
        options: serde_json::Value,
    },
}
