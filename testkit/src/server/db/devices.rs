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

/// Most models and OSes kept per account: a sign-in from one more forgets the account's oldest
/// (signed in from again, it is noticed as new once more). A device description is the client's
/// word (`model`, `os`, 64 characters each), so an account's table is bounded whatever a signed-in
/// client sends; an OS update counts as a new OS, so this leaves room for years of real devices.
pub const MAX_SEEN_DEVICES_PER_ACCOUNT: i64 = 32;

/// Records a model and OS the account signed in from (nothing when it is already recorded),
/// forgetting the oldest beyond [`MAX_SEEN_DEVICES_PER_ACCOUNT`].
pub fn insert_seen_device(
    conn: &Connection,
    account_id: &str,
    model: &str,
    os: &str,
    now: i64,
) -> ApiResult<()> {
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO seen_devices (account_id, model, os, first_seen_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![account_id, model, os, now])?;
    if inserted > 0 {
        conn.prepare_cached(
            "DELETE FROM seen_devices WHERE rowid IN (
                 SELECT rowid FROM seen_devices WHERE account_id = ?1
                 ORDER BY first_seen_at DESC, rowid DESC LIMIT -1 OFFSET ?2)",
        )?
        .execute(params![account_id, MAX_SEEN_DEVICES_PER_ACCOUNT])?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::{Account, Db, insert_account};

    fn account(id: &str) -> Account {
        Account {
            id: id.to_owned(),
            email: format!("{id}@bingx.test"),
            phone: None,
            password_hash: String::new(),
            totp_secret: String::new(),
            user_handle: uuid::Uuid::new_v4(),
            passkey_required: false,
            policy_version: 1,
        }
    }

    #[test]
    fn an_accounts_devices_are_bounded_and_the_oldest_is_forgotten() {
        let db = Db::open(None).expect("db");
        db.with(|conn| {
            insert_account(conn, &account("a"), 0)?;
            insert_account(conn, &account("b"), 0)?;
            insert_seen_device(conn, "b", "Pixel 9", "Android 16", 0)?;
            for i in 0..MAX_SEEN_DEVICES_PER_ACCOUNT + 5 {
                insert_seen_device(conn, "a", &format!("model {i}"), "os", i)?;
                // The same device again changes nothing.
                insert_seen_device(conn, "a", &format!("model {i}"), "os", i + 1000)?;
            }
            let count: i64 = conn.query_row(
                "SELECT COUNT(*) FROM seen_devices WHERE account_id = 'a'",
                [],
                |row| row.get(0),
            )?;
            assert_eq!(count, MAX_SEEN_DEVICES_PER_ACCOUNT);
            assert!(!device_seen(conn, "a", "model 4", "os")?, "the oldest went");
            assert!(device_seen(conn, "a", "model 5", "os")?);
            let last = format!("model {}", MAX_SEEN_DEVICES_PER_ACCOUNT + 4);
            assert!(device_seen(conn, "a", &last, "os")?);
            // Another account's devices are its own.
            assert!(device_seen(conn, "b", "Pixel 9", "Android 16")?);
            Ok(())
        })
        .expect("db work");
    }
}
