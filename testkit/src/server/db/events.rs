//! Security activity (`security_events`).

use rusqlite::{Connection, params};

use crate::server::error::ApiResult;

/// One security event.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SecurityEvent {
    pub kind: String,
    pub at: i64,
    pub detail: String,
}

/// Which shelf an event is kept on (the `refusal` column, named for the first shelf it held).
/// Each shelf is listed apart, so events that can be caused again and again never push the
/// account's changes (passkeys, the requirement, resets, password) out of the owner's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    /// The account's changes, each bought with a step-up, a passkey proof or a registration: all
    /// kept.
    Change = 0,
    /// Refused sign-ins: anyone with the password (or an id token) can cause them again and again.
    Refusal = 1,
    /// Sign-in notices (a new device, a sign-out with only device-bound passkeys): whoever holds
    /// a passkey can cause them at sign-in speed.
    Routine = 2,
}

/// How many events of each shelf but [`Shelf::Change`] an account keeps (twice what `GET
/// /v1/security-events` lists): older ones are dropped as new ones come.
pub const KEPT_PER_SHELF: i64 = 100;

/// Records a security event on its shelf; on any shelf but [`Shelf::Change`] only the newest
/// [`KEPT_PER_SHELF`] stay.
pub fn insert_event(
    conn: &Connection,
    account_id: &str,
    kind: &str,
    shelf: Shelf,
    detail: &str,
    now: i64,
) -> ApiResult<()> {
    let shelf = shelf as i64;
    conn.prepare_cached(
        "INSERT INTO security_events (account_id, kind, at, detail, refusal)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![account_id, kind, now, detail, shelf])?;
    if shelf != Shelf::Change as i64 {
        conn.prepare_cached(
            "DELETE FROM security_events WHERE account_id = ?1 AND refusal = ?3 AND seq <= (
                 SELECT seq FROM security_events WHERE account_id = ?1 AND refusal = ?3
                 ORDER BY seq DESC LIMIT 1 OFFSET ?2)",
        )?
        .execute(params![account_id, KEPT_PER_SHELF, shelf])?;
    }
    Ok(())
}

/// How many events of each shelf [`events_of`] lists at most.
#[derive(Debug, Clone, Copy)]
pub struct Listed {
    /// Of [`Shelf::Change`].
    pub changes: u32,
    /// Of [`Shelf::Refusal`].
    pub refusals: u32,
    /// Of [`Shelf::Routine`].
    pub routine: u32,
}

/// The account's last events of each shelf, as many as `listed` says, merged newest first.
pub fn events_of(
    conn: &Connection,
    account_id: &str,
    listed: Listed,
) -> ApiResult<Vec<SecurityEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, at, detail FROM (
             SELECT seq, kind, at, detail FROM (
                 SELECT seq, kind, at, detail FROM security_events
                 WHERE account_id = ?1 AND refusal = 0 ORDER BY seq DESC LIMIT ?2)
             UNION ALL
             SELECT seq, kind, at, detail FROM (
                 SELECT seq, kind, at, detail FROM security_events
                 WHERE account_id = ?1 AND refusal = 1 ORDER BY seq DESC LIMIT ?3)
             UNION ALL
             SELECT seq, kind, at, detail FROM (
                 SELECT seq, kind, at, detail FROM security_events
                 WHERE account_id = ?1 AND refusal = 2 ORDER BY seq DESC LIMIT ?4))
         ORDER BY seq DESC",
    )?;
    let rows = stmt.query_map(
        params![account_id, listed.changes, listed.refusals, listed.routine],
        |row| {
            Ok(SecurityEvent {
                kind: row.get(0)?,
                at: row.get(1)?,
                detail: row.get(2)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
