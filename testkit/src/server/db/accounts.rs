//! Accounts (`accounts`): the factors, the WebAuthn user handle, the passkey flag, the policy
//! version and the withdrawal hold.

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::server::error::ApiResult;

/// An account row.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub phone: Option<String>,
    pub password_hash: String,
    pub totp_secret: String,
    pub user_handle: Uuid,
    pub passkey_required: bool,
    pub policy_version: i64,
}

const ACCOUNT_COLUMNS: &str =
    "id, email, phone, password_hash, totp_secret, user_handle, passkey_required, policy_version";

fn account_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let handle: String = row.get(5)?;
    Ok(Account {
        id: row.get(0)?,
        email: row.get(1)?,
        phone: row.get(2)?,
        password_hash: row.get(3)?,
        totp_secret: row.get(4)?,
        user_handle: Uuid::parse_str(&handle).unwrap_or_default(),
        passkey_required: row.get(6)?,
        policy_version: row.get(7)?,
    })
}

/// Inserts an account; `Ok(false)` when the email is taken.
pub fn insert_account(conn: &Connection, account: &Account, now: i64) -> ApiResult<bool> {
    let inserted = conn.prepare_cached("INSERT INTO accounts (id, email, phone, password_hash, totp_secret, user_handle, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(email) DO NOTHING")?.execute(params![
            account.id,
            account.email,
            account.phone,
            account.password_hash,
            account.totp_secret,
            account.user_handle.to_string(),
            now
        ],
    )?;
    Ok(inserted == 1)
}

/// The account with this (normalised) email.
pub fn account_by_email(conn: &Connection, email: &str) -> ApiResult<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([email], account_from_row)
        .optional()?)
}

/// Replaces the account's password hash.
pub fn set_password_hash(conn: &Connection, account_id: &str, hash: &str) -> ApiResult<()> {
    conn.prepare_cached("UPDATE accounts SET password_hash = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![account_id, hash])?;
    Ok(())
}

/// The account with this id.
pub fn account_by_id(conn: &Connection, id: &str) -> ApiResult<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], account_from_row)
        .optional()?)
}

/// Until when the account's passkey-health nudge stays dismissed (unix seconds; 0: never
/// dismissed).
pub fn nudge_dismissed_until(conn: &Connection, account_id: &str) -> ApiResult<i64> {
    Ok(conn
        .prepare_cached("SELECT nudge_dismissed_until FROM accounts WHERE id = ?1")?
        .query_row([account_id], |row| row.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Dismisses the account's passkey-health nudge until `until` (unix seconds).
pub fn dismiss_nudge(conn: &Connection, account_id: &str, until: i64) -> ApiResult<()> {
    conn.prepare_cached("UPDATE accounts SET nudge_dismissed_until = ?2 WHERE id = ?1")?
        .execute(params![account_id, until])?;
    Ok(())
}

/// Until when the account's withdrawal hold lasts (unix seconds; 0: never held).
pub fn hold_until(conn: &Connection, account_id: &str) -> ApiResult<i64> {
    Ok(conn
        .prepare_cached("SELECT hold_until FROM accounts WHERE id = ?1")?
        .query_row([account_id], |row| row.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Holds the account's withdrawals and security changes until `until` (unix seconds); a hold
/// already in force that ends later is kept (a hold is never shortened).
pub fn extend_hold(conn: &Connection, account_id: &str, until: i64) -> ApiResult<()> {
    conn.prepare_cached("UPDATE accounts SET hold_until = MAX(hold_until, ?2) WHERE id = ?1")?
        .execute(params![account_id, until])?;
    Ok(())
}

/// Records a used TOTP step; `false` if that step (or a later one) was already used.
pub fn claim_totp_step(conn: &Connection, account_id: &str, step: i64) -> ApiResult<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE accounts SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2",
        )?
        .execute(params![account_id, step])?;
    Ok(changed == 1)
}

/// Turns the passkey flag on and bumps the policy version.
pub fn set_passkey_required(conn: &Connection, account_id: &str) -> ApiResult<()> {
    conn.prepare_cached(
        "UPDATE accounts SET passkey_required = 1, policy_version = policy_version + 1
         WHERE id = ?1",
    )?
    .execute([account_id])?;
    Ok(())
}

/// Turns the passkey flag off and bumps the policy version.
pub fn clear_passkey_required(conn: &Connection, account_id: &str) -> ApiResult<()> {
    conn.prepare_cached(
        "UPDATE accounts SET passkey_required = 0, policy_version = policy_version + 1
         WHERE id = ?1",
    )?
    .execute([account_id])?;
    Ok(())
}

/// The account whose WebAuthn user handle this is.
pub fn account_by_user_handle(conn: &Connection, handle: &Uuid) -> ApiResult<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE user_handle = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([handle.to_string()], account_from_row)
        .optional()?)
}

/// Bumps the policy version of every account (the global policy changed).
pub fn bump_all_policy_versions(conn: &Connection) -> ApiResult<()> {
    conn.prepare_cached("UPDATE accounts SET policy_version = policy_version + 1")?
        .execute([])?;
    Ok(())
}

/// Bumps the policy version (the passkey count changed).
pub fn bump_policy_version(conn: &Connection, account_id: &str) -> ApiResult<()> {
    conn.prepare_cached("UPDATE accounts SET policy_version = policy_version + 1 WHERE id = ?1")?
        .execute([account_id])?;
    Ok(())
}
