//! Passkeys (`passkeys`): the serialized webauthn-rs credential and its display facts; credential
//! ids are unique across all accounts.

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::server::error::{ApiError, ApiResult, ErrorCode};

/// A stored passkey's display facts.
#[derive(Debug, Clone)]
pub struct PasskeyRow {
    pub credential_id: Vec<u8>,
    pub name: String,
    pub aaguid: Uuid,
    pub backup_eligible: bool,
    pub backed_up: bool,
    pub transports: Vec<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// The signature counter as last verified (0 for synced passkeys).
    pub sign_count: u32,
    /// Verified assertions with it (sign-ins and verifications).
    pub use_count: u64,
}

/// Whether any account holds this credential id.
pub fn credential_exists(conn: &Connection, credential_id: &[u8]) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM passkeys WHERE credential_id = ?1")?
        .query_row([credential_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Stores a passkey; `Ok(false)` when its credential id is already held (unique index).
pub fn insert_passkey(
    conn: &Connection,
    account_id: &str,
    row: &PasskeyRow,
    passkey_json: &str,
) -> ApiResult<bool> {
    let transports =
        serde_json::to_string(&row.transports).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    let n = conn.prepare_cached("INSERT INTO passkeys (credential_id, account_id, passkey, name, aaguid, backup_eligible,
                               backed_up, transports, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(credential_id) DO NOTHING")?.execute(params![
            row.credential_id,
            account_id,
            passkey_json,
            row.name,
            row.aaguid.to_string(),
            row.backup_eligible,
            row.backed_up,
            transports,
            row.created_at
        ],
    )?;
    Ok(n == 1)
}

/// How many passkeys the account holds.
pub fn passkey_count(conn: &Connection, account_id: &str) -> ApiResult<i64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM passkeys WHERE account_id = ?1")?
        .query_row([account_id], |row| row.get(0))?)
}

/// The account's passkeys, oldest first.
pub fn passkeys_of(conn: &Connection, account_id: &str) -> ApiResult<Vec<PasskeyRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT credential_id, name, aaguid, backup_eligible, backed_up, transports, created_at,
                last_used_at, sign_count, use_count
         FROM passkeys WHERE account_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([account_id], |row| {
        let aaguid: String = row.get(2)?;
        let transports: String = row.get(5)?;
        Ok(PasskeyRow {
            credential_id: row.get(0)?,
            name: row.get(1)?,
            aaguid: Uuid::parse_str(&aaguid).unwrap_or_default(),
            backup_eligible: row.get(3)?,
            backed_up: row.get(4)?,
            transports: serde_json::from_str(&transports).unwrap_or_default(),
            created_at: row.get(6)?,
            last_used_at: row.get(7)?,
            sign_count: row.get(8)?,
            use_count: row.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The credential ids of the account's passkeys.
pub fn credential_ids_of(conn: &Connection, account_id: &str) -> ApiResult<Vec<Vec<u8>>> {
    let mut stmt = conn
        .prepare_cached("SELECT credential_id FROM passkeys WHERE account_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([account_id], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A stored passkey as webauthn-rs needs it, with its owner and display name.
#[derive(Debug, Clone)]
pub struct StoredPasskey {
    pub account_id: String,
    pub name: String,
    pub passkey_json: String,
    pub backup_eligible: bool,
}

/// The passkey with this credential id, whichever account holds it.
pub fn passkey_by_credential_id(
    conn: &Connection,
    credential_id: &[u8],
) -> ApiResult<Option<StoredPasskey>> {
    Ok(conn
        .prepare_cached(
            "SELECT account_id, name, passkey, backup_eligible FROM passkeys
             WHERE credential_id = ?1",
        )?
        .query_row([credential_id], |row| {
            Ok(StoredPasskey {
                account_id: row.get(0)?,
                name: row.get(1)?,
                passkey_json: row.get(2)?,
                backup_eligible: row.get(3)?,
            })
        })
        .optional()?)
}

/// The serialized webauthn-rs passkeys of the account, oldest first.
pub fn passkey_jsons_of(conn: &Connection, account_id: &str) -> ApiResult<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT passkey FROM passkeys WHERE account_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([account_id], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Stores what a successful assertion changed: the updated passkey (counter, backup state), the
/// flags and the time of use.
pub fn record_passkey_use(
    conn: &Connection,
    credential_id: &[u8],
    passkey_json: &str,
    sign_count: u32,
    backup_eligible: bool,
    backed_up: bool,
    now: i64,
) -> ApiResult<()> {
    conn.prepare_cached(
        "UPDATE passkeys SET passkey = ?2, backup_eligible = ?3, backed_up = ?4, last_used_at = ?5,
                             sign_count = ?6, use_count = use_count + 1
         WHERE credential_id = ?1",
    )?
    .execute(params![
        credential_id,
        passkey_json,
        backup_eligible,
        backed_up,
        now,
        sign_count
    ])?;
    Ok(())
}

/// The name of the account's passkey with this id, if the account holds it.
pub fn passkey_name(
    conn: &Connection,
    account_id: &str,
    credential_id: &[u8],
) -> ApiResult<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT name FROM passkeys WHERE account_id = ?1 AND credential_id = ?2")?
        .query_row(params![account_id, credential_id], |row| row.get(0))
        .optional()?)
}

/// Renames the account's passkey; `false` if the account holds no such passkey.
pub fn rename_passkey(
    conn: &Connection,
    account_id: &str,
    credential_id: &[u8],
    name: &str,
) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE passkeys SET name = ?3 WHERE account_id = ?1 AND credential_id = ?2",
        )?
        .execute(params![account_id, credential_id, name])?
        == 1)
}

/// Deletes the account's passkey and spends the proofs it made (a proof taken with a passkey the
/// owner then deletes authorises nothing more); `false` if the account holds no such passkey.
/// A caller spending a proof of its own in the same transaction spends it first.
pub fn delete_passkey(
    conn: &Connection,
    account_id: &str,
    credential_id: &[u8],
) -> ApiResult<bool> {
    let deleted = conn
        .prepare_cached("DELETE FROM passkeys WHERE account_id = ?1 AND credential_id = ?2")?
        .execute(params![account_id, credential_id])?
        == 1;
    if deleted {
        super::spend_proofs_of_passkey(conn, account_id, Some(credential_id))?;
    }
    Ok(deleted)
}

/// Deletes every passkey of the account and spends its proofs; returns how many passkeys. The
/// flag must be off first (the trigger keeps the last passkey of a flagged account).
pub fn delete_passkeys_of(conn: &Connection, account_id: &str) -> ApiResult<u32> {
    let n = conn
        .prepare_cached("DELETE FROM passkeys WHERE account_id = ?1")?
        .execute([account_id])?;
    super::spend_proofs_of_passkey(conn, account_id, None)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}
