//! Proofs of a fresh passkey verification (`proofs`), stored as digests.

use rusqlite::{Connection, OptionalExtension, params};

use super::EXPIRED_KEPT_SECS;
use crate::server::error::ApiResult;

/// A proof row.
#[derive(Debug, Clone)]
pub struct Proof {
    pub token_hash: Vec<u8>,
    pub account_id: String,
    pub session_id: String,
    pub purpose: String,
    pub params_hash: Option<Vec<u8>>,
    pub expires_at: i64,
    pub consumed: bool,
    /// The passkey whose assertion made the proof.
    pub credential_id: Option<Vec<u8>>,
}

/// Stores a proof (and drops those long expired).
pub fn insert_proof(conn: &Connection, proof: &Proof, now: i64) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM proofs WHERE expires_at <= ?1")?
        .execute([now.saturating_sub(EXPIRED_KEPT_SECS)])?;
    conn.prepare_cached(
        "INSERT INTO proofs (token_hash, account_id, session_id, purpose, params_hash, expires_at,
                             credential_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        proof.token_hash,
        proof.account_id,
        proof.session_id,
        proof.purpose,
        proof.params_hash,
        proof.expires_at,
        proof.credential_id
    ])?;
    Ok(())
}

/// A proof by the digest of its token.
pub fn proof(conn: &Connection, token_hash: &[u8]) -> ApiResult<Option<Proof>> {
    Ok(conn
        .prepare_cached(
            "SELECT token_hash, account_id, session_id, purpose, params_hash, expires_at, consumed,
                    credential_id
             FROM proofs WHERE token_hash = ?1",
        )?
        .query_row([token_hash], |row| {
            Ok(Proof {
                token_hash: row.get(0)?,
                account_id: row.get(1)?,
                session_id: row.get(2)?,
                purpose: row.get(3)?,
                params_hash: row.get(4)?,
                expires_at: row.get(5)?,
                consumed: row.get(6)?,
                credential_id: row.get(7)?,
            })
        })
        .optional()?)
}

/// Marks a proof consumed; `false` if it already was.
pub fn consume_proof(conn: &Connection, token_hash: &[u8]) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached("UPDATE proofs SET consumed = 1 WHERE token_hash = ?1 AND consumed = 0")?
        .execute([token_hash])?
        == 1)
}

/// Spends the account's unspent proofs made with the passkey `credential_id` (it is being
/// deleted: what it authorised goes with it); `None` spends every proof of the account (all its
/// passkeys are being deleted). Returns how many.
pub fn spend_proofs_of_passkey(
    conn: &Connection,
    account_id: &str,
    credential_id: Option<&[u8]>,
) -> ApiResult<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE proofs SET consumed = 1
             WHERE account_id = ?1 AND consumed = 0 AND (?2 IS NULL OR credential_id = ?2)",
        )?
        .execute(params![account_id, credential_id])?)
}
