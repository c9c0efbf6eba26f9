//! The Passkeys page's facts: a passkey as the contract shows it (`Passkey`), the list of an
//! account's passkeys, and the rule for their names.

use rusqlite::Connection;
use serde::Serialize;

use super::aaguid::AaguidTable;
use super::db::{self, PasskeyRow};
use super::error::{ApiError, ApiResult};
use super::input;

/// The `Passkey` object of the contract.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PasskeyView {
    /// Unpadded base64url credential id.
    pub credential_id: String,
    /// User-visible name (defaults to the provider name).
    pub name: String,
    /// The authenticator's AAGUID, hyphenated lowercase.
    pub aaguid: String,
    /// Password-manager name from the AAGUID table.
    pub provider: String,
    /// Whether the AAGUID is in the table.
    pub provider_known: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last sign-in with it, `null` until used.
    pub last_used_at: Option<i64>,
    /// BE flag: may be synced.
    pub backup_eligible: bool,
    /// BS flag: synced now.
    pub backed_up: bool,
    /// Transport hints the client reported.
    pub transports: Vec<String>,
    /// The signature counter as last verified: 0 for synced passkeys (they do not count), the
    /// authenticator's count for device-bound ones.
    pub sign_count: u32,
    /// How many verified assertions it made (sign-ins and verifications).
    pub use_count: u64,
}

impl PasskeyView {
    /// The view of a stored passkey.
    pub fn new(row: &PasskeyRow, aaguids: &AaguidTable) -> Self {
        let provider = aaguids.provider(row.aaguid);
        Self {
            credential_id: data_encoding::BASE64URL_NOPAD.encode(&row.credential_id),
            name: row.name.clone(),
            aaguid: row.aaguid.hyphenated().to_string(),
            provider: provider.name,
            provider_known: provider.known,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            backup_eligible: row.backup_eligible,
            backed_up: row.backed_up,
            transports: row.transports.clone(),
            sign_count: row.sign_count,
            use_count: row.use_count,
        }
    }
}

/// Every passkey of the account, oldest first.
pub fn views_of(
    conn: &Connection,
    account_id: &str,
    aaguids: &AaguidTable,
) -> ApiResult<Vec<PasskeyView>> {
    Ok(db::passkeys_of(conn, account_id)?
        .iter()
        .map(|row| PasskeyView::new(row, aaguids))
        .collect())
}

/// Whether the account could lose its only way in with one phone (BRIEF §7, the contract's
/// `PasskeyHealth`): at risk when it has exactly one passkey, or when every passkey is device-bound
/// (not backup eligible: it dies with the phone). Never blocks anything; the app shows the reason
/// and the action, and a nudge until the user dismisses it for a while.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PasskeyHealth {
    /// One lost or reset phone could leave the account without a passkey.
    pub at_risk: bool,
    /// Why, most important first: `device_bound_only`, `single_passkey`.
    pub reasons: Vec<&'static str>,
    /// What to do: `add_synced_passkey` (every passkey is device-bound) or
    /// `add_second_password_manager` (one synced passkey); `null` when not at risk.
    pub action: Option<&'static str>,
    /// Show the "add a second passkey" nudge now: at risk and not dismissed lately.
    pub nudge: bool,
}

/// The health of `account_id`'s passkeys at `now` (no passkey: nothing at risk, nothing to
/// nudge; the Passkeys page offers Enable instead).
pub fn health_of(conn: &Connection, account_id: &str, now: i64) -> ApiResult<PasskeyHealth> {
    let passkeys = db::passkeys_of(conn, account_id)?;
    let mut reasons = Vec::new();
    if !passkeys.is_empty() && passkeys.iter().all(|p| !p.backup_eligible) {
        reasons.push("device_bound_only");
    }
    if passkeys.len() == 1 {
        reasons.push("single_passkey");
    }
    let action = match reasons.first() {
        Some(&"device_bound_only") => Some("add_synced_passkey"),
        Some(_) => Some("add_second_password_manager"),
        None => None,
    };
    let at_risk = !reasons.is_empty();
    Ok(PasskeyHealth {
        at_risk,
        nudge: at_risk && db::nudge_dismissed_until(conn, account_id)? <= now,
        reasons,
        action,
    })
}

/// The account as its passkeys name it: the WebAuthn user handle and the names the registration
/// gave the password manager (the contract's `PasskeyUser`). Apps pass it to the password
/// manager's signals (all accepted credentials, current user details).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PasskeyUser {
    /// The user handle (the account's UUID, 16 bytes), unpadded base64url.
    pub id: String,
    /// The account name (the email).
    pub name: String,
    /// The display name (the email).
    pub display_name: String,
}

/// The passkey user of `account_id`, or 401 `UNAUTHENTICATED` when the account is gone.
pub fn user_of(conn: &Connection, account_id: &str) -> ApiResult<PasskeyUser> {
    let account = db::account_by_id(conn, account_id)?
        .ok_or_else(|| ApiError::new(super::error::ErrorCode::Unauthenticated))?;
    Ok(PasskeyUser {
        id: data_encoding::BASE64URL_NOPAD.encode(account.user_handle.as_bytes()),
        name: account.email.clone(),
        display_name: account.email,
    })
}

/// Longest passkey name, in characters.
const MAX_NAME_CHARS: usize = 64;

/// A passkey name as stored (trimmed); 400 `BAD_REQUEST` unless, as sent, 1 to 64 characters
/// without control characters and not only white space (the contract's `PasskeyName`).
pub fn valid_name(name: &str) -> ApiResult<String> {
    if !input::valid_text(name, MAX_NAME_CHARS) || name.trim().is_empty() {
        return Err(ApiError::bad_request(
            "A passkey name must be 1 to 64 characters, not only spaces, without control characters.",
        ));
    }
    Ok(name.trim().to_owned())
}
