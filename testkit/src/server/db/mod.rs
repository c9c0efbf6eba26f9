//! SQLite storage: the schema and every query, one module per table or idea.
//!
//! One connection behind a mutex (a file with `--db FILE`, else in memory). Secrets are stored
//! as digests only (see [`super::secrets`]); WebAuthn ceremony state is stored here and never
//! sent to the client. [`Db::with`] runs queries on the connection, [`Db::transaction`] runs them
//! in one transaction; the queries themselves take a `&Connection` (a transaction is one), so
//! the caller decides what runs together.
//!
//! | module | tables |
//! | --- | --- |
//! | `schema` | every table, index and trigger; columns added since the first release |
//! | `accounts` | `accounts` |
//! | `logins` | `login_attempts` |
//! | `outbox` | `outbox` |
//! | `sessions` | `sessions`, `trusted_devices` |
//! | `step_ups` | `step_ups` |
//! | `ceremonies` | `ceremonies` (registration) |
//! | `passkeys` | `passkeys` |
//! | `assertions` | `assertions`, `counters` |
//! | `proofs` | `proofs` |
//! | `catalogue` | `scenarios`, `reopened_paths` |
//! | `events` | `security_events` |
//! | `devices` | `seen_devices`, `pending_devices`, `known_devices` |
//! | `code_counters` | `code_counters` (code sends and wrong codes per account and device) |
//! | `withdrawals` | `withdrawals` |
//! | `resets` | `resets`, `reset_tokens`, `recoveries` (support resets, J8) |
//! | `server_keys` | `server_keys` |

mod accounts;
mod assertions;
mod catalogue;
mod ceremonies;
mod code_counters;
mod devices;
mod events;
mod logins;
mod outbox;
mod passkeys;
mod proofs;
mod resets;
mod schema;
mod server_keys;
mod sessions;
mod step_ups;
mod withdrawals;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Transaction};

use crate::server::error::{ApiError, ApiResult, ErrorCode};

pub use accounts::*;
pub use assertions::*;
pub use catalogue::*;
pub use ceremonies::*;
pub use code_counters::*;
pub use devices::*;
pub use events::*;
pub use logins::*;
pub use outbox::*;
pub use passkeys::*;
pub use proofs::*;
pub use resets::*;
pub use server_keys::*;
pub use sessions::*;
pub use step_ups::*;
pub use withdrawals::*;

/// How long an expired ceremony or proof is kept (so that a late answer still reads "expired").
const EXPIRED_KEPT_SECS: i64 = 3600;

/// Deletes the rows of `table` that `filter` selects (its `?1` bound to `key`) except the newest
/// `keep` of them, by rowid (the order they were inserted in): the per-account and per-reset
/// bounds. `table` and `filter` are this module's constants, never request data.
fn keep_newest(
    conn: &Connection,
    table: &str,
    filter: &str,
    key: &str,
    keep: i64,
) -> ApiResult<()> {
    let sql = format!(
        "DELETE FROM {table} WHERE {filter} AND rowid <= (
             SELECT rowid FROM {table} WHERE {filter} ORDER BY rowid DESC LIMIT 1 OFFSET ?2)"
    );
    conn.prepare_cached(&sql)?
        .execute(rusqlite::params![key, keep])?;
    Ok(())
}

/// Prepared statements kept by the connection (these modules have about 70 distinct queries).
const STATEMENT_CACHE: usize = 128;

/// The database: one SQLite connection.
pub struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    /// Opens (creating if needed) the database at `path`, or an in-memory one.
    pub fn open(path: Option<&Path>) -> rusqlite::Result<Self> {
        let conn = match path {
            Some(path) => {
                let conn = Connection::open(path)?;
                // Write-ahead log: a commit appends to the log (synced: synchronous stays FULL,
                // so an answered commit survives a power cut), readers (a test, an operator's
                // sqlite3) never block the server.
                let mode: String =
                    conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
                if !mode.eq_ignore_ascii_case("wal") {
                    eprintln!("passkeys-testkit: SQLite kept journal mode {mode}");
                }
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        // Every query of these modules is a cached prepared statement; keep them all.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        schema::prepare(&conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// Runs `f` on the connection.
    pub fn with<T>(&self, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        f(&*self.lock()?)
    }

    /// Runs `f` in one transaction, committed only when `f` returns `Ok`.
    pub fn transaction<T>(&self, f: impl FnOnce(&Transaction) -> ApiResult<T>) -> ApiResult<T> {
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn lock(&self) -> ApiResult<MutexGuard<'_, Connection>> {
        self.conn
            .lock()
            .map_err(|_| ApiError::new(ErrorCode::Internal))
    }
}
