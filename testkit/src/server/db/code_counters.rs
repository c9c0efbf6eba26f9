//! One-time code counters (`code_counters`): code sends and wrong codes of an account, counted in
//! the room of the device they were for ([`SignInRoom`]), and all of them together in the
//! account's shared row as well (its `all_` columns).
//!
//! Anyone holding the password can have codes sent and guess them, from devices of their
//! choosing. Counted per account alone, that let them use up the account's sends or lock its
//! codes, again and again, and so keep the owner from signing in with a code or from the step-up
//! that turns the passkey requirement on. So a device the account has signed in from has its own
//! bounds, which nothing done from other devices uses up; every other device shares the account's.
//! What all rooms together may do stays bounded: [`ALL_ROOMS_FACTOR`] times one room's bound.

use rusqlite::{Connection, OptionalExtension, params};

use super::SignInRoom;
use crate::server::error::ApiResult;

/// The shared row's room (no room is empty: a known device's is 64 hex digits).
const SHARED: &str = "";

/// How far the account's rooms together may go: sends and wrong codes across all of them stay
/// within this many times one room's bound (an attacker holding the password and the install keys
/// of the owner's devices gets no more than that).
pub const ALL_ROOMS_FACTOR: i64 = 3;

/// The counter row of `room`: the shared row for [`SignInRoom::Shared`].
fn own_row<'a>(room: SignInRoom<'a>) -> &'a str {
    match room {
        SignInRoom::KnownDevice(room) => room,
        SignInRoom::Shared => SHARED,
    }
}

/// Makes the shared row and the room's row exist.
fn ensure_rows(conn: &Connection, account_id: &str, own: &str) -> ApiResult<()> {
    let mut insert = conn
        .prepare_cached("INSERT OR IGNORE INTO code_counters (account_id, room) VALUES (?1, ?2)")?;
    insert.execute(params![account_id, SHARED])?;
    insert.execute(params![account_id, own])?;
    Ok(())
}

/// Two columns of one counter row (`0, 0` when it does not exist).
fn read_pair(
    conn: &Connection,
    account_id: &str,
    room: &str,
    columns: &str,
) -> ApiResult<(i64, i64)> {
    let sql = format!("SELECT {columns} FROM code_counters WHERE account_id = ?1 AND room = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![account_id, room], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?
        .unwrap_or((0, 0)))
}

/// Until when the codes of the account's `room` are refused after too many wrong ones (unix
/// seconds), or `None` when they are not: the room's own lock, or the lock of all rooms.
pub fn codes_locked_until(
    conn: &Connection,
    account_id: &str,
    room: SignInRoom<'_>,
    now: i64,
) -> ApiResult<Option<i64>> {
    let (own, _) = read_pair(conn, account_id, own_row(room), "locked_until, 0")?;
    let (all, _) = read_pair(conn, account_id, SHARED, "all_locked_until, 0")?;
    let until = own.max(all);
    Ok((until > now).then_some(until))
}

/// Counts a wrong one-time code for the account's `room`: the `max`-th in the room's window of
/// `window` seconds refuses the room's codes for `window` seconds from `now`, and
/// `ALL_ROOMS_FACTOR * max` across every room (counted in the shared row) refuses every room's.
pub fn count_code_failure(
    conn: &Connection,
    account_id: &str,
    room: SignInRoom<'_>,
    now: i64,
    window: i64,
    max: i64,
) -> ApiResult<()> {
    let own = own_row(room);
    ensure_rows(conn, account_id, own)?;
    conn.prepare_cached(
        "UPDATE code_counters SET
             failures = CASE WHEN failures_start + ?4 <= ?3 THEN 1 ELSE failures + 1 END,
             failures_start = CASE WHEN failures_start + ?4 <= ?3 THEN ?3 ELSE failures_start END
         WHERE account_id = ?1 AND room = ?2",
    )?
    .execute(params![account_id, own, now, window])?;
    conn.prepare_cached(
        "UPDATE code_counters SET
             all_failures = CASE WHEN all_failures_start + ?3 <= ?2 THEN 1
                                 ELSE all_failures + 1 END,
             all_failures_start = CASE WHEN all_failures_start + ?3 <= ?2 THEN ?2
                                       ELSE all_failures_start END
         WHERE account_id = ?1 AND room = ''",
    )?
    .execute(params![account_id, now, window])?;
    conn.prepare_cached(
        "UPDATE code_counters SET locked_until = ?3 + ?4
         WHERE account_id = ?1 AND room = ?2 AND failures >= ?5 AND locked_until <= ?3",
    )?
    .execute(params![account_id, own, now, window, max])?;
    conn.prepare_cached(
        "UPDATE code_counters SET all_locked_until = ?2 + ?3
         WHERE account_id = ?1 AND room = '' AND all_failures >= ?4 AND all_locked_until <= ?2",
    )?
    .execute(params![
        account_id,
        now,
        window,
        max.saturating_mul(ALL_ROOMS_FACTOR)
    ])?;
    Ok(())
}

/// Counts a code send for the account's `room` in a window of `window` seconds, unless the room
/// had `max` sends in its window, or the account `ALL_ROOMS_FACTOR * max` across every room
/// (counted in the shared row): then `Err` with the end of the window that refused (unix
/// seconds), and nothing counted.
pub fn count_code_send(
    conn: &Connection,
    account_id: &str,
    room: SignInRoom<'_>,
    now: i64,
    window: i64,
    max: i64,
) -> ApiResult<Result<(), i64>> {
    let own = own_row(room);
    ensure_rows(conn, account_id, own)?;
    conn.prepare_cached(
        "UPDATE code_counters SET sends = 0, sends_start = ?3
         WHERE account_id = ?1 AND room = ?2 AND sends_start + ?4 <= ?3",
    )?
    .execute(params![account_id, own, now, window])?;
    conn.prepare_cached(
        "UPDATE code_counters SET all_sends = 0, all_sends_start = ?2
         WHERE account_id = ?1 AND room = '' AND all_sends_start + ?3 <= ?2",
    )?
    .execute(params![account_id, now, window])?;
    let (sends, start) = read_pair(conn, account_id, own, "sends, sends_start")?;
    let (all, all_start) = read_pair(conn, account_id, SHARED, "all_sends, all_sends_start")?;
    let refused_by = match (sends >= max, all >= max.saturating_mul(ALL_ROOMS_FACTOR)) {
        (false, false) => None,
        (true, false) => Some(start),
        (false, true) => Some(all_start),
        (true, true) => Some(start.max(all_start)),
    };
    if let Some(start) = refused_by {
        return Ok(Err(start.saturating_add(window)));
    }
    conn.prepare_cached(
        "UPDATE code_counters SET sends = sends + 1 WHERE account_id = ?1 AND room = ?2",
    )?
    .execute(params![account_id, own])?;
    conn.prepare_cached(
        "UPDATE code_counters SET all_sends = all_sends + 1 WHERE account_id = ?1 AND room = ''",
    )?
    .execute(params![account_id])?;
    Ok(Ok(()))
}
