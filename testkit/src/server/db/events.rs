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

/// How many refused sign-ins of an account are kept (twice what `GET /v1/security-events` lists):
/// anyone with the password can cause them again and again, so older ones are dropped as new
/// ones come; the account's changes are all kept.
pub const KEPT_REFUSALS: i64 = 100;

/// Records a security event; `refusal` marks one an outsider can cause (a refused sign-in), and
/// only the newest [`KEPT_REFUSALS`] of those stay.
pub fn insert_event(
    conn: &Connection,
    account_id: &str,
    kind: &str,
    refusal: bool,
    detail: &str,
    now: i64,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO security_events (account_id, kind, at, detail, refusal)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![account_id, kind, now, detail, refusal])?;
    if refusal {
        conn.prepare_cached(
            "DELETE FROM security_events WHERE account_id = ?1 AND refusal = 1 AND seq <= (
                 SELECT seq FROM security_events WHERE account_id = ?1 AND refusal = 1
                 ORDER BY seq DESC LIMIT 1 OFFSET ?2)",
        )?
        .execute(params![account_id, KEPT_REFUSALS])?;
    }
    Ok(())
}

/// The account's last `changes` events that are not refusals and its last `refusals` refusals,
/// newest first: refusals, which anyone with the password can cause again and again, never push
/// the account's own changes and its resets out of the list.
pub fn events_of(
    conn: &Connection,
    account_id: &str,
    changes: u32,
    refusals: u32,
) -> ApiResult<Vec<SecurityEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, at, detail FROM (
             SELECT seq, kind, at, detail FROM (
                 SELECT seq, kind, at, detail FROM security_events
                 WHERE account_id = ?1 AND refusal = 0 ORDER BY seq DESC LIMIT ?2)
             UNION ALL
             SELECT seq, kind, at, detail FROM (
                 SELECT seq, kind, at, detail FROM security_events
                 WHERE account_id = ?1 AND refusal = 1 ORDER BY seq DESC LIMIT ?3))
         ORDER BY seq DESC",
    )?;
    let rows = stmt.query_map(params![account_id, changes, refusals], |row| {
        Ok(SecurityEvent {
            kind: row.get(0)?,
            at: row.get(1)?,
            detail: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
