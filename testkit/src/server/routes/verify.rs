//! "Verify with your passkey" (`POST /v1/passkeys/verify/{begin,finish}`,
//! `POST /v1/scenarios/verify/{begin,finish}`): a fresh passkey assertion that yields a proof
//! ([`crate::server::proofs`]) for a purpose (adding, renaming or deleting a passkey, turning the
//! flag off, a security setting — BRIEF §5 #5; cancelling a pending support reset — J8) or for a
//! scenario of the global catalogue (J6, §5 #6). During a withdrawal hold (J8) neither a
//! security-setting verification nor any scenario but `login` begins.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::PublicKeyCredential;

use crate::server::assertion::{self, Binding, Lookup};
use crate::server::catalogue::Scenario;
use crate::server::clock::secs;
use crate::server::db::{self, Proof};
use crate::server::error::{ApiError, ApiResult, ErrorCode};
use crate::server::extract::{ApiJson, Authenticated, SessionClaim};
use crate::server::input::{self, Credential};
use crate::server::proofs::{
    SCENARIO_PREFIX, VERIFY_PREFIX, VerifyPurpose, params_hash, scenario_label,
};
use crate::server::resets;
use crate::server::secrets;
use crate::server::state::AppState;

/// Begin answer (both kinds).
#[derive(Serialize)]
pub struct BeginResponse {
    ceremony_id: String,
    options: serde_json::Value,
}

/// Finish body (both kinds).
#[derive(Deserialize)]
pub struct FinishRequest {
    ceremony_id: String,
    credential: Credential<PublicKeyCredential>,
}

/// Finish answer (both kinds).
#[derive(Serialize)]
pub struct ProofResponse {
    proof: String,
    expires_in_secs: i64,
}

/// Begins a verification for `label`; `held` refuses it with 403 `ACCOUNT_ON_HOLD` while the
/// account is under a withdrawal hold.
fn begin(
    app: &AppState,
    claim: &SessionClaim,
    label: &str,
    params_hash: Option<Vec<u8>>,
    held: bool,
) -> ApiResult<Json<BeginResponse>> {
    let now = app.clock.now();
    app.db.transaction(|tx| {
        let session = claim.live(tx, now)?;
        let account = db::account_by_id(tx, &session.account_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        if held {
            resets::refuse_during_hold(tx, &account.id, now)?;
        }
        let begun = assertion::begin(
            tx,
            app,
            Binding {
                purpose: label,
                account: Some(&account),
                session_id: Some(&session.id),
                device_id: Some(&session.device_id),
                room: session.room.as_deref(),
                params_hash,
            },
            now,
        )?;
        Ok(Json(BeginResponse {
            ceremony_id: begun.ceremony_id,
            options: begun.options,
        }))
    })
}

fn finish(
    app: &AppState,
    claim: &SessionClaim,
    body: &FinishRequest,
    prefix: &str,
) -> ApiResult<Json<ProofResponse>> {
    let now = app.clock.now();
    let accepts = |label: &str| label.starts_with(prefix);
    let ceremony = assertion::take(
        app,
        &body.ceremony_id,
        &Lookup {
            accepts: &accepts,
            session: Some(claim.as_named()),
            unknown: ErrorCode::CeremonyNotFound,
            expired: ErrorCode::CeremonyExpired,
        },
        now,
    )?;
    let ttl = secs(app.config.proof_ttl);
    assertion::verify(app, &ceremony, &body.credential.0, now, |tx, verified| {
        let session = claim.live(tx, now)?;
        let proof = secrets::new_token();
        app.note_secret(&proof);
        db::insert_proof(
            tx,
            &Proof {
                token_hash: secrets::digest(&proof),
                account_id: verified.account.id.clone(),
                session_id: session.id.clone(),
                purpose: ceremony.purpose.clone(),
                params_hash: ceremony.params_hash.clone(),
                expires_at: now.saturating_add(ttl),
                consumed: false,
                credential_id: Some(verified.credential_id.clone()),
            },
            now,
        )?;
        Ok(Json(ProofResponse {
            proof,
            expires_in_secs: ttl,
        }))
    })
}

// ---------------------------------------------------------------------------------------------
// POST /v1/passkeys/verify/{begin,finish}

/// Purpose verification begin body.
#[derive(Deserialize)]
pub struct PurposeBeginRequest {
    purpose: VerifyPurpose,
}

/// `POST /v1/passkeys/verify/begin`: request options listing the account's passkeys. A
/// `security_settings` verification waits for the end of a withdrawal hold (403
/// `ACCOUNT_ON_HOLD`).
pub async fn begin_purpose(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiJson(body): ApiJson<PurposeBeginRequest>,
) -> ApiResult<Json<BeginResponse>> {
    let held = body.purpose == VerifyPurpose::SecuritySettings;
    begin(&app, &claim, &body.purpose.label(), None, held)
}

/// `POST /v1/passkeys/verify/finish`: verifies the assertion and issues the proof.
pub async fn finish_purpose(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiJson(body): ApiJson<FinishRequest>,
) -> ApiResult<Json<ProofResponse>> {
    finish(&app, &claim, &body, VERIFY_PREFIX)
}

// ---------------------------------------------------------------------------------------------
// POST /v1/scenarios/verify/{begin,finish}

/// Most parameters a scenario proof can be bound to.
const MAX_PARAMS: usize = 32;
/// Longest parameter name and value, in characters.
const MAX_PARAM_KEY_LEN: usize = 64;
const MAX_PARAM_VALUE_LEN: usize = 512;

/// Scenario verification begin body.
#[derive(Deserialize)]
pub struct ScenarioBeginRequest {
    scenario: String,
    #[serde(default)]
    params: BTreeMap<String, String>,
}

/// `POST /v1/scenarios/verify/begin`: 400 `SCENARIO_UNKNOWN` for a scenario the catalogue lacks;
/// 403 `ACCOUNT_ON_HOLD` during a withdrawal hold for every scenario but `login`.
pub async fn begin_scenario(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiJson(body): ApiJson<ScenarioBeginRequest>,
) -> ApiResult<Json<BeginResponse>> {
    let scenario =
        Scenario::parse(&body.scenario).ok_or_else(|| ApiError::new(ErrorCode::ScenarioUnknown))?;
    let too_big = body.params.len() > MAX_PARAMS
        || body.params.iter().any(|(k, v)| {
            !input::char_len_within(k, 0, MAX_PARAM_KEY_LEN)
                || !input::char_len_within(v, 0, MAX_PARAM_VALUE_LEN)
        });
    if too_big {
        return Err(ApiError::bad_request(
            "params: at most 32 entries, names up to 64 characters, values up to 512 characters.",
        ));
    }
    let hash = params_hash(&body.params)?;
    let held = scenario != Scenario::Login;
    begin(&app, &claim, &scenario_label(scenario), Some(hash), held)
}

/// `POST /v1/scenarios/verify/finish`: verifies the assertion and issues the scenario proof.
pub async fn finish_scenario(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiJson(body): ApiJson<FinishRequest>,
) -> ApiResult<Json<ProofResponse>> {
    finish(&app, &claim, &body, SCENARIO_PREFIX)
}
