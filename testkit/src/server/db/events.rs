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

/// Records a security event.
pub fn insert_event(
    conn: &Connection,
    account_id: &str,
    kind: &str,
    detail: &str,
    now: i64,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO security_events (account_id, kind, at, detail) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![account_id, kind, now, detail])?;
    Ok(())
}

/// The account's last `limit` events, newest first.
pub fn events_of(conn: &Connection, account_id: &str, limit: u32) -> ApiResult<Vec<SecurityEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, at, detail FROM security_events WHERE account_id = ?1
         ORDER BY seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![account_id, limit], |row| {
        Ok(SecurityEvent {
            kind: row.get(0)?,
            at: row.get(1)?,
            detail: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
