//! Passkey login: the second step of a password login for a flagged account (J2), and the
//! usernameless "sign in with a passkey" that is always allowed (J3).

use axum::Json;
use axum::extract::State;
use rusqlite::Connection;
use serde::Deserialize;
use webauthn_rs::prelude::PublicKeyCredential;

use super::accounts::{self, LoginResponse, SignedInWith};
use super::assertion::{self, Binding, Lookup};
use super::db::{Account, Assertion};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::extract::ApiJson;
use super::input::Credential;
use super::state::{App, AppState};

/// The purpose label of a password login's passkey step.
pub const LOGIN_PURPOSE: &str = "login";
/// The purpose label of a usernameless login.
const DISCOVERABLE_PURPOSE: &str = "discoverable_login";

/// The answer to a correct password for a flagged account: a passkey login bound to the account
/// and device, with request options listing the account's passkeys. No code is generated.
pub fn passkey_required(
    conn: &Connection,
    app: &App,
    account: &Account,
    device_id: &str,
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
            params_hash: None,
        },
        now,
    )?;
    Ok(LoginResponse::PasskeyRequired {
        login_id: begun.ceremony_id,
        options: begun.options,
    })
}

/// Verifies the assertion of a taken login ceremony and opens a session on its device.
fn sign_in(
    app: &App,
    ceremony: &Assertion,
    credential: &PublicKeyCredential,
    now: i64,
) -> ApiResult<Json<LoginResponse>> {
    let device_id = ceremony
        .device_id
        .clone()
        .unwrap_or_else(|| "unknown".to_owned());
    assertion::verify(app, ceremony, credential, now, |tx, verified| {
        let session_token = accounts::open_session(
            tx,
            app,
            &verified.account.id,
            &device_id,
            SignedInWith::Passkey,
        )?;
        Ok(Json(LoginResponse::SignedIn {
            session_token,
            account_id: verified.account.id.clone(),
            trust_token: None,
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
    ApiJson(body): ApiJson<PasskeyLoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let now = app.clock.now();
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
    sign_in(&app, &ceremony, &body.credential.0, now)
}

// ---------------------------------------------------------------------------------------------
// POST /v1/login/discoverable/{begin,finish}

/// Usernameless begin body: empty, or the device the session will be for.
#[derive(Deserialize, Default)]
pub struct DiscoverableBeginRequest {
    #[serde(default)]
    device_id: Option<String>,
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
    let now = app.clock.now();
    let begun = app.db.transaction(|tx| {
        assertion::begin(
            tx,
            &app,
            Binding {
                purpose: DISCOVERABLE_PURPOSE,
                account: None,
                session_id: None,
                device_id: Some(&device_id),
                params_hash: None,
            },
            now,
        )
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
    ApiJson(body): ApiJson<DiscoverableFinishRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let now = app.clock.now();
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
    sign_in(&app, &ceremony, &body.credential.0, now)
}
