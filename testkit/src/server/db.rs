//! SQLite storage: the schema and every query.
//!
//! One connection behind a mutex (a file with `--db FILE`, else in memory). Secrets are stored
//! as digests only (see [`super::secrets`]); WebAuthn ceremony state is stored here and never
//! sent to the client.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::error::{ApiError, ApiResult, ErrorCode};

const SCHEMA: &str = "
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS accounts (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,
    phone            TEXT,
    password_hash    TEXT NOT NULL,
    totp_secret      TEXT NOT NULL,
    totp_last_step   INTEGER NOT NULL DEFAULT -1,
    user_handle      TEXT NOT NULL UNIQUE,
    passkey_required INTEGER NOT NULL DEFAULT 0,
    policy_version   INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL
);

-- A password login waiting for its second factor.
CREATE TABLE IF NOT EXISTS login_attempts (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    device_id   TEXT NOT NULL,
    email_code  BLOB NOT NULL,
    sms_code    BLOB,
    failures    INTEGER NOT NULL DEFAULT 0,
    expires_at  INTEGER NOT NULL
);

-- Delivered email/SMS messages (the test outbox).
CREATE TABLE IF NOT EXISTS outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient  TEXT NOT NULL,
    channel    TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    code       TEXT NOT NULL,
    sent_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_recipient ON outbox(recipient, seq);

CREATE TABLE IF NOT EXISTS sessions (
    id          TEXT PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    device_id   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE INDEX IF NOT EXISTS sessions_by_account ON sessions(account_id, created_at);

CREATE TABLE IF NOT EXISTS trusted_devices (
    token_hash  BLOB PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    device_id   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

-- A step-up: begun (codes sent), then finished (token issued), then consumed by the
-- registration it authorised.
CREATE TABLE IF NOT EXISTS step_ups (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    session_id       TEXT NOT NULL REFERENCES sessions(id),
    purpose          TEXT NOT NULL,
    email_code       BLOB NOT NULL,
    sms_code         BLOB,
    failures         INTEGER NOT NULL DEFAULT 0,
    expires_at       INTEGER NOT NULL,
    token_hash       BLOB UNIQUE,
    token_expires_at INTEGER,
    consumed         INTEGER NOT NULL DEFAULT 0
);

-- WebAuthn ceremonies: server-side state, single use, bound to account, session and purpose.
CREATE TABLE IF NOT EXISTS ceremonies (
    id                      TEXT PRIMARY KEY,
    account_id              TEXT NOT NULL REFERENCES accounts(id),
    session_id              TEXT NOT NULL REFERENCES sessions(id),
    purpose                 TEXT NOT NULL,
    state                   TEXT NOT NULL,
    step_up_id              TEXT,
    created_at              INTEGER NOT NULL,
    expires_at              INTEGER NOT NULL,
    status                  TEXT NOT NULL DEFAULT 'open',
    credential_id           BLOB,
    revoked_sessions        INTEGER NOT NULL DEFAULT 0,
    revoked_trusted_devices INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS passkeys (
    id              INTEGER PRIMARY KEY,
    credential_id   BLOB NOT NULL,
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    passkey         TEXT NOT NULL,
    name            TEXT NOT NULL,
    aaguid          TEXT NOT NULL,
    backup_eligible INTEGER NOT NULL,
    backed_up       INTEGER NOT NULL,
    transports      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER
);
-- Credential ids are unique across ALL accounts (BRIEF §5 #10).
CREATE UNIQUE INDEX IF NOT EXISTS passkeys_credential_id ON passkeys(credential_id);
CREATE INDEX IF NOT EXISTS passkeys_by_account ON passkeys(account_id);

-- The flag is never on with zero passkeys (BRIEF §2 J7, §5 #4): the handlers check first, these
-- triggers make any path that forgets fail instead of breaking the rule.
CREATE TRIGGER IF NOT EXISTS flag_needs_a_passkey
BEFORE UPDATE OF passkey_required ON accounts
WHEN NEW.passkey_required = 1
 AND (SELECT COUNT(*) FROM passkeys WHERE account_id = NEW.id) = 0
BEGIN SELECT RAISE(ABORT, 'the passkey flag needs a passkey'); END;
CREATE TRIGGER IF NOT EXISTS keep_the_last_passkey_while_flagged
BEFORE DELETE ON passkeys
WHEN (SELECT passkey_required FROM accounts WHERE id = OLD.account_id) = 1
 AND (SELECT COUNT(*) FROM passkeys WHERE account_id = OLD.account_id) <= 1
BEGIN SELECT RAISE(ABORT, 'the last passkey of a flagged account'); END;

-- WebAuthn assertion ceremonies (login, usernameless login, passkey verification for a purpose or
-- a scenario): server-side state, single use, bound to what is known when they begin.
CREATE TABLE IF NOT EXISTS assertions (
    id          TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL,
    account_id  TEXT REFERENCES accounts(id),
    session_id  TEXT REFERENCES sessions(id),
    device_id   TEXT,
    params_hash BLOB,
    state       TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS assertions_by_expiry ON assertions(expires_at);

-- How many assertion ceremonies are open, all and usernameless (no account), kept by triggers so
-- that a begin checks its bound in constant time (see `open_assertions`).
CREATE TABLE IF NOT EXISTS counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT OR IGNORE INTO counters (name, value) VALUES ('open_assertions', 0), ('open_usernameless', 0);
CREATE TRIGGER IF NOT EXISTS count_assertion_in AFTER INSERT ON assertions
BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'open_assertions'
        OR (name = 'open_usernameless' AND NEW.account_id IS NULL);
END;
CREATE TRIGGER IF NOT EXISTS count_assertion_out AFTER DELETE ON assertions
BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'open_assertions'
        OR (name = 'open_usernameless' AND OLD.account_id IS NULL);
END;

-- Proofs of a fresh passkey verification: single use, bound to account, session, purpose (and the
-- operation's parameters for scenarios). Stored as digests only.
CREATE TABLE IF NOT EXISTS proofs (
    token_hash  BLOB PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    purpose     TEXT NOT NULL,
    params_hash BLOB,
    expires_at  INTEGER NOT NULL,
    consumed    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS proofs_by_expiry ON proofs(expires_at);
CREATE INDEX IF NOT EXISTS ceremonies_by_session ON ceremonies(session_id, created_at);

-- The global scenario catalogue and the reopened login paths (phase policy, changeable at run time).
CREATE TABLE IF NOT EXISTS scenarios (
    name    TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL
);
INSERT OR IGNORE INTO scenarios (name, enabled) VALUES
    ('login', 1), ('withdrawal', 0), ('security_settings', 0), ('api_keys', 0);
CREATE TABLE IF NOT EXISTS reopened_paths (
    path     TEXT PRIMARY KEY,
    reopened INTEGER NOT NULL
);
INSERT OR IGNORE INTO reopened_paths (path, reopened) VALUES
    ('h5_login', 0), ('third_party_login', 0);

-- Security activity the user can read (BRIEF §7).
CREATE TABLE IF NOT EXISTS security_events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    kind       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS security_events_by_account ON security_events(account_id, seq);

-- The server's own signing keys, created once per database (the policy key: devices pin its
-- public half, so it must outlive a restart). A production server keeps such a key in an HSM or
-- a KMS and signs through it; a file is the reference server's stand-in.
CREATE TABLE IF NOT EXISTS server_keys (
    name       TEXT PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS withdrawals (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    asset      TEXT NOT NULL,
    address    TEXT NOT NULL,
    amount     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
";

/// Columns added after the first release of the schema: `(table, column, declaration)`, added to
/// an older database file when missing.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("ceremonies", "proof_hash", "BLOB"),
    ("ceremonies", "request_hash", "BLOB"),
    ("sessions", "signed_in_with", "TEXT"),
    ("passkeys", "sign_count", "INTEGER NOT NULL DEFAULT 0"),
    ("passkeys", "use_count", "INTEGER NOT NULL DEFAULT 0"),
];

/// Prepared statements kept by the connection (this module has about 70 distinct queries).
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
        // Every query of this module is a cached prepared statement; keep them all.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.execute_batch(SCHEMA)?;
        for (table, column, declaration) in ADDED_COLUMNS {
            add_missing_column(&conn, table, column, declaration)?;
        }
        // The counters start true whatever an older file held.
        conn.execute_batch(
            "UPDATE counters SET value = (SELECT COUNT(*) FROM assertions)
                 WHERE name = 'open_assertions';
             UPDATE counters SET value = (SELECT COUNT(*) FROM assertions WHERE account_id IS NULL)
                 WHERE name = 'open_usernameless';",
        )?;
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

fn add_missing_column(
    conn: &Connection,
    table: &str,
    column: &str,
    declaration: &str,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(&format!("PRAGMA table_info({table})"))?;
    let names = stmt
        .query_map([], |row| row.get::<_, String>(1))?
        .collect::<Result<Vec<_>, _>>()?;
    if !names.iter().any(|name| name == column) {
        conn.execute_batch(&format!(
            "ALTER TABLE {table} ADD COLUMN {column} {declaration}"
        ))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// server keys

/// The secret of the server key `name`: the stored one, or `generate()`'s, stored now. Two
/// servers starting on one file at once agree on the first one stored.
pub fn server_key(
    conn: &Connection,
    name: &str,
    generate: impl FnOnce() -> Vec<u8>,
    now: i64,
) -> ApiResult<Vec<u8>> {
    conn.prepare_cached(
        "INSERT INTO server_keys (name, secret, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(name) DO NOTHING",
    )?
    .execute(params![name, generate(), now])?;
    Ok(conn
        .prepare_cached("SELECT secret FROM server_keys WHERE name = ?1")?
        .query_row([name], |row| row.get(0))?)
}

// ---------------------------------------------------------------------------------------------
// accounts

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

/// The account with this id.
pub fn account_by_id(conn: &Connection, id: &str) -> ApiResult<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], account_from_row)
        .optional()?)
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

// ---------------------------------------------------------------------------------------------
// login attempts

/// A pending password login.
#[derive(Debug, Clone)]
pub struct LoginAttempt {
    pub id: String,
    pub account_id: String,
    pub device_id: String,
    pub email_code: Vec<u8>,
    pub sms_code: Option<Vec<u8>>,
    pub failures: i64,
    pub expires_at: i64,
}

/// Stores a pending login.
pub fn insert_login_attempt(conn: &Connection, attempt: &LoginAttempt) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO login_attempts (id, account_id, device_id, email_code, sms_code, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        attempt.id,
        attempt.account_id,
        attempt.device_id,
        attempt.email_code,
        attempt.sms_code,
        attempt.expires_at
    ])?;
    Ok(())
}

/// A pending login by id.
pub fn login_attempt(conn: &Connection, id: &str) -> ApiResult<Option<LoginAttempt>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, account_id, device_id, email_code, sms_code, failures, expires_at
             FROM login_attempts WHERE id = ?1",
        )?
        .query_row([id], |row| {
            Ok(LoginAttempt {
                id: row.get(0)?,
                account_id: row.get(1)?,
                device_id: row.get(2)?,
                email_code: row.get(3)?,
                sms_code: row.get(4)?,
                failures: row.get(5)?,
                expires_at: row.get(6)?,
            })
        })
        .optional()?)
}

/// Counts a wrong code.
pub fn count_login_failure(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.prepare_cached("UPDATE login_attempts SET failures = failures + 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Removes a pending login; `false` if it was already gone (used concurrently).
pub fn delete_login_attempt(conn: &Connection, id: &str) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM login_attempts WHERE id = ?1")?
        .execute([id])?
        == 1)
}

// ---------------------------------------------------------------------------------------------
// outbox

/// One delivered message.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxMessage {
    pub to: String,
    pub channel: String,
    pub purpose: String,
    pub code: String,
    pub sent_at: i64,
}

/// Delivers a message to the outbox.
pub fn push_outbox(conn: &Connection, message: &OutboxMessage) -> ApiResult<()> {
    conn.prepare_cached("INSERT INTO outbox (recipient, channel, purpose, code, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)")?.execute(params![
            message.to,
            message.channel,
            message.purpose,
            message.code,
            message.sent_at
        ],
    )?;
    Ok(())
}

/// The last 100 messages to `recipient`, oldest first.
pub fn outbox_for(conn: &Connection, recipient: &str) -> ApiResult<Vec<OutboxMessage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT recipient, channel, purpose, code, sent_at FROM
           (SELECT * FROM outbox WHERE recipient = ?1 ORDER BY seq DESC LIMIT 100)
         ORDER BY seq ASC",
    )?;
    let rows = stmt.query_map([recipient], |row| {
        Ok(OutboxMessage {
            to: row.get(0)?,
            channel: row.get(1)?,
            purpose: row.get(2)?,
            code: row.get(3)?,
            sent_at: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// ---------------------------------------------------------------------------------------------
// sessions and trusted devices

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub account_id: String,
    pub device_id: String,
}

/// Stores a session under the digest of its token.
/// `signed_in_with` names the factor the session rests on (`passkey`, `code`, `trusted_device`,
/// `third_party`), for audits and the invariant checks of the fault tests.
pub fn insert_session(
    conn: &Connection,
    session: &Session,
    token_hash: &[u8],
    signed_in_with: &str,
    now: i64,
    expires_at: i64,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO sessions (id, token_hash, account_id, device_id, created_at, expires_at,
                               signed_in_with)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        session.id,
        token_hash,
        session.account_id,
        session.device_id,
        now,
        expires_at,
        signed_in_with
    ])?;
    Ok(())
}

/// The live (unrevoked, unexpired) session with this token digest.
pub fn live_session(conn: &Connection, token_hash: &[u8], now: i64) -> ApiResult<Option<Session>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, account_id, device_id FROM sessions
             WHERE token_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2",
        )?
        .query_row(params![token_hash, now], |row| {
            Ok(Session {
                id: row.get(0)?,
                account_id: row.get(1)?,
                device_id: row.get(2)?,
            })
        })
        .optional()?)
}

/// A live session as its account sees it (never its token).
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub device_id: String,
    pub created_at: i64,
    pub signed_in_with: Option<String>,
}

/// The account's live (unrevoked, unexpired) sessions, oldest first.
pub fn live_sessions_of(
    conn: &Connection,
    account_id: &str,
    now: i64,
) -> ApiResult<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, device_id, created_at, signed_in_with FROM sessions
         WHERE account_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
         ORDER BY created_at, rowid",
    )?;
    let rows = stmt.query_map(params![account_id, now], |row| {
        Ok(SessionRow {
            id: row.get(0)?,
            device_id: row.get(1)?,
            created_at: row.get(2)?,
            signed_in_with: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes one session.
pub fn revoke_session(conn: &Connection, session_id: &str, now: i64) -> ApiResult<()> {
    conn.prepare_cached(
        "UPDATE sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
    )?
    .execute(params![session_id, now])?;
    Ok(())
}

/// Revokes every live session of the account except `keep`; returns how many.
pub fn revoke_other_sessions(
    conn: &Connection,
    account_id: &str,
    keep: &str,
    now: i64,
) -> ApiResult<u32> {
    let n = conn
        .prepare_cached(
            "UPDATE sessions SET revoked_at = ?3
         WHERE account_id = ?1 AND id <> ?2 AND revoked_at IS NULL AND expires_at > ?3",
        )?
        .execute(params![account_id, keep, now])?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Stores a "trust this device" mark under the digest of its token.
pub fn insert_trusted_device(
    conn: &Connection,
    token_hash: &[u8],
    account_id: &str,
    device_id: &str,
    now: i64,
    expires_at: i64,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO trusted_devices (token_hash, account_id, device_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![token_hash, account_id, device_id, now, expires_at])?;
    Ok(())
}

/// Whether the token digest is a live trust mark for this account and device.
pub fn is_trusted_device(
    conn: &Connection,
    token_hash: &[u8],
    account_id: &str,
    device_id: &str,
    now: i64,
) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM trusted_devices
             WHERE token_hash = ?1 AND account_id = ?2 AND device_id = ?3 AND expires_at > ?4",
        )?
        .query_row(params![token_hash, account_id, device_id, now], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Deletes every trust mark of the account; returns how many were still live.
pub fn delete_trusted_devices(conn: &Connection, account_id: &str, now: i64) -> ApiResult<u32> {
    // Expired marks go first so that only live ones are counted.
    conn.prepare_cached("DELETE FROM trusted_devices WHERE account_id = ?1 AND expires_at <= ?2")?
        .execute(params![account_id, now])?;
    let n = conn
        .prepare_cached("DELETE FROM trusted_devices WHERE account_id = ?1")?
        .execute([account_id])?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Deletes every pending password login of the account.
pub fn delete_login_attempts_of(conn: &Connection, account_id: &str) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM login_attempts WHERE account_id = ?1")?
        .execute([account_id])?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// step-ups

/// A step-up row.
#[derive(Debug, Clone)]
pub struct StepUp {
    pub id: String,
    pub account_id: String,
    pub session_id: String,
    pub purpose: String,
    pub email_code: Vec<u8>,
    pub sms_code: Option<Vec<u8>>,
    pub failures: i64,
    pub expires_at: i64,
    pub token_expires_at: Option<i64>,
    pub finished: bool,
    pub consumed: bool,
}

const STEP_UP_COLUMNS: &str = "id, account_id, session_id, purpose, email_code, sms_code, \
                               failures, expires_at, token_expires_at, token_hash IS NOT NULL, consumed";

fn step_up_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StepUp> {
    Ok(StepUp {
        id: row.get(0)?,
        account_id: row.get(1)?,
        session_id: row.get(2)?,
        purpose: row.get(3)?,
        email_code: row.get(4)?,
        sms_code: row.get(5)?,
        failures: row.get(6)?,
        expires_at: row.get(7)?,
        token_expires_at: row.get(8)?,
        finished: row.get(9)?,
        consumed: row.get(10)?,
    })
}

/// Stores a begun step-up.
pub fn insert_step_up(conn: &Connection, step_up: &StepUp) -> ApiResult<()> {
    conn.prepare_cached("INSERT INTO step_ups (id, account_id, session_id, purpose, email_code, sms_code, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?.execute(params![
            step_up.id,
            step_up.account_id,
            step_up.session_id,
            step_up.purpose,
            step_up.email_code,
            step_up.sms_code,
            step_up.expires_at
        ],
    )?;
    Ok(())
}

/// A step-up by id.
pub fn step_up(conn: &Connection, id: &str) -> ApiResult<Option<StepUp>> {
    let sql = format!("SELECT {STEP_UP_COLUMNS} FROM step_ups WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], step_up_from_row)
        .optional()?)
}

/// A step-up by the digest of its token.
pub fn step_up_by_token(conn: &Connection, token_hash: &[u8]) -> ApiResult<Option<StepUp>> {
    let sql = format!("SELECT {STEP_UP_COLUMNS} FROM step_ups WHERE token_hash = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([token_hash], step_up_from_row)
        .optional()?)
}

/// Counts a wrong password or code.
pub fn count_step_up_failure(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.prepare_cached("UPDATE step_ups SET failures = failures + 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Issues the step-up token; `false` if the step-up was finished concurrently.
pub fn finish_step_up(
    conn: &Connection,
    id: &str,
    token_hash: &[u8],
    token_expires_at: i64,
) -> ApiResult<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE step_ups SET token_hash = ?2, token_expires_at = ?3
         WHERE id = ?1 AND token_hash IS NULL",
        )?
        .execute(params![id, token_hash, token_expires_at])?;
    Ok(n == 1)
}

/// Marks the step-up consumed; `false` if it already was.
pub fn consume_step_up(conn: &Connection, id: &str) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached("UPDATE step_ups SET consumed = 1 WHERE id = ?1 AND consumed = 0")?
        .execute([id])?
        == 1)
}

// ---------------------------------------------------------------------------------------------
// ceremonies

/// A WebAuthn ceremony row.
#[derive(Debug, Clone)]
pub struct Ceremony {
    pub id: String,
    pub account_id: String,
    pub session_id: String,
    pub purpose: String,
    pub state: String,
    pub step_up_id: Option<String>,
    pub proof_hash: Option<Vec<u8>>,
    pub expires_at: i64,
    pub used: bool,
    pub credential_id: Option<Vec<u8>>,
    pub revoked_sessions: u32,
    pub revoked_trusted_devices: u32,
    /// SHA-256 of the finish request that used the ceremony (its only accepted retry).
    pub request_hash: Option<Vec<u8>>,
}

/// Most registration ceremonies a session keeps open: a begin beyond this ends the oldest open
/// ones (a registration is one ceremony; two Enable taps at once are two).
pub const MAX_OPEN_CEREMONIES_PER_SESSION: i64 = 8;

/// Stores an open ceremony, ending the session's oldest open ones beyond
/// [`MAX_OPEN_CEREMONIES_PER_SESSION`].
pub fn insert_ceremony(conn: &Connection, ceremony: &Ceremony, now: i64) -> ApiResult<()> {
    conn.prepare_cached(
        "DELETE FROM ceremonies WHERE id IN (
             SELECT id FROM ceremonies WHERE session_id = ?1 AND status = 'open'
             ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?2)",
    )?
    .execute(params![
        ceremony.session_id,
        MAX_OPEN_CEREMONIES_PER_SESSION - 1
    ])?;
    conn.prepare_cached(
        "INSERT INTO ceremonies (id, account_id, session_id, purpose, state, step_up_id,
                                 proof_hash, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        ceremony.id,
        ceremony.account_id,
        ceremony.session_id,
        ceremony.purpose,
        ceremony.state,
        ceremony.step_up_id,
        ceremony.proof_hash,
        now,
        ceremony.expires_at
    ])?;
    Ok(())
}

/// A ceremony by id.
pub fn ceremony(conn: &Connection, id: &str) -> ApiResult<Option<Ceremony>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, account_id, session_id, purpose, state, step_up_id, expires_at,
                    status = 'used', credential_id, revoked_sessions, revoked_trusted_devices,
                    proof_hash, request_hash
             FROM ceremonies WHERE id = ?1",
        )?
        .query_row([id], |row| {
            Ok(Ceremony {
                id: row.get(0)?,
                account_id: row.get(1)?,
                session_id: row.get(2)?,
                purpose: row.get(3)?,
                state: row.get(4)?,
                step_up_id: row.get(5)?,
                expires_at: row.get(6)?,
                used: row.get(7)?,
                credential_id: row.get(8)?,
                revoked_sessions: row.get(9)?,
                revoked_trusted_devices: row.get(10)?,
                proof_hash: row.get(11)?,
                request_hash: row.get(12)?,
            })
        })
        .optional()?)
}

/// Deletes a ceremony (failed or expired).
pub fn delete_ceremony(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM ceremonies WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Records a successful ceremony and the digest of the request that used it, so that a retry
/// of exactly that request gets the same answer.
pub fn mark_ceremony_used(conn: &Connection, ceremony: &Ceremony) -> ApiResult<()> {
    conn.prepare_cached(
        "UPDATE ceremonies SET status = 'used', state = '', credential_id = ?2,
                revoked_sessions = ?3, revoked_trusted_devices = ?4, request_hash = ?5
         WHERE id = ?1",
    )?
    .execute(params![
        ceremony.id,
        ceremony.credential_id,
        ceremony.revoked_sessions,
        ceremony.revoked_trusted_devices,
        ceremony.request_hash
    ])?;
    Ok(())
}

/// Deletes the open ceremonies begun with the proof whose digest is `proof_hash`, other than `keep`.
pub fn delete_open_ceremonies_of_proof(
    conn: &Connection,
    proof_hash: &[u8],
    keep: &str,
) -> ApiResult<()> {
    conn.prepare_cached(
        "DELETE FROM ceremonies WHERE proof_hash = ?1 AND id <> ?2 AND status <> 'used'",
    )?
    .execute(params![proof_hash, keep])?;
    Ok(())
}

/// Deletes the open ceremonies begun with a step-up other than `keep`.
pub fn delete_open_ceremonies_of_step_up(
    conn: &Connection,
    step_up_id: &str,
    keep: &str,
) -> ApiResult<()> {
    conn.prepare_cached(
        "DELETE FROM ceremonies WHERE step_up_id = ?1 AND id <> ?2 AND status <> 'used'",
    )?
    .execute(params![step_up_id, keep])?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// passkeys

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

/// Deletes the account's passkey; `false` if the account holds no such passkey.
pub fn delete_passkey(
    conn: &Connection,
    account_id: &str,
    credential_id: &[u8],
) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM passkeys WHERE account_id = ?1 AND credential_id = ?2")?
        .execute(params![account_id, credential_id])?
        == 1)
}

// ---------------------------------------------------------------------------------------------
// assertion ceremonies

/// An assertion ceremony row.
#[derive(Debug, Clone)]
pub struct Assertion {
    pub id: String,
    pub purpose: String,
    pub account_id: Option<String>,
    pub session_id: Option<String>,
    pub device_id: Option<String>,
    pub params_hash: Option<Vec<u8>>,
    pub state: String,
    pub expires_at: i64,
}

/// How long an expired ceremony or proof is kept (so that a late answer still reads "expired").
const EXPIRED_KEPT_SECS: i64 = 3600;

/// Stores an assertion ceremony (and drops those long expired).
pub fn insert_assertion(conn: &Connection, assertion: &Assertion, now: i64) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM assertions WHERE expires_at <= ?1")?
        .execute([now.saturating_sub(EXPIRED_KEPT_SECS)])?;
    conn.prepare_cached(
        "INSERT INTO assertions (id, purpose, account_id, session_id, device_id, params_hash,
                                 state, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        assertion.id,
        assertion.purpose,
        assertion.account_id,
        assertion.session_id,
        assertion.device_id,
        assertion.params_hash,
        assertion.state,
        assertion.expires_at
    ])?;
    Ok(())
}

/// Open assertion ceremonies: `(all, usernameless)`.
pub fn open_assertions(conn: &Connection) -> ApiResult<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT value FROM counters WHERE name = 'open_assertions'),
                    (SELECT value FROM counters WHERE name = 'open_usernameless')",
        )?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?)
}

/// Drops every expired assertion ceremony now, without the hour they are otherwise kept.
pub fn purge_expired_assertions(conn: &Connection, now: i64) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM assertions WHERE expires_at <= ?1")?
        .execute([now])?;
    Ok(())
}

fn assertion_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Assertion> {
    Ok(Assertion {
        id: row.get(0)?,
        purpose: row.get(1)?,
        account_id: row.get(2)?,
        session_id: row.get(3)?,
        device_id: row.get(4)?,
        params_hash: row.get(5)?,
        state: row.get(6)?,
        expires_at: row.get(7)?,
    })
}

const ASSERTION_COLUMNS: &str =
    "id, purpose, account_id, session_id, device_id, params_hash, state, expires_at";

/// An assertion ceremony by id, left in play.
pub fn assertion(conn: &Connection, id: &str) -> ApiResult<Option<Assertion>> {
    let sql = format!("SELECT {ASSERTION_COLUMNS} FROM assertions WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], assertion_from_row)
        .optional()?)
}

/// Takes an assertion ceremony out of play (single use: whatever happens next, it is spent).
pub fn take_assertion(conn: &Connection, id: &str) -> ApiResult<Option<Assertion>> {
    let sql = format!("DELETE FROM assertions WHERE id = ?1 RETURNING {ASSERTION_COLUMNS}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], assertion_from_row)
        .optional()?)
}

// ---------------------------------------------------------------------------------------------
// proofs

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
}

/// Stores a proof (and drops those long expired).
pub fn insert_proof(conn: &Connection, proof: &Proof, now: i64) -> ApiResult<()> {
    conn.prepare_cached("DELETE FROM proofs WHERE expires_at <= ?1")?
        .execute([now.saturating_sub(EXPIRED_KEPT_SECS)])?;
    conn.prepare_cached(
        "INSERT INTO proofs (token_hash, account_id, session_id, purpose, params_hash, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        proof.token_hash,
        proof.account_id,
        proof.session_id,
        proof.purpose,
        proof.params_hash,
        proof.expires_at
    ])?;
    Ok(())
}

/// A proof by the digest of its token.
pub fn proof(conn: &Connection, token_hash: &[u8]) -> ApiResult<Option<Proof>> {
    Ok(conn
        .prepare_cached(
            "SELECT token_hash, account_id, session_id, purpose, params_hash, expires_at, consumed
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

// ---------------------------------------------------------------------------------------------
// the global policy

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

// ---------------------------------------------------------------------------------------------
// security events and withdrawals

/// One security event.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SecurityEvent {
    pub kind: String,
    pub at: i64,
    pub detail: String,
}

/// Records a security event.
pub fn insert_event(
    conn: &Connection,
    account_id: &str,
    kind: &str,
    detail: &str,
    now: i64,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO security_events (account_id, kind, at, detail) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![account_id, kind, now, detail])?;
    Ok(())
}

/// The account's last `limit` events, newest first.
pub fn events_of(conn: &Connection, account_id: &str, limit: u32) -> ApiResult<Vec<SecurityEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, at, detail FROM security_events WHERE account_id = ?1
         ORDER BY seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![account_id, limit], |row| {
        Ok(SecurityEvent {
            kind: row.get(0)?,
            at: row.get(1)?,
            detail: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_database_file_gains_the_new_columns() {
        let path = std::env::temp_dir().join(format!("passkeys-testkit-{}.db", Uuid::new_v4()));
        {
            let old = Connection::open(&path).expect("file");
            old.execute_batch(
                "CREATE TABLE ceremonies (id TEXT PRIMARY KEY, account_id TEXT NOT NULL,
                     session_id TEXT NOT NULL, purpose TEXT NOT NULL, state TEXT NOT NULL,
                     step_up_id TEXT, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
                     status TEXT NOT NULL DEFAULT 'open', credential_id BLOB,
                     revoked_sessions INTEGER NOT NULL DEFAULT 0,
                     revoked_trusted_devices INTEGER NOT NULL DEFAULT 0);",
            )
            .expect("old schema");
        }
        let db = Db::open(Some(&path)).expect("opens and migrates");
        let found = db
            .with(|conn| Ok(ceremony(conn, "none")?.is_none()))
            .expect("the new column is readable");
        assert!(found);
        drop(db);
        // Opening again is a no-op.
        Db::open(Some(&path)).expect("opens again");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn the_flag_never_stays_on_without_a_passkey() {
        let db = Db::open(None).expect("db");
        let account = Account {
            id: "a".into(),
            email: "a@b.test".into(),
            phone: None,
            password_hash: "x".into(),
            totp_secret: "x".into(),
            user_handle: Uuid::new_v4(),
            passkey_required: false,
            policy_version: 1,
        };
        db.with(|conn| insert_account(conn, &account, 0))
            .expect("inserted");
        // Zero passkeys: the trigger refuses the flag.
        assert!(db.with(|conn| set_passkey_required(conn, "a")).is_err());
        let row = PasskeyRow {
            credential_id: vec![1, 2, 3],
            name: "n".into(),
            aaguid: Uuid::nil(),
            backup_eligible: true,
            backed_up: true,
            transports: vec![],
            created_at: 0,
            last_used_at: None,
            sign_count: 0,
            use_count: 0,
        };
        db.with(|conn| insert_passkey(conn, "a", &row, "{}"))
            .expect("passkey");
        db.with(|conn| set_passkey_required(conn, "a"))
            .expect("one passkey: allowed");
        // The last passkey of a flagged account can't be deleted, whatever the caller forgot.
        assert!(
            db.with(|conn| delete_passkey(conn, "a", &[1, 2, 3]))
                .is_err()
        );
        db.with(|conn| clear_passkey_required(conn, "a"))
            .expect("flag off");
        assert!(
            db.with(|conn| delete_passkey(conn, "a", &[1, 2, 3]))
                .expect("flag off: allowed")
        );
    }
}
