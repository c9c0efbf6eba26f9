//! Registration ceremonies (`ceremonies`): WebAuthn state, single use, bound to account, session
//! and purpose, and what the finish that used one answered.

use rusqlite::{Connection, OptionalExtension, params};

use crate::server::error::ApiResult;

/// A WebAuthn ceremony row.
#[derive(Debug, Clone)]
pub struct Ceremony {
    pub id: String,
    pub account_id: String,
    pub session_id: String,
    pub purpose: String,
    pub state: String,
    pub step_up_id: Option<String>,
    pub proof_hash: Option<Vec<u8>>,
    pub expires_at: i64,
    pub used: bool,
    pub credential_id: Option<Vec<u8>>,
    pub revoked_sessions: u32,
    pub revoked_trusted_devices: u32,
    /// SHA-256 of the finish request that used the ceremony (its only accepted retry).
    pub request_hash: Option<Vec<u8>>,
    /// The account's passkeys (credential ids) the user chose to keep when this ceremony turns
    /// the requirement on; the others are removed then. `None`: keep them all (a client that
    /// names none, as before the contract had `keep_passkeys`).
    pub keep_passkeys: Option<Vec<Vec<u8>>>,
    /// Passkeys the finish that used the ceremony removed (not kept at Enable).
    pub removed_passkeys: u32,
}

/// The keep list as stored: base64url ids joined by spaces (none is empty), `NULL` for none.
fn keep_to_column(keep: Option<&[Vec<u8>]>) -> Option<String> {
    keep.map(|ids| {
        ids.iter()
            .map(|id| data_encoding::BASE64URL_NOPAD.encode(id))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The keep list read back; an id the server wrote always decodes.
fn keep_from_column(column: Option<String>) -> Option<Vec<Vec<u8>>> {
    column.map(|text| {
        text.split(' ')
            .filter(|id| !id.is_empty())
            .filter_map(|id| data_encoding::BASE64URL_NOPAD.decode(id.as_bytes()).ok())
            .collect()
    })
}

/// Most registration ceremonies a session keeps open: a begin beyond this ends the oldest open
/// ones (a registration is one ceremony; two Enable taps at once are two).
pub const MAX_OPEN_CEREMONIES_PER_SESSION: i64 = 8;

/// Stores an open ceremony, ending the session's oldest open ones beyond
/// [`MAX_OPEN_CEREMONIES_PER_SESSION`].
pub fn insert_ceremony(conn: &Connection, ceremony: &Ceremony, now: i64) -> ApiResult<()> {
    conn.prepare_cached(
        "DELETE FROM ceremonies WHERE id IN (
             SELECT id FROM ceremonies WHERE session_id = ?1 AND status = 'open'
             ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?2)",
    )?
    .execute(params![
        ceremony.session_id,
        MAX_OPEN_CEREMONIES_PER_SESSION - 1
    ])?;
    conn.prepare_cached(
        "INSERT INTO ceremonies (id, account_id, session_id, purpose, state, step_up_id,
                                 proof_hash, created_at, expires_at, keep_passkeys)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        ceremony.id,
        ceremony.account_id,
        ceremony.session_id,
        ceremony.purpose,
        ceremony.state,
        ceremony.step_up_id,
        ceremony.proof_hash,
        now,
        ceremony.expires_at,
        keep_to_column(ceremony.keep_passkeys.as_deref())
    ])?;
    Ok(())
}

/// A ceremony by id.
pub fn ceremony(conn: &Connection, id: &str) -> ApiResult<Option<Ceremony>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, account_id, session_id, purpose, state, step_up_id, expires_at,
                    status = 'used', credential_id, revoked_sessions, revoked_trusted_devices,
                    proof_hash, request_hash, keep_passkeys, removed_passkeys
             FROM ceremonies WHERE id = ?1",
        )?
        .query_row([id], |row| {
            Ok(Ceremony {
                id: row.get(0)?,
                account_id: row.get(1)?,
                session_id: row.get(2)?,
                purpose: row.get(3)?,
                state: row.get(4)?,
                step_up_id: row.get(5)?,
                expires_at: row.get(6)?,
                used: row.get(7)?,
                credential_id: row.get(8)?,
                revoked_sessions: row.get(9)?,
                revoked_trusted_devices: row.get(10)?,
                proof_hash: row.get(11)?,
                request_hash: row.get(12)?,
                keep_passkeys: keep_from_column(row.get(13)?),
                removed_passkeys: row.get(14)?,
            })
        })
        .optional()?)
}

/// Deletes a ceremony (failed or expired).
pub fn delete_ceremony(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM ceremonies WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Records a successful ceremony and the digest of the request that used it, so that a retry
/// of exactly that request gets the same answer.
pub fn mark_ceremony_used(conn: &Connection, ceremony: &Ceremony) -> ApiResult<()> {
    conn.prepare_cached(
        "UPDATE ceremonies SET status = 'used', state = '', credential_id = ?2,
                revoked_sessions = ?3, revoked_trusted_devices = ?4, request_hash = ?5,
                removed_passkeys = ?6
         WHERE id = ?1",
    )?
    .execute(params![
        ceremony.id,
        ceremony.credential_id,
        ceremony.revoked_sessions,
        ceremony.revoked_trusted_devices,
        ceremony.request_hash,
        ceremony.removed_passkeys
    ])?;
    Ok(())
}

/// Deletes the open ceremonies begun with the proof whose digest is `proof_hash`, other than `keep`.
pub fn delete_open_ceremonies_of_proof(
    conn: &Connection,
    proof_hash: &[u8],
    keep: &str,
) -> ApiResult<()> {
    conn.prepare_cached(
        "DELETE FROM ceremonies WHERE proof_hash = ?1 AND id <> ?2 AND status <> 'used'",
    )?
    .execute(params![proof_hash, keep])?;
    Ok(())
}

/// Deletes the open ceremonies begun with a step-up other than `keep`.
pub fn delete_open_ceremonies_of_step_up(
    conn: &Connection,
    step_up_id: &str,
    keep: &str,
) -> ApiResult<()> {
    conn.prepare_cached(
        "DELETE FROM ceremonies WHERE step_up_id = ?1 AND id <> ?2 AND status <> 'used'",
    )?
    .execute(params![step_up_id, keep])?;
    Ok(())
}

/// Deletes every open registration ceremony of the account (a reset took its passkeys away: what
/// was begun before must not finish after).
pub fn delete_open_ceremonies_of_account(conn: &Connection, account_id: &str) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM ceremonies WHERE account_id = ?1 AND status <> 'used'")?
        .execute([account_id])?;
    Ok(())
}
