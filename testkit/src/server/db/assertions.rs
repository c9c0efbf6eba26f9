//! Assertion ceremonies (`assertions`, counted in `counters`): sign-ins and passkey verifications.

use rusqlite::{Connection, OptionalExtension, params};

use super::devices::make_room;
use super::{EXPIRED_KEPT_SECS, SignInRoom};
use crate::server::error::ApiResult;

/// An assertion ceremony row.
#[derive(Debug, Clone)]
pub struct Assertion {
    pub id: String,
    pub purpose: String,
    pub account_id: Option<String>,
    pub session_id: Option<String>,
    pub device_id: Option<String>,
    /// The room it was begun in (`SignInRoom`), if an install key came with it.
    pub room: Option<String>,
    pub params_hash: Option<Vec<u8>>,
    pub state: String,
    pub expires_at: i64,
}

/// Stores an assertion ceremony (and drops those long expired).
pub fn insert_assertion(conn: &Connection, assertion: &Assertion, now: i64) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM assertions WHERE expires_at <= ?1")?
        .execute([now.saturating_sub(EXPIRED_KEPT_SECS)])?;
    conn.prepare_cached(
        "INSERT INTO assertions (id, purpose, account_id, session_id, device_id, params_hash,
                                 state, expires_at, room)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        assertion.id,
        assertion.purpose,
        assertion.account_id,
        assertion.session_id,
        assertion.device_id,
        assertion.params_hash,
        assertion.state,
        assertion.expires_at,
        assertion.room
    ])?;
    Ok(())
}

/// Marks a passkey sign-in as offered a one-time code; `false` if it already was (its refusal is
/// recorded once, however often the code is offered).
pub fn mark_code_refused(conn: &Connection, id: &str) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE assertions SET code_refused = 1 WHERE id = ?1 AND code_refused = 0",
        )?
        .execute([id])?
        == 1)
}

/// Ends the account's oldest assertion ceremonies begun without a session (the password step's)
/// in `room` beyond its newest `keep`; those begun with a session, and those of other rooms, are
/// left alone.
pub fn end_oldest_sessionless_assertions_of(
    conn: &Connection,
    account_id: &str,
    room: SignInRoom<'_>,
    keep: i64,
) -> ApiResult<()> {
    make_room(
        conn,
        "assertions",
        "session_id IS NULL",
        "expires_at DESC, rowid DESC",
        account_id,
        room,
        keep,
    )
}

/// Makes room among the account's ceremonies begun with a session, at most `keep` of them: while
/// there are more, the oldest ceremony of the session that holds the most ends (of equals, the
/// session whose oldest is oldest). A session that begins ceremonies again and again ends its
/// own, never another session's one or few.
pub fn share_session_assertions_of(
    conn: &Connection,
    account_id: &str,
    keep: i64,
) -> ApiResult<()> {
    loop {
        let open: i64 = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM assertions WHERE account_id = ?1 AND session_id IS NOT NULL",
            )?
            .query_row([account_id], |row| row.get(0))?;
        if open <= keep {
            return Ok(());
        }
        let ended = conn
            .prepare_cached(
                "DELETE FROM assertions WHERE id = (
                     SELECT id FROM assertions WHERE account_id = ?1 AND session_id = (
                         SELECT session_id FROM assertions
                         WHERE account_id = ?1 AND session_id IS NOT NULL
                         GROUP BY session_id ORDER BY COUNT(*) DESC, MIN(expires_at) ASC
                         LIMIT 1)
                     ORDER BY expires_at ASC, rowid ASC LIMIT 1)",
            )?
            .execute([account_id])?;
        if ended == 0 {
            return Ok(());
        }
    }
}

/// Open assertion ceremonies: `(all, usernameless)`.
pub fn open_assertions(conn: &Connection) -> ApiResult<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT value FROM counters WHERE name = 'open_assertions'),
                    (SELECT value FROM counters WHERE name = 'open_usernameless')",
        )?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?)
}

/// Drops every expired assertion ceremony now, without the hour they are otherwise kept.
pub fn purge_expired_assertions(conn: &Connection, now: i64) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM assertions WHERE expires_at <= ?1")?
        .execute([now])?;
    Ok(())
}

fn assertion_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Assertion> {
    Ok(Assertion {
        id: row.get(0)?,
        purpose: row.get(1)?,
        account_id: row.get(2)?,
        session_id: row.get(3)?,
        device_id: row.get(4)?,
        room: row.get(8)?,
        params_hash: row.get(5)?,
        state: row.get(6)?,
        expires_at: row.get(7)?,
    })
}

const ASSERTION_COLUMNS: &str =
    "id, purpose, account_id, session_id, device_id, params_hash, state, expires_at, room";

/// An assertion ceremony by id, left in play.
pub fn assertion(conn: &Connection, id: &str) -> ApiResult<Option<Assertion>> {
    let sql = format!("SELECT {ASSERTION_COLUMNS} FROM assertions WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], assertion_from_row)
        .optional()?)
}

/// Takes an assertion ceremony out of play (single use: whatever happens next, it is spent).
pub fn take_assertion(conn: &Connection, id: &str) -> ApiResult<Option<Assertion>> {
    let sql = format!("DELETE FROM assertions WHERE id = ?1 RETURNING {ASSERTION_COLUMNS}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], assertion_from_row)
        .optional()?)
}
