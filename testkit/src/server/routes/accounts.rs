//! The account's own endpoints: `POST /v1/accounts` (sign-up), `GET /v1/sessions` (the devices
//! signed in) and `POST /v1/logout`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};

use crate::server::accounts;
use crate::server::db;
use crate::server::error::{ApiError, ApiResult};
use crate::server::events::{self, EventKind};
use crate::server::extract::{ApiJson, Authenticated};
use crate::server::passkeys;
use crate::server::state::AppState;

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
                    events::label(&session.device_id)
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
                device_id: row.device_id,
                created_at: row.created_at,
                signed_in_with: row.signed_in_with,
            })
            .collect(),
    }))
}
