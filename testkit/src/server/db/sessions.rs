//! Sessions and "trust this device" marks (`sessions`, `trusted_devices`), each stored under the
//! digest of its token.

use rusqlite::{Connection, OptionalExtension, params};

use super::EXPIRED_KEPT_SECS;
use crate::server::error::ApiResult;

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub account_id: String,
    pub device_id: String,
    /// The room of the device it was opened on (`SignInRoom`), if its sign-in sent an install key.
    pub room: Option<String>,
}

/// How many ended sessions one sign-in sweeps at most (see [`insert_session`]).
const SWEPT_PER_SIGN_IN: i64 = 32;

/// The tables whose rows are bound to a session (and end with it).
const BOUND_TO_A_SESSION: [&str; 4] = ["step_ups", "ceremonies", "assertions", "proofs"];

/// Stores a session under the digest of its token, and drops a few sessions that expired more
/// than an hour ago with what was bound to them (step-ups, ceremonies, proofs), so the table
/// holds about one session lifetime of sign-ins, not every sign-in ever made. A dropped
/// session's token was refused before as it is after: expired and unknown tokens get the same
/// 401.
/// `signed_in_with` names the factor the session rests on (`passkey`, `code`, `trusted_device`,
/// `third_party`), for audits and the invariant checks of the fault tests.
pub fn insert_session(
    conn: &Connection,
    session: &Session,
    token_hash: &[u8],
    signed_in_with: &str,
    credential_id: Option<&[u8]>,
    now: i64,
    expires_at: i64,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO sessions (id, token_hash, account_id, device_id, created_at, expires_at,
                               signed_in_with, credential_id, room)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        session.id,
        token_hash,
        session.account_id,
        session.device_id,
        now,
        expires_at,
        signed_in_with,
        credential_id,
        session.room
    ])?;
    sweep_ended_sessions(conn, now.saturating_sub(EXPIRED_KEPT_SECS))
}

/// Drops up to [`SWEPT_PER_SIGN_IN`] sessions that expired at or before `cutoff`, and the rows
/// bound to them first (their foreign keys).
fn sweep_ended_sessions(conn: &Connection, cutoff: i64) -> ApiResult<()> {
    let ended: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM sessions WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2",
        )?
        .query_map(params![cutoff, SWEPT_PER_SIGN_IN], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ended {
        for table in BOUND_TO_A_SESSION {
            conn.prepare_cached(&format!("DELETE FROM {table} WHERE session_id = ?1"))?
                .execute([id])?;
        }
        conn.prepare_cached("DELETE FROM sessions WHERE id = ?1")?
            .execute([id])?;
    }
    Ok(())
}

/// Revokes the account's live sessions opened with the passkey `credential_id` (it was
/// deleted), but `keep` (the session deleting it); the number revoked.
pub fn revoke_sessions_of_passkey(
    conn: &Connection,
    account_id: &str,
    credential_id: &[u8],
    keep: &str,
    now: i64,
) -> ApiResult<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE sessions SET revoked_at = ?4
             WHERE account_id = ?1 AND credential_id = ?2 AND id != ?3 AND revoked_at IS NULL",
        )?
        .execute(params![account_id, credential_id, keep, now])?)
}

/// The live (unrevoked, unexpired) session with this token digest.
pub fn live_session(conn: &Connection, token_hash: &[u8], now: i64) -> ApiResult<Option<Session>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, account_id, device_id, room FROM sessions
             WHERE token_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2",
        )?
        .query_row(params![token_hash, now], session_from_row)
        .optional()?)
}

fn session_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: row.get(0)?,
        account_id: row.get(1)?,
        device_id: row.get(2)?,
        room: row.get(3)?,
    })
}

/// Gives the session `id`, opened without a room, the room `room`; `false` if it had one.
pub fn set_session_room(conn: &Connection, id: &str, room: &str) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached("UPDATE sessions SET room = ?2 WHERE id = ?1 AND room IS NULL")?
        .execute(params![id, room])?
        == 1)
}

/// The session `id` if it is still live (unrevoked, unexpired at `now`).
pub fn live_session_by_id(conn: &Connection, id: &str, now: i64) -> ApiResult<Option<Session>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, account_id, device_id, room FROM sessions
             WHERE id = ?1 AND revoked_at IS NULL AND expires_at > ?2",
        )?
        .query_row(params![id, now], session_from_row)
        .optional()?)
}

/// A live session as its account sees it (never its token).
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub device_id: String,
    pub created_at: i64,
    pub signed_in_with: Option<String>,
}

/// The account's live (unrevoked, unexpired) sessions, oldest first.
pub fn live_sessions_of(
    conn: &Connection,
    account_id: &str,
    now: i64,
) -> ApiResult<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, device_id, created_at, signed_in_with FROM sessions
         WHERE account_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
         ORDER BY created_at, rowid",
    )?;
    let rows = stmt.query_map(params![account_id, now], |row| {
        Ok(SessionRow {
            id: row.get(0)?,
            device_id: row.get(1)?,
            created_at: row.get(2)?,
            signed_in_with: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes one session.
pub fn revoke_session(conn: &Connection, session_id: &str, now: i64) -> ApiResult<()> {
    conn.prepare_cached(
        "UPDATE sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
    )?
    .execute(params![session_id, now])?;
    Ok(())
}

/// Revokes every live session of the account except `keep`; returns how many.
pub fn revoke_other_sessions(
    conn: &Connection,
    account_id: &str,
    keep: &str,
    now: i64,
) -> ApiResult<u32> {
    let n = conn
        .prepare_cached(
            "UPDATE sessions SET revoked_at = ?3
         WHERE account_id = ?1 AND id <> ?2 AND revoked_at IS NULL AND expires_at > ?3",
        )?
        .execute(params![account_id, keep, now])?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Most live "trust this device" marks kept per account: a new one ends the account's oldest.
pub const MAX_TRUSTED_DEVICES_PER_ACCOUNT: i64 = 32;

/// Stores a "trust this device" mark under the digest of its token; drops the account's expired
/// marks, and its oldest beyond [`MAX_TRUSTED_DEVICES_PER_ACCOUNT`].
pub fn insert_trusted_device(
    conn: &Connection,
    token_hash: &[u8],
    account_id: &str,
    (device_id, room): (&str, Option<&str>),
    now: i64,
    expires_at: i64,
) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM trusted_devices WHERE account_id = ?1 AND expires_at <= ?2")?
        .execute(params![account_id, now])?;
    conn.prepare_cached(
        "INSERT INTO trusted_devices (token_hash, account_id, device_id, created_at, expires_at,
                                      room)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        token_hash, account_id, device_id, now, expires_at, room
    ])?;
    super::keep_newest(
        conn,
        "trusted_devices",
        "account_id = ?1",
        account_id,
        MAX_TRUSTED_DEVICES_PER_ACCOUNT,
    )
}

/// The live trust mark with this token digest for this account and device, if any: the room
/// (`SignInRoom`) of the sign-in that was given it, or `None` inside when that sign-in sent no
/// install key.
pub fn trusted_device(
    conn: &Connection,
    token_hash: &[u8],
    account_id: &str,
    device_id: &str,
    now: i64,
) -> ApiResult<Option<Option<String>>> {
    Ok(conn
        .prepare_cached(
            "SELECT room FROM trusted_devices
             WHERE token_hash = ?1 AND account_id = ?2 AND device_id = ?3 AND expires_at > ?4",
        )?
        .query_row(params![token_hash, account_id, device_id, now], |row| {
            row.get(0)
        })
        .optional()?)
}

/// Deletes every trust mark of the account; returns how many were still live.
pub fn delete_trusted_devices(conn: &Connection, account_id: &str, now: i64) -> ApiResult<u32> {
    // Expired marks go first so that only live ones are counted.
    conn.prepare_cached("DELETE FROM trusted_devices WHERE account_id = ?1 AND expires_at <= ?2")?
        .execute(params![account_id, now])?;
    let n = conn
        .prepare_cached("DELETE FROM trusted_devices WHERE account_id = ?1")?
        .execute([account_id])?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}
