//! Lost every passkey (J8): asking for a support reset without a passkey
//! (`POST /v1/recovery/{begin,finish}`: password, then an emailed/SMS or TOTP code), following it
//! from the device that asked (`POST /v1/recovery/status` with the reset token), and — for an
//! owner who still has a passkey somewhere — seeing and cancelling it
//! (`GET /v1/recovery`, `POST /v1/recovery/cancel`). Asking never acts: the back office approves
//! (`routes/testkit.rs`), not before the cooling-off period ([`crate::server::resets`]).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::server::accounts;
use crate::server::clock::{secs, utc_text};
use crate::server::codes::{self, CodeAttempt, Factor, MAX_CODE_FAILURES, SentCodes};
use crate::server::db::{self, Recovery, ResetRow};
use crate::server::error::{ApiError, ApiResult, ErrorCode};
use crate::server::events::{self, EventKind};
use crate::server::extract::{ApiJson, Authenticated, PolicyNonce};
use crate::server::hooks::Pause;
use crate::server::policy::{Policy, policy_of};
use crate::server::proofs::{self, VerifyPurpose};
use crate::server::resets::{self, Notice, Reset};
use crate::server::secrets;
use crate::server::state::AppState;

/// The outbox purpose of the codes a reset request sends.
const CODE_PURPOSE: &str = "recovery";

/// Longest reset token or recovery id looked up (ours are 43 characters).
const MAX_ID_LEN: usize = 512;

// ---------------------------------------------------------------------------------------------
// POST /v1/recovery/begin

/// Reset request body.
#[derive(Deserialize)]
pub struct BeginRequest {
    email: String,
    password: String,
    device_id: String,
    /// The install key the device's library keeps (optional): its digest names the device's room
    /// (`db::SignInRoom`).
    #[serde(default)]
    install_key: Option<String>,
}

/// Reset request answer: the codes were sent.
#[derive(Serialize)]
pub struct BeginResponse {
    recovery_id: String,
    factors: Vec<Factor>,
    expires_in_secs: i64,
}

/// `POST /v1/recovery/begin`: the password is checked first, with the same one bounded check for
/// an unknown email (401 `INVALID_CREDENTIALS` for both, nothing sent); 409 `RESET_NOT_NEEDED`
/// when the password is right but the account does not require a passkey; otherwise a
/// `recovery` code goes to the email and the phone.
pub async fn begin(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<BeginRequest>,
) -> ApiResult<Json<BeginResponse>> {
    if !accounts::valid_device_id(&body.device_id) {
        return Err(ApiError::bad_request(
            "device_id must be 1 to 128 characters without control characters.",
        ));
    }
    let room = accounts::room_of(&app, body.install_key.as_deref())?;
    let checked = accounts::check_password(&app, &body.email, body.password).await?;
    app.pause(Pause::BeforeResetRequest).await;
    let now = app.clock.now();
    let ttl = secs(app.config.code_ttl);
    app.db.transaction(|tx| {
        let account = checked.account_now(tx)?;
        if !account.passkey_required {
            return Err(ApiError::new(ErrorCode::ResetNotNeeded));
        }
        let recovery_id = secrets::new_token();
        app.note_secret(&recovery_id);
        let (email_code, sms_code) = codes::send_codes(
            tx,
            &app,
            &account,
            &recovery_id,
            CODE_PURPOSE,
            room.as_deref(),
            now,
        )?;
        db::insert_recovery(
            tx,
            &Recovery {
                id: recovery_id.clone(),
                account_id: account.id.clone(),
                device_id: body.device_id.clone(),
                room: room.clone(),
                email_code,
                sms_code,
                failures: 0,
                expires_at: now.saturating_add(ttl),
                reset_id: None,
            },
            now,
        )?;
        Ok(Json(BeginResponse {
            recovery_id,
            factors: codes::factors_of(&account),
            expires_in_secs: ttl,
        }))
    })
}

// ---------------------------------------------------------------------------------------------
// POST /v1/recovery/finish

/// Code body.
#[derive(Deserialize)]
pub struct FinishRequest {
    recovery_id: String,
    factor: Factor,
    code: String,
}

/// The pending reset and a token that follows it.
#[derive(Serialize)]
pub struct FinishResponse {
    reset: Reset,
    reset_token: String,
}

/// `POST /v1/recovery/finish`: a right code files the reset — or, when one is already pending
/// for the account, returns that one unchanged (its cooling-off is never restarted nor
/// shortened) — with a fresh reset token for it. The request is recorded and notified either
/// way. Five wrong codes end the request (401 `LOGIN_EXPIRED` afterwards). A repeat of a finish
/// that succeeded (its answer lost on the way), with a right code while the request has not
/// expired, answers the same reset with another fresh token and records nothing new.
pub async fn finish(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<FinishRequest>,
) -> ApiResult<Json<FinishResponse>> {
    let expired = || ApiError::new(ErrorCode::LoginExpired);
    if body.recovery_id.is_empty() || body.recovery_id.len() > MAX_ID_LEN {
        return Err(expired());
    }
    let now = app.clock.now();
    let found = app.db.transaction(|tx| {
        let Some(recovery) = db::recovery(tx, &body.recovery_id)? else {
            return Ok(Err(expired()));
        };
        match db::account_by_id(tx, &recovery.account_id)? {
            Some(account) if recovery.expires_at > now && recovery.failures < MAX_CODE_FAILURES => {
                Ok(Ok((recovery, account)))
            }
            _ => {
                db::delete_recovery(tx, &recovery.id, now)?;
                Ok(Err(expired()))
            }
        }
    })?;
    let (recovery, account) = found?;
    // A wrong code is counted even though the answer is an error.
    app.db.with(|conn| {
        codes::verify_code(
            conn,
            CodeAttempt::Recovery,
            &account,
            &SentCodes {
                owner_id: &recovery.id,
                room: recovery.room.as_deref(),
                email: &recovery.email_code,
                sms: recovery.sms_code.as_deref(),
                finished: None,
            },
            body.factor,
            &body.code,
            now,
        )
    })?;
    let token = secrets::new_token();
    app.note_secret(&token);
    let cooling_off = secs(app.config.reset_cooling_off);
    let outcome = app.db.transaction(|tx| {
        // Read again inside the transaction: a finish that ran meanwhile counts as done.
        let Some(recovery) = db::recovery(tx, &recovery.id)? else {
            return Ok(Err(expired()));
        };
        // A pending reset left undecided too long ends first: this request files a new one.
        resets::expire_due(tx, &app, &recovery.account_id, now)?;
        if let Some(reset_id) = &recovery.reset_id {
            // A repeat of a finish that succeeded: the same reset, another token, nothing new
            // recorded or sent.
            let reset = db::reset(tx, reset_id)?.ok_or_else(expired)?;
            db::insert_reset_token(tx, &secrets::digest(&token), &reset.id, &recovery.id)?;
            return Ok(Ok(FinishResponse {
                reset: Reset::from(reset),
                reset_token: token.clone(),
            }));
        }
        let account = db::account_by_id(tx, &recovery.account_id)?.ok_or_else(expired)?;
        if !account.passkey_required {
            // The owner turned the requirement off meanwhile: nothing to reset.
            db::delete_recovery(tx, &recovery.id, now)?;
            return Ok(Err(ApiError::new(ErrorCode::ResetNotNeeded)));
        }
        let (reset, again) = match db::pending_reset_of(tx, &account.id)? {
            Some(pending) => (pending, true),
            None => {
                let reset = ResetRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    account_id: account.id.clone(),
                    status: "pending".to_owned(),
                    requested_at: now,
                    approvable_at: now.saturating_add(cooling_off),
                    hold_until: None,
                };
                if !db::insert_reset(tx, &reset)? {
                    // Checked above in this transaction: a conflict here is a storage fault.
                    return Err(ApiError::new(ErrorCode::Internal));
                }
                (reset, false)
            }
        };
        if !db::mark_recovery_used(tx, &recovery.id, &reset.id, now)? {
            // Read in this transaction just above: a conflict here is a storage fault.
            return Err(ApiError::new(ErrorCode::Internal));
        }
        db::insert_reset_token(tx, &secrets::digest(&token), &reset.id, &recovery.id)?;
        let detail = format!(
            "A reset of your passkeys was requested{} on device \"{}\". Support can approve it \
             from {}; sign in with a passkey to cancel it.",
            if again { " again" } else { "" },
            secrets::device_hint(&recovery.device_id),
            utc_text(reset.approvable_at)
        );
        events::record(tx, &account.id, EventKind::ResetRequested, &detail, now)?;
        resets::notify(tx, &account, Notice::Requested, now)?;
        Ok(Ok(FinishResponse {
            reset: Reset::from(reset),
            reset_token: token.clone(),
        }))
    })?;
    outcome.map(Json)
}

// ---------------------------------------------------------------------------------------------
// POST /v1/recovery/status

/// Status body.
#[derive(Deserialize)]
pub struct StatusRequest {
    reset_token: String,
}

/// Status answer: the reset, and once it is approved the account's signed policy.
#[derive(Serialize)]
pub struct StatusResponse {
    #[serde(flatten)]
    reset: Reset,
    /// The account's policy as it is now, signed, when the reset is approved: the device that
    /// asked still holds the "requires passkeys" mark of the account, which only a signed policy
    /// that lifts it may clear (else its own downgrade check refuses the password + code sign-in
    /// the reset made possible).
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<Policy>,
}

/// `POST /v1/recovery/status`: the reset a token follows (404 `RESET_NOT_FOUND` otherwise).
pub async fn status(
    State(app): State<AppState>,
    nonce: PolicyNonce,
    ApiJson(body): ApiJson<StatusRequest>,
) -> ApiResult<Json<StatusResponse>> {
    let not_found = || ApiError::new(ErrorCode::ResetNotFound);
    if body.reset_token.is_empty() || body.reset_token.len() > MAX_ID_LEN {
        return Err(not_found());
    }
    let digest = secrets::digest(&body.reset_token);
    let now = app.clock.now();
    app.db.transaction(|tx| {
        let conn: &rusqlite::Connection = tx;
        let row = db::reset_by_token(conn, &digest)?.ok_or_else(not_found)?;
        resets::expire_due(conn, &app, &row.account_id, now)?;
        let row = db::reset_by_token(conn, &digest)?.ok_or_else(not_found)?;
        let policy = if row.status == "approved" {
            Some(policy_of(conn, &app, &row.account_id, nonce.as_deref())?)
        } else {
            None
        };
        Ok(Json(StatusResponse {
            reset: Reset::from(row),
            policy,
        }))
    })
}

// ---------------------------------------------------------------------------------------------
// GET /v1/recovery

/// What a signed-in owner sees.
#[derive(Serialize)]
pub struct OverviewResponse {
    pending_reset: Option<Reset>,
    hold_until: Option<i64>,
}

/// `GET /v1/recovery`: the account's pending reset (to cancel) and the hold in force, if any.
pub async fn overview(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
) -> ApiResult<Json<OverviewResponse>> {
    let now = app.clock.now();
    app.db.transaction(|tx| {
        let conn: &rusqlite::Connection = tx;
        let session = claim.live(conn, now)?;
        Ok(Json(OverviewResponse {
            pending_reset: resets::pending(conn, &app, &session.account_id, now)?,
            hold_until: resets::hold_in_force(conn, &session.account_id, now)?,
        }))
    })
}

// ---------------------------------------------------------------------------------------------
// POST /v1/recovery/cancel

/// Cancel body.
#[derive(Deserialize)]
pub struct CancelRequest {
    #[serde(default)]
    proof: Option<String>,
}

/// `POST /v1/recovery/cancel`: needs a `cancel_reset` proof (403
/// `PASSKEY_VERIFICATION_REQUIRED`); 409 `RESET_NOT_PENDING` when no reset is pending. The
/// cancellation, the proof's consumption, the event and the notices are one transaction.
pub async fn cancel(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiJson(body): ApiJson<CancelRequest>,
) -> ApiResult<Json<Reset>> {
    let now = app.clock.now();
    app.db.transaction(|tx| {
        let session = claim.live(tx, now)?;
        let proof = proofs::require(
            tx,
            body.proof.as_deref(),
            &session,
            &VerifyPurpose::CancelReset.label(),
            None,
            now,
        )?;
        let account = db::account_by_id(tx, &session.account_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        resets::expire_due(tx, &app, &account.id, now)?;
        let pending = db::pending_reset_of(tx, &account.id)?
            .ok_or_else(|| ApiError::new(ErrorCode::ResetNotPending))?;
        if !db::cancel_reset(tx, &pending.id)? {
            return Err(ApiError::new(ErrorCode::ResetNotPending));
        }
        proofs::consume(tx, &proof)?;
        events::record(
            tx,
            &account.id,
            EventKind::ResetCancelled,
            &format!(
                "The reset of your passkeys requested on {} was cancelled with a passkey on \
                 device \"{}\".",
                utc_text(pending.requested_at),
                secrets::device_hint(&session.device_id)
            ),
            now,
        )?;
        resets::notify(tx, &account, Notice::Cancelled, now)?;
        let cancelled =
            db::reset(tx, &pending.id)?.ok_or_else(|| ApiError::new(ErrorCode::ResetNotPending))?;
        Ok(Json(Reset::from(cancelled)))
    })
}
