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
    Ok(())
}

/// The last 100 messages to `recipient`, oldest first.
pub fn outbox_for(conn: &Connection, recipient: &str) -> ApiResult<Vec<OutboxMessage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT recipient, channel, purpose, code, sent_at FROM
           (SELECT * FROM outbox WHERE recipient = ?1 ORDER BY seq DESC LIMIT 100)
         ORDER BY seq ASC",
    )?;
    let rows = stmt.query_map([recipient], |row| {
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
