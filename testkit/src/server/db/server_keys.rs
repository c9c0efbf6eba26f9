//! The server's own signing keys (`server_keys`), created once per database.

use rusqlite::{Connection, params};

use crate::server::error::ApiResult;

/// The secret of the server key `name`: the stored one, or `generate()`'s, stored now. Two
/// servers starting on one file at once agree on the first one stored.
pub fn server_key(
    conn: &Connection,
    name: &str,
    generate: impl FnOnce() -> Vec<u8>,
    now: i64,
) -> ApiResult<Vec<u8>> {
    conn.prepare_cached(
        "INSERT INTO server_keys (name, secret, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(name) DO NOTHING",
    )?
    .execute(params![name, generate(), now])?;
    Ok(conn
        .prepare_cached("SELECT secret FROM server_keys WHERE name = ?1")?
        .query_row([name], |row| row.get(0))?)
}
