//! The Passkeys page (J5): the list (`GET /v1/passkeys`), rename, delete, and turning the passkey
//! requirement off. Each change always needs a fresh passkey proof for its purpose, flag on or off
//! (BRIEF §5 #5); the last passkey can't be deleted while the flag is on. Deleting a passkey and
//! turning the requirement off wait for the end of a withdrawal hold (J8); renaming does not.
//! Each change, its proof's consumption and its security event are one transaction.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::server::clock::secs;
use crate::server::db;
use crate::server::error::{ApiError, ApiResult, ErrorCode};
use crate::server::events::{self, EventKind};
use crate::server::extract::{ApiJson, ApiPath, Authenticated, PolicyNonce};
use crate::server::passkeys::{self, PasskeyHealth, PasskeyUser, PasskeyView};
use crate::server::policy::{self, Policy};
use crate::server::proofs::{self, VerifyPurpose};
use crate::server::resets;
use crate::server::state::AppState;

// ---------------------------------------------------------------------------------------------
// GET /v1/passkeys

/// List answer.
#[derive(Serialize)]
pub struct ListResponse {
    /// The passkeys, oldest first.
    pub passkeys: Vec<PasskeyView>,
    /// The account as its passkeys name it (for the password manager's signals).
    pub user: PasskeyUser,
    /// Whether one lost phone could lock the account out, and what to do about it.
    pub health: PasskeyHealth,
}

/// `GET /v1/passkeys`.
pub async fn list(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
) -> ApiResult<Json<ListResponse>> {
    let now = app.clock.now();
    app.db.with(|conn| {
        let session = claim.live(conn, now)?;
        Ok(Json(ListResponse {
            passkeys: passkeys::views_of(conn, &session.account_id, &app.aaguids)?,
            user: passkeys::user_of(conn, &session.account_id)?,
            health: passkeys::health_of(conn, &session.account_id, now)?,
        }))
    })
}

// ---------------------------------------------------------------------------------------------
// POST /v1/passkeys/nudge/dismiss

/// `POST /v1/passkeys/nudge/dismiss`: the user closed the "add a second passkey" nudge; it stays
/// away for the configured snooze (7 days by default), then comes back while the account is still
/// at risk. Needs only the session: it changes what is shown, never what is allowed.
pub async fn dismiss_nudge(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
) -> ApiResult<Json<PasskeyHealth>> {
    let now = app.clock.now();
    let snooze = secs(app.config.nudge_snooze);
    app.db.transaction(|tx| {
        let session = claim.live(tx, now)?;
        db::dismiss_nudge(tx, &session.account_id, now.saturating_add(snooze))?;
        passkeys::health_of(tx, &session.account_id, now).map(Json)
    })
}

/// The credential id named in the path: 400 `BAD_REQUEST` unless canonical unpadded base64url
/// (the contract's `Base64Url`); an empty or over-long one names no passkey.
fn credential_id(text: &str) -> ApiResult<Vec<u8>> {
    let id = data_encoding::BASE64URL_NOPAD
        .decode(text.as_bytes())
        .map_err(|_| ApiError::bad_request("The passkey id must be unpadded base64url."))?;
    if id.is_empty() || id.len() > 1023 {
        return Err(ApiError::new(ErrorCode::PasskeyNotFound));
    }
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// PATCH /v1/passkeys/{credential_id}

/// Rename body.
#[derive(Deserialize)]
pub struct RenameRequest {
    name: String,
    #[serde(default)]
    proof: Option<String>,
}

/// `PATCH /v1/passkeys/{credential_id}`: needs a `rename_passkey` proof.
pub async fn rename(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<RenameRequest>,
) -> ApiResult<Json<ListResponse>> {
    let now = app.clock.now();
    app.db.transaction(|tx| {
        let session = claim.live(tx, now)?;
        let proof = proofs::require(
            tx,
            body.proof.as_deref(),
            &session,
            &VerifyPurpose::RenamePasskey.label(),
            None,
            now,
        )?;
        let name = passkeys::valid_name(&body.name)?;
        let credential_id = credential_id(&id)?;
        let old = db::passkey_name(tx, &session.account_id, &credential_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::PasskeyNotFound))?;
        db::rename_passkey(tx, &session.account_id, &credential_id, &name)?;
        proofs::consume(tx, &proof)?;
        events::record(
            tx,
            &session.account_id,
            EventKind::PasskeyRenamed,
            &format!(
                "Passkey {} was renamed to {}.",
                events::quoted(&old),
                events::quoted(&name)
            ),
            now,
        )?;
        Ok(Json(ListResponse {
            passkeys: passkeys::views_of(tx, &session.account_id, &app.aaguids)?,
            user: passkeys::user_of(tx, &session.account_id)?,
            health: passkeys::health_of(tx, &session.account_id, now)?,
        }))
    })
}

// ---------------------------------------------------------------------------------------------
// DELETE /v1/passkeys/{credential_id}

/// Delete body.
#[derive(Deserialize)]
pub struct DeleteRequest {
    #[serde(default)]
    proof: Option<String>,
}

/// Delete answer.
#[derive(Serialize)]
pub struct DeleteResponse {
    passkeys: Vec<PasskeyView>,
    policy: Policy,
    user: PasskeyUser,
    health: PasskeyHealth,
}

/// `DELETE /v1/passkeys/{credential_id}`: needs a `delete_passkey` proof; 409 `LAST_PASSKEY`
/// for the last passkey while the flag is on; 403 `ACCOUNT_ON_HOLD` during a withdrawal hold.
pub async fn delete(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    nonce: PolicyNonce,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<DeleteRequest>,
) -> ApiResult<Json<DeleteResponse>> {
    let now = app.clock.now();
    app.db.transaction(|tx| {
        let session = claim.live(tx, now)?;
        resets::refuse_during_hold(tx, &session.account_id, now)?;
        let proof = proofs::require(
            tx,
            body.proof.as_deref(),
            &session,
            &VerifyPurpose::DeletePasskey.label(),
            None,
            now,
        )?;
        let credential_id = credential_id(&id)?;
        let name = db::passkey_name(tx, &session.account_id, &credential_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::PasskeyNotFound))?;
        let account = db::account_by_id(tx, &session.account_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        let count = db::credential_ids_of(tx, &account.id)?.len();
        if account.passkey_required && count <= 1 {
            return Err(ApiError::new(ErrorCode::LastPasskey));
        }
        // Spent before the delete, which spends every other proof the passkey made.
        proofs::consume(tx, &proof)?;
        if !db::delete_passkey(tx, &account.id, &credential_id)? {
            return Err(ApiError::new(ErrorCode::PasskeyNotFound));
        }
        // Whoever signed in with it elsewhere (a device lost, a passkey an attacker planted) is
        // out; the session deleting it, which has just proved a passkey, stays.
        db::revoke_sessions_of_passkey(tx, &account.id, &credential_id, &session.id, now)?;
        db::bump_policy_version(tx, &account.id)?;
        events::record(
            tx,
            &account.id,
            EventKind::PasskeyRemoved,
            &format!("Passkey {} was removed.", events::quoted(&name)),
            now,
        )?;
        Ok(Json(DeleteResponse {
            passkeys: passkeys::views_of(tx, &account.id, &app.aaguids)?,
            policy: policy::policy_of(tx, &app, &account.id, nonce.as_deref())?,
            user: passkeys::user_of(tx, &account.id)?,
            health: passkeys::health_of(tx, &account.id, now)?,
        }))
    })
}

// ---------------------------------------------------------------------------------------------
// POST /v1/policy/disable

/// Disable body.
#[derive(Deserialize)]
pub struct DisableRequest {
    #[serde(default)]
    proof: Option<String>,
}

/// `POST /v1/policy/disable`: needs a `disable_passkeys` proof; turns the flag off (H5 and
/// third-party login open again for the account); the passkeys stay registered. 403
/// `ACCOUNT_ON_HOLD` during a withdrawal hold.
pub async fn disable(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    nonce: PolicyNonce,
    ApiJson(body): ApiJson<DisableRequest>,
) -> ApiResult<Json<Policy>> {
    let now = app.clock.now();
    app.db.transaction(|tx| {
        let session = claim.live(tx, now)?;
        resets::refuse_during_hold(tx, &session.account_id, now)?;
        let proof = proofs::require(
            tx,
            body.proof.as_deref(),
            &session,
            &VerifyPurpose::DisablePasskeys.label(),
            None,
            now,
        )?;
        let account = db::account_by_id(tx, &session.account_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        if account.passkey_required {
            db::clear_passkey_required(tx, &account.id)?;
            events::record(
                tx,
                &account.id,
                EventKind::FlagOff,
                "The passkey requirement was turned off.",
                now,
            )?;
        }
        proofs::consume(tx, &proof)?;
        policy::policy_of(tx, &app, &account.id, nonce.as_deref()).map(Json)
    })
}
