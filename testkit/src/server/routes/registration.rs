//! Passkey registration (J1 Enable, J5 add another): begin issues creation options for a fresh
//! step-up (or, and always once the flag is on, a fresh `add_passkey` passkey proof); finish
//! verifies with webauthn-rs, stores the passkey and — with `enable` — turns the flag on and
//! signs out every other session and trusted device, all in one transaction with its security
//! events.

use axum::Json;
use axum::extract::State;
use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential};

use crate::server::clock::secs;
use crate::server::db::{self, Ceremony, PasskeyRow, Session};
use crate::server::error::{ApiError, ApiResult, ErrorCode};
use crate::server::events::{self, EventKind};
use crate::server::extract::{ApiJson, Authenticated, DigestedJson};
use crate::server::hooks::Pause;
use crate::server::input::Credential;
use crate::server::passkeys::{self, PasskeyHealth, PasskeyView};
use crate::server::policy::{self, Policy};
use crate::server::proofs::{self, VerifyPurpose};
use crate::server::rp;
use crate::server::secrets;
use crate::server::state::{App, AppState};
use crate::server::step_up::{self, Purpose};

/// The purpose stored with registration ceremonies.
const PURPOSE: &str = "passkey_registration";
/// Longest credential id accepted (WebAuthn L3 §5.8.3: at most 1023 bytes).
const MAX_CREDENTIAL_ID_LEN: usize = 1023;

/// Registration begin body.
#[derive(Deserialize)]
pub struct BeginRequest {
    #[serde(default)]
    step_up_token: Option<String>,
    #[serde(default)]
    proof: Option<String>,
    /// The passkeys the account already has that stay when this ceremony turns the requirement
    /// on (Enable); every other one is removed then. Absent: all stay.
    #[serde(default)]
    keep_passkeys: Option<Vec<String>>,
}

/// The keep list as credential ids: 400 `BAD_REQUEST` unless each is unpadded base64url and the
/// list is no longer than the bound on an account's passkeys.
fn keep_list(app: &App, keep: Option<&[String]>) -> ApiResult<Option<Vec<Vec<u8>>>> {
    let Some(keep) = keep else {
        return Ok(None);
    };
    if keep.len() > app.config.max_passkeys_per_account {
        return Err(ApiError::bad_request(
            "keep_passkeys names more passkeys than an account can hold.",
        ));
    }
    keep.iter()
        .map(|id| {
            data_encoding::BASE64URL_NOPAD
                .decode(id.as_bytes())
                .ok()
                .filter(|id| !id.is_empty() && id.len() <= MAX_CREDENTIAL_ID_LEN)
                .ok_or_else(|| {
                    ApiError::bad_request("keep_passkeys holds unpadded base64url passkey ids.")
                })
        })
        .collect::<ApiResult<Vec<_>>>()
        .map(Some)
}

/// Registration begin answer.
#[derive(Serialize)]
pub struct BeginResponse {
    ceremony_id: String,
    options: serde_json::Value,
    expires_in_secs: i64,
}

/// `POST /v1/passkeys/registration/begin`. A flagged account needs an `add_passkey` proof (a
/// step-up token, password + code, is weaker than its passkey: 403
/// `PASSKEY_VERIFICATION_REQUIRED`); an unflagged one a step-up token (403 `STEP_UP_REQUIRED`)
/// or a proof.
pub async fn begin(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    ApiJson(body): ApiJson<BeginRequest>,
) -> ApiResult<Json<BeginResponse>> {
    let now = app.clock.now();
    let ttl = secs(app.config.ceremony_ttl);
    let keep = keep_list(&app, body.keep_passkeys.as_deref())?;
    app.db.transaction(|tx| {
        let session = claim.live(tx, now)?;
        let account = db::account_by_id(tx, &session.account_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        let (step_up_id, proof_hash, authorised_until) =
            if account.passkey_required || body.proof.is_some() {
                let proof = proofs::require(
                    tx,
                    body.proof.as_deref(),
                    &session,
                    &VerifyPurpose::AddPasskey.label(),
                    None,
                    now,
                )?;
                (None, Some(proof.token_hash), proof.expires_at)
            } else {
                let step_up = step_up::authorised(
                    tx,
                    body.step_up_token.as_deref(),
                    &session,
                    Purpose::PasskeyRegistration,
                    now,
                )?;
                let until = step_up.token_expires_at.unwrap_or(now);
                (Some(step_up.id), None, until)
            };
        // The ceremony ends when what authorised it does: a proof or step-up spent at finish was
        // fresh then too, not up to one ceremony's lifetime after it expired.
        let expires_at = now.saturating_add(ttl).min(authorised_until);
        check_room_for_a_passkey(tx, &app, &account.id)?;
        let mut exclude = db::credential_ids_of(tx, &account.id)?;
        if let (false, Some(keep)) = (account.passkey_required, &keep) {
            // Enable removes the passkeys not kept, so the password manager may replace one of
            // them (same account, same user handle) instead of refusing the ceremony.
            exclude.retain(|id| keep.contains(id));
        }
        let exclude = (!exclude.is_empty()).then_some(exclude);
        let internal = |_| ApiError::new(ErrorCode::Internal);
        let (ccr, state) = app
            .webauthn
            .start_passkey_registration(
                account.user_handle,
                &account.email,
                &account.email,
                exclude,
            )
            .map_err(|_| ApiError::new(ErrorCode::Internal))?;
        let options = rp::creation_options(&ccr).map_err(internal)?;
        let state = serde_json::to_string(&state).map_err(internal)?;
        let ceremony_id = secrets::new_token();
        db::insert_ceremony(
            tx,
            &Ceremony {
                id: ceremony_id.clone(),
                account_id: account.id.clone(),
                session_id: session.id.clone(),
                purpose: PURPOSE.to_owned(),
                state,
                step_up_id,
                proof_hash,
                expires_at,
                used: false,
                credential_id: None,
                revoked_sessions: 0,
                revoked_trusted_devices: 0,
                request_hash: None,
                keep_passkeys: keep,
                removed_passkeys: 0,
            },
            now,
        )?;
        Ok(Json(BeginResponse {
            ceremony_id,
            options,
            expires_in_secs: expires_at.saturating_sub(now),
        }))
    })
}

/// Registration finish body.
#[derive(Deserialize)]
pub struct FinishRequest {
    ceremony_id: String,
    credential: Credential<RegisterPublicKeyCredential>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    enable: bool,
}

/// Registration finish answer.
#[derive(Serialize)]
pub struct FinishResponse {
    passkey: PasskeyView,
    passkeys: Vec<PasskeyView>,
    policy: Policy,
    revoked_sessions: u32,
    revoked_trusted_devices: u32,
    /// Passkeys that were on the account before Enable and were not kept: removed.
    removed_passkeys: u32,
    /// Right after Enable with one or only device-bound passkeys: at risk, with the nudge.
    health: PasskeyHealth,
}

/// `POST /v1/passkeys/registration/finish`. The whole finish is one transaction: the ceremony is
/// read, the account's flag and the step-up or proof re-checked as they are now, the credential
/// verified, and the passkey stored (with the flag, and Enable's revocations) — or the ceremony
/// spent. So two finishes of one ceremony run one after the other: the first does the work, the
/// second is a retry. A retry must be the first request byte for byte; anything else posted to a
/// used ceremony is 409 `CEREMONY_USED`.
pub async fn finish(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    DigestedJson {
        value: body,
        digest,
    }: DigestedJson<FinishRequest>,
) -> ApiResult<Json<FinishResponse>> {
    let name = body.name.as_deref().map(passkeys::valid_name).transpose()?;
    let now = app.clock.now();
    app.pause(Pause::BeforeRegistrationFinish).await;
    let outcome = app.db.transaction(|tx| {
        let session = claim.live(tx, now)?;
        let ceremony = db::ceremony(tx, &body.ceremony_id)?
            .ok_or_else(|| ApiError::new(ErrorCode::CeremonyNotFound))?;
        if ceremony.account_id != session.account_id
            || ceremony.session_id != session.id
            || ceremony.purpose != PURPOSE
        {
            return Err(ApiError::new(ErrorCode::CeremonyMismatch));
        }
        if ceremony.used {
            // A retry after success (the connection dropped after the commit) gets the same
            // answer; only the very same request is a retry.
            return match (&ceremony.request_hash, &ceremony.credential_id) {
                (Some(hash), Some(id)) if secrets::digests_equal(hash, &digest) => {
                    answer(tx, &app, &session, &ceremony, id).map(Ok)
                }
                _ => Err(ApiError::new(ErrorCode::CeremonyUsed)),
            };
        }
        let refused = if ceremony.expires_at <= now {
            Err(ApiError::new(ErrorCode::CeremonyExpired))
        } else {
            verify_and_store(
                tx,
                &app,
                &session,
                &ceremony,
                &body.credential.0,
                Stored {
                    name,
                    enable: body.enable,
                    request_hash: digest.clone(),
                    now,
                },
            )
        };
        match refused {
            Ok(answer) => Ok(Ok(answer)),
            Err(refusal) if refusal.code == ErrorCode::Internal => Err(refusal),
            Err(refusal) => {
                // Single use: a refused or expired attempt spends the ceremony (committed).
                db::delete_ceremony(tx, &ceremony.id)?;
                Ok(Err(refusal))
            }
        }
    })?;
    outcome.map(Json)
}

/// What a finish stores besides the passkey.
struct Stored {
    name: Option<String>,
    enable: bool,
    request_hash: Vec<u8>,
    now: i64,
}

/// Verifies the credential and re-checks what `begin` decided, all before the first write, then
/// stores the passkey (and, with `enable`, turns the flag on and signs out every other session and
/// trusted device). Refusals change nothing, so the caller can spend the ceremony and commit.
fn verify_and_store(
    tx: &Transaction<'_>,
    app: &App,
    session: &Session,
    ceremony: &Ceremony,
    credential: &RegisterPublicKeyCredential,
    stored: Stored,
) -> ApiResult<FinishResponse> {
    let Stored {
        name,
        enable,
        request_hash,
        now,
    } = stored;
    let rejected = || ApiError::new(ErrorCode::RegistrationRejected);
    let state: PasskeyRegistration =
        serde_json::from_str(&ceremony.state).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    let passkey = app
        .webauthn
        .finish_passkey_registration(credential, &state)
        .map_err(|err| {
            eprintln!("passkeys-testkit: registration rejected: {err}");
            rejected()
        })?;
    let credential_id = passkey.cred_id().to_vec();
    let facts = rp::attested_facts(&credential.response.attestation_object).ok_or_else(rejected)?;
    // id == rawId == the attested credential id, at most 1023 bytes (BRIEF §5 #10).
    let id_matches = credential.id.trim_end_matches('=')
        == data_encoding::BASE64URL_NOPAD.encode(&credential.raw_id);
    if !id_matches
        || credential.raw_id != credential_id
        || facts.credential_id != credential_id
        || credential_id.is_empty()
        || credential_id.len() > MAX_CREDENTIAL_ID_LEN
    {
        return Err(rejected());
    }
    // What begin decided, decided again on the account as it is now: once the flag is on, a
    // step-up (password + code) no longer adds a passkey; an add_passkey proof is needed
    // (BRIEF §5 #4, #5).
    let account = db::account_by_id(tx, &session.account_id)?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    if account.passkey_required && ceremony.proof_hash.is_none() {
        return Err(ApiError::new(ErrorCode::PasskeyVerificationRequired));
    }
    if db::credential_exists(tx, &credential_id)? {
        return Err(ApiError::new(ErrorCode::CredentialAlreadyRegistered));
    }
    // Two ceremonies begun at the bound's edge cannot both finish past it.
    check_room_for_a_passkey(tx, app, &account.id)?;
    // One step-up or one add_passkey proof adds one passkey: still unspent, it is spent now (the
    // first write; when it fails nothing was written).
    let authorised = match (&ceremony.step_up_id, &ceremony.proof_hash) {
        (Some(step_up_id), None) => db::consume_step_up(tx, step_up_id)?,
        (None, Some(proof_hash)) => db::consume_proof(tx, proof_hash)?,
        _ => false,
    };
    if !authorised {
        return Err(ApiError::new(ErrorCode::CeremonyNotFound));
    }
    if let Some(step_up_id) = &ceremony.step_up_id {
        db::delete_open_ceremonies_of_step_up(tx, step_up_id, &ceremony.id)?;
    }
    if let Some(proof_hash) = &ceremony.proof_hash {
        db::delete_open_ceremonies_of_proof(tx, proof_hash, &ceremony.id)?;
    }

    let provider = app.aaguids.provider(facts.aaguid);
    let row = PasskeyRow {
        credential_id: credential_id.clone(),
        name: name.unwrap_or_else(|| provider.name.clone()),
        aaguid: facts.aaguid,
        backup_eligible: facts.backup_eligible,
        backed_up: facts.backed_up,
        transports: transports(credential),
        created_at: now,
        last_used_at: None,
        sign_count: 0,
        use_count: 0,
    };
    let passkey_json =
        serde_json::to_string(&passkey).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    if !db::insert_passkey(tx, &session.account_id, &row, &passkey_json)? {
        // Checked above in this transaction: a conflict here is a storage fault.
        return Err(ApiError::new(ErrorCode::Internal));
    }
    events::record(
        tx,
        &session.account_id,
        EventKind::PasskeyAdded,
        &format!(
            "Passkey {} ({}) was added.",
            events::quoted(&row.name),
            provider.name
        ),
        now,
    )?;
    let mut removed_passkeys = 0;
    let (revoked_sessions, revoked_trusted_devices) = if enable && !account.passkey_required {
        // The passkey is in; only now may the flag go on (never on with zero passkeys).
        db::set_passkey_required(tx, &session.account_id)?;
        if let Some(keep) = &ceremony.keep_passkeys {
            removed_passkeys =
                remove_passkeys_not_kept(tx, app, session, &credential_id, keep, now)?;
        }
        db::delete_login_attempts_of(tx, &session.account_id)?;
        events::record(
            tx,
            &session.account_id,
            EventKind::FlagOn,
            "The passkey requirement was turned on; every other session and trusted device \
             was signed out.",
            now,
        )?;
        (
            db::revoke_other_sessions(tx, &session.account_id, &session.id, now)?,
            db::delete_trusted_devices(tx, &session.account_id, now)?,
        )
    } else {
        db::bump_policy_version(tx, &session.account_id)?;
        (0, 0)
    };
    let used = Ceremony {
        credential_id: Some(credential_id.clone()),
        revoked_sessions,
        revoked_trusted_devices,
        request_hash: Some(request_hash),
        removed_passkeys,
        ..ceremony.clone()
    };
    db::mark_ceremony_used(tx, &used)?;
    answer(tx, app, session, &used, &credential_id)
}

/// Enable's removal of the passkeys the user did not keep (one added by someone else while the
/// requirement was off would otherwise go on signing in): each one goes with an event. Every
/// other session is signed out by Enable itself. Returns how many went.
fn remove_passkeys_not_kept(
    tx: &Transaction<'_>,
    app: &App,
    session: &Session,
    new: &[u8],
    keep: &[Vec<u8>],
    now: i64,
) -> ApiResult<u32> {
    let mut removed = 0;
    for passkey in db::passkeys_of(tx, &session.account_id)? {
        let id = passkey.credential_id.as_slice();
        if id == new || keep.iter().any(|k| k.as_slice() == id) {
            continue;
        }
        if db::delete_passkey(tx, &session.account_id, id)? {
            removed += 1;
            events::record(
                tx,
                &session.account_id,
                EventKind::PasskeyRemoved,
                &format!(
                    "Passkey {} ({}) was removed when passkeys became required (not kept).",
                    events::quoted(&passkey.name),
                    app.aaguids.provider(passkey.aaguid).name
                ),
                now,
            )?;
        }
    }
    Ok(removed)
}

/// The finish answer: the new passkey, all passkeys, the policy and what enabling revoked.
fn answer(
    conn: &rusqlite::Connection,
    app: &App,
    session: &Session,
    ceremony: &Ceremony,
    credential_id: &[u8],
) -> ApiResult<FinishResponse> {
    let passkeys = passkeys::views_of(conn, &session.account_id, &app.aaguids)?;
    let wanted = data_encoding::BASE64URL_NOPAD.encode(credential_id);
    let passkey = passkeys
        .iter()
        .find(|p| p.credential_id == wanted)
        .cloned()
        .ok_or_else(|| ApiError::new(ErrorCode::CeremonyNotFound))?;
    Ok(FinishResponse {
        passkey,
        passkeys,
        // No nonce: a passkey added never lifts the requirement.
        policy: policy::policy_of(conn, app, &session.account_id, None)?,
        revoked_sessions: ceremony.revoked_sessions,
        revoked_trusted_devices: ceremony.revoked_trusted_devices,
        removed_passkeys: ceremony.removed_passkeys,
        health: passkeys::health_of(conn, &session.account_id, app.clock.now())?,
    })
}

/// The transports the client reported, as their WebAuthn strings (unknown ones dropped).
fn transports(credential: &RegisterPublicKeyCredential) -> Vec<String> {
    credential
        .response
        .transports
        .iter()
        .flatten()
        .filter_map(|t| match serde_json::to_value(t) {
            Ok(serde_json::Value::String(s)) if s != "unknown" => Some(s),
            _ => None,
        })
        .collect()
}

/// 409 `PASSKEY_LIMIT` when the account holds `max_passkeys_per_account` passkeys already.
fn check_room_for_a_passkey(conn: &Connection, app: &App, account_id: &str) -> ApiResult<()> {
    let max = i64::try_from(app.config.max_passkeys_per_account).unwrap_or(i64::MAX);
    if db::passkey_count(conn, account_id)? >= max {
        return Err(ApiError::new(ErrorCode::PasskeyLimit));
    }
    Ok(())
}
