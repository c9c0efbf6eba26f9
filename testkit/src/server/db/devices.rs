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

/// Most devices (rooms) kept per account as signed in from: a sign-in from one more forgets the
/// one whose last sign-in is oldest (its pending sign-ins then share the room of unknown devices
/// again).
pub const MAX_KNOWN_DEVICES_PER_ACCOUNT: i64 = 32;

/// Pending password-step sign-ins (code logins, passkey sign-in ceremonies) one known device
/// keeps open: a begin beyond this ends that device's own oldest.
pub const PENDING_SIGN_INS_PER_KNOWN_DEVICE: i64 = 4;

/// Records that the account signed in now from the device whose room is `room` (see
/// [`SignInRoom`]), forgetting the account's device whose last sign-in is oldest beyond
/// [`MAX_KNOWN_DEVICES_PER_ACCOUNT`].
pub fn note_signed_in_device(
    conn: &Connection,
    account_id: &str,
    room: &str,
    now: i64,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO known_devices (account_id, room, signed_in_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id, room) DO UPDATE SET signed_in_at = excluded.signed_in_at",
    )?
    .execute(params![account_id, room, now])?;
    conn.prepare_cached(
        "DELETE FROM known_devices WHERE rowid IN (
             SELECT rowid FROM known_devices WHERE account_id = ?1
             ORDER BY signed_in_at DESC, rowid DESC LIMIT -1 OFFSET ?2)",
    )?
    .execute(params![account_id, MAX_KNOWN_DEVICES_PER_ACCOUNT])?;
    Ok(())
}

/// Where a pending sign-in of the password step (or a reset request, or a code) is kept, and what
/// it can end or use up.
///
/// Anyone holding the password can begin the password step again and again, and each begin keeps
/// something until it expires or is ended, and may send a code or check one. Room is therefore
/// split: a device the account has signed in from keeps its own few, which only that device's
/// own begins end and use; every other device shares one room, whose oldest end first. A device
/// is known by its room: the SHA-256 of the random install key its library keeps in the
/// keystore and sends with a sign-in (`secrets::room_of`), a secret no one else holds (unlike
/// the device id, which the app chooses and the server shows as a hint). An attacker without it
/// cannot end or use up what the owner's phone, signed in from before, begins. (A phone never
/// signed in from shares the room; its owner can sign in without the password, with a passkey
/// alone, which no password step can end.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRoom<'a> {
    /// A device the account has signed in from, by its room: its own
    /// [`PENDING_SIGN_INS_PER_KNOWN_DEVICE`].
    KnownDevice(&'a str),
    /// Every device the account has not signed in from, and requests without an install key.
    Shared,
}

/// The room of a sign-in of `account_id` begun with `room` (none: no install key was sent).
pub fn sign_in_room<'a>(
    conn: &Connection,
    account_id: &str,
    room: Option<&'a str>,
) -> ApiResult<SignInRoom<'a>> {
    let Some(room) = room else {
        return Ok(SignInRoom::Shared);
    };
    let known = conn
        .prepare_cached("SELECT 1 FROM known_devices WHERE account_id = ?1 AND room = ?2")?
        .query_row(params![account_id, room], |_| Ok(()))
        .optional()?
        .is_some();
    Ok(if known {
        SignInRoom::KnownDevice(room)
    } else {
        SignInRoom::Shared
    })
}

/// Ends the rows of `table` (`login_attempts` or `assertions`) that are the account's
/// password-step sign-ins (`password_step` selects them) in `room`, except its newest `keep`
/// (`newest_first` orders them). `table`, `password_step` and `newest_first` are this module's
/// constants, never request data.
pub(super) fn make_room(
    conn: &Connection,
    table: &str,
    password_step: &str,
    newest_first: &str,
    account_id: &str,
    room: SignInRoom<'_>,
    keep: i64,
) -> ApiResult<()> {
    match room {
        SignInRoom::KnownDevice(room) => {
            let sql = format!(
                "DELETE FROM {table} WHERE id IN (
                     SELECT id FROM {table}
                     WHERE account_id = ?1 AND {password_step} AND room = ?2
                     ORDER BY {newest_first} LIMIT -1 OFFSET ?3)"
            );
            conn.prepare_cached(&sql)?
                .execute(params![account_id, room, keep])?;
        }
        SignInRoom::Shared => {
            let sql = format!(
                "DELETE FROM {table} WHERE id IN (
                     SELECT id FROM {table}
                     WHERE account_id = ?1 AND {password_step} AND (room IS NULL
                        OR room NOT IN (SELECT room FROM known_devices WHERE account_id = ?1))
                     ORDER BY {newest_first} LIMIT -1 OFFSET ?2)"
            );
            conn.prepare_cached(&sql)?
                .execute(params![account_id, keep])?;
        }
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

    #[test]
    fn known_devices_are_bounded_and_the_least_recently_signed_in_is_forgotten() {
        let db = Db::open(None).expect("db");
        db.with(|conn| {
            insert_account(conn, &account("a"), 0)?;
            insert_account(conn, &account("b"), 0)?;
            note_signed_in_device(conn, "b", "tablet", 0)?;
            note_signed_in_device(conn, "a", "phone", 0)?;
            for i in 1..MAX_KNOWN_DEVICES_PER_ACCOUNT + 5 {
                note_signed_in_device(conn, "a", &format!("device {i}"), i)?;
                // The phone signs in now and then: it stays known.
                if i % 8 == 0 {
                    note_signed_in_device(conn, "a", "phone", i)?;
                }
            }
            let count: i64 = conn.query_row(
                "SELECT COUNT(*) FROM known_devices WHERE account_id = 'a'",
                [],
                |row| row.get(0),
            )?;
            assert_eq!(count, MAX_KNOWN_DEVICES_PER_ACCOUNT);
            let room =
                |account: &str, device: &'static str| sign_in_room(conn, account, Some(device));
            assert_eq!(room("a", "phone")?, SignInRoom::KnownDevice("phone"));
            assert_eq!(
                room("a", "device 1")?,
                SignInRoom::Shared,
                "the oldest went"
            );
            assert_eq!(
                room("a", "device 36")?,
                SignInRoom::KnownDevice("device 36")
            );
            // Known to one account is not known to another.
            assert_eq!(room("a", "tablet")?, SignInRoom::Shared);
            assert_eq!(room("b", "tablet")?, SignInRoom::KnownDevice("tablet"));
            assert_eq!(sign_in_room(conn, "a", None)?, SignInRoom::Shared);
            Ok(())
        })
        .expect("db work");
    }
}
