//! Withdrawals (`withdrawals`).

use rusqlite::{Connection, params};

use crate::server::error::ApiResult;

/// A withdrawal request.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    pub id: String,
    pub account_id: String,
    pub asset: String,
    pub address: String,
    pub amount: String,
}

/// Stores an accepted withdrawal.
pub fn insert_withdrawal(conn: &Connection, withdrawal: &Withdrawal, now: i64) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO withdrawals (id, account_id, asset, address, amount, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        withdrawal.id,
        withdrawal.account_id,
        withdrawal.asset,
        withdrawal.address,
        withdrawal.amount,
        now
    ])?;
    Ok(())
}
