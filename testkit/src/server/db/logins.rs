//! Password logins waiting for their second factor (`login_attempts`).

use rusqlite::{Connection, OptionalExtension, params};

use super::devices::make_room;
use super::{PENDING_SIGN_INS_PER_KNOWN_DEVICE, SignInRoom, sign_in_room};
use crate::server::error::ApiResult;

/// A pending password login.
#[derive(Debug, Clone)]
pub struct LoginAttempt {
    pub id: String,
    pub account_id: String,
    pub device_id: String,
    /// The room it was begun in (`SignInRoom`), if an install key came with it.
    pub room: Option<String>,
    pub email_code: Vec<u8>,
    pub sms_code: Option<Vec<u8>>,
    pub failures: i64,
    pub expires_at: i64,
}

/// Most pending password logins kept per account from devices it has not signed in from: a new
/// one ends the oldest of those. A device the account has signed in from keeps its own few apart
/// ([`SignInRoom`]). A storage bound above what the code-send bound lets anyone begin while a
/// login waits for its code (each sends one: 20 per room in 15 minutes, 60 in all; a login waits
/// 5 minutes), so that whoever holds the password cannot end the owner's waiting login by
/// signing in again and again.
pub const MAX_LOGIN_ATTEMPTS_PER_ACCOUNT: i64 = 64;

/// Stores a pending login; drops the pending logins (of every account) that expired over an hour
/// ago, and the oldest of its room beyond [`MAX_LOGIN_ATTEMPTS_PER_ACCOUNT`] (a device the account
/// has not signed in from) or [`PENDING_SIGN_INS_PER_KNOWN_DEVICE`] (one it has); their pending
/// device descriptions go with them.
pub fn insert_login_attempt(conn: &Connection, attempt: &LoginAttempt, now: i64) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM login_attempts WHERE expires_at <= ?1")?
        .execute([now.saturating_sub(super::EXPIRED_KEPT_SECS)])?;
    conn.prepare_cached(
        "INSERT INTO login_attempts (id, account_id, device_id, room, email_code, sms_code,
                                     expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        attempt.id,
        attempt.account_id,
        attempt.device_id,
        attempt.room,
        attempt.email_code,
        attempt.sms_code,
        attempt.expires_at
    ])?;
    let room = sign_in_room(conn, &attempt.account_id, attempt.room.as_deref())?;
    let keep = match room {
        SignInRoom::KnownDevice(_) => PENDING_SIGN_INS_PER_KNOWN_DEVICE,
        SignInRoom::Shared => MAX_LOGIN_ATTEMPTS_PER_ACCOUNT,
    };
    make_room(
        conn,
        "login_attempts",
        "1",
        "rowid DESC",
        &attempt.account_id,
        room,
        keep,
    )
}

/// A pending login by id.
pub fn login_attempt(conn: &Connection, id: &str) -> ApiResult<Option<LoginAttempt>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, account_id, device_id, email_code, sms_code, failures, expires_at, room
             FROM login_attempts WHERE id = ?1",
        )?
        .query_row([id], |row| {
            Ok(LoginAttempt {
                id: row.get(0)?,
                account_id: row.get(1)?,
                device_id: row.get(2)?,
                room: row.get(7)?,
                email_code: row.get(3)?,
                sms_code: row.get(4)?,
                failures: row.get(5)?,
                expires_at: row.get(6)?,
            })
        })
        .optional()?)
}

/// Counts a wrong code.
pub fn count_login_failure(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.prepare_cached("UPDATE login_attempts SET failures = failures + 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Removes a pending login; `false` if it was already gone (used concurrently).
pub fn delete_login_attempt(conn: &Connection, id: &str) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM login_attempts WHERE id = ?1")?
        .execute([id])?
        == 1)
}

/// Deletes every pending password login of the account.
pub fn delete_login_attempts_of(conn: &Connection, account_id: &str) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM login_attempts WHERE account_id = ?1")?
        .execute([account_id])?;
    Ok(())
}
