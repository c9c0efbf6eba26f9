//! The global policy (`scenarios`, `reopened_paths`): the scenario catalogue and the reopened login
//! paths.

use rusqlite::{Connection, params};

use crate::server::error::ApiResult;

/// The scenario catalogue: `(name, enabled)`.
pub fn scenarios(conn: &Connection) -> ApiResult<Vec<(String, bool)>> {
    let mut stmt = conn.prepare_cached("SELECT name, enabled FROM scenarios ORDER BY name")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Switches a scenario on or off.
pub fn set_scenario(conn: &Connection, name: &str, enabled: bool) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO scenarios (name, enabled) VALUES (?1, ?2)
         ON CONFLICT(name) DO UPDATE SET enabled = excluded.enabled",
    )?
    .execute(params![name, enabled])?;
    Ok(())
}

/// The login paths and whether the global policy reopened them: `(path, reopened)`.
pub fn reopened_paths(conn: &Connection) -> ApiResult<Vec<(String, bool)>> {
    let mut stmt =
        conn.prepare_cached("SELECT path, reopened FROM reopened_paths ORDER BY path")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Reopens (or blocks again) a login path for flagged accounts.
pub fn set_reopened(conn: &Connection, path: &str, reopened: bool) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO reopened_paths (path, reopened) VALUES (?1, ?2)
         ON CONFLICT(path) DO UPDATE SET reopened = excluded.reopened",
    )?
    .execute(params![path, reopened])?;
    Ok(())
}
