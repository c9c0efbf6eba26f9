//! Signing in with BingX's own factors (J2, J3): the password step (`POST /v1/login/password`, and
//! `POST /v1/login/h5` for the H5 site), then a code (`POST /v1/login/code`) or, for a flagged
//! account, a passkey (`POST /v1/login/passkey`); and the usernameless passkey login that is always
//! allowed (`POST /v1/login/discoverable/{begin,finish}`). For a flagged account a correct password
//! leads only to a passkey login: no code is ever sent and a code login is refused (BRIEF §5 #1).
//!
//! A sign-in that describes its device (`device: {model, os}`) does so in the request that begins
//! it: the password (or H5) step, the usernameless begin. The description is kept with the login
//! attempt or assertion ceremony (`db::insert_pending_device`) and the finishing step (a code, an
//! assertion) takes it from there, never from its own body. Why: the finish is the step that is
//! easiest to send or relay apart from the rest (a phishing page forwarding the victim's code, a
//! script finishing a login id it obtained), and a description taken from it could be swapped for
//! one the account has already used, silencing the new-device notice after the first factor was
//! proved. Fixed at the begin, the description is bound to the attempt before anyone knows whether
//! a code or a passkey follows, and nothing later changes it.

use axum::Json;
use axum::extract::State;
use rusqlite::Connection;
use serde::Deserialize;
use webauthn_rs::prelude::PublicKeyCredential;

use crate::server::accounts;
use crate::server::assertion::{self, Binding, Lookup};
use crate::server::catalogue::LoginPath;
use crate::server::clock::secs;
use crate::server::codes::{self, CodeAttempt, Factor, MAX_CODE_FAILURES, SentCodes};
use crate::server::db::{self, Account, Assertion, LoginAttempt};
use crate::server::error::{ApiError, ApiResult, ErrorCode};
use crate::server::events::{self, EventKind};
use crate::server::extract::{ApiJson, PolicyNonce};
use crate::server::hooks::Pause;
use crate::server::input::Credential;
use crate::server::policy;
use crate::server::resets;
use crate::server::secrets;
use crate::server::sessions::{DeviceDescription, LoginResponse, SignedInWith, open_session};
use crate::server::state::{App, AppState};

// ---------------------------------------------------------------------------------------------
// POST /v1/login/password, POST /v1/login/h5

/// Password login body.
#[derive(Deserialize)]
pub struct PasswordLoginRequest {
    email: String,
    password: String,
    device_id: String,
    /// The install key the device's library keeps (optional): its digest names the device's room
    /// (`db::SignInRoom`).
    #[serde(default)]
    install_key: Option<String>,
    #[serde(default)]
    trust_token: Option<String>,
    /// The device's model and OS, for the new-device notice (optional).
    #[serde(default)]
    device: Option<DeviceDescription>,
}

/// `POST /v1/login/password`.
pub async fn password(
    State(app): State<AppState>,
    nonce: PolicyNonce,
    ApiJson(body): ApiJson<PasswordLoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    password_step(&app, body, false, nonce.as_deref()).await
}

/// `POST /v1/login/h5`: the H5 site's password login. Refused with 403 `H5_LOGIN_BLOCKED` for a
/// flagged account (the refusal is recorded) unless the global policy reopened H5 login;
/// otherwise exactly `POST /v1/login/password`.
pub async fn h5(
    State(app): State<AppState>,
    nonce: PolicyNonce,
    ApiJson(body): ApiJson<PasswordLoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    password_step(&app, body, true, nonce.as_deref()).await
}

/// The password step. The password is checked before anything about the account is revealed.
async fn password_step(
    app: &App,
    body: PasswordLoginRequest,
    h5: bool,
    nonce: Option<&str>,
) -> ApiResult<Json<LoginResponse>> {
    if !accounts::valid_device_id(&body.device_id) {
        return Err(ApiError::bad_request(
            "device_id must be 1 to 128 characters without control characters.",
        ));
    }
    DeviceDescription::check(body.device.as_ref())?;
    let room = accounts::room_of(app, body.install_key.as_deref())?;
    let checked = accounts::check_password(app, &body.email, body.password).await?;
    app.pause(Pause::BeforeSessionDecision).await;
    let now = app.clock.now();
    // One transaction decides and acts on the account as it is now: the flag read here is the
    // one an Enable committing at the same time has either set already or not yet touched.
    let outcome = app.db.transaction(|tx| {
        let account = checked.account_now(tx)?;
        if h5 && policy::is_blocked(tx, &account, LoginPath::H5)? {
            // The refusal is recorded (committed) and then answered.
            events::record(
                tx,
                &account.id,
                EventKind::BlockedH5Login,
                &format!(
                    "Web (H5) login on device \"{}\" was refused: this account requires a passkey.",
                    secrets::device_hint(&body.device_id)
                ),
                now,
            )?;
            return Ok(Err(ApiError::new(ErrorCode::H5LoginBlocked)));
        }
        if account.passkey_required {
            // Trusted device or not (the trust token is not even looked at): a passkey, never a
            // code.
            return passkey_required(
                tx,
                app,
                &account,
                (&body.device_id, room.as_deref()),
                body.device.as_ref(),
                now,
            )
            .map(Ok);
        }
        let trusted = match body.trust_token.as_deref() {
            Some(token) if token.len() <= 512 => db::trusted_device(
                tx,
                &secrets::digest(token),
                &account.id,
                &body.device_id,
                now,
            )?,
            _ => None,
        };
        if let Some(marked_room) = trusted {
            // The session is in the request's room only when the mark was given in that room:
            // one trust mark must not make any number of made-up install keys known devices.
            let room = room.filter(|room| marked_room.as_deref() == Some(room.as_str()));
            let opened = open_session(
                tx,
                app,
                &account.id,
                &body.device_id,
                room.as_deref(),
                body.device.as_ref(),
                SignedInWith::TrustedDevice,
            )?;
            return Ok(Ok(LoginResponse::SignedIn {
                session_token: opened.token,
                account_id: account.id.clone(),
                trust_token: None,
                new_device: opened.new_device,
                policy: policy::policy_of(tx, app, &account.id, nonce)?,
                pending_reset: resets::pending(tx, app, &account.id, now)?,
            }));
        }
        let login_id = secrets::new_token();
        app.note_secret(&login_id);
        let (email_code, sms_code) =
            codes::send_codes(tx, app, &account, &login_id, "login", room.as_deref(), now)?;
        db::insert_login_attempt(
            tx,
            &LoginAttempt {
                id: login_id.clone(),
                account_id: account.id.clone(),
                device_id: body.device_id.clone(),
                room: room.clone(),
                email_code,
                sms_code,
                failures: 0,
                expires_at: now.saturating_add(secs(app.config.code_ttl)),
            },
            now,
        )?;
        keep_device(tx, &login_id, body.device.as_ref())?;
        Ok(Ok(LoginResponse::CodeRequired {
            login_id,
            factors: codes::factors_of(&account),
            policy: policy::policy_of(tx, app, &account.id, nonce)?,
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
pub async fn code(
    State(app): State<AppState>,
    nonce: PolicyNonce,
    ApiJson(body): ApiJson<CodeLoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let expired = || ApiError::new(ErrorCode::LoginExpired);
    let now = app.clock.now();
    // A wrong code is counted even though the answer is an error, so it runs in its own step;
    // a refusal for a flagged account is recorded, so that one commits before it is answered.
    let found = app.db.transaction(|tx| {
        let Some(attempt) = db::login_attempt(tx, &body.login_id)? else {
            // A passkey login's id offered with a code: the downgrade a phishing proxy tries. The
            // refusal is recorded once per sign-in: repeating it must not flood the account's
            // security activity (and push an attacker's reset request out of the owner's view).
            return match db::assertion(tx, &body.login_id)? {
                Some(db::Assertion {
                    purpose,
                    account_id: Some(account_id),
                    expires_at,
                    ..
                }) if purpose == LOGIN_PURPOSE && expires_at > now => {
                    if db::mark_code_refused(tx, &body.login_id)? {
                        refuse_code_login(tx, &account_id, body.factor, now)?;
                    }
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
        codes::verify_code(
            conn,
            CodeAttempt::Login,
            &account,
            &SentCodes {
                owner_id: &attempt.id,
                room: attempt.room.as_deref(),
                email: &attempt.email_code,
                sms: attempt.sms_code.as_deref(),
                finished: None,
            },
            body.factor,
            &body.code,
            now,
        )
    })?;
    app.pause(Pause::BeforeSessionDecision).await;
    let outcome = app.db.transaction(|tx| {
        // Read before the attempt goes (its description goes with it).
        let device = pending_device(tx, &attempt.id)?;
        if !db::delete_login_attempt(tx, &attempt.id)? {
            return Ok(Err(expired()));
        }
        let opened = match open_session(
            tx,
            &app,
            &account.id,
            &attempt.device_id,
            attempt.room.as_deref(),
            device.as_ref(),
            SignedInWith::Code,
        ) {
            Ok(opened) => opened,
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
                (&attempt.device_id, attempt.room.as_deref()),
                now,
                expires_at,
            )?;
            Some(token)
        } else {
            None
        };
        Ok(Ok(LoginResponse::SignedIn {
            session_token: opened.token,
            account_id: account.id.clone(),
            trust_token,
            new_device: opened.new_device,
            policy: policy::policy_of(tx, &app, &account.id, nonce.as_deref())?,
            pending_reset: resets::pending(tx, &app, &account.id, now)?,
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
// Passkey sign-in, after a password (J2) or usernameless (J3)

/// The purpose label of a password login's passkey step.
const LOGIN_PURPOSE: &str = "login";
/// The purpose label of a usernameless login.
const DISCOVERABLE_PURPOSE: &str = "discoverable_login";

/// Keeps the device description a sign-in began with, under its attempt's or ceremony's id.
fn keep_device(
    conn: &Connection,
    owner_id: &str,
    device: Option<&DeviceDescription>,
) -> ApiResult<()> {
    match device {
        Some(device) => db::insert_pending_device(conn, owner_id, &device.model, &device.os),
        None => Ok(()),
    }
}

/// The device description the sign-in `owner_id` began with, if any.
fn pending_device(conn: &Connection, owner_id: &str) -> ApiResult<Option<DeviceDescription>> {
    Ok(db::pending_device(conn, owner_id)?.map(|(model, os)| DeviceDescription { model, os }))
}

/// The answer to a correct password for a flagged account: a passkey login bound to the account
/// and device, with request options listing the account's passkeys. No code is generated.
fn passkey_required(
    conn: &Connection,
    app: &App,
    account: &Account,
    (device_id, room): (&str, Option<&str>),
    device: Option<&DeviceDescription>,
    now: i64,
) -> ApiResult<LoginResponse> {
    let begun = assertion::begin(
        conn,
        app,
        Binding {
            purpose: LOGIN_PURPOSE,
            account: Some(account),
            session_id: None,
            device_id: Some(device_id),
            room,
            params_hash: None,
        },
        now,
    )?;
    keep_device(conn, &begun.ceremony_id, device)?;
    // The core keeps it as a `LoginId`, a secret: the ledger holds it to the same rule.
    app.note_secret(&begun.ceremony_id);
    Ok(LoginResponse::PasskeyRequired {
        login_id: begun.ceremony_id,
        options: begun.options,
    })
}

/// Verifies the assertion of a taken login ceremony and opens a session on its device, described
/// as `device` (what the ceremony began with).
fn sign_in(
    app: &App,
    ceremony: &Assertion,
    device: Option<DeviceDescription>,
    credential: &PublicKeyCredential,
    now: i64,
    nonce: Option<&str>,
) -> ApiResult<Json<LoginResponse>> {
    let device_id = ceremony
        .device_id
        .clone()
        .unwrap_or_else(|| "unknown".to_owned());
    assertion::verify(app, ceremony, credential, now, |tx, verified| {
        let opened = open_session(
            tx,
            app,
            &verified.account.id,
            &device_id,
            ceremony.room.as_deref(),
            device.as_ref(),
            SignedInWith::Passkey(&verified.credential_id),
        )?;
        Ok(Json(LoginResponse::SignedIn {
            session_token: opened.token,
            account_id: verified.account.id.clone(),
            trust_token: None,
            new_device: opened.new_device,
            policy: policy::policy_of(tx, app, &verified.account.id, nonce)?,
            pending_reset: resets::pending(tx, app, &verified.account.id, now)?,
        }))
    })
}

// ---------------------------------------------------------------------------------------------
// POST /v1/login/passkey

/// Passkey login body.
#[derive(Deserialize)]
pub struct PasskeyLoginRequest {
    login_id: String,
    credential: Credential<PublicKeyCredential>,
}

/// `POST /v1/login/passkey`: the login_id is single use (a failed attempt spends it too).
pub async fn passkey(
    State(app): State<AppState>,
    nonce: PolicyNonce,
    ApiJson(body): ApiJson<PasskeyLoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let now = app.clock.now();
    // Read before the ceremony is taken (its description goes with it).
    let device = ceremony_device(&app, &body.login_id)?;
    let accepts = |label: &str| label == LOGIN_PURPOSE;
    let ceremony = assertion::take(
        &app,
        &body.login_id,
        &Lookup {
            accepts: &accepts,
            session: None,
            unknown: ErrorCode::LoginExpired,
            expired: ErrorCode::LoginExpired,
        },
        now,
    )?;
    sign_in(
        &app,
        &ceremony,
        device,
        &body.credential.0,
        now,
        nonce.as_deref(),
    )
}

/// The device description a login ceremony began with. Read before [`assertion::take`] spends
/// the ceremony (the description goes with it); it never changes after the begin, so reading it
/// apart from the transaction that opens the session sees what that transaction would.
fn ceremony_device(app: &App, ceremony_id: &str) -> ApiResult<Option<DeviceDescription>> {
    if ceremony_id.len() > 128 {
        return Ok(None);
    }
    app.db.with(|conn| pending_device(conn, ceremony_id))
}

// ---------------------------------------------------------------------------------------------
// POST /v1/login/discoverable/{begin,finish}

/// Usernameless begin body: empty, or the device the session will be for.
#[derive(Deserialize, Default)]
pub struct DiscoverableBeginRequest {
    #[serde(default)]
    device_id: Option<String>,
    /// The install key the device's library keeps (optional): its digest names the device's room
    /// (`db::SignInRoom`).
    #[serde(default)]
    install_key: Option<String>,
    /// The device's model and OS, for the new-device notice (optional).
    #[serde(default)]
    device: Option<DeviceDescription>,
}

/// Usernameless begin answer.
#[derive(serde::Serialize)]
pub struct DiscoverableBeginResponse {
    ceremony_id: String,
    options: serde_json::Value,
}

/// `POST /v1/login/discoverable/begin`: request options with an empty `allowCredentials`.
pub async fn discoverable_begin(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<DiscoverableBeginRequest>,
) -> ApiResult<Json<DiscoverableBeginResponse>> {
    let device_id = match body.device_id {
        Some(device_id) if accounts::valid_device_id(&device_id) => device_id,
        Some(_) => {
            return Err(ApiError::bad_request(
                "device_id must be 1 to 128 characters without control characters.",
            ));
        }
        None => "unknown".to_owned(),
    };
    DeviceDescription::check(body.device.as_ref())?;
    let room = accounts::room_of(&app, body.install_key.as_deref())?;
    let now = app.clock.now();
    let begun = app.db.transaction(|tx| {
        let begun = assertion::begin(
            tx,
            &app,
            Binding {
                purpose: DISCOVERABLE_PURPOSE,
                account: None,
                session_id: None,
                device_id: Some(&device_id),
                room: room.as_deref(),
                params_hash: None,
            },
            now,
        )?;
        keep_device(tx, &begun.ceremony_id, body.device.as_ref())?;
        Ok(begun)
    })?;
    Ok(Json(DiscoverableBeginResponse {
        ceremony_id: begun.ceremony_id,
        options: begun.options,
    }))
}

/// Usernameless finish body.
#[derive(Deserialize)]
pub struct DiscoverableFinishRequest {
    ceremony_id: String,
    credential: Credential<PublicKeyCredential>,
}

/// `POST /v1/login/discoverable/finish`: the userHandle picks the account and must be the
/// credential owner's.
pub async fn discoverable_finish(
    State(app): State<AppState>,
    nonce: PolicyNonce,
    ApiJson(body): ApiJson<DiscoverableFinishRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let now = app.clock.now();
    // Read before the ceremony is taken (its description goes with it).
    let device = ceremony_device(&app, &body.ceremony_id)?;
    let accepts = |label: &str| label == DISCOVERABLE_PURPOSE;
    let ceremony = assertion::take(
        &app,
        &body.ceremony_id,
        &Lookup {
            accepts: &accepts,
            session: None,
            unknown: ErrorCode::CeremonyNotFound,
            expired: ErrorCode::CeremonyExpired,
        },
        now,
    )?;
    sign_in(
        &app,
        &ceremony,
        device,
        &body.credential.0,
        now,
        nonce.as_deref(),
    )
}
