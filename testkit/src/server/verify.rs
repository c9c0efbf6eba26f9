//! "Verify with your passkey": a fresh passkey assertion that yields a proof, for a purpose
//! (adding, renaming or deleting a passkey, turning the flag off, a security setting — BRIEF §5
//! #5) or for a scenario of the global catalogue (J6, §5 #6). A proof is single use, valid for
//! `proof_ttl`, and bound to account, session and purpose — and for scenarios to the SHA-256 of
//! the operation's canonical parameters. Proofs are stored as digests only.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2_010::{Digest, Sha256};
use webauthn_rs::prelude::PublicKeyCredential;

use super::assertion::{self, Binding, Lookup};
use super::catalogue::Scenario;
use super::clock::secs;
use super::db::{self, Proof, Session};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::extract::{ApiJson, Authenticated};
use super::input::{self, Credential};
use super::secrets;
use super::state::AppState;

/// What a passkey verification can authorise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyPurpose {
    /// Adding a passkey while the flag is on.
    AddPasskey,
    /// Renaming a passkey.
    RenamePasskey,
    /// Deleting a passkey.
    DeletePasskey,
    /// Turning the passkey requirement off.
    DisablePasskeys,
    /// Changing a security setting.
    SecuritySettings,
}

impl VerifyPurpose {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyPurpose::AddPasskey => "add_passkey",
            VerifyPurpose::RenamePasskey => "rename_passkey",
            VerifyPurpose::DeletePasskey => "delete_passkey",
            VerifyPurpose::DisablePasskeys => "disable_passkeys",
            VerifyPurpose::SecuritySettings => "security_settings",
        }
    }

    /// The label stored with ceremonies and proofs.
    pub fn label(self) -> String {
        format!("{VERIFY_PREFIX}{}", self.as_str())
    }
}

const VERIFY_PREFIX: &str = "verify:";
const SCENARIO_PREFIX: &str = "scenario:";

/// The label stored with a scenario's ceremonies and proofs.
pub fn scenario_label(scenario: Scenario) -> String {
    format!("{SCENARIO_PREFIX}{}", scenario.as_str())
}

/// SHA-256 of the canonical JSON of an operation's parameters (keys sorted, no whitespace).
pub fn params_hash(params: &BTreeMap<String, String>) -> ApiResult<Vec<u8>> {
    let canonical = serde_json::to_vec(params).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    Ok(Sha256::digest(&canonical).to_vec())
}

/// The live proof named by `token` if it is unconsumed, unexpired and bound to this session, its
/// account, `label` and `params_hash`; otherwise 403 `PASSKEY_VERIFICATION_REQUIRED`. Not
/// consumed here: [`consume`] it in the transaction that does what it approves.
pub fn require(
    conn: &Connection,
    token: Option<&str>,
    session: &Session,
    label: &str,
    params_hash: Option<&[u8]>,
    now: i64,
) -> ApiResult<Proof> {
    let required = || ApiError::new(ErrorCode::PasskeyVerificationRequired);
    let token = token
        .filter(|t| !t.is_empty() && t.len() <= 512)
        .ok_or_else(required)?;
    db::proof(conn, &secrets::digest(token))?
        .filter(|proof| {
            proof.session_id == session.id
                && proof.account_id == session.account_id
                && proof.purpose == label
                && proof.params_hash.as_deref() == params_hash
                && !proof.consumed
                && proof.expires_at > now
        })
        .ok_or_else(required)
}

/// Spends a proof; 403 `PASSKEY_VERIFICATION_REQUIRED` if it was spent concurrently.
pub fn consume(conn: &Connection, proof: &Proof) -> ApiResult<()> {
    if db::consume_proof(conn, &proof.token_hash)? {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::PasskeyVerificationRequired))
    }
}

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

fn begin(
    app: &AppState,
    session: &Session,
    label: &str,
    params_hash: Option<Vec<u8>>,
) -> ApiResult<Json<BeginResponse>> {
    let now = app.clock.now();
    app.db.transaction(|tx| {
        let account = db::account_by_id(tx, &session.account_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        let begun = assertion::begin(
            tx,
            app,
            Binding {
                purpose: label,
                account: Some(&account),
                session_id: Some(&session.id),
                device_id: Some(&session.device_id),
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
    session: &Session,
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
            session: Some(session),
            unknown: ErrorCode::CeremonyNotFound,
            expired: ErrorCode::CeremonyExpired,
        },
        now,
    )?;
    let ttl = secs(app.config.proof_ttl);
    assertion::verify(app, &ceremony, &body.credential.0, now, |tx, verified| {
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

/// `POST /v1/passkeys/verify/begin`: request options listing the account's passkeys.
pub async fn begin_purpose(
    State(app): State<AppState>,
    Authenticated(session): Authenticated,
    ApiJson(body): ApiJson<PurposeBeginRequest>,
) -> ApiResult<Json<BeginResponse>> {
    begin(&app, &session, &body.purpose.label(), None)
}

/// `POST /v1/passkeys/verify/finish`: verifies the assertion and issues the proof.
pub async fn finish_purpose(
    State(app): State<AppState>,
    Authenticated(session): Authenticated,
    ApiJson(body): ApiJson<FinishRequest>,
) -> ApiResult<Json<ProofResponse>> {
    finish(&app, &session, &body, VERIFY_PREFIX)
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

/// `POST /v1/scenarios/verify/begin`: 400 `SCENARIO_UNKNOWN` for a scenario the catalogue lacks.
pub async fn begin_scenario(
    State(app): State<AppState>,
    Authenticated(session): Authenticated,
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
    begin(&app, &session, &scenario_label(scenario), Some(hash))
}

/// `POST /v1/scenarios/verify/finish`: verifies the assertion and issues the scenario proof.
pub async fn finish_scenario(
    State(app): State<AppState>,
    Authenticated(session): Authenticated,
    ApiJson(body): ApiJson<FinishRequest>,
) -> ApiResult<Json<ProofResponse>> {
    finish(&app, &session, &body, SCENARIO_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_hashed_canonically() {
        let mut a = BTreeMap::new();
        a.insert("b".to_owned(), "2".to_owned());
        a.insert("a".to_owned(), "1".to_owned());
        let expected = Sha256::digest(br#"{"a":"1","b":"2"}"#).to_vec();
        assert_eq!(params_hash(&a).expect("hash"), expected);
        a.insert("a".to_owned(), "1 ".to_owned());
        assert_ne!(params_hash(&a).expect("hash"), expected);
    }

    #[test]
    fn labels_keep_purposes_and_scenarios_apart() {
        assert_eq!(
            VerifyPurpose::SecuritySettings.label(),
            "verify:security_settings"
        );
        assert_eq!(
            scenario_label(Scenario::SecuritySettings),
            "scenario:security_settings"
        );
    }
}
