//! Support resets (`resets`, `reset_tokens`, `recoveries`): the requests themselves, the tokens
//! that follow them (digests only), and the reset requests waiting for their code.

use rusqlite::{Connection, OptionalExtension, params};

use crate::server::error::ApiResult;

/// A reset row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetRow {
    pub id: String,
    pub account_id: String,
    /// `pending`, `approved`, `cancelled`, `rejected` or `expired`.
    pub status: String,
    pub requested_at: i64,
    pub approvable_at: i64,
    pub hold_until: Option<i64>,
}

const RESET_COLUMNS: &str = "id, account_id, status, requested_at, approvable_at, hold_until";

fn reset_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ResetRow> {
    Ok(ResetRow {
        id: row.get(0)?,
        account_id: row.get(1)?,
        status: row.get(2)?,
        requested_at: row.get(3)?,
        approvable_at: row.get(4)?,
        hold_until: row.get(5)?,
    })
}

/// Stores a new pending reset; `Ok(false)` when the account already has a pending one (unique
/// index).
pub fn insert_reset(conn: &Connection, reset: &ResetRow) -> ApiResult<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO resets (id, account_id, status, requested_at, approvable_at, hold_until)
             VALUES (?1, ?2, 'pending', ?3, ?4, NULL)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            reset.id,
            reset.account_id,
            reset.requested_at,
            reset.approvable_at
        ])?;
    Ok(n == 1)
}

/// A reset by id.
pub fn reset(conn: &Connection, id: &str) -> ApiResult<Option<ResetRow>> {
    let sql = format!("SELECT {RESET_COLUMNS} FROM resets WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], reset_from_row)
        .optional()?)
}

/// The account's pending reset, if any.
pub fn pending_reset_of(conn: &Connection, account_id: &str) -> ApiResult<Option<ResetRow>> {
    let sql =
        format!("SELECT {RESET_COLUMNS} FROM resets WHERE account_id = ?1 AND status = 'pending'");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([account_id], reset_from_row)
        .optional()?)
}

/// The account's last 100 resets, newest first.
pub fn resets_of(conn: &Connection, account_id: &str) -> ApiResult<Vec<ResetRow>> {
    let sql = format!(
        "SELECT {RESET_COLUMNS} FROM resets WHERE account_id = ?1
         ORDER BY requested_at DESC, rowid DESC LIMIT 100"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([account_id], reset_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Ends a pending reset as `cancelled`; `false` if it was not pending.
pub fn cancel_reset(conn: &Connection, id: &str) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE resets SET status = 'cancelled' WHERE id = ?1 AND status = 'pending'",
        )?
        .execute([id])?
        == 1)
}

/// Ends a pending reset as `rejected` (the back office refused it); `false` if it was not
/// pending.
pub fn reject_reset(conn: &Connection, id: &str) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE resets SET status = 'rejected' WHERE id = ?1 AND status = 'pending'",
        )?
        .execute([id])?
        == 1)
}

/// Ends as `expired` the account's pending reset if it was first requested at or before
/// `requested_by`; whether one was.
pub fn expire_reset_of(conn: &Connection, account_id: &str, requested_by: i64) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE resets SET status = 'expired'
             WHERE account_id = ?1 AND status = 'pending' AND requested_at <= ?2",
        )?
        .execute(params![account_id, requested_by])?
        == 1)
}

/// Ends a pending reset as `approved` with the hold it started; `false` if it was not pending.
pub fn approve_reset(conn: &Connection, id: &str, hold_until: i64) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE resets SET status = 'approved', hold_until = ?2
             WHERE id = ?1 AND status = 'pending'",
        )?
        .execute(params![id, hold_until])?
        == 1)
}

/// Most tokens kept per reset request: each finish of the request (its first, and each repeat
/// after a lost answer) adds one, and only the request's newest follow the reset. Bounded per
/// request, so that repeating one request's finish never pushes out the token of another device
/// that asked for the same reset (review, 2026-12-05: sixteen repeats used to end the token of
/// the phone that really asked, which then stopped following its reset).
pub const MAX_TOKENS_PER_REQUEST: i64 = 4;

/// Most tokens kept per reset, across its requests: a storage bound only. Reaching it takes this
/// many code-verified requests, each one told to the owner by email and phone.
pub const MAX_TOKENS_PER_RESET: i64 = 256;

/// Most reset requests waiting for their code per account from devices it has not signed in from:
/// a new one ends the oldest of those (those that filed a reset stay, for the repeat of their
/// finish, until they expire; a device the account has signed in from keeps its own few apart,
/// [`super::SignInRoom`]). A storage bound above what the code-send bound lets anyone begin
/// while a request waits (every request sends a code: 20 per room in 15 minutes, 60 in all, and
/// a request waits 5 minutes), so that whoever holds the password cannot end the owner's
/// request, whose code is on its way, by asking again and again.
pub const MAX_RECOVERIES_PER_ACCOUNT: i64 = 64;

/// Stores a token that follows `reset_id`, under its digest, for the finish of reset request
/// `recovery_id`; the request keeps its newest [`MAX_TOKENS_PER_REQUEST`] and the reset its newest
/// [`MAX_TOKENS_PER_RESET`] (a finish repeated again and again, each repeat answered with a fresh
/// token, grows nothing and ends no other request's token).
pub fn insert_reset_token(
    conn: &Connection,
    token_hash: &[u8],
    reset_id: &str,
    recovery_id: &str,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO reset_tokens (token_hash, reset_id, recovery_id) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![token_hash, reset_id, recovery_id])?;
    super::keep_newest(
        conn,
        "reset_tokens",
        "recovery_id = ?1",
        recovery_id,
        MAX_TOKENS_PER_REQUEST,
    )?;
    super::keep_newest(
        conn,
        "reset_tokens",
        "reset_id = ?1",
        reset_id,
        MAX_TOKENS_PER_RESET,
    )
}

/// The reset a token digest follows.
pub fn reset_by_token(conn: &Connection, token_hash: &[u8]) -> ApiResult<Option<ResetRow>> {
    let sql = "SELECT r.id, r.account_id, r.status, r.requested_at, r.approvable_at, r.hold_until
               FROM resets r JOIN reset_tokens t ON t.reset_id = r.id WHERE t.token_hash = ?1";
    Ok(conn
        .prepare_cached(sql)?
        .query_row([token_hash], reset_from_row)
        .optional()?)
}

/// A reset request waiting for its code.
#[derive(Debug, Clone)]
pub struct Recovery {
    pub id: String,
    pub account_id: String,
    pub device_id: String,
    /// The room it was begun in (`SignInRoom`), if an install key came with it.
    pub room: Option<String>,
    pub email_code: Vec<u8>,
    pub sms_code: Option<Vec<u8>>,
    pub failures: i64,
    pub expires_at: i64,
    /// The reset a right code filed (or found pending), once it has: a repeat of that finish
    /// (its answer lost) is answered with the same reset.
    pub reset_id: Option<String>,
}

/// Drops the reset requests (of every account) that expired over an hour ago.
fn sweep_recoveries(conn: &Connection, now: i64) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM recoveries WHERE expires_at <= ?1")?
        .execute([now.saturating_sub(super::EXPIRED_KEPT_SECS)])?;
    Ok(())
}

/// Stores a reset request waiting for its code; drops the requests (of every account) that
/// expired over an hour ago, and the oldest of its room still waiting beyond
/// [`MAX_RECOVERIES_PER_ACCOUNT`] (a device the account has not signed in from) or
/// [`super::PENDING_SIGN_INS_PER_KNOWN_DEVICE`] (one it has).
pub fn insert_recovery(conn: &Connection, recovery: &Recovery, now: i64) -> ApiResult<()> {
    sweep_recoveries(conn, now)?;
    conn.prepare_cached(
        "INSERT INTO recoveries (id, account_id, device_id, room, email_code, sms_code, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        recovery.id,
        recovery.account_id,
        recovery.device_id,
        recovery.room,
        recovery.email_code,
        recovery.sms_code,
        recovery.expires_at
    ])?;
    let room = super::sign_in_room(conn, &recovery.account_id, recovery.room.as_deref())?;
    let keep = match room {
        super::SignInRoom::KnownDevice(_) => super::PENDING_SIGN_INS_PER_KNOWN_DEVICE,
        super::SignInRoom::Shared => MAX_RECOVERIES_PER_ACCOUNT,
    };
    super::devices::make_room(
        conn,
        "recoveries",
        "reset_id IS NULL",
        "rowid DESC",
        &recovery.account_id,
        room,
        keep,
    )
}

/// A reset request waiting for its code, by id.
pub fn recovery(conn: &Connection, id: &str) -> ApiResult<Option<Recovery>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, account_id, device_id, email_code, sms_code, failures, expires_at, reset_id,
                    room
             FROM recoveries WHERE id = ?1",
        )?
        .query_row([id], |row| {
            Ok(Recovery {
                id: row.get(0)?,
                account_id: row.get(1)?,
                device_id: row.get(2)?,
                room: row.get(8)?,
                email_code: row.get(3)?,
                sms_code: row.get(4)?,
                failures: row.get(5)?,
                expires_at: row.get(6)?,
                reset_id: row.get(7)?,
            })
        })
        .optional()?)
}

/// Counts a wrong code.
pub fn count_recovery_failure(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.prepare_cached("UPDATE recoveries SET failures = failures + 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Records that reset request `id` filed (or found) reset `reset_id`, and drops those long
/// expired; `false` if it had already (used concurrently).
pub fn mark_recovery_used(
    conn: &Connection,
    id: &str,
    reset_id: &str,
    now: i64,
) -> ApiResult<bool> {
    let n = conn
        .prepare_cached("UPDATE recoveries SET reset_id = ?2 WHERE id = ?1 AND reset_id IS NULL")?
        .execute(params![id, reset_id])?;
    sweep_recoveries(conn, now)?;
    Ok(n == 1)
}

/// Removes a reset request waiting for its code (and those long expired); `false` if it was
/// already gone (used concurrently).
pub fn delete_recovery(conn: &Connection, id: &str, now: i64) -> ApiResult<bool> {
    let n = conn
        .prepare_cached("DELETE FROM recoveries WHERE id = ?1")?
        .execute([id])?;
    sweep_recoveries(conn, now)?;
    Ok(n == 1)
}

/// Ends the account's reset requests still waiting for their code (a password change: they were
/// begun with the password it replaces); those that filed a reset stay, for their repeats.
pub fn delete_open_recoveries_of(conn: &Connection, account_id: &str) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM recoveries WHERE account_id = ?1 AND reset_id IS NULL")?
        .execute([account_id])?;
    Ok(())
}
