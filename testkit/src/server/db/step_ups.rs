//! Step-ups (`step_ups`): begun (codes sent), finished (token issued), consumed.

use rusqlite::{Connection, OptionalExtension, params};

use crate::server::error::ApiResult;

/// A step-up row.
#[derive(Debug, Clone)]
pub struct StepUp {
    pub id: String,
    pub account_id: String,
    pub session_id: String,
    pub purpose: String,
    pub email_code: Vec<u8>,
    pub sms_code: Option<Vec<u8>>,
    pub failures: i64,
    pub expires_at: i64,
    pub token_expires_at: Option<i64>,
    pub consumed: bool,
    /// Digest of the factor and code the finish was given (a repeat of that finish, whose
    /// answer was lost, is told by it).
    pub finish_code: Option<Vec<u8>>,
    /// Digest of the token issued: none until the step-up is finished.
    pub token_hash: Option<Vec<u8>>,
}

const STEP_UP_COLUMNS: &str = "id, account_id, session_id, purpose, email_code, sms_code, \
                               failures, expires_at, token_expires_at, consumed, finish_code, \
                               token_hash";

fn step_up_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StepUp> {
    Ok(StepUp {
        id: row.get(0)?,
        account_id: row.get(1)?,
        session_id: row.get(2)?,
        purpose: row.get(3)?,
        email_code: row.get(4)?,
        sms_code: row.get(5)?,
        failures: row.get(6)?,
        expires_at: row.get(7)?,
        token_expires_at: row.get(8)?,
        consumed: row.get(9)?,
        finish_code: row.get(10)?,
        token_hash: row.get(11)?,
    })
}

/// Stores a begun step-up.
pub fn insert_step_up(conn: &Connection, step_up: &StepUp) -> ApiResult<()> {
    // A session keeps a few unfinished step-ups: a begin beyond ends its oldest, so that one
    // session beginning again and again cannot grow the table.
    conn.prepare_cached(
        "DELETE FROM step_ups WHERE id IN (
             SELECT id FROM step_ups WHERE session_id = ?1 AND token_hash IS NULL
             ORDER BY rowid DESC LIMIT -1 OFFSET ?2)",
    )?
    .execute(params![
        step_up.session_id,
        MAX_OPEN_STEP_UPS_PER_SESSION - 1
    ])?;
    conn.prepare_cached("INSERT INTO step_ups (id, account_id, session_id, purpose, email_code, sms_code, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?.execute(params![
            step_up.id,
            step_up.account_id,
            step_up.session_id,
            step_up.purpose,
            step_up.email_code,
            step_up.sms_code,
            step_up.expires_at
        ],
    )?;
    Ok(())
}

/// Most unfinished step-ups a session keeps (a begin beyond ends its oldest).
pub const MAX_OPEN_STEP_UPS_PER_SESSION: i64 = 8;

/// A step-up by id.
pub fn step_up(conn: &Connection, id: &str) -> ApiResult<Option<StepUp>> {
    let sql = format!("SELECT {STEP_UP_COLUMNS} FROM step_ups WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], step_up_from_row)
        .optional()?)
}

/// A step-up by the digest of its token.
pub fn step_up_by_token(conn: &Connection, token_hash: &[u8]) -> ApiResult<Option<StepUp>> {
    let sql = format!("SELECT {STEP_UP_COLUMNS} FROM step_ups WHERE token_hash = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([token_hash], step_up_from_row)
        .optional()?)
}

/// Counts a wrong password or code.
pub fn count_step_up_failure(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.prepare_cached("UPDATE step_ups SET failures = failures + 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Issues the step-up token, remembering the digest of the code that finished it; `false` if the
/// step-up was finished concurrently.
pub fn finish_step_up(
    conn: &Connection,
    id: &str,
    token_hash: &[u8],
    token_expires_at: i64,
    finish_code: &[u8],
) -> ApiResult<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE step_ups SET token_hash = ?2, token_expires_at = ?3, finish_code = ?4
         WHERE id = ?1 AND token_hash IS NULL",
        )?
        .execute(params![id, token_hash, token_expires_at, finish_code])?;
    Ok(n == 1)
}

/// Issues a finished step-up's token again, in place of the one before (whose answer was lost),
/// keeping its expiry; `false` if it was used or issued again meanwhile (`token_hash` is the
/// digest it had when checked).
pub fn reissue_step_up(
    conn: &Connection,
    id: &str,
    old_token_hash: &[u8],
    token_hash: &[u8],
) -> ApiResult<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE step_ups SET token_hash = ?3
             WHERE id = ?1 AND token_hash = ?2 AND consumed = 0",
        )?
        .execute(params![id, old_token_hash, token_hash])?;
    Ok(n == 1)
}

/// Marks the step-up consumed; `false` if it already was.
pub fn consume_step_up(conn: &Connection, id: &str) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached("UPDATE step_ups SET consumed = 1 WHERE id = ?1 AND consumed = 0")?
        .execute([id])?
        == 1)
}
