//! Accounts and their current factors: sign-up, password + code login (and its H5 twin),
//! "trust this device", sessions, logout, the test outbox and the seeded demo accounts. For a
//! flagged account a correct password leads only to a passkey login: no code is ever sent and a
//! code login is refused (BRIEF §5 #1).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::catalogue::LoginPath;
use super::clock::secs;
use super::db::{self, Account, LoginAttempt, OutboxMessage, Session};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::events::{self, EventKind};
use super::extract::{ApiJson, ApiQuery, Authenticated};
use super::hooks::Pause;
use super::input;
use super::login;
use super::policy;
use super::secrets;
use super::state::{App, AppState};
use super::totp;

/// Wrong codes allowed per login attempt or step-up before it is dropped.
pub const MAX_CODE_FAILURES: i64 = 5;

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

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Factor {
    /// A code sent by email.
    Email,
    /// A code sent by SMS.
    Sms,
    /// An RFC 6238 authenticator code.
    Totp,
}

/// The factors an account can use, in the order the contract lists them.
pub fn factors_of(account: &Account) -> Vec<Factor> {
    let mut factors = vec![Factor::Email];
    if account.phone.is_some() {
        factors.push(Factor::Sms);
    }
    factors.push(Factor::Totp);
    factors
}

/// Sends a fresh code to the account's email (and phone, if any) through the outbox; returns the
/// digests to store, bound to `owner_id`.
pub fn send_codes(
    conn: &Connection,
    app: &App,
    account: &Account,
    owner_id: &str,
    purpose: &str,
    now: i64,
) -> ApiResult<(Vec<u8>, Option<Vec<u8>>)> {
    let send = |to: &str, channel: &str| -> ApiResult<Vec<u8>> {
        let code = secrets::new_code();
        app.note_secret(&code);
        let digest = secrets::code_digest(owner_id, &code);
        db::push_outbox(
            conn,
            &OutboxMessage {
                to: to.to_owned(),
                channel: channel.to_owned(),
                purpose: purpose.to_owned(),
                code,
                sent_at: now,
            },
        )?;
        Ok(digest)
    };
    let email = send(&account.email, "email")?;
    let sms = account
        .phone
        .as_deref()
        .map(|phone| send(phone, "sms"))
        .transpose()?;
    Ok((email, sms))
}

/// The codes sent for a login attempt or step-up (`owner_id`), as stored digests.
pub struct SentCodes<'a> {
    /// The login or step-up the codes were issued for.
    pub owner_id: &'a str,
    /// Digest of the emailed code.
    pub email: &'a [u8],
    /// Digest of the SMS code, if one was sent.
    pub sms: Option<&'a [u8]>,
}

/// Checks a second-factor code. For TOTP the used step is claimed so the code can't be replayed.
pub fn check_code(
    conn: &Connection,
    account: &Account,
    sent: &SentCodes<'_>,
    factor: Factor,
    code: &str,
    now: i64,
) -> ApiResult<bool> {
    if code.len() > 16 {
        return Ok(false);
    }
    let digest = secrets::code_digest(sent.owner_id, code);
    match factor {
        Factor::Email => Ok(secrets::digests_equal(&digest, sent.email)),
        Factor::Sms => Ok(sent
            .sms
            .is_some_and(|sms| secrets::digests_equal(&digest, sms))),
        Factor::Totp => {
            let unix = u64::try_from(now).unwrap_or(0);
            match totp::verify(&account.totp_secret, code, unix) {
                Some(step) => {
                    db::claim_totp_step(conn, &account.id, i64::try_from(step).unwrap_or(0))
                }
                None => Ok(false),
            }
        }
    }
}

/// What a new session rests on: the factor the sign-in proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedInWith {
    /// A verified passkey assertion (J2's passkey step, J3 usernameless): always enough.
    Passkey,
    /// Password plus an email/SMS/TOTP code: never enough for a flagged account.
    Code,
    /// Password plus a "trust this device" mark: never enough for a flagged account.
    TrustedDevice,
    /// A third-party identity provider's id token: enough for a flagged account only while the
    /// global policy has reopened third-party login.
    ThirdParty,
}

impl SignedInWith {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SignedInWith::Passkey => "passkey",
            SignedInWith::Code => "code",
            SignedInWith::TrustedDevice => "trusted_device",
            SignedInWith::ThirdParty => "third_party",
        }
    }
}

/// Opens a session for the account on `device_id` and returns the bearer token. Every session
/// the server hands out is opened here, inside the transaction that decides it: the account is
/// read again in `tx` and the passkey flag checked against `with`, so an Enable that commits
/// while a sign-in is under way (its revocation of every other session and trust mark) is either
/// seen here or sees this session. SQLite runs one transaction at a time on the one connection.
pub fn open_session(
    tx: &Transaction<'_>,
    app: &App,
    account_id: &str,
    device_id: &str,
    with: SignedInWith,
) -> ApiResult<String> {
    let account = db::account_by_id(tx, account_id)?
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidCredentials))?;
    let allowed = match with {
        SignedInWith::Passkey => true,
        SignedInWith::Code | SignedInWith::TrustedDevice => !account.passkey_required,
        SignedInWith::ThirdParty => !policy::is_blocked(tx, &account, LoginPath::ThirdParty)?,
    };
    if !allowed {
        return Err(ApiError::new(match with {
            SignedInWith::ThirdParty => ErrorCode::ThirdPartyLoginBlocked,
            _ => ErrorCode::PasskeyRequired,
        }));
    }
    let now = app.clock.now();
    let token = secrets::new_token();
    app.note_secret(&token);
    let session = Session {
        id: Uuid::new_v4().to_string(),
        account_id: account.id,
        device_id: device_id.to_owned(),
    };
    let expires_at = now.saturating_add(secs(app.config.session_ttl));
    db::insert_session(
        tx,
        &session,
        &secrets::digest(&token),
        with.as_str(),
        now,
        expires_at,
    )?;
    Ok(token)
}

/// The email as stored (trimmed, lowercase), if it looks like one.
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let ok = input::char_len_within(&email, 1, 254)
        && !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(email)
}

fn valid_phone(phone: &str) -> bool {
    phone.strip_prefix('+').is_some_and(|digits| {
        (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Whether a client-chosen device id is acceptable (the contract's `DeviceId`: 1 to 128
/// characters, no control characters).
pub fn valid_device_id(device_id: &str) -> bool {
    input::valid_text(device_id, 128)
}

/// Longest password accepted, in characters (bounds the Argon2 input).
pub const MAX_PASSWORD_LEN: usize = 1024;

// ---------------------------------------------------------------------------------------------
// POST /v1/accounts

/// Sign-up body.
#[derive(Deserialize)]
pub struct SignUpRequest {
    email: String,
    password: String,
    #[serde(default)]
    phone: Option<String>,
}

/// Sign-up answer.
#[derive(Serialize)]
pub struct SignUpResponse {
    account_id: String,
    email: String,
    totp_secret: String,
}

/// `POST /v1/accounts`.
pub async fn sign_up(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<SignUpRequest>,
) -> ApiResult<impl IntoResponse> {
    let email = normalise_email(&body.email)
        .ok_or_else(|| ApiError::bad_request("Enter a valid email address."))?;
    let password_len = body.password.chars().count();
    if !(8..=MAX_PASSWORD_LEN).contains(&password_len) {
        return Err(ApiError::bad_request(
            "Choose a password of 8 to 1024 characters.",
        ));
    }
    if body.phone.as_deref().is_some_and(|p| !valid_phone(p)) {
        return Err(ApiError::bad_request(
            "Enter the phone number in international format, e.g. +15550000000.",
        ));
    }
    let account = create_account(&app, email, &body.password, body.phone, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(SignUpResponse {
            account_id: account.id,
            email: account.email,
            totp_secret: account.totp_secret,
        }),
    ))
}

async fn create_account(
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

// ---------------------------------------------------------------------------------------------
// POST /v1/login/password

/// Password login body.
#[derive(Deserialize)]
pub struct PasswordLoginRequest {
    email: String,
    password: String,
    device_id: String,
    #[serde(default)]
    trust_token: Option<String>,
}

/// The answer to a login step.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LoginResponse {
    /// A second factor is needed.
    CodeRequired {
        /// Names this login attempt in `/v1/login/code`.
        login_id: String,
        /// Factors the account can use.
        factors: Vec<Factor>,
    },
    /// Signed in.
    SignedIn {
        /// Bearer token.
        session_token: String,
        /// The account.
        account_id: String,
        /// A "trust this device" mark, when asked for.
        #[serde(skip_serializing_if = "Option::is_none")]
        trust_token: Option<String>,
    },
    /// The account is protected by a passkey: no code is sent; the login goes on with a passkey
    /// assertion at `POST /v1/login/passkey`.
    PasskeyRequired {
        /// Names this login in `/v1/login/passkey` (single use, expires with the ceremony).
        login_id: String,
        /// `PublicKeyCredentialRequestOptionsJSON` listing the account's passkeys.
        options: serde_json::Value,
    },
}

/// `POST /v1/login/password`.
pub async fn login_password(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<PasswordLoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    password_step(&app, body, false).await
}

/// `POST /v1/login/h5`: the H5 site's password login. Refused with 403 `H5_LOGIN_BLOCKED` for a
/// flagged account (the refusal is recorded) unless the global policy reopened H5 login;
/// otherwise exactly `POST /v1/login/password`.
pub async fn login_h5(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<PasswordLoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    password_step(&app, body, true).await
}

/// The password step. The password is checked before anything about the account is revealed.
async fn password_step(
    app: &App,
    body: PasswordLoginRequest,
    h5: bool,
) -> ApiResult<Json<LoginResponse>> {
    if !valid_device_id(&body.device_id) {
        return Err(ApiError::bad_request(
            "device_id must be 1 to 128 characters without control characters.",
        ));
    }
    let invalid = || ApiError::new(ErrorCode::InvalidCredentials);
    let account = match normalise_email(&body.email) {
        Some(email) => app.db.with(|conn| db::account_by_email(conn, &email))?,
        None => None,
    };
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let password = body.password;
    if password.chars().count() > MAX_PASSWORD_LEN
        || !app.passwords.verify(password, stored).await?
    {
        return Err(invalid());
    }
    let account_id = account.ok_or_else(invalid)?.id;
    app.pause(Pause::BeforeSessionDecision).await;
    let now = app.clock.now();
    // One transaction decides and acts on the account as it is now: the flag read here is the
    // one an Enable committing at the same time has either set already or not yet touched.
    let outcome = app.db.transaction(|tx| {
        let account = db::account_by_id(tx, &account_id)?.ok_or_else(invalid)?;
        if h5 && policy::is_blocked(tx, &account, LoginPath::H5)? {
            // The refusal is recorded (committed) and then answered.
            events::record(
                tx,
                &account.id,
                EventKind::BlockedH5Login,
                &format!(
                    "Web (H5) login on device \"{}\" was refused: this account requires a passkey.",
                    body.device_id
                ),
                now,
            )?;
            return Ok(Err(ApiError::new(ErrorCode::H5LoginBlocked)));
        }
        if account.passkey_required {
            // Trusted device or not (the trust token is not even looked at): a passkey, never a
            // code.
            return login::passkey_required(tx, app, &account, &body.device_id, now).map(Ok);
        }
        let trusted = match body.trust_token.as_deref() {
            Some(token) if token.len() <= 512 => db::is_trusted_device(
                tx,
                &secrets::digest(token),
                &account.id,
                &body.device_id,
                now,
            )?,
            _ => false,
        };
        if trusted {
            let session_token = open_session(
                tx,
                app,
                &account.id,
                &body.device_id,
                SignedInWith::TrustedDevice,
            )?;
            return Ok(Ok(LoginResponse::SignedIn {
                session_token,
                account_id: account.id.clone(),
                trust_token: None,
            }));
        }
        let login_id = secrets::new_token();
        let (email_code, sms_code) = send_codes(tx, app, &account, &login_id, "login", now)?;
        db::insert_login_attempt(
            tx,
            &LoginAttempt {
                id: login_id.clone(),
                account_id: account.id.clone(),
                device_id: body.device_id.clone(),
                email_code,
                sms_code,
                failures: 0,
                expires_at: now.saturating_add(secs(app.config.code_ttl)),
            },
        )?;
        Ok(Ok(LoginResponse::CodeRequired {
            login_id,
            factors: factors_of(&account),
        }))
    })?;
    outcome.map(Json)
}

// ---------------------------------------------------------------------------------------------
// POST /v1/login/code

/// Second-factor body.
#[derive(Deserialize)]
pub struct CodeLoginRequest {
    login_id: String,
    factor: Factor,
    code: String,
    #[serde(default)]
    trust_device: bool,
}

/// `POST /v1/login/code`.
pub async fn login_code(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<CodeLoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let expired = || ApiError::new(ErrorCode::LoginExpired);
    let now = app.clock.now();
    // A wrong code is counted even though the answer is an error, so it runs in its own step;
    // a refusal for a flagged account is recorded, so that one commits before it is answered.
    let found = app.db.transaction(|tx| {
        let Some(attempt) = db::login_attempt(tx, &body.login_id)? else {
            // A passkey login's id offered with a code: the downgrade a phishing proxy tries.
            return match db::assertion(tx, &body.login_id)? {
                Some(db::Assertion {
                    purpose,
                    account_id: Some(account_id),
                    ..
                }) if purpose == login::LOGIN_PURPOSE => {
                    refuse_code_login(tx, &account_id, body.factor, now)?;
                    Ok(Err(ApiError::new(ErrorCode::PasskeyRequired)))
                }
                _ => Ok(Err(expired())),
            };
        };
        match db::account_by_id(tx, &attempt.account_id)? {
            Some(account) if account.passkey_required => {
                db::delete_login_attempt(tx, &attempt.id)?;
                refuse_code_login(tx, &account.id, body.factor, now)?;
                Ok(Err(ApiError::new(ErrorCode::PasskeyRequired)))
            }
            Some(account) if attempt.expires_at > now && attempt.failures < MAX_CODE_FAILURES => {
                Ok(Ok((attempt, account)))
            }
            _ => {
                db::delete_login_attempt(tx, &attempt.id)?;
                Ok(Err(expired()))
            }
        }
    })?;
    let (attempt, account) = found?;
    app.db.with(|conn| {
        let ok = check_code(
            conn,
            &account,
            &SentCodes {
                owner_id: &attempt.id,
                email: &attempt.email_code,
                sms: attempt.sms_code.as_deref(),
            },
            body.factor,
            &body.code,
            now,
        )?;
        if !ok {
            db::count_login_failure(conn, &attempt.id)?;
            return Err(ApiError::new(ErrorCode::CodeInvalid));
        }
        Ok(())
    })?;
    app.pause(Pause::BeforeSessionDecision).await;
    let outcome = app.db.transaction(|tx| {
        if !db::delete_login_attempt(tx, &attempt.id)? {
            return Ok(Err(expired()));
        }
        let session_token = match open_session(
            tx,
            &app,
            &account.id,
            &attempt.device_id,
            SignedInWith::Code,
        ) {
            Ok(token) => token,
            Err(refused) if refused.code == ErrorCode::PasskeyRequired => {
                // The flag went on after the code was checked: the refusal is recorded.
                refuse_code_login(tx, &account.id, body.factor, now)?;
                return Ok(Err(refused));
            }
            Err(other) => return Err(other),
        };
        let trust_token = if body.trust_device {
            let token = secrets::new_token();
            app.note_secret(&token);
            let expires_at = now.saturating_add(secs(app.config.trusted_device_ttl));
            db::insert_trusted_device(
                tx,
                &secrets::digest(&token),
                &account.id,
                &attempt.device_id,
                now,
                expires_at,
            )?;
            Some(token)
        } else {
            None
        };
        Ok(Ok(LoginResponse::SignedIn {
            session_token,
            account_id: account.id.clone(),
            trust_token,
        }))
    })?;
    outcome.map(Json)
}

/// Records a code login refused because the account requires a passkey.
fn refuse_code_login(
    conn: &Connection,
    account_id: &str,
    factor: Factor,
    now: i64,
) -> ApiResult<()> {
    let factor = match factor {
        Factor::Email => "an email code",
        Factor::Sms => "an SMS code",
        Factor::Totp => "an authenticator code",
    };
    events::record(
        conn,
        account_id,
        EventKind::RefusedOtpLogin,
        &format!("A sign-in with {factor} was refused: this account requires a passkey."),
        now,
    )
}

// ---------------------------------------------------------------------------------------------
// POST /v1/logout, GET /v1/testkit/outbox

/// `POST /v1/logout`: revokes the calling session.
pub async fn logout(
    State(app): State<AppState>,
    Authenticated(session): Authenticated,
) -> ApiResult<StatusCode> {
    let now = app.clock.now();
    app.db
        .with(|conn| db::revoke_session(conn, &session.id, now))?;
    Ok(StatusCode::NO_CONTENT)
}

/// One live session of the account, as `GET /v1/sessions` shows it (never its token).
#[derive(Serialize)]
pub struct SessionView {
    /// The device the session was opened on.
    device_id: String,
    /// Unix seconds.
    created_at: i64,
    /// What the sign-in proved: `passkey`, `code`, `trusted_device` or `third_party` (`null` for
    /// sessions older than this record).
    signed_in_with: Option<String>,
    /// Whether it is the session making this request.
    current: bool,
}

/// `GET /v1/sessions` answer.
#[derive(Serialize)]
pub struct SessionList {
    sessions: Vec<SessionView>,
}

/// `GET /v1/sessions`: the account's live sessions, oldest first (the devices signed in).
pub async fn sessions(
    State(app): State<AppState>,
    Authenticated(session): Authenticated,
) -> ApiResult<Json<SessionList>> {
    let now = app.clock.now();
    let rows = app
        .db
        .with(|conn| db::live_sessions_of(conn, &session.account_id, now))?;
    Ok(Json(SessionList {
        sessions: rows
            .into_iter()
            .map(|row| SessionView {
                current: row.id == session.id,
                device_id: row.device_id,
                created_at: row.created_at,
                signed_in_with: row.signed_in_with,
            })
            .collect(),
    }))
}

/// Outbox query.
#[derive(Deserialize)]
pub struct OutboxQuery {
    to: String,
}

/// Outbox answer.
#[derive(Serialize)]
pub struct OutboxResponse {
    messages: Vec<OutboxMessage>,
}

/// `GET /v1/testkit/outbox?to=…`: the codes "delivered" to an email or phone, newest last.
pub async fn outbox(
    State(app): State<AppState>,
    ApiQuery(query): ApiQuery<OutboxQuery>,
) -> ApiResult<Json<OutboxResponse>> {
    let to = normalise_email(&query.to).unwrap_or_else(|| query.to.trim().to_owned());
    let messages = app.db.with(|conn| db::outbox_for(conn, &to))?;
    Ok(Json(OutboxResponse { messages }))
}
