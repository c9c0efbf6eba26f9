//! WebAuthn assertion ceremonies, the mechanism under every passkey login and every passkey
//! verification (BRIEF §5 #7–#11): request options from webauthn-rs, ceremony state kept in
//! SQLite (single use, expiring, bound to purpose and to the account and session when known),
//! verification with webauthn-rs, credential ownership, the counter rule, and the update of the
//! stored passkey in the same transaction as what the assertion authorises.

use rusqlite::{Connection, Transaction};
use webauthn_rs::prelude::{
    AuthenticationResult, DiscoverableAuthentication, Passkey, PasskeyAuthentication,
    PublicKeyCredential, RequestChallengeResponse, WebauthnError,
};

use super::clock::secs;
use super::db::{self, Account, Assertion, Session, StoredPasskey};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::events::{self, EventKind};
use super::secrets;
use super::state::App;

/// Longest credential id accepted (WebAuthn L3 §5.8.3: at most 1023 bytes).
const MAX_CREDENTIAL_ID_LEN: usize = 1023;

/// What a new ceremony is bound to.
#[derive(Debug, Clone)]
pub struct Binding<'a> {
    /// The purpose label (`login`, `discoverable_login`, `verify:<purpose>`,
    /// `scenario:<scenario>`).
    pub purpose: &'a str,
    /// The account, when known; `None` makes a usernameless (discoverable) ceremony.
    pub account: Option<&'a Account>,
    /// The session that began it, when there is one.
    pub session_id: Option<&'a str>,
    /// The device a login is for.
    pub device_id: Option<&'a str>,
    /// The room of the device (`db::SignInRoom`), when its install key came with the begin.
    pub room: Option<&'a str>,
    /// SHA-256 of the canonical parameters of the operation a scenario proof will approve.
    pub params_hash: Option<Vec<u8>>,
}

/// A begun ceremony: its id and the request options for the client.
#[derive(Debug, Clone)]
pub struct Begun {
    /// Names the ceremony in its finish call.
    pub ceremony_id: String,
    /// `PublicKeyCredentialRequestOptionsJSON` (the inner `publicKey` object).
    pub options: serde_json::Value,
}

/// Begins an assertion ceremony. With an account, `allowCredentials` lists its passkeys (404
/// `PASSKEY_NOT_FOUND` if it has none); without, it is a usernameless ceremony with an empty
/// `allowCredentials`.
pub fn begin(conn: &Connection, app: &App, binding: Binding<'_>, now: i64) -> ApiResult<Begun> {
    let internal = |_| ApiError::new(ErrorCode::Internal);
    if let Some(account) = binding.account {
        // One account's begins end its own oldest ceremonies, never fill everyone's room
        // (`max_open_assertions_per_account`; without it one signed-in account could fill the
        // server-wide bound and every passkey sign-in would answer `SERVER_BUSY`). Each kind
        // apart: the password step begins one with no session, and anyone with the password can
        // repeat it, so its ceremonies end only each other, never the signed-in owner's
        // verifications (the cancelling of a reset among them); and among those, a device the
        // account has signed in from keeps its own few, which no other device's begins end
        // (`db::SignInRoom`). Among those of sessions, the session holding the most gives way:
        // one session (a stolen one) beginning again and again ends its own, not the owner's in
        // another session.
        let keep = i64::try_from(app.config.max_open_assertions_per_account)
            .unwrap_or(i64::MAX)
            .saturating_sub(1);
        if binding.session_id.is_some() {
            db::share_session_assertions_of(conn, &account.id, keep)?;
        } else {
            let room = db::sign_in_room(conn, &account.id, binding.room)?;
            let keep = match room {
                db::SignInRoom::KnownDevice(_) => db::PENDING_SIGN_INS_PER_KNOWN_DEVICE - 1,
                db::SignInRoom::Shared => keep,
            };
            db::end_oldest_sessionless_assertions_of(conn, &account.id, room, keep)?;
        }
    }
    check_room(conn, app, binding.account.is_none(), now)?;
    let (rcr, state) = match binding.account {
        Some(account) => {
            let passkeys = passkeys_of(conn, &account.id)?;
            if passkeys.is_empty() {
                return Err(ApiError::new(ErrorCode::PasskeyNotFound));
            }
            let (rcr, state) = app
                .webauthn
                .start_passkey_authentication(&passkeys)
                .map_err(|_| ApiError::new(ErrorCode::Internal))?;
            (rcr, serde_json::to_string(&state).map_err(internal)?)
        }
        None => {
            let (rcr, state) = app
                .webauthn
                .start_discoverable_authentication()
                .map_err(|_| ApiError::new(ErrorCode::Internal))?;
            (rcr, serde_json::to_string(&state).map_err(internal)?)
        }
    };
    let options = request_options(&rcr).map_err(internal)?;
    let ceremony_id = secrets::new_token();
    db::insert_assertion(
        conn,
        &Assertion {
            id: ceremony_id.clone(),
            purpose: binding.purpose.to_owned(),
            account_id: binding.account.map(|a| a.id.clone()),
            session_id: binding.session_id.map(str::to_owned),
            device_id: binding.device_id.map(str::to_owned),
            room: binding.room.map(str::to_owned),
            params_hash: binding.params_hash,
            state,
            expires_at: now.saturating_add(secs(app.config.ceremony_ttl)),
        },
        now,
    )?;
    Ok(Begun {
        ceremony_id,
        options,
    })
}

/// Whether one more ceremony may open: within `max_open_assertions`, and for a usernameless one
/// within `max_open_usernameless` (expired ones are dropped first when a bound is reached).
/// 503 `SERVER_BUSY` otherwise: the state an unauthenticated client can make the server keep is
/// bounded.
fn check_room(conn: &Connection, app: &App, usernameless: bool, now: i64) -> ApiResult<()> {
    let limit = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let full = |(all, anonymous): (i64, i64)| {
        all >= limit(app.config.max_open_assertions)
            || (usernameless && anonymous >= limit(app.config.max_open_usernameless))
    };
    if full(db::open_assertions(conn)?) {
        db::purge_expired_assertions(conn, now)?;
        if full(db::open_assertions(conn)?) {
            return Err(ApiError::new(ErrorCode::ServerBusy));
        }
    }
    Ok(())
}

/// The inner `publicKey` object of webauthn-rs's request options (challenge of 32 random bytes,
/// rpId, allowCredentials, userVerification "required", timeout).
pub fn request_options(rcr: &RequestChallengeResponse) -> serde_json::Result<serde_json::Value> {
    serde_json::to_value(&rcr.public_key)
}

fn passkeys_of(conn: &Connection, account_id: &str) -> ApiResult<Vec<Passkey>> {
    db::passkey_jsons_of(conn, account_id)?
        .iter()
        .map(|json| serde_json::from_str(json).map_err(|_| ApiError::new(ErrorCode::Internal)))
        .collect()
}

/// How a finish call looks its ceremony up, and which codes it answers when that fails.
pub struct Lookup<'a> {
    /// Whether a stored purpose label belongs to this finish endpoint; any other is refused as
    /// cross-purpose (422 `ASSERTION_REJECTED`).
    pub accepts: &'a dyn Fn(&str) -> bool,
    /// The calling session, for ceremonies bound to one (another session: 403
    /// `CEREMONY_MISMATCH`).
    pub session: Option<&'a Session>,
    /// The code for an unknown or spent ceremony.
    pub unknown: ErrorCode,
    /// The code for an expired ceremony.
    pub expired: ErrorCode,
}

/// Takes the ceremony out of play (whatever happens next, it is spent) and checks that it is
/// alive and bound to this endpoint and session.
pub fn take(app: &App, ceremony_id: &str, lookup: &Lookup<'_>, now: i64) -> ApiResult<Assertion> {
    if ceremony_id.is_empty() || ceremony_id.len() > 128 {
        return Err(ApiError::new(lookup.unknown));
    }
    let ceremony = app
        .db
        .with(|conn| db::take_assertion(conn, ceremony_id))?
        .ok_or_else(|| ApiError::new(lookup.unknown))?;
    if !(lookup.accepts)(&ceremony.purpose) {
        return Err(ApiError::new(ErrorCode::AssertionRejected));
    }
    let bound_elsewhere = match (&ceremony.session_id, lookup.session) {
        (Some(bound), Some(session)) => {
            bound != &session.id || ceremony.account_id.as_deref() != Some(&session.account_id)
        }
        (None, None) => false,
        _ => true,
    };
    if bound_elsewhere {
        return Err(ApiError::new(ErrorCode::CeremonyMismatch));
    }
    if ceremony.expires_at <= now {
        return Err(ApiError::new(lookup.expired));
    }
    Ok(ceremony)
}

/// What a verified assertion established.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The account the passkey belongs to.
    pub account: Account,
    /// The passkey's credential id.
    pub credential_id: Vec<u8>,
}

/// Verifies `credential` against a taken ceremony, then in one transaction stores what the
/// assertion changed (counter, backup state, `last_used_at`) and runs `then` (open a session,
/// issue a proof…). Refusals:
/// - 422 `ASSERTION_REJECTED`: webauthn-rs refused (challenge, origin, rpIdHash, UP/UV, signature…),
///   or id ≠ rawId, or a credential id over 1023 bytes;
/// - 403 `CREDENTIAL_NOT_ALLOWED`: the credential is not the account's (or is unknown);
/// - 403 `USER_HANDLE_MISMATCH` (usernameless): userHandle missing or not the owner's;
/// - 403 `COUNTER_REGRESSION`: the signature counter did not go up (event recorded);
/// - 422 `ASSERTION_REJECTED` too: a device-bound passkey's assertion claims backup eligibility.
pub fn verify<T>(
    app: &App,
    ceremony: &Assertion,
    credential: &PublicKeyCredential,
    now: i64,
    then: impl FnOnce(&Transaction<'_>, &Verified) -> ApiResult<T>,
) -> ApiResult<T> {
    let rejected = || ApiError::new(ErrorCode::AssertionRejected);
    let not_allowed = || ApiError::new(ErrorCode::CredentialNotAllowed);
    let internal = |_| ApiError::new(ErrorCode::Internal);
    let raw_id = credential.raw_id.as_slice();
    let id_matches =
        credential.id.trim_end_matches('=') == data_encoding::BASE64URL_NOPAD.encode(raw_id);
    if credential.type_ != "public-key"
        || !id_matches
        || raw_id.is_empty()
        || raw_id.len() > MAX_CREDENTIAL_ID_LEN
    {
        return Err(rejected());
    }

    let stored = app
        .db
        .with(|conn| db::passkey_by_credential_id(conn, raw_id))?;
    let (account, stored) = match &ceremony.account_id {
        Some(account_id) => {
            let stored = stored
                .filter(|s| &s.account_id == account_id)
                .ok_or_else(not_allowed)?;
            let account = app
                .db
                .with(|conn| db::account_by_id(conn, account_id))?
                .ok_or_else(not_allowed)?;
            let handle_matches = credential
                .get_user_unique_id()
                .is_none_or(|handle| handle == account.user_handle.as_bytes());
            if !handle_matches {
                return Err(not_allowed());
            }
            (account, stored)
        }
        None => {
            let mismatch = || ApiError::new(ErrorCode::UserHandleMismatch);
            let (handle, _) = app
                .webauthn
                .identify_discoverable_authentication(credential)
                .map_err(|_| mismatch())?;
            let stored = stored.ok_or_else(not_allowed)?;
            let account = app
                .db
                .with(|conn| db::account_by_user_handle(conn, &handle))?
                .filter(|account| account.id == stored.account_id)
                .ok_or_else(mismatch)?;
            (account, stored)
        }
    };

    let outcome = match &ceremony.account_id {
        Some(_) => {
            let state: PasskeyAuthentication =
                serde_json::from_str(&ceremony.state).map_err(internal)?;
            app.webauthn
                .finish_passkey_authentication(credential, &state)
        }
        None => {
            let state: DiscoverableAuthentication =
                serde_json::from_str(&ceremony.state).map_err(internal)?;
            let passkey: Passkey = serde_json::from_str(&stored.passkey_json).map_err(internal)?;
            app.webauthn
                .finish_discoverable_authentication_v2(credential, state, &passkey)
        }
    };
    let result = match outcome {
        Ok(result) => result,
        Err(WebauthnError::CredentialPossibleCompromise) => {
            // webauthn-rs refuses a non-zero counter that did not go up (clone signal).
            let reported = reported_counter(credential);
            app.db.transaction(|tx| {
                record_regression(
                    tx,
                    &account,
                    &stored,
                    reported,
                    stored_counter(&stored),
                    now,
                )
            })?;
            return Err(ApiError::new(ErrorCode::CounterRegression));
        }
        // Among them CredentialBackupEligibilityInconsistent, which webauthn-rs decides before
        // it checks the signature: anyone with a passkey's id (and, on the password path, the
        // password) can cause it, so it goes in no one's activity. Only the check below, after a
        // verified signature, is a copy's work.
        Err(err) => {
            eprintln!("passkeys-testkit: assertion rejected: {err}");
            return Err(rejected());
        }
    };

    app.db.transaction(|tx| {
        // The counter is checked again against the stored value of now: the ceremony's state
        // holds the value of when it began, and another login may have moved it on since.
        let current = db::passkey_by_credential_id(tx, raw_id)?
            .filter(|s| s.account_id == account.id)
            .ok_or_else(not_allowed)?;
        let stored_count = stored_counter(&current);
        if counter_regressed(stored_count, result.counter()) {
            record_regression(
                tx,
                &account,
                &current,
                Some(result.counter()),
                stored_count,
                now,
            )?;
            return Ok(Err(ApiError::new(ErrorCode::CounterRegression)));
        }
        if !current.backup_eligible && result.backup_eligible() {
            // A device-bound passkey never becomes backup-eligible (the flag is fixed when the
            // credential is made): an assertion saying so did not come from the authenticator
            // that registered it. Refused with the record unchanged, so the genuine one goes on
            // signing in (the usernameless path's webauthn-rs check refuses it the same way).
            // The owner sees it in the activity, as a counter that went back.
            record_backup_flag_change(tx, &account, &current, now)?;
            return Ok(Err(rejected()));
        }
        store_use(tx, &current, raw_id, &result, now)?;
        let verified = Verified {
            account: account.clone(),
            credential_id: raw_id.to_vec(),
        };
        then(tx, &verified).map(Ok)
    })?
}

/// BRIEF §5 #11 / W3C WebAuthn L3 §7.2 step 22: when either counter is non-zero, the new one must
/// be greater than the stored one. Synced passkeys report 0 every time and pass.
pub fn counter_regressed(stored: u32, reported: u32) -> bool {
    (stored > 0 || reported > 0) && reported <= stored
}

/// The signature counter stored with a passkey (webauthn-rs keeps it in the serialized
/// credential as `cred.counter`).
fn stored_counter(stored: &StoredPasskey) -> u32 {
    serde_json::from_str::<serde_json::Value>(&stored.passkey_json)
        .ok()
        .and_then(|value| value["cred"]["counter"].as_u64())
        .and_then(|counter| u32::try_from(counter).ok())
        .unwrap_or(0)
}

/// The counter in the response's authenticatorData (bytes 33..37), for the event's detail.
fn reported_counter(credential: &PublicKeyCredential) -> Option<u32> {
    let bytes = credential.response.authenticator_data.get(33..37)?;
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

fn record_regression(
    conn: &Connection,
    account: &Account,
    passkey: &StoredPasskey,
    reported: Option<u32>,
    stored: u32,
    now: i64,
) -> ApiResult<()> {
    let kind = if passkey.backup_eligible {
        "synced"
    } else {
        "device-bound"
    };
    let reported = reported.map_or_else(|| "an unreadable value".to_owned(), |n| n.to_string());
    events::record(
        conn,
        &account.id,
        EventKind::CounterRegression,
        &format!(
            "Passkey {} ({kind}) was refused: its signature counter went from {stored} to \
             {reported}; it may have been copied.",
            events::quoted(&passkey.name)
        ),
        now,
    )
}

/// A refused sign-in whose backup eligibility differs from the passkey's (a possible copy), in
/// the owner's activity under the same kind as a counter that went back.
fn record_backup_flag_change(
    conn: &Connection,
    account: &Account,
    passkey: &StoredPasskey,
    now: i64,
) -> ApiResult<()> {
    events::record(
        conn,
        &account.id,
        EventKind::CounterRegression,
        &format!(
            "Passkey {} was refused: the sign-in reported another backup eligibility than \
             the passkey was registered with; it may have been copied.",
            events::quoted(&passkey.name)
        ),
        now,
    )
}

fn store_use(
    conn: &Connection,
    current: &StoredPasskey,
    credential_id: &[u8],
    result: &AuthenticationResult,
    now: i64,
) -> ApiResult<()> {
    let internal = |_| ApiError::new(ErrorCode::Internal);
    let mut passkey: Passkey = serde_json::from_str(&current.passkey_json).map_err(internal)?;
    passkey.update_credential(result);
    let json = serde_json::to_string(&passkey).map_err(internal)?;
    db::record_passkey_use(
        conn,
        credential_id,
        &json,
        result.counter(),
        current.backup_eligible || result.backup_eligible(),
        result.backup_state(),
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_rule() {
        // Synced passkeys: always 0.
        assert!(!counter_regressed(0, 0));
        // Device-bound: must go up.
        assert!(!counter_regressed(0, 1));
        assert!(!counter_regressed(5, 6));
        assert!(counter_regressed(5, 5));
        assert!(counter_regressed(5, 3));
        // A counter that drops to 0 after being used is a regression too.
        assert!(counter_regressed(5, 0));
    }

    #[test]
    fn the_stored_counter_is_read_from_webauthn_rs_serialization() {
        let stored = |json: &str| StoredPasskey {
            account_id: "a".into(),
            name: "n".into(),
            passkey_json: json.into(),
            backup_eligible: false,
        };
        assert_eq!(stored_counter(&stored(r#"{"cred":{"counter":7}}"#)), 7);
        assert_eq!(stored_counter(&stored(r#"{"cred":{}}"#)), 0);
        assert_eq!(stored_counter(&stored("not json")), 0);
    }
}
