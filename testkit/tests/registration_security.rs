//! The server's own registration checks (BRIEF §5 #4, #7, #8, #9, #10), proved by an attacker who
//! bypasses the core and talks raw HTTP. Responses come from the software password manager
//! (passkey-rs, real keys), tampered where a test says so.

use std::time::Duration;

use bingx_passkeys_core::PlatformAuthenticator;
use bingx_passkeys_core::webauthn::prepare_create;
use bingx_passkeys_testkit::harness::{Harness, RP_ID, RawSession, TestAccount};
use bingx_passkeys_testkit::server::ServerConfig;
use bingx_passkeys_testkit::softpm::{Fault, SoftPasswordManager};
use passkey_types::encoding::{base64url, try_from_base64url};
use serde_json::{Value, json};

/// A registration ceremony opened by an attacker-controlled client.
struct Ceremony {
    id: String,
    options: Value,
}

async fn begin(h: &Harness, session: &RawSession, step_up: &str) -> Ceremony {
    let (status, body) = h
        .raw(
            "POST",
            "/v1/passkeys/registration/begin",
            Some(&session.token),
            Some(json!({ "step_up_token": step_up })),
        )
        .await;
    assert_eq!(status, 200, "begin: {body}");
    Ceremony {
        id: body["ceremony_id"].as_str().unwrap().to_owned(),
        options: body["options"].clone(),
    }
}

async fn respond(pm: &SoftPasswordManager, ceremony: &Ceremony) -> Value {
    let request = prepare_create(&ceremony.options.to_string(), RP_ID).expect("options shape");
    let json = pm
        .create(request)
        .await
        .expect("the password manager creates");
    serde_json::from_str(&json).unwrap()
}

async fn finish(
    h: &Harness,
    session: &RawSession,
    ceremony_id: &str,
    credential: &Value,
) -> (u16, Value) {
    finish_with(h, session, ceremony_id, credential, true).await
}

async fn finish_with(
    h: &Harness,
    session: &RawSession,
    ceremony_id: &str,
    credential: &Value,
    enable: bool,
) -> (u16, Value) {
    h.raw(
        "POST",
        "/v1/passkeys/registration/finish",
        Some(&session.token),
        Some(json!({ "ceremony_id": ceremony_id, "credential": credential, "enable": enable })),
    )
    .await
}

async fn policy(h: &Harness, session: &RawSession) -> (bool, u64) {
    let (status, body) = h.raw("GET", "/v1/policy", Some(&session.token), None).await;
    assert_eq!(status, 200, "{body}");
    (
        body["passkey_required"].as_bool().unwrap(),
        body["passkey_count"].as_u64().unwrap(),
    )
}

async fn signed_in(h: &Harness, email: &str) -> (TestAccount, RawSession, String) {
    let account = h.sign_up(email).await;
    let session = h.raw_sign_in(&account, "attacker-device", false).await;
    let step_up = h.raw_step_up(&account, &session).await;
    (account, session, step_up)
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<none>")
}

fn with_client_data(credential: &Value, edit: impl Fn(&mut Value)) -> Value {
    let mut credential = credential.clone();
    let encoded = credential["response"]["clientDataJSON"].as_str().unwrap();
    let mut cd: Value = serde_json::from_slice(&try_from_base64url(encoded).unwrap()).unwrap();
    edit(&mut cd);
    credential["response"]["clientDataJSON"] = base64url(cd.to_string().as_bytes()).into();
    credential
}

#[tokio::test]
async fn adding_a_passkey_needs_a_fresh_step_up_bound_to_the_session() {
    // BRIEF §5 #4: an attacker holding only a session cannot add a passkey.
    let h = Harness::start().await;
    let (account, session, step_up) = signed_in(&h, "stepup@sec.test").await;
    for body in [
        json!({}),
        json!({"step_up_token": "forged"}),
        json!({"step_up_token": null}),
    ] {
        let (status, answer) = h
            .raw(
                "POST",
                "/v1/passkeys/registration/begin",
                Some(&session.token),
                Some(body),
            )
            .await;
        assert_eq!(
            (status, code(&answer)),
            (403, "STEP_UP_REQUIRED"),
            "{answer}"
        );
    }
    // A step-up made by another session of the same account does not transfer.
    let other = h.raw_sign_in(&account, "other-device", false).await;
    let (status, answer) = h
        .raw(
            "POST",
            "/v1/passkeys/registration/begin",
            Some(&other.token),
            Some(json!({ "step_up_token": step_up })),
        )
        .await;
    assert_eq!(
        (status, code(&answer)),
        (403, "STEP_UP_REQUIRED"),
        "{answer}"
    );
    assert_eq!(policy(&h, &session).await, (false, 0));
}

#[tokio::test]
async fn an_expired_step_up_is_refused() {
    let mut config = ServerConfig::for_tests(RP_ID);
    config.step_up_ttl = Duration::from_secs(1);
    let h = Harness::start_with(config).await;
    let (_, session, step_up) = signed_in(&h, "expired@sec.test").await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, answer) = h
        .raw(
            "POST",
            "/v1/passkeys/registration/begin",
            Some(&session.token),
            Some(json!({ "step_up_token": step_up })),
        )
        .await;
    assert_eq!(
        (status, code(&answer)),
        (403, "STEP_UP_REQUIRED"),
        "{answer}"
    );
}

#[tokio::test]
async fn the_flag_is_never_on_without_a_verified_passkey() {
    // BRIEF §5 #4: enable with zero verified passkeys is refused.
    let h = Harness::start().await;
    let (_, session, step_up) = signed_in(&h, "zero@sec.test").await;
    let ceremony = begin(&h, &session, &step_up).await;
    for junk in [
        json!({}),
        json!("x"),
        json!({"id": "AA", "rawId": "AA", "type": "public-key", "response": {}}),
    ] {
        let (status, answer) = finish(&h, &session, &ceremony.id, &junk).await;
        assert!((400..500).contains(&status), "{status} {answer}");
        assert!(answer["error"]["code"].is_string(), "{answer}");
    }
    assert_eq!(policy(&h, &session).await, (false, 0));
}

#[tokio::test]
async fn challenges_are_random_single_use_bound_and_expiring() {
    // BRIEF §5 #7.
    let h = Harness::start().await;
    let (account, session, step_up) = signed_in(&h, "challenge@sec.test").await;
    let pm = h.password_manager();
    let a = begin(&h, &session, &step_up).await;
    let b = begin(&h, &session, &step_up).await;
    let ca = try_from_base64url(a.options["challenge"].as_str().unwrap()).unwrap();
    let cb = try_from_base64url(b.options["challenge"].as_str().unwrap()).unwrap();
    assert!(ca.len() >= 16 && cb.len() >= 16);
    assert_ne!(ca, cb, "challenges are random");

    // A response made for ceremony A, sent to ceremony B: refused.
    let for_a = respond(&pm, &a).await;
    let (status, answer) = finish(&h, &session, &b.id, &for_a).await;
    assert_eq!(
        (status, code(&answer)),
        (422, "REGISTRATION_REJECTED"),
        "{answer}"
    );
    assert_eq!(policy(&h, &session).await, (false, 0));

    // Ceremony A accepts it once (without the flag, so the account can still step up with
    // its current factors below).
    let (status, answer) = finish_with(&h, &session, &a.id, &for_a, false).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(policy(&h, &session).await, (false, 1));
    // The same answer again is an idempotent retry: nothing new is stored.
    let (status, _) = finish_with(&h, &session, &a.id, &for_a, false).await;
    assert_eq!(status, 200);
    assert_eq!(policy(&h, &session).await, (false, 1));
    // A used ceremony takes no other credential (nor anything but the exact retry).
    let other_pm = h.password_manager();
    let other = respond(&other_pm, &a).await;
    let (status, answer) = finish(&h, &session, &a.id, &other).await;
    assert_eq!((status, code(&answer)), (409, "CEREMONY_USED"), "{answer}");
    // A replay of the accepted response on a new ceremony: refused.
    let step_up = h.raw_step_up(&account, &session).await;
    let c = begin(&h, &session, &step_up).await;
    let (status, answer) = finish(&h, &session, &c.id, &for_a).await;
    assert_eq!(
        (status, code(&answer)),
        (422, "REGISTRATION_REJECTED"),
        "{answer}"
    );
    // A failed attempt burns the ceremony: no second guess on it.
    let fresh = respond(&other_pm, &c).await;
    let (status, answer) = finish(&h, &session, &c.id, &fresh).await;
    assert_eq!(
        (status, code(&answer)),
        (404, "CEREMONY_NOT_FOUND"),
        "{answer}"
    );
    assert_eq!(policy(&h, &session).await, (false, 1));
}

#[tokio::test]
async fn a_ceremony_belongs_to_its_account_and_expires() {
    let mut config = ServerConfig::for_tests(RP_ID);
    config.ceremony_ttl = Duration::from_secs(1);
    let h = Harness::start_with(config).await;
    let (_, alice, alice_step_up) = signed_in(&h, "alice@sec.test").await;
    let (_, mallory, _) = signed_in(&h, "mallory@sec.test").await;
    let pm = h.password_manager();
    let ceremony = begin(&h, &alice, &alice_step_up).await;
    let response = respond(&pm, &ceremony).await;
    // Mallory's session cannot finish Alice's ceremony.
    let (status, answer) = finish(&h, &mallory, &ceremony.id, &response).await;
    assert_eq!(
        (status, code(&answer)),
        (403, "CEREMONY_MISMATCH"),
        "{answer}"
    );
    assert_eq!(policy(&h, &mallory).await, (false, 0));
    // Too late for Alice too.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, answer) = finish(&h, &alice, &ceremony.id, &response).await;
    assert_eq!(
        (status, code(&answer)),
        (410, "CEREMONY_EXPIRED"),
        "{answer}"
    );
    assert_eq!(policy(&h, &alice).await, (false, 0));
}

#[tokio::test]
async fn origins_are_allowlisted_exactly() {
    // BRIEF §5 #8. Attestation "none" signs nothing, so clientDataJSON can be rewritten freely:
    // only the server's exact allowlist stands between a phishing origin and a stored passkey.
    let android_hash = "PuEw6QmwgPR1FaPJxV8GTbM477Qz2fqx5CzBg5o_HUo";
    let mut config = ServerConfig::for_tests(RP_ID);
    config
        .origins
        .push(format!("android:apk-key-hash:{android_hash}"));
    let h = Harness::start_with(config).await;
    let (_, session, step_up) = signed_in(&h, "origin@sec.test").await;
    let pm = h.password_manager();

    for origin in [
        "http://passkeys.bingx.test",
        "https://passkeys.bingx.test:8443",
        "https://evil.passkeys.bingx.test",
        "https://passkeys.bingx.test.evil.example",
        "android:apk-key-hash:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "android:apk-key-hash:PuEw6QmwgPR1FaPJxV8GTbM477Qz2fqx5CzBg5o_HUo=",
    ] {
        let ceremony = begin(&h, &session, &step_up).await;
        let good = respond(&pm, &ceremony).await;
        let forged = with_client_data(&good, |cd| cd["origin"] = origin.into());
        let (status, answer) = finish(&h, &session, &ceremony.id, &forged).await;
        assert_eq!(
            (status, code(&answer)),
            (422, "REGISTRATION_REJECTED"),
            "{origin}: {answer}"
        );
        // Wrong ceremony type with the right origin (a failed finish burns its ceremony).
        let ceremony = begin(&h, &session, &step_up).await;
        let good = respond(&pm, &ceremony).await;
        let wrong_type = with_client_data(&good, |cd| cd["type"] = "webauthn.get".into());
        let (status, answer) = finish(&h, &session, &ceremony.id, &wrong_type).await;
        assert_eq!(
            (status, code(&answer)),
            (422, "REGISTRATION_REJECTED"),
            "type: {answer}"
        );
    }
    // A real phishing page's ceremony (its own origin and rp id): refused.
    let ceremony = begin(&h, &session, &step_up).await;
    pm.set_fault(Some(Fault::WrongOrigin));
    let phished = respond(&pm, &ceremony).await;
    pm.set_fault(None);
    let (status, answer) = finish(&h, &session, &ceremony.id, &phished).await;
    assert_eq!(
        (status, code(&answer)),
        (422, "REGISTRATION_REJECTED"),
        "{answer}"
    );
    assert_eq!(policy(&h, &session).await, (false, 0));

    // The configured app origin is accepted exactly (the positive control of the loop above).
    let ceremony = begin(&h, &session, &step_up).await;
    let good = respond(&pm, &ceremony).await;
    let from_app = with_client_data(&good, |cd| {
        cd["origin"] = format!("android:apk-key-hash:{android_hash}").into();
        cd["androidPackageName"] = "com.bingx.app".into();
    });
    let (status, answer) = finish(&h, &session, &ceremony.id, &from_app).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(policy(&h, &session).await, (true, 1));
}

#[tokio::test]
async fn user_verification_and_an_intact_key_are_required() {
    // BRIEF §5 #9.
    let h = Harness::start().await;
    let (_, session, step_up) = signed_in(&h, "uv@sec.test").await;
    let pm = h.password_manager();
    for fault in [Fault::NoUserVerification, Fault::TamperSignature] {
        let ceremony = begin(&h, &session, &step_up).await;
        pm.set_fault(Some(fault));
        let bad = respond(&pm, &ceremony).await;
        pm.set_fault(None);
        let (status, answer) = finish(&h, &session, &ceremony.id, &bad).await;
        assert_eq!(
            (status, code(&answer)),
            (422, "REGISTRATION_REJECTED"),
            "{answer}"
        );
    }
    // A truncated attestation object (malformed key).
    let ceremony = begin(&h, &session, &step_up).await;
    let mut bad = respond(&pm, &ceremony).await;
    let att = try_from_base64url(bad["response"]["attestationObject"].as_str().unwrap()).unwrap();
    bad["response"]["attestationObject"] = base64url(&att[..att.len() - 20]).into();
    let (status, answer) = finish(&h, &session, &ceremony.id, &bad).await;
    assert!(matches!(status, 400 | 422), "{status} {answer}");
    assert_eq!(policy(&h, &session).await, (false, 0));
}

#[tokio::test]
async fn credential_ids_are_unique_across_accounts_and_must_match() {
    // BRIEF §5 #10.
    let h = Harness::start().await;
    let (_, alice, alice_step_up) = signed_in(&h, "alice@ids.test").await;
    let (_, mallory, mallory_step_up) = signed_in(&h, "mallory@ids.test").await;
    let alice_pm = h.password_manager();
    let ceremony = begin(&h, &alice, &alice_step_up).await;
    let alice_credential = respond(&alice_pm, &ceremony).await;
    assert_eq!(
        finish(&h, &alice, &ceremony.id, &alice_credential).await.0,
        200
    );
    let alice_id = try_from_base64url(alice_credential["rawId"].as_str().unwrap()).unwrap();

    // Mallory registers a fresh credential of her own, rewritten to carry Alice's credential id
    // (attestation "none" signs nothing, so only the server's uniqueness check stops this).
    let mallory_pm = h.password_manager();
    let ceremony = begin(&h, &mallory, &mallory_step_up).await;
    let mut forged = respond(&mallory_pm, &ceremony).await;
    let own_id = try_from_base64url(forged["rawId"].as_str().unwrap()).unwrap();
    assert_eq!(own_id.len(), alice_id.len());
    for member in ["attestationObject", "authenticatorData"] {
        if let Some(encoded) = forged["response"][member].as_str() {
            let mut bytes = try_from_base64url(encoded).unwrap();
            let at = bytes
                .windows(own_id.len())
                .position(|w| w == own_id.as_slice())
                .expect("the credential id is inside authenticator data");
            bytes[at..at + own_id.len()].copy_from_slice(&alice_id);
            forged["response"][member] = base64url(&bytes).into();
        }
    }
    forged["id"] = base64url(&alice_id).into();
    forged["rawId"] = base64url(&alice_id).into();
    let (status, answer) = finish(&h, &mallory, &ceremony.id, &forged).await;
    assert_eq!(
        (status, code(&answer)),
        (409, "CREDENTIAL_ALREADY_REGISTERED"),
        "{answer}"
    );
    assert_eq!(policy(&h, &mallory).await, (false, 0));

    // id and rawId must be the same credential.
    let ceremony = begin(&h, &mallory, &mallory_step_up).await;
    mallory_pm.set_fault(Some(Fault::MismatchedRawId));
    let mismatched = respond(&mallory_pm, &ceremony).await;
    mallory_pm.set_fault(None);
    let (status, answer) = finish(&h, &mallory, &ceremony.id, &mismatched).await;
    assert!(matches!(status, 400 | 422), "{status} {answer}");
    assert_eq!(policy(&h, &mallory).await, (false, 0));
}
