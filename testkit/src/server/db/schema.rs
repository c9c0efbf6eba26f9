//! The schema: every table, index and trigger, and the columns added since the first release
//! (added to an older database file when missing).

use rusqlite::Connection;

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
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions(expires_at);

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

CREATE INDEX IF NOT EXISTS step_ups_by_session ON step_ups(session_id);

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
CREATE INDEX IF NOT EXISTS assertions_by_account ON assertions(account_id, expires_at);

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
-- operation's parameters for scenarios), spent when the passkey that made them is deleted. Stored
-- as digests only.
CREATE TABLE IF NOT EXISTS proofs (
    token_hash    BLOB PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    session_id    TEXT NOT NULL REFERENCES sessions(id),
    purpose       TEXT NOT NULL,
    params_hash   BLOB,
    expires_at    INTEGER NOT NULL,
    consumed      INTEGER NOT NULL DEFAULT 0,
    credential_id BLOB
);
CREATE INDEX IF NOT EXISTS proofs_by_expiry ON proofs(expires_at);
CREATE INDEX IF NOT EXISTS proofs_by_account ON proofs(account_id);
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
-- (`refusal` and its index are added by `prepare`, for older files too. `refusal` holds the
-- event's shelf, `db::Shelf`: 0 a change, 1 a refused sign-in, 2 a sign-in notice.)

-- Device models and OSes an account has signed in from (a new one is in the security activity).
CREATE TABLE IF NOT EXISTS seen_devices (
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    model         TEXT NOT NULL,
    os            TEXT NOT NULL,
    first_seen_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, model, os)
);
-- The devices the account has signed in from, by room: the SHA-256 (hex) of the secret install
-- key the app's library sends with a sign-in (never the device id, which the app chooses and
-- may share). The pending sign-ins and codes of such a device are kept apart from those of
-- devices never signed in from, which anyone holding the password can begin without end.
CREATE TABLE IF NOT EXISTS known_devices (
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    room         TEXT NOT NULL,
    signed_in_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, room)
);
-- One-time code sends and wrong codes of an account, per room: a known device's own (`room` its
-- device id) and the shared one of every other device (`room` empty), whose row also counts
-- every room's together (the `all_` columns; see `code_counters`).
CREATE TABLE IF NOT EXISTS code_counters (
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    room             TEXT NOT NULL,
    sends            INTEGER NOT NULL DEFAULT 0,
    sends_start      INTEGER NOT NULL DEFAULT 0,
    failures         INTEGER NOT NULL DEFAULT 0,
    failures_start   INTEGER NOT NULL DEFAULT 0,
    locked_until     INTEGER NOT NULL DEFAULT 0,
    -- Every room's together, in the shared row only.
    all_sends          INTEGER NOT NULL DEFAULT 0,
    all_sends_start    INTEGER NOT NULL DEFAULT 0,
    all_failures       INTEGER NOT NULL DEFAULT 0,
    all_failures_start INTEGER NOT NULL DEFAULT 0,
    all_locked_until   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, room)
);
CREATE TRIGGER IF NOT EXISTS code_counters_of_known_device AFTER DELETE ON known_devices
BEGIN DELETE FROM code_counters WHERE account_id = OLD.account_id AND room = OLD.room; END;
-- The device description a sign-in began with, under its login attempt's or assertion
-- ceremony's id; it goes when they go.
CREATE TABLE IF NOT EXISTS pending_devices (
    owner_id TEXT PRIMARY KEY,
    model    TEXT NOT NULL,
    os       TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS pending_device_of_login_attempt AFTER DELETE ON login_attempts
BEGIN DELETE FROM pending_devices WHERE owner_id = OLD.id; END;
CREATE TRIGGER IF NOT EXISTS pending_device_of_assertion AFTER DELETE ON assertions
BEGIN DELETE FROM pending_devices WHERE owner_id = OLD.id; END;

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

-- Support resets (J8): a request to remove every passkey of an account that lost them all,
-- pending until the back office approves it (not before approvable_at) or the owner's passkey
-- cancels it. At most one pending reset per account.
CREATE TABLE IF NOT EXISTS resets (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    status        TEXT NOT NULL DEFAULT 'pending',
    requested_at  INTEGER NOT NULL,
    approvable_at INTEGER NOT NULL,
    hold_until    INTEGER
);
CREATE INDEX IF NOT EXISTS resets_by_account ON resets(account_id, requested_at);
CREATE UNIQUE INDEX IF NOT EXISTS one_pending_reset ON resets(account_id)
    WHERE status = 'pending';
-- The tokens that let the device that asked follow its reset without a session (digests only).
CREATE TABLE IF NOT EXISTS reset_tokens (
    token_hash BLOB PRIMARY KEY,
    reset_id   TEXT NOT NULL REFERENCES resets(id)
);
-- A reset request waiting for its code (password checked, codes sent).
CREATE TABLE IF NOT EXISTS recoveries (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    device_id   TEXT NOT NULL,
    email_code  BLOB NOT NULL,
    sms_code    BLOB,
    failures    INTEGER NOT NULL DEFAULT 0,
    expires_at  INTEGER NOT NULL
);
";

/// Columns added after the first release of the schema: `(table, column, declaration)`, added to
/// an older database file when missing.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("ceremonies", "proof_hash", "BLOB"),
    // The room (`known_devices`) a sign-in, reset request or session was begun in, if any.
    ("login_attempts", "room", "TEXT"),
    ("assertions", "room", "TEXT"),
    ("recoveries", "room", "TEXT"),
    ("sessions", "room", "TEXT"),
    ("trusted_devices", "room", "TEXT"),
    // The digest of the factor and code a step-up was finished with (its repeat is answered).
    ("step_ups", "finish_code", "BLOB"),
    ("ceremonies", "request_hash", "BLOB"),
    ("ceremonies", "keep_passkeys", "TEXT"),
    (
        "ceremonies",
        "removed_passkeys",
        "INTEGER NOT NULL DEFAULT 0",
    ),
    ("sessions", "signed_in_with", "TEXT"),
    ("passkeys", "sign_count", "INTEGER NOT NULL DEFAULT 0"),
    ("passkeys", "use_count", "INTEGER NOT NULL DEFAULT 0"),
    (
        "accounts",
        "nudge_dismissed_until",
        "INTEGER NOT NULL DEFAULT 0",
    ),
    ("accounts", "hold_until", "INTEGER NOT NULL DEFAULT 0"),
    ("assertions", "code_refused", "INTEGER NOT NULL DEFAULT 0"),
    // A refused sign-in (which an outsider can cause): listed apart from the account's changes.
    ("security_events", "refusal", "INTEGER NOT NULL DEFAULT 0"),
    ("recoveries", "reset_id", "TEXT"),
    // The reset request whose finish a token answered (older rows: none, bounded per reset only).
    ("reset_tokens", "recovery_id", "TEXT"),
    // The passkey a session was opened with: deleting it ends the session.
    ("sessions", "credential_id", "BLOB"),
    // The passkey a proof was made with: deleting it spends the proof (older rows: none).
    ("proofs", "credential_id", "BLOB"),
];

/// Creates what is missing (tables, indexes, triggers, seeded rows, added columns) and sets the
/// assertion counters from the rows.
pub(super) fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    // Files written during the development of rooms (never released) keep `known_devices` by
    // device id and `code_counters` without its all-rooms columns: both go (what they held only
    // kept rooms apart; everything falls back to the shared room), and SCHEMA makes them anew.
    if has_table_without(conn, "known_devices", "room")? {
        conn.execute_batch(
            "DROP TRIGGER IF EXISTS code_counters_of_known_device;
             DROP TABLE known_devices;",
        )?;
        if !columns_of(conn, "code_counters")?.is_empty() {
            conn.execute_batch("DELETE FROM code_counters WHERE room <> '';")?;
        }
    }
    if has_table_without(conn, "code_counters", "all_sends")? {
        conn.execute_batch("DROP TABLE code_counters;")?;
    }
    conn.execute_batch(SCHEMA)?;
    for (table, column, declaration) in ADDED_COLUMNS {
        if add_missing_column(conn, table, column, declaration)?
            && (*table, *column) == ("security_events", "refusal")
        {
            conn.execute_batch(
                "UPDATE security_events SET refusal = 1 WHERE kind IN
                     ('blocked_h5_login', 'blocked_third_party_login', 'refused_otp_login');",
            )?;
        }
    }
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS security_events_by_refusal
             ON security_events(account_id, refusal, seq);
         -- What the bounds of `logins`, `resets` and `sessions` read on every insert: per account
         -- and by expiry, never the whole table under the one connection.
         CREATE INDEX IF NOT EXISTS login_attempts_by_account ON login_attempts(account_id);
         CREATE INDEX IF NOT EXISTS login_attempts_by_expiry ON login_attempts(expires_at);
         CREATE INDEX IF NOT EXISTS recoveries_by_account ON recoveries(account_id, reset_id);
         CREATE INDEX IF NOT EXISTS recoveries_by_expiry ON recoveries(expires_at);
         CREATE INDEX IF NOT EXISTS trusted_devices_by_account
             ON trusted_devices(account_id, expires_at);
         CREATE INDEX IF NOT EXISTS reset_tokens_by_reset ON reset_tokens(reset_id);
         CREATE INDEX IF NOT EXISTS reset_tokens_by_request ON reset_tokens(recovery_id);
         -- Sign-in notices of files written before they had their own shelf (`Shelf::Routine`).
         UPDATE security_events SET refusal = 2 WHERE refusal = 0 AND kind IN
             ('new_device_login', 'signed_out_device_bound');",
    )?;
    // The counters start true whatever an older file held.
    conn.execute_batch(
        "UPDATE counters SET value = (SELECT COUNT(*) FROM assertions)
             WHERE name = 'open_assertions';
         UPDATE counters SET value = (SELECT COUNT(*) FROM assertions WHERE account_id IS NULL)
             WHERE name = 'open_usernameless';",
    )?;
    Ok(())
}

/// Whether `table` exists and has no column `column`.
fn has_table_without(conn: &Connection, table: &str, column: &str) -> rusqlite::Result<bool> {
    let names = columns_of(conn, table)?;
    Ok(!names.is_empty() && !names.iter().any(|name| name == column))
}

/// The column names of `table` (none when it does not exist).
fn columns_of(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(&format!("PRAGMA table_info({table})"))?;
    stmt.query_map([], |row| row.get::<_, String>(1))?.collect()
}

fn add_missing_column(
    conn: &Connection,
    table: &str,
    column: &str,
    declaration: &str,
) -> rusqlite::Result<bool> {
    let names = columns_of(conn, table)?;
    if names.iter().any(|name| name == column) {
        return Ok(false);
    }
    conn.execute_batch(&format!(
        "ALTER TABLE {table} ADD COLUMN {column} {declaration}"
    ))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::server::db::{
        Account, Db, PasskeyRow, ceremony, clear_passkey_required, delete_passkey, insert_account,
        insert_passkey, set_passkey_required,
    };

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

    /// A file written while rooms were keyed by device id (never released) opens, and its rooms
    /// work as they do now.
    #[test]
    fn a_file_with_the_first_rooms_opens_with_todays() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE known_devices (account_id TEXT NOT NULL, device_id TEXT NOT NULL,
                 signed_in_at INTEGER NOT NULL, PRIMARY KEY (account_id, device_id));
             CREATE TABLE code_counters (account_id TEXT NOT NULL, room TEXT NOT NULL,
                 sends INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (account_id, room));
             CREATE TRIGGER code_counters_of_known_device AFTER DELETE ON known_devices
             BEGIN DELETE FROM code_counters WHERE account_id = OLD.account_id
                 AND room = OLD.device_id; END;
             INSERT INTO known_devices VALUES ('a', 'phone', 1);",
        )
        .unwrap();
        prepare(&conn).unwrap();
        assert!(
            columns_of(&conn, "known_devices")
                .unwrap()
                .contains(&"room".to_owned())
        );
        assert!(
            columns_of(&conn, "code_counters")
                .unwrap()
                .contains(&"all_sends".to_owned())
        );
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO known_devices (account_id, room, signed_in_at) VALUES ('a', 'r', 1);
             INSERT INTO code_counters (account_id, room) VALUES ('a', 'r');
             DELETE FROM known_devices;",
        )
        .unwrap();
        let left: i64 = conn
            .query_row("SELECT COUNT(*) FROM code_counters", [], |row| row.get(0))
            .unwrap();
        assert_eq!(left, 0, "the trigger follows the new column");
    }
}
