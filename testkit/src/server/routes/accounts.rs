//! The account's own endpoints: `POST /v1/accounts` (sign-up), `GET /v1/sessions` (the devices
//! signed in), `POST /v1/logout` and `POST /v1/account/password` (a security setting: BRIEF §5
//! #5).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::server::accounts;
use crate::server::catalogue::Scenario;
use crate::server::db::{self, Account, Proof, Session, StepUp};
use crate::server::error::{ApiError, ApiResult, ErrorCode};
use crate::server::events::{self, EventKind};
use crate::server::extract::{ApiJson, Authenticated, SessionClaim};
use crate::server::passkeys;
use crate::server::proofs::{self, VerifyPurpose};
use crate::server::resets;
use crate::server::secrets;
use crate::server::state::AppState;
use crate::server::step_up::{self, Purpose};

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
    let email = accounts::normalise_email(&body.email)
        .ok_or_else(|| ApiError::bad_request("Enter a valid email address."))?;
    let password_len = body.password.chars().count();
    if !(8..=accounts::MAX_PASSWORD_LEN).contains(&password_len) {
        return Err(ApiError::bad_request(
            "Choose a password of 8 to 1024 characters.",
        ));
    }
    if body
        .phone
        .as_deref()
        .is_some_and(|p| !accounts::valid_phone(p))
    {
        return Err(ApiError::bad_request(
            "Enter the phone number in international format, e.g. +15550000000.",
        ));
    }
    let account = accounts::create_account(&app, email, &body.password, body.phone, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(SignUpResponse {
            account_id: account.id,
            email: account.email,
            totp_secret: account.totp_secret,
        }),
    ))
}

// ---------------------------------------------------------------------------------------------
// GET /v1/sessions, POST /v1/logout

/// `POST /v1/logout`: revokes the calling session.
pub async fn logout(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
) -> ApiResult<StatusCode> {
    let now = app.clock.now();
    app.db.transaction(|tx| {
        let session = claim.live(tx, now)?;
        db::revoke_session(tx, &session.id, now)?;
        // Before a device change (BRIEF §7): signing out where every passkey is device-bound is
        // in the security activity, next to the warning the app showed.
        if passkeys::health_of(tx, &session.account_id, now)?
            .reasons
            .contains(&"device_bound_only")
        {
            events::record(
                tx,
                &session.account_id,
                EventKind::SignedOutDeviceBound,
                &format!(
                    "Signed out on device {} while every passkey is bound to its device.",
                    secrets::device_hint(&session.device_id)
                ),
                now,
            )?;
        }
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// One live session of the account, as `GET /v1/sessions` shows it (never its token).
#[derive(Serialize)]
pub struct SessionView {
    /// The device the session was opened on: its id for the session making the request, `None`
    /// for the others (see `device_hint`).
    device_id: Option<String>,
    /// What is shown of every session's device id ([`secrets::device_hint`]).
    device_hint: String,
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
    Authenticated(claim): Authenticated,
) -> ApiResult<Json<SessionList>> {
    let now = app.clock.now();
    let (session, rows) = app.db.with(|conn| {
        let session = claim.live(conn, now)?;
        let rows = db::live_sessions_of(conn, &session.account_id, now)?;
        Ok((session, rows))
    })?;
    Ok(Json(SessionList {
        sessions: rows
            .into_iter()
            .map(|row| SessionView {
                current: row.id == session.id,
                device_hint: secrets::device_hint(&row.device_id),
                device_id: (row.id == session.id).then_some(row.device_id),
                created_at: row.created_at,
                signed_in_with: row.signed_in_with,
            })
            .collect(),
    }))
}

// ---------------------------------------------------------------------------------------------
// POST /v1/account/password

/// Password change body.
#[derive(Deserialize)]
pub struct ChangePasswordRequest {
    new_password: String,
    /// A `security_settings` passkey proof (needed once the flag is on).
    #[serde(default)]
    proof: Option<String>,
    /// A `security_settings` step-up token (password + code; flag off only).
    #[serde(default)]
    step_up_token: Option<String>,
}

/// Password change answer.
#[derive(Serialize)]
pub struct ChangePasswordResponse {
    /// Other sessions signed out.
    revoked_sessions: u32,
    /// Trusted-device marks cleared.
    revoked_trusted_devices: u32,
}

/// The parameters a `security_settings` scenario proof for a password change is bound to.
fn password_change_params() -> BTreeMap<String, String> {
    BTreeMap::from([("setting".to_owned(), "password".to_owned())])
}

/// What authorises a security-setting change, checked and not yet spent.
enum Authorisation {
    Proof(Proof),
    StepUp(StepUp),
}

/// The change's authorisation as the account is now: with the flag on a fresh passkey proof, a
/// `security_settings` purpose proof or a `security_settings` scenario proof bound to this
/// change (403 `PASSKEY_VERIFICATION_REQUIRED`; password + code is weaker than the passkey); with
/// it off a `security_settings` step-up of this session (403 `STEP_UP_REQUIRED`), or a proof if
/// one is given. Refused during the hold after a support reset (403 `ACCOUNT_ON_HOLD`).
fn authorise(
    conn: &Connection,
    claim: &SessionClaim,
    body: &ChangePasswordRequest,
    params_hash: &[u8],
    now: i64,
) -> ApiResult<(Session, Account, Authorisation)> {
    let session = claim.live(conn, now)?;
    let account = db::account_by_id(conn, &session.account_id)?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    resets::refuse_during_hold(conn, &account.id, now)?;
    let authorisation = if account.passkey_required || body.proof.is_some() {
        let proof = body.proof.as_deref();
        let label = VerifyPurpose::SecuritySettings.label();
        let scenario = proofs::scenario_label(Scenario::SecuritySettings);
        proofs::require(conn, proof, &session, &label, None, now)
            .or_else(|_| proofs::require(conn, proof, &session, &scenario, Some(params_hash), now))
            .map(Authorisation::Proof)?
    } else {
        step_up::authorised(
            conn,
            body.step_up_token.as_deref(),
            &session,
            Purpose::SecuritySettings,
            now,
        )
        .map(Authorisation::StepUp)?
    };
    Ok((session, account, authorisation))
}

/// `POST /v1/account/password`: a new password (8 to 1024 characters), authorised as
/// [`authorise`] says. Every other session and trusted device is signed out, password steps and
/// reset requests in flight end, and a `password_changed` event is recorded, with the spending of the proof or
/// step-up, in one transaction.
pub async fn change_password(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> ApiResult<Json<ChangePasswordResponse>> {
    let len = body.new_password.chars().count();
    if !(8..=accounts::MAX_PASSWORD_LEN).contains(&len) {
        return Err(ApiError::bad_request(
            "Choose a password of 8 to 1024 characters.",
        ));
    }
    let params_hash = proofs::params_hash(&password_change_params())?;
    // Checked before hashing, so a request that cannot succeed costs no Argon2 run.
    let now = app.clock.now();
    app.db
        .with(|conn| authorise(conn, &claim, &body, &params_hash, now).map(|_| ()))?;
    let hash = app.passwords.hash(body.new_password.clone()).await?;
    let now = app.clock.now();
    app.db.transaction(|tx| {
        let (session, account, authorisation) = authorise(tx, &claim, &body, &params_hash, now)?;
        match authorisation {
            Authorisation::Proof(proof) => proofs::consume(tx, &proof)?,
            Authorisation::StepUp(step_up) => {
                if !db::consume_step_up(tx, &step_up.id)? {
                    return Err(ApiError::new(ErrorCode::StepUpRequired));
                }
            }
        }
        db::set_password_hash(tx, &account.id, &hash)?;
        // What was begun with the old password ends: password steps and reset requests.
        db::delete_login_attempts_of(tx, &account.id)?;
        db::delete_open_recoveries_of(tx, &account.id)?;
        let revoked_sessions = db::revoke_other_sessions(tx, &account.id, &session.id, now)?;
        let revoked_trusted_devices = db::delete_trusted_devices(tx, &account.id, now)?;
        events::record(
            tx,
            &account.id,
            EventKind::PasswordChanged,
            "The password was changed; every other session and trusted device was signed out.",
            now,
        )?;
        Ok(Json(ChangePasswordResponse {
            revoked_sessions,
            revoked_trusted_devices,
        }))
    })
}
