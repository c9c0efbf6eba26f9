//! Step-up tokens: what a step-up can authorise, and the check of a token before the change it
//! authorises. A step-up is a re-verification with the account's current factors (password plus an
//! email/SMS or TOTP code, `routes/step_up.rs`) that yields a short-lived token bound to the
//! session and a purpose. A session alone can never add a passkey (BRIEF §5 #4).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::db::{self, Session, StepUp};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::secrets;

/// What a step-up can authorise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Adding a passkey (J1 Enable, J5 add another).
    PasskeyRegistration,
    /// Changing a security setting (the password) while the requirement is off.
    SecuritySettings,
}

impl Purpose {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::PasskeyRegistration => "passkey_registration",
            Purpose::SecuritySettings => "security_settings",
        }
    }
}

/// The step-up that `token` names, if it is finished, unconsumed, unexpired, and bound to this
/// session and purpose; otherwise 403 `STEP_UP_REQUIRED`.
pub fn authorised(
    conn: &Connection,
    token: Option<&str>,
    session: &Session,
    purpose: Purpose,
    now: i64,
) -> ApiResult<StepUp> {
    let required = || ApiError::new(ErrorCode::StepUpRequired);
    let token = token
        .filter(|t| !t.is_empty() && t.len() <= 512)
        .ok_or_else(required)?;
    db::step_up_by_token(conn, &secrets::digest(token))?
        .filter(|s| {
            s.session_id == session.id
                && s.account_id == session.account_id
                && s.purpose == purpose.as_str()
                && !s.consumed
                && s.token_expires_at.is_some_and(|at| at > now)
        })
        .ok_or_else(required)
}
