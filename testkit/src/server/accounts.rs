//! Accounts: the shape of their fields (email, phone, device id, password length), their
//! creation (sign-up, and the demo accounts `serve` seeds), and the demo accounts themselves.

use uuid::Uuid;

use super::db::{self, Account};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::input;
use super::secrets;
use super::state::App;
use super::totp;

/// A seeded demo account (created when `seed_demo_accounts` is set).
#[derive(Debug, Clone, Copy)]
pub struct DemoAccount {
    /// Email (the login name).
    pub email: &'static str,
    /// Password.
    pub password: &'static str,
    /// Phone number for SMS codes, if any.
    pub phone: Option<&'static str>,
    /// TOTP secret (RFC 4648 base32); compute codes with [`super::totp_code`].
    pub totp_secret: &'static str,
}

/// The demo accounts `passkeys-testkit serve` seeds.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "alice@demo.bingx.test",
        password: "correct horse battery",
        phone: None,
        totp_secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    },
    DemoAccount {
        email: "bob@demo.bingx.test",
        password: "battery staple horse",
        phone: Some("+15550000002"),
        totp_secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    },
];

/// The email as stored (trimmed, ASCII letters lowercase), if it looks like one. Only ASCII is
/// folded: Unicode lowercasing maps other characters onto ASCII ones (U+212A KELVIN SIGN to `k`,
/// U+0130 to `i̇`), so an identity provider's verified `\u{212A}ate@…` would have named
/// `kate@…`'s account at a third-party sign-in (review, 2026-12-05).
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_ascii_lowercase();
    let (local, domain) = email.split_once('@')?;
    let ok = input::char_len_within(&email, 1, 254)
        && !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(email)
}

/// Whether a phone number is in international format (`+` and 6 to 15 digits).
pub fn valid_phone(phone: &str) -> bool {
    phone.strip_prefix('+').is_some_and(|digits| {
        (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Whether a client-chosen device id is acceptable (the contract's `DeviceId`: 1 to 128
/// characters, no control characters).
pub fn valid_device_id(device_id: &str) -> bool {
    input::valid_text(device_id, 128)
}

/// The room (`db::SignInRoom`) of a sign-in, reset request or session begun with `install_key`:
/// `None` without one; 400 for one that is not 16 to 128 base64url characters (the library sends
/// 43: 32 random bytes). The key itself is a secret the device keeps; only its digest is stored.
pub fn room_of(app: &App, install_key: Option<&str>) -> ApiResult<Option<String>> {
    let Some(key) = install_key else {
        return Ok(None);
    };
    let alphabet = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if !(16..=128).contains(&key.len()) || !key.chars().all(alphabet) {
        return Err(ApiError::bad_request(
            "install_key must be 16 to 128 base64url characters.",
        ));
    }
    app.note_secret(key);
    Ok(Some(secrets::room_of(key)))
}

/// The account whose email and password these are, after exactly one bounded password check
/// whether or not the email has an account (an unknown email is checked against a dummy hash in
/// the same queue), so that neither the answer nor its cost tells which emails have accounts.
/// 401 `INVALID_CREDENTIALS` for an unknown email and a wrong password alike; a password longer
/// than any account can have is wrong without hashing it (bounds Argon2's input).
pub async fn check_password(
    app: &App,
    email: &str,
    password: String,
) -> ApiResult<CheckedPassword> {
    let invalid = || ApiError::new(ErrorCode::InvalidCredentials);
    let account = match normalise_email(email) {
        Some(email) => app.db.with(|conn| db::account_by_email(conn, &email))?,
        None => None,
    };
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    if password.chars().count() > MAX_PASSWORD_LEN
        || !app.passwords.verify(password, stored).await?
    {
        return Err(invalid());
    }
    let account = account.ok_or_else(invalid)?;
    Ok(CheckedPassword {
        account_id: account.id,
        password_hash: account.password_hash,
    })
}

/// A password found right by [`check_password`], against the hash the account had then.
pub struct CheckedPassword {
    /// The account it is the password of.
    pub account_id: String,
    password_hash: String,
}

impl CheckedPassword {
    /// The account as the transaction that acts reads it, if the password checked is still its
    /// password: the check ran outside that transaction (Argon2 takes its time, and may wait in
    /// the queue), so a password change that committed meanwhile must not let the old password
    /// through. 401 `INVALID_CREDENTIALS` otherwise, as for a wrong password.
    pub fn account_now(&self, conn: &rusqlite::Connection) -> ApiResult<Account> {
        db::account_by_id(conn, &self.account_id)?
            .filter(|account| account.password_hash == self.password_hash)
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidCredentials))
    }
}

/// Longest password accepted, in characters (bounds the Argon2 input).
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Creates an account (the password hashed in the bounded checker, a new TOTP secret unless one is
/// given); 409 `ACCOUNT_EXISTS` when the email is taken.
pub async fn create_account(
    app: &App,
    email: String,
    password: &str,
    phone: Option<String>,
    totp_secret: Option<&str>,
) -> ApiResult<Account> {
    app.note_secret(password);
    let password_hash = app.passwords.hash(password.to_owned()).await?;
    let account = Account {
        id: Uuid::new_v4().to_string(),
        email,
        phone,
        password_hash,
        totp_secret: totp_secret.map_or_else(totp::new_secret, str::to_owned),
        user_handle: Uuid::new_v4(),
        passkey_required: false,
        policy_version: 1,
    };
    app.note_secret(&account.totp_secret);
    let now = app.clock.now();
    if app
        .db
        .with(|conn| db::insert_account(conn, &account, now))?
    {
        Ok(account)
    } else {
        Err(ApiError::new(ErrorCode::AccountExists))
    }
}

/// Creates the demo accounts that don't exist yet.
pub async fn seed_demo_accounts(app: &App) -> ApiResult<()> {
    for demo in DEMO_ACCOUNTS {
        let email = demo.email.to_owned();
        if app
            .db
            .with(|conn| db::account_by_email(conn, &email))?
            .is_some()
        {
            continue;
        }
        let phone = demo.phone.map(str::to_owned);
        create_account(app, email, demo.password, phone, Some(demo.totp_secret)).await?;
    }
    Ok(())
}
