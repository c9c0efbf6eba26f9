//! Device models and OSes an account has signed in from (`seen_devices`), and the description a
//! sign-in in progress brought with it (`pending_devices`, kept with its login attempt or
//! assertion ceremony and dropped with it by a trigger).

use rusqlite::{Connection, OptionalExtension, params};

use crate::server::error::ApiResult;

/// Whether the account has signed in from this model and OS before.
pub fn device_seen(conn: &Connection, account_id: &str, model: &str, os: &str) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM seen_devices WHERE account_id = ?1 AND model = ?2 AND os = ?3",
        )?
        .query_row(params![account_id, model, os], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether the account has signed in from any described device before.
pub fn has_seen_devices(conn: &Connection, account_id: &str) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM seen_devices WHERE account_id = ?1 LIMIT 1")?
        .query_row([account_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Records a model and OS the account signed in from (nothing when it is already recorded).
pub fn insert_seen_device(
    conn: &Connection,
    account_id: &str,
    model: &str,
    os: &str,
    now: i64,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO seen_devices (account_id, model, os, first_seen_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![account_id, model, os, now])?;
    Ok(())
}

/// Keeps the device description a sign-in began with, under its login attempt's or assertion
/// ceremony's id (`owner_id`), for the step that finishes it.
pub fn insert_pending_device(
    conn: &Connection,
    owner_id: &str,
    model: &str,
    os: &str,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO pending_devices (owner_id, model, os) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![owner_id, model, os])?;
    Ok(())
}

/// The device description `(model, os)` the sign-in `owner_id` began with, if it had one.
pub fn pending_device(conn: &Connection, owner_id: &str) -> ApiResult<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT model, os FROM pending_devices WHERE owner_id = ?1")?
        .query_row([owner_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}
