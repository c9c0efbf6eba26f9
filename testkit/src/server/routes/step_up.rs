//! Step-up (`POST /v1/step-up/{begin,finish}`): re-verification with the account's current
//! factors (password plus an email/SMS or TOTP code) that yields a short-lived token bound to the
//! session and a purpose ([`crate::server::step_up`]). Refused once the flag is on: password + code
//! is weaker than the passkey that then guards the account.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::server::accounts;
use crate::server::clock::secs;
use crate::server::codes::{self, CodeAttempt, Factor, MAX_CODE_FAILURES};
use crate::server::db::{self, StepUp};
use crate::server::error::{ApiError, ApiResult, ErrorCode};
use crate::server::extract::{ApiJson, Authenticated};
use crate::server::secrets;
use crate::server::state::AppState;
use crate::server::step_up::Purpose;

/// Step-up begin body.
#[derive(Deserialize)]
pub struct BeginRequest {
    purpose: Purpose,
    /// The install key of the device the session is on (optional): a session opened without one
    /// (before the library sent it, or while its keystore failed) takes it here, so that the
    /// device counts as one the account has signed in from (`db::SignInRoom`).
    #[serde(default)]
    install_key: Option<String>,
}

/// Step-up begin answer.
#[derive(Serialize)]
pub struct BeginResponse {
    step_up_id: String,
    factors: Vec<Factor>,
    expires_in_secs: i64,
}

/// `POST /v1/step-up/begin`: sends a `step_up` code to the account's email (and phone).
pub async fn begin(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiJson(body): ApiJson<BeginRequest>,
) -> ApiResult<Json<BeginResponse>> {
    let now = app.clock.now();
    let ttl = secs(app.config.step_up_ttl);
    let offered = accounts::room_of(&app, body.install_key.as_deref())?;
    app.db.transaction(|tx| {
        let mut session = claim.live(tx, now)?;
        let account = db::account_by_id(tx, &session.account_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        if account.passkey_required {
            // Password + code is weaker than the passkey that now guards this account.
            return Err(ApiError::new(ErrorCode::PasskeyRequired));
        }
        // A session keeps the room it has; one without takes the one offered (the session is
        // the proof of a sign-in on that device, as its opening would have been).
        if session.room.is_none()
            && let Some(room) = offered
            && db::set_session_room(tx, &session.id, &room)?
        {
            db::note_signed_in_device(tx, &session.account_id, &room, now)?;
            session.room = Some(room);
        }
        let step_up_id = secrets::new_token();
        app.note_secret(&step_up_id);
        let (email_code, sms_code) = codes::send_codes(
            tx,
            &app,
            &account,
            &step_up_id,
            "step_up",
            session.room.as_deref(),
            now,
        )?;
        db::insert_step_up(
            tx,
            &StepUp {
                id: step_up_id.clone(),
                account_id: account.id.clone(),
                session_id: session.id.clone(),
                purpose: body.purpose.as_str().to_owned(),
                email_code,
                sms_code,
                failures: 0,
                expires_at: now.saturating_add(ttl),
                token_expires_at: None,
                consumed: false,
                finish_code: None,
                token_hash: None,
            },
        )?;
        Ok(Json(BeginResponse {
            step_up_id,
            factors: codes::factors_of(&account),
            expires_in_secs: ttl,
        }))
    })
}

/// Step-up finish body.
#[derive(Deserialize)]
pub struct FinishRequest {
    step_up_id: String,
    password: String,
    factor: Factor,
    code: String,
}

/// Step-up finish answer.
#[derive(Serialize)]
pub struct FinishResponse {
    step_up_token: String,
    expires_in_secs: i64,
}

/// `POST /v1/step-up/finish`: checks password and code, issues the step-up token.
pub async fn finish(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiJson(body): ApiJson<FinishRequest>,
) -> ApiResult<Json<FinishResponse>> {
    let expired = || ApiError::new(ErrorCode::StepUpExpired);
    let now = app.clock.now();
    let (step_up, account, room) = app.db.with(|conn| {
        let session = claim.live(conn, now)?;
        // A finished step-up whose token is unused and unexpired may be finished again, with
        // the same factor and code (its answer was lost on the way): the repeat gets a new
        // token, which ends the first.
        let step_up = db::step_up(conn, &body.step_up_id)?
            .filter(|s| {
                s.session_id == session.id
                    && (s.token_hash.is_none()
                        || (!s.consumed && s.token_expires_at.is_some_and(|t| t > now)))
            })
            .ok_or_else(expired)?;
        if step_up.expires_at <= now || step_up.failures >= MAX_CODE_FAILURES {
            return Err(expired());
        }
        let account = db::account_by_id(conn, &step_up.account_id)?.ok_or_else(expired)?;
        if account.passkey_required {
            return Err(ApiError::new(ErrorCode::PasskeyRequired));
        }
        Ok((step_up, account, session.room))
    })?;

    let stored = Some(account.password_hash.clone());
    // A password longer than any account can have is wrong without hashing it (bounds Argon2's
    // input, as at login).
    if body.password.chars().count() > accounts::MAX_PASSWORD_LEN
        || !app.passwords.verify(body.password, stored).await?
    {
        app.db
            .with(|conn| db::count_step_up_failure(conn, &step_up.id))?;
        return Err(ApiError::new(ErrorCode::InvalidCredentials));
    }
    app.db.with(|conn| {
        codes::verify_code(
            conn,
            CodeAttempt::StepUp,
            &account,
            &codes::SentCodes {
                owner_id: &step_up.id,
                room: room.as_deref(),
                email: &step_up.email_code,
                sms: step_up.sms_code.as_deref(),
                finished: step_up
                    .token_hash
                    .is_some()
                    .then(|| step_up.finish_code.as_deref().unwrap_or_default()),
            },
            body.factor,
            &body.code,
            now,
        )
    })?;

    let token = secrets::new_token();
    app.note_secret(&token);
    let ttl = secs(app.config.step_up_ttl);
    // Issued only to a session still live now, after the password's hashing and the code, and
    // only while the account is as it was checked: Argon2 takes its time (and may wait in the
    // queue), so Enable (the flag on: only a passkey authorises now) or a password change may
    // have committed meanwhile.
    let issued = app.db.transaction(|tx| {
        claim.live(tx, now)?;
        let account_now = db::account_by_id(tx, &account.id)?.ok_or_else(expired)?;
        if account_now.passkey_required {
            return Err(ApiError::new(ErrorCode::PasskeyRequired));
        }
        if account_now.password_hash != account.password_hash {
            return Err(ApiError::new(ErrorCode::InvalidCredentials));
        }
        match &step_up.token_hash {
            Some(old) => db::reissue_step_up(tx, &step_up.id, old, &secrets::digest(&token)),
            None => db::finish_step_up(
                tx,
                &step_up.id,
                &secrets::digest(&token),
                now.saturating_add(ttl),
                &codes::finish_digest(&step_up.id, body.factor, &body.code),
            ),
        }
    })?;
    if !issued {
        return Err(expired());
    }
    // A token issued again keeps the first one's expiry.
    let expires_at = step_up
        .token_expires_at
        .unwrap_or_else(|| now.saturating_add(ttl));
    Ok(Json(FinishResponse {
        step_up_token: token,
        expires_in_secs: expires_at.saturating_sub(now),
    }))
}
