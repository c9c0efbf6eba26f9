//! The test outbox (`outbox`): every code the server "sent" by email or SMS.

use rusqlite::{Connection, params};

use crate::server::error::ApiResult;

/// One delivered message.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxMessage {
    pub to: String,
    pub channel: String,
    pub purpose: String,
    pub code: String,
    pub sent_at: i64,
}

/// Delivers a message to the outbox.
pub fn push_outbox(conn: &Connection, message: &OutboxMessage) -> ApiResult<()> {
    conn.prepare_cached("INSERT INTO outbox (recipient, channel, purpose, code, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)")?.execute(params![
            message.to,
            message.channel,
            message.purpose,
            message.code,
            message.sent_at
        ],
    )?;
    // Only the newest are ever read: older ones go, so that a flood of codes to one address
    // (a step-up begun again and again) cannot grow the table.
    conn.prepare_cached(
        "DELETE FROM outbox WHERE recipient = ?1 AND seq < (
             SELECT seq FROM outbox WHERE recipient = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)",
    )?
    .execute(params![message.to, OUTBOX_KEPT - 1])?;
    Ok(())
}

/// How many messages the outbox keeps (and shows) per recipient.
pub const OUTBOX_KEPT: i64 = 100;

/// The last [`OUTBOX_KEPT`] messages to `recipient`, oldest first.
pub fn outbox_for(conn: &Connection, recipient: &str) -> ApiResult<Vec<OutboxMessage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT recipient, channel, purpose, code, sent_at FROM
           (SELECT * FROM outbox WHERE recipient = ?1 ORDER BY seq DESC LIMIT ?2)
         ORDER BY seq ASC",
    )?;
    let rows = stmt.query_map(params![recipient, OUTBOX_KEPT], |row| {
        Ok(OutboxMessage {
            to: row.get(0)?,
            channel: row.get(1)?,
            purpose: row.get(2)?,
            code: row.get(3)?,
            sent_at: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
