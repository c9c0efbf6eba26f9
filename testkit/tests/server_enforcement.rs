//! The reference server's enforcement of contract v2 (issue 3: passkeys are required while the
//! flag is on), over raw loopback HTTP with no core in between: blocked paths and their
//! reopening, the test identity provider's tokens, the global policy, proofs, withdrawals, the
//! signed policy, security events, and the assertion ceremonies (with the software password
//! manager standing in for the platform) — BRIEF §5 #1, #2, #5, #6, #7, #10, #11.

use std::sync::Arc;
use std::time::Duration;

use bingx_passkeys_testkit::harness::{Harness, RP_ID, TestAccount};
use bingx_passkeys_testkit::softpm::{Fault, SoftPasswordManager};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde_json::{Value, json};

const B64: data_encoding::Encoding = data_encoding::BASE64URL_NOPAD;

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<none>")
}

fn b64_json(part: &str) -> Value {
    serde_json::from_slice(&B64.decode(part.as_bytes()).expect("base64url")).expect("JSON")
}

/// An account signed in on "phone" with one passkey in `pm` and the flag on (J1 over raw HTTP).
struct Flagged {
    account: TestAccount,
    pm: Arc<SoftPasswordManager>,
    session: String,
}

async fn flagged_with(h: &Harness, email: &str, pm: Arc<SoftPasswordManager>) -> Flagged {
    let account = h.sign_up(email).await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let (status, body) = h.raw_register(&account, &session, &pm, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["policy"]["passkey_required"], true);
    Flagged {
        account,
        pm,
        session: session.token,
    }
}

async fn flagged(h: &Harness, email: &str) -> Flagged {
    flagged_with(h, email, h.password_manager()).await
}

async fn outbox_len(h: &Harness, to: &str) -> usize {
    let (_, body) = h
        .raw("GET", &format!("/v1/testkit/outbox?to={to}"), None, None)
        .await;
    body["messages"].as_array().map_or(0, Vec::len)
}

async fn password_login(h: &Harness, path: &str, account: &TestAccount) -> (u16, Value) {
    h.raw(
        "POST",
        path,
        None,
        Some(json!({"email": account.email, "password": account.password, "device_id": "web"})),
    )
    .await
}

async fn id_token(h: &Harness, provider: &str, email: &str) -> String {
    id_token_for(h, json!({"provider": provider, "email": email})).await
}

async fn id_token_for(h: &Harness, body: Value) -> String {
    let (status, answer) = h
        .raw("POST", "/v1/testkit/idp/token", None, Some(body))
        .await;
    assert_eq!(status, 200, "{answer}");
    answer["id_token"].as_str().expect("id_token").to_owned()
}

async fn third_party(h: &Harness, provider: &str, token: &str) -> (u16, Value) {
    h.raw(
        "POST",
        "/v1/login/third-party",
        None,
        Some(json!({"provider": provider, "id_token": token})),
    )
    .await
}

async fn admin(h: &Harness, change: Value) -> Value {
    let (status, body) = h
        .raw("PUT", "/v1/testkit/admin/policy", None, Some(change))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn events(h: &Harness, session: &str) -> Vec<String> {
    let (status, body) = h
        .raw("GET", "/v1/security-events", Some(session), None)
        .await;
    assert_eq!(status, 200, "{body}");
    body["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind").to_owned())
        .collect()
}

async fn policy(h: &Harness, session: &str) -> Value {
    let (status, body) = h.raw("GET", "/v1/policy", Some(session), None).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Password, then the passkey: `(status, body)` of `/v1/login/passkey`.
async fn passkey_login(
    h: &Harness,
    account: &TestAccount,
    pm: &SoftPasswordManager,
) -> (u16, Value) {
    let (status, started) = password_login(h, "/v1/login/password", account).await;
    assert_eq!(
        (status, &started["status"]),
        (200, &json!("passkey_required")),
        "{started}"
    );
    let credential = h.raw_assert(pm, &started["options"]).await;
    h.raw(
        "POST",
        "/v1/login/passkey",
        None,
        Some(json!({"login_id": started["login_id"], "credential": credential})),
    )
    .await
}

async fn begin(h: &Harness, path: &str, session: Option<&str>, body: Value) -> Value {
    let (status, begun) = h.raw("POST", path, session, Some(body)).await;
    assert_eq!(status, 200, "{path}: {begun}");
    begun
}

async fn finish(
    h: &Harness,
    path: &str,
    session: Option<&str>,
    ceremony_id: &Value,
    credential: &Value,
) -> (u16, Value) {
    h.raw(
        "POST",
        path,
        session,
        Some(json!({"ceremony_id": ceremony_id, "credential": credential})),
    )
    .await
}

/// A scenario proof over raw HTTP.
async fn scenario_proof(
    h: &Harness,
    session: &str,
    pm: &SoftPasswordManager,
    scenario: &str,
    params: Value,
) -> String {
    let begun = begin(
        h,
        "/v1/scenarios/verify/begin",
        Some(session),
        json!({"scenario": scenario, "params": params}),
    )
    .await;
    let credential = h.raw_assert(pm, &begun["options"]).await;
    let (status, body) = finish(
        h,
        "/v1/scenarios/verify/finish",
        Some(session),
        &begun["ceremony_id"],
        &credential,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["proof"].as_str().expect("proof").to_owned()
}

// ---------------------------------------------------------------------------------------------
// blocked paths (BRIEF §5 #1, #2)

#[tokio::test]
async fn h5_and_third_party_login_work_for_an_unflagged_account() {
    let h = Harness::start().await;
    let bob = h.sign_up("bob@open.test").await;

    let (status, body) = password_login(&h, "/v1/login/h5", &bob).await;
    assert_eq!(
        (status, &body["status"]),
        (200, &json!("code_required")),
        "{body}"
    );
    assert_eq!(outbox_len(&h, &bob.email).await, 1);

    for provider in ["google", "apple", "telegram"] {
        let token = id_token(&h, provider, "  BOB@open.test ").await;
        let (status, body) = third_party(&h, provider, &token).await;
        assert_eq!(
            (status, &body["status"]),
            (200, &json!("signed_in")),
            "{body}"
        );
        assert_eq!(body["account_id"], bob.account_id.as_str());
        let session = body["session_token"].as_str().expect("session");
        assert_eq!(policy(&h, session).await["passkey_required"], false);
    }
    // No account with that email: the same answer as a wrong password.
    let token = id_token(&h, "google", "nobody@open.test").await;
    let (status, body) = third_party(&h, "google", &token).await;
    assert_eq!((status, code(&body)), (401, "INVALID_CREDENTIALS"));
}

#[tokio::test]
async fn id_tokens_are_verified_strictly() {
    let h = Harness::start().await;
    let bob = h.sign_up("bob@idp.test").await;
    let good = id_token(&h, "google", &bob.email).await;
    let parts: Vec<&str> = good.split('.').collect();
    let header = b64_json(parts[0]);
    assert_eq!(header["alg"], "ES256");
    let claims = b64_json(parts[1]);
    assert_eq!(claims["iss"], "https://idp.testkit.bingx.test");
    assert_eq!(claims["aud"], "bingx");
    assert_eq!(claims["provider"], "google");
    assert_eq!(claims["email"], bob.email.as_str());

    let reencode = |value: &Value| B64.encode(value.to_string().as_bytes());
    let mut other_email = claims.clone();
    other_email["email"] = json!("mallory@idp.test");
    let mut late = claims.clone();
    late["exp"] = json!(claims["exp"].as_i64().unwrap() + 86_400);
    // Signed by someone else's key, well formed in every other way.
    let forger = SigningKey::from_slice(&[42u8; 32]).expect("key");
    let forged_input = format!("{}.{}", parts[0], parts[1]);
    let forged: Signature = p256::ecdsa::signature::Signer::sign(&forger, forged_input.as_bytes());
    let cases = [
        // The payload changed under the original signature.
        format!("{}.{}.{}", parts[0], reencode(&other_email), parts[2]),
        format!("{}.{}.{}", parts[0], reencode(&late), parts[2]),
        format!("{forged_input}.{}", B64.encode(&forged.to_bytes())),
        // alg "none" and HS256 are never accepted.
        format!("{}.{}.", reencode(&json!({"alg": "none"})), parts[1]),
        format!(
            "{}.{}.{}",
            reencode(&json!({"alg": "HS256"})),
            parts[1],
            parts[2]
        ),
        // An all-zero ECDSA signature (CVE-2022-21449).
        format!("{}.{}.{}", parts[0], parts[1], B64.encode(&[0u8; 64])),
        "not-a-token".to_owned(),
        String::new(),
    ];
    for token in cases {
        let (status, body) = third_party(&h, "google", &token).await;
        assert_eq!((status, code(&body)), (401, "ID_TOKEN_INVALID"), "{token}");
    }

    // A genuine token for another app (wrong audience).
    let other_app = id_token_for(
        &h,
        json!({"provider": "google", "email": bob.email, "audience": "another-app"}),
    )
    .await;
    let (status, body) = third_party(&h, "google", &other_app).await;
    assert_eq!((status, code(&body)), (401, "ID_TOKEN_INVALID"));
    // A Google token presented as Apple's, and a provider BingX doesn't accept.
    for provider in ["apple", "facebook", ""] {
        let (status, body) = third_party(&h, provider, &good).await;
        assert_eq!(
            (status, code(&body)),
            (401, "ID_TOKEN_INVALID"),
            "{provider}"
        );
    }
    // The identity provider only serves the three providers.
    let (status, body) = h
        .raw(
            "POST",
            "/v1/testkit/idp/token",
            None,
            Some(json!({"provider": "facebook", "email": bob.email})),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "BAD_REQUEST"));
    // Expired: the token lives 300 s on the server's clock.
    let (status, _) = third_party(&h, "google", &good).await;
    assert_eq!(status, 200, "still valid");
    h.server().advance_clock(Duration::from_secs(301));
    let (status, body) = third_party(&h, "google", &good).await;
    assert_eq!((status, code(&body)), (401, "ID_TOKEN_INVALID"));
    // The message shows no part of the token.
    assert!(!body.to_string().contains(parts[2]));
}

#[tokio::test]
async fn flagged_accounts_are_refused_on_h5_and_third_party_until_the_policy_reopens_them() {
    let h = Harness::start().await;
    let alice = flagged(&h, "alice@blocked.test").await;
    let before = outbox_len(&h, &alice.account.email).await;

    let (status, body) = password_login(&h, "/v1/login/h5", &alice.account).await;
    assert_eq!((status, code(&body)), (403, "H5_LOGIN_BLOCKED"), "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("passkey")
    );
    // The password is checked first: a wrong one reveals nothing about the flag.
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/h5",
            None,
            Some(json!({"email": alice.account.email, "password": "wrong password", "device_id": "web"})),
        )
        .await;
    assert_eq!((status, code(&body)), (401, "INVALID_CREDENTIALS"));
    for provider in ["google", "apple", "telegram"] {
        let token = id_token(&h, provider, &alice.account.email).await;
        let (status, body) = third_party(&h, provider, &token).await;
        assert_eq!(
            (status, code(&body)),
            (403, "THIRD_PARTY_LOGIN_BLOCKED"),
            "{body}"
        );
    }
    assert_eq!(
        outbox_len(&h, &alice.account.email).await,
        before,
        "no code sent"
    );
    assert_eq!(
        policy(&h, &alice.session).await["blocked_paths"],
        json!(["h5_login", "third_party_login"])
    );

    // A later phase reopens H5: it then behaves like the app's password login (a passkey, never
    // a code); third-party stays blocked.
    let version = policy(&h, &alice.session).await["version"]
        .as_i64()
        .unwrap();
    let global = admin(&h, json!({"reopen_h5_login": true})).await;
    assert_eq!(global["reopen_h5_login"], true);
    assert_eq!(global["reopen_third_party_login"], false);
    let now = policy(&h, &alice.session).await;
    assert_eq!(now["blocked_paths"], json!(["third_party_login"]));
    assert!(
        now["version"].as_i64().unwrap() > version,
        "cached policies go stale"
    );
    let (status, body) = password_login(&h, "/v1/login/h5", &alice.account).await;
    assert_eq!(
        (status, &body["status"]),
        (200, &json!("passkey_required")),
        "{body}"
    );
    let token = id_token(&h, "google", &alice.account.email).await;
    let (status, _) = third_party(&h, "google", &token).await;
    assert_eq!(status, 403);

    admin(&h, json!({"reopen_third_party_login": true})).await;
    let (status, body) = third_party(&h, "google", &token).await;
    assert_eq!(
        (status, &body["status"]),
        (200, &json!("signed_in")),
        "{body}"
    );
    assert_eq!(policy(&h, &alice.session).await["blocked_paths"], json!([]));

    admin(
        &h,
        json!({"reopen_h5_login": false, "reopen_third_party_login": false}),
    )
    .await;
    let (status, _) = password_login(&h, "/v1/login/h5", &alice.account).await;
    assert_eq!(status, 403, "blocked again at the next request");

    let kinds = events(&h, &alice.session).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "blocked_h5_login").count(),
        2,
        "{kinds:?}"
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| *k == "blocked_third_party_login")
            .count(),
        4,
        "{kinds:?}"
    );
}

#[tokio::test]
async fn flagged_password_login_gives_passkey_options_and_never_a_code() {
    let h = Harness::start().await;
    let alice = h.sign_up("alice@j2.test").await;
    // A trusted laptop, from before the flag went on.
    let laptop = h.raw_sign_in(&alice, "laptop", true).await;
    let trust_token = laptop.trust_token.clone().expect("trust token");
    let phone = h.raw_sign_in(&alice, "phone", false).await;
    let pm = h.password_manager();
    let (status, registered) = h.raw_register(&alice, &phone, &pm, true).await;
    assert_eq!(status, 200, "{registered}");
    let before = outbox_len(&h, &alice.email).await;

    for trust in [None, Some(trust_token.as_str())] {
        let (status, body) = h
            .raw(
                "POST",
                "/v1/login/password",
                None,
                Some(json!({"email": alice.email, "password": alice.password, "device_id": "laptop", "trust_token": trust})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "passkey_required");
        assert!(body.get("session_token").is_none() && body.get("factors").is_none());
        let options = &body["options"];
        assert_eq!(options["rpId"], RP_ID);
        assert_eq!(options["userVerification"], "required");
        assert_eq!(
            B64.decode(options["challenge"].as_str().unwrap().as_bytes())
                .unwrap()
                .len(),
            32
        );
        let allowed: Vec<&Value> = options["allowCredentials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["id"])
            .collect();
        assert_eq!(allowed, vec![&registered["passkey"]["credential_id"]]);
        assert!(options.get("publicKey").is_none(), "the inner object");

        // The passkey login's id offered with a code: refused, no downgrade.
        for factor in ["email", "totp"] {
            let (status, refused) = h
                .raw(
                    "POST",
                    "/v1/login/code",
                    None,
                    Some(json!({"login_id": body["login_id"], "factor": factor, "code": "000000", "trust_device": true})),
                )
                .await;
            assert_eq!(
                (status, code(&refused)),
                (403, "PASSKEY_REQUIRED"),
                "{refused}"
            );
        }
    }
    assert_eq!(outbox_len(&h, &alice.email).await, before, "no code, ever");

    // Step-up with password + code is refused too, and so is adding a passkey with a step-up.
    let (status, body) = h
        .raw(
            "POST",
            "/v1/step-up/begin",
            Some(&phone.token),
            Some(json!({"purpose": "passkey_registration"})),
        )
        .await;
    assert_eq!((status, code(&body)), (403, "PASSKEY_REQUIRED"));
    let (status, body) = h
        .raw(
            "POST",
            "/v1/passkeys/registration/begin",
            Some(&phone.token),
            Some(json!({"step_up_token": "anything"})),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (403, "PASSKEY_VERIFICATION_REQUIRED")
    );

    let kinds = events(&h, &phone.token).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "refused_otp_login").count(),
        4,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("passkey_added"),
        "oldest last"
    );
}

#[tokio::test]
async fn a_code_login_begun_before_enabling_gets_no_session_after() {
    let h = Harness::start().await;
    let alice = h.sign_up("alice@race.test").await;
    let phone = h.raw_sign_in(&alice, "phone", false).await;
    // A password login on another device waits for its code...
    let (status, started) = password_login(&h, "/v1/login/password", &alice).await;
    assert_eq!((status, &started["status"]), (200, &json!("code_required")));
    let code_sent = h.code_for(&alice.email, "login").await;
    // ...while the phone enables.
    let pm = h.password_manager();
    let (status, _) = h.raw_register(&alice, &phone, &pm, true).await;
    assert_eq!(status, 200);
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/code",
            None,
            Some(json!({"login_id": started["login_id"], "factor": "email", "code": code_sent, "trust_device": false})),
        )
        .await;
    assert!(status == 401 || status == 403, "{status} {body}");
    assert!(body.get("session_token").is_none());
}

// ---------------------------------------------------------------------------------------------
// the global policy, the signed policy, security events

#[tokio::test]
async fn the_global_policy_round_trips_and_takes_effect_at_once() {
    let h = Harness::start().await;
    let (status, global) = h.raw("GET", "/v1/testkit/admin/policy", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        global,
        json!({
            "scenarios": {"login": true, "withdrawal": false, "security_settings": false, "api_keys": false},
            "reopen_h5_login": false,
            "reopen_third_party_login": false,
        })
    );
    let bob = h.sign_up("bob@admin.test").await;
    let session = h.raw_sign_in(&bob, "phone", false).await;
    let v1 = policy(&h, &session.token).await;

    let changed = admin(
        &h,
        json!({"scenarios": {"withdrawal": true, "api_keys": true}}),
    )
    .await;
    assert_eq!(changed["scenarios"]["withdrawal"], true);
    assert_eq!(changed["scenarios"]["api_keys"], true);
    assert_eq!(changed["scenarios"]["security_settings"], false);
    let (_, again) = h.raw("GET", "/v1/testkit/admin/policy", None, None).await;
    assert_eq!(again, changed);
    let v2 = policy(&h, &session.token).await;
    assert_eq!(v2["scenarios"], changed["scenarios"]);
    assert!(v2["version"].as_i64() > v1["version"].as_i64());
    // Unflagged: nothing is blocked whatever the catalogue says.
    assert_eq!(v2["blocked_paths"], json!([]));

    for bad in [
        json!({"scenarios": {"login": false}}),
        json!({"scenarios": {"teleport": true}}),
        json!({"reopen_everything": true}),
        json!({"reopen_h5_login": "yes"}),
    ] {
        let (status, body) = h
            .raw("PUT", "/v1/testkit/admin/policy", None, Some(bad.clone()))
            .await;
        assert_eq!((status, code(&body)), (400, "BAD_REQUEST"), "{bad}");
    }
    let (_, after) = h.raw("GET", "/v1/testkit/admin/policy", None, None).await;
    assert_eq!(after, changed, "refused updates change nothing");
}

#[tokio::test]
async fn serve_flags_set_the_global_policy_at_start() {
    let mut config = bingx_passkeys_testkit::server::ServerConfig::for_tests(RP_ID);
    config.initial_policy.scenarios.security_settings = Some(true);
    config.initial_policy.reopen_third_party_login = Some(true);
    let h = Harness::start_with(config).await;
    let (_, global) = h.raw("GET", "/v1/testkit/admin/policy", None, None).await;
    assert_eq!(global["scenarios"]["security_settings"], true);
    assert_eq!(global["scenarios"]["withdrawal"], false);
    assert_eq!(global["reopen_third_party_login"], true);
    assert_eq!(global["reopen_h5_login"], false);
}

#[tokio::test]
async fn every_policy_is_signed_with_the_published_key() {
    let mut config = bingx_passkeys_testkit::server::ServerConfig::for_tests(RP_ID);
    config.policy_key = bingx_passkeys_testkit::server::PolicyKey::from_secret_bytes(&[9u8; 32]);
    let h = Harness::start_with(config).await;
    let (status, key) = h.raw("GET", "/v1/policy-key", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(key["alg"], "ES256");
    let point = B64
        .decode(key["public_key"].as_str().unwrap().as_bytes())
        .unwrap();
    assert_eq!((point.len(), point[0]), (65, 0x04), "SEC1 uncompressed");
    let expected = SigningKey::from_slice(&[9u8; 32]).unwrap();
    assert_eq!(
        point,
        VerifyingKey::from(&expected)
            .to_sec1_point(false)
            .as_bytes(),
        "the configured key"
    );
    let verifying = VerifyingKey::from_sec1_bytes(&point).expect("a P-256 point");

    let check = |policy: &Value| {
        let signed = &policy["signed"];
        let payload = B64
            .decode(signed["payload"].as_str().unwrap().as_bytes())
            .unwrap();
        let der = B64
            .decode(signed["signature"].as_str().unwrap().as_bytes())
            .unwrap();
        let signature = Signature::from_der(&der).expect("ASN.1 DER");
        verifying
            .verify(&payload, &signature)
            .expect("verifies over the exact payload bytes");
        let mut tampered = payload.clone();
        tampered[10] ^= 1;
        assert!(verifying.verify(&tampered, &signature).is_err());
        // The payload is the policy itself without `signed`.
        let mut unsigned = policy.clone();
        unsigned.as_object_mut().unwrap().remove("signed");
        assert_eq!(serde_json::from_slice::<Value>(&payload).unwrap(), unsigned);
        assert!(policy["issued_at"].as_i64().unwrap() > 1_600_000_000);
    };

    let alice = h.sign_up("alice@signed.test").await;
    let session = h.raw_sign_in(&alice, "phone", false).await;
    check(&policy(&h, &session.token).await);
    let pm = h.password_manager();
    let (status, registered) = h.raw_register(&alice, &session, &pm, true).await;
    assert_eq!(status, 200);
    check(&registered["policy"]);
    let flagged = policy(&h, &session.token).await;
    check(&flagged);
    assert_eq!(flagged["passkey_required"], true);
    let issued = flagged["issued_at"].as_i64().unwrap();
    assert!(
        (issued - h.server().unix_time() as i64).abs() <= 2,
        "the server's clock"
    );

    let proof = h.raw_proof(&session.token, &pm, "disable_passkeys").await;
    let (status, disabled) = h
        .raw(
            "POST",
            "/v1/policy/disable",
            Some(&session.token),
            Some(json!({"proof": proof})),
        )
        .await;
    assert_eq!(status, 200, "{disabled}");
    check(&disabled);
    assert_eq!(disabled["passkey_required"], false);
}

#[tokio::test]
async fn security_events_need_a_session_and_hold_no_secret() {
    let h = Harness::start().await;
    let (status, body) = h.raw("GET", "/v1/security-events", None, None).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    let alice = flagged(&h, "alice@events.test").await;
    let (status, body) = h
        .raw("GET", "/v1/security-events", Some(&alice.session), None)
        .await;
    assert_eq!(status, 200);
    let list = body["events"].as_array().unwrap();
    let kinds: Vec<&str> = list.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["flag_on", "passkey_added"], "newest first");
    for event in list {
        assert!(event["at"].as_i64().unwrap() > 1_600_000_000);
        let detail = event["detail"].as_str().unwrap();
        assert!(!detail.is_empty());
        assert!(!detail.contains(&alice.session) && !detail.contains(&alice.account.password));
    }
    // Another account sees none of them.
    let bob = h.sign_up("bob@events.test").await;
    let bob = h.raw_sign_in(&bob, "phone", false).await;
    assert!(events(&h, &bob.token).await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// proofs and management (BRIEF §5 #5, #6)

#[tokio::test]
async fn management_without_a_valid_proof_is_refused_flag_on_or_off() {
    let h = Harness::start().await;
    let bob = h.sign_up("bob@proofs.test").await;
    let session = h.raw_sign_in(&bob, "phone", false).await;
    let pm = h.password_manager();
    let (status, registered) = h.raw_register(&bob, &session, &pm, false).await;
    assert_eq!(status, 200);
    let id = registered["passkey"]["credential_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/passkeys/{id}");

    for proof in [None, Some("forged"), Some(""), Some(&*"x".repeat(600))] {
        let (status, body) = h
            .raw(
                "PATCH",
                &path,
                Some(&session.token),
                Some(json!({"name": "Mine", "proof": proof})),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (403, "PASSKEY_VERIFICATION_REQUIRED"),
            "{proof:?}"
        );
        let (status, body) = h
            .raw(
                "DELETE",
                &path,
                Some(&session.token),
                Some(json!({"proof": proof})),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (403, "PASSKEY_VERIFICATION_REQUIRED")
        );
        let (status, body) = h
            .raw(
                "POST",
                "/v1/policy/disable",
                Some(&session.token),
                Some(json!({"proof": proof})),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (403, "PASSKEY_VERIFICATION_REQUIRED")
        );
        // A proof that is given is checked, even where none is needed.
        let (status, body) = h
            .raw(
                "POST",
                "/v1/withdrawals",
                Some(&session.token),
                Some(json!({"asset": "BTC", "address": "bc1q", "amount": "1", "proof": proof.unwrap_or("x")})),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (403, "PASSKEY_VERIFICATION_REQUIRED")
        );
        let (status, body) = h
            .raw(
                "POST",
                "/v1/passkeys/registration/begin",
                Some(&session.token),
                Some(json!({"proof": proof.unwrap_or("x")})),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (403, "PASSKEY_VERIFICATION_REQUIRED")
        );
    }
    // Without a session nothing gets that far.
    let (status, body) = h
        .raw(
            "PATCH",
            &path,
            None,
            Some(json!({"name": "Mine", "proof": "x"})),
        )
        .await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    assert_eq!(
        h.raw("GET", "/v1/passkeys", Some(&session.token), None)
            .await
            .1["passkeys"][0]["name"],
        registered["passkey"]["name"]
    );
}

#[tokio::test]
async fn proofs_are_bound_to_purpose_session_and_single_use() {
    let h = Harness::start().await;
    let alice = flagged(&h, "alice@bound.test").await;
    let (_, list) = h
        .raw("GET", "/v1/passkeys", Some(&alice.session), None)
        .await;
    let id = list["passkeys"][0]["credential_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/passkeys/{id}");
    let rename = |proof: &str, name: &str| json!({"name": name, "proof": proof});

    // Another purpose's proof.
    let delete_proof = h
        .raw_proof(&alice.session, &alice.pm, "delete_passkey")
        .await;
    let (status, body) = h
        .raw(
            "PATCH",
            &path,
            Some(&alice.session),
            Some(rename(&delete_proof, "x")),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (403, "PASSKEY_VERIFICATION_REQUIRED")
    );
    // Another session's proof (the same account, signed in elsewhere with the passkey).
    let (status, other) = passkey_login(&h, &alice.account, &alice.pm).await;
    assert_eq!(status, 200, "{other}");
    let other = other["session_token"].as_str().unwrap();
    let foreign = h.raw_proof(other, &alice.pm, "rename_passkey").await;
    let (status, _) = h
        .raw(
            "PATCH",
            &path,
            Some(&alice.session),
            Some(rename(&foreign, "x")),
        )
        .await;
    assert_eq!(status, 403);
    // The right one, once.
    let proof = h
        .raw_proof(&alice.session, &alice.pm, "rename_passkey")
        .await;
    let (status, body) = h
        .raw(
            "PATCH",
            &path,
            Some(&alice.session),
            Some(rename(&proof, "  Work phone  ")),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["passkeys"][0]["name"], "Work phone");
    let (status, _) = h
        .raw(
            "PATCH",
            &path,
            Some(&alice.session),
            Some(rename(&proof, "Again")),
        )
        .await;
    assert_eq!(status, 403, "single use");
    // A bad name does not spend the proof; an unknown passkey is 404.
    let proof = h
        .raw_proof(&alice.session, &alice.pm, "rename_passkey")
        .await;
    let (status, body) = h
        .raw(
            "PATCH",
            &path,
            Some(&alice.session),
            Some(rename(&proof, "")),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "BAD_REQUEST"));
    // An id that is not the contract's Base64Url is malformed; a well-formed one names no
    // passkey of the account.
    for (id, expected) in [
        ("AAAA", (404, "PASSKEY_NOT_FOUND")),
        ("not*base64", (400, "BAD_REQUEST")),
        ("x", (400, "BAD_REQUEST")),
    ] {
        let (status, body) = h
            .raw(
                "PATCH",
                &format!("/v1/passkeys/{id}"),
                Some(&alice.session),
                Some(rename(&proof, "y")),
            )
            .await;
        assert_eq!((status, code(&body)), expected, "{id}");
    }
    // Expired after proof_ttl.
    h.server().advance_clock(Duration::from_secs(301));
    let (status, _) = h
        .raw(
            "PATCH",
            &path,
            Some(&alice.session),
            Some(rename(&proof, "Late")),
        )
        .await;
    assert_eq!(status, 403, "expired");
    assert!(
        events(&h, &alice.session)
            .await
            .contains(&"passkey_renamed".to_owned())
    );
}

#[tokio::test]
async fn the_last_passkey_stays_while_the_flag_is_on() {
    let h = Harness::start().await;
    let alice = flagged(&h, "alice@last.test").await;
    let (_, list) = h
        .raw("GET", "/v1/passkeys", Some(&alice.session), None)
        .await;
    let first = list["passkeys"][0]["credential_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let proof = h
        .raw_proof(&alice.session, &alice.pm, "delete_passkey")
        .await;
    let (status, body) = h
        .raw(
            "DELETE",
            &format!("/v1/passkeys/{first}"),
            Some(&alice.session),
            Some(json!({"proof": proof})),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "LAST_PASSKEY"), "{body}");

    // Add a second passkey (a laptop's password manager) with an add_passkey proof.
    let add = h.raw_proof(&alice.session, &alice.pm, "add_passkey").await;
    let begun = begin(
        &h,
        "/v1/passkeys/registration/begin",
        Some(&alice.session),
        json!({"proof": add}),
    )
    .await;
    let laptop = h.password_manager();
    let request =
        bingx_passkeys_core::webauthn::prepare_create(&begun["options"].to_string(), RP_ID)
            .unwrap();
    let created: Value = serde_json::from_str(
        &bingx_passkeys_core::PlatformAuthenticator::create(&*laptop, request)
            .await
            .unwrap(),
    )
    .unwrap();
    let (status, body) = h
        .raw(
            "POST",
            "/v1/passkeys/registration/finish",
            Some(&alice.session),
            Some(json!({"ceremony_id": begun["ceremony_id"], "credential": created, "name": "Laptop", "enable": true})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["revoked_sessions"], 0,
        "already on: nothing more to revoke"
    );
    assert_eq!(body["policy"]["passkey_count"], 2);
    // The proof added one passkey; it can't begin another.
    let (status, body) = h
        .raw(
            "POST",
            "/v1/passkeys/registration/begin",
            Some(&alice.session),
            Some(json!({"proof": add})),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (403, "PASSKEY_VERIFICATION_REQUIRED")
    );

    // Now the first can go (the proof refused with LAST_PASSKEY was not spent).
    let (status, body) = h
        .raw(
            "DELETE",
            &format!("/v1/passkeys/{first}"),
            Some(&alice.session),
            Some(json!({"proof": proof})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["policy"]["passkey_count"], 1);
    assert_eq!(body["passkeys"][0]["name"], "Laptop");
    // The deleted passkey no longer signs in.
    let (status, started) = password_login(&h, "/v1/login/password", &alice.account).await;
    assert_eq!(status, 200);
    alice.pm.set_fault(Some(Fault::IgnoreAllowList));
    let credential = h.raw_assert(&alice.pm, &started["options"]).await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/passkey",
            None,
            Some(json!({"login_id": started["login_id"], "credential": credential})),
        )
        .await;
    assert_eq!((status, code(&body)), (403, "CREDENTIAL_NOT_ALLOWED"));
    alice.pm.set_fault(None);

    // Turning the flag off reopens everything; the passkey stays registered.
    let off = h
        .raw_proof(&alice.session, &laptop, "disable_passkeys")
        .await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/policy/disable",
            Some(&alice.session),
            Some(json!({"proof": off})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            body["passkey_required"].clone(),
            body["passkey_count"].clone()
        ),
        (json!(false), json!(1))
    );
    assert_eq!(body["blocked_paths"], json!([]));
    let (status, body) = password_login(&h, "/v1/login/h5", &alice.account).await;
    assert_eq!((status, &body["status"]), (200, &json!("code_required")));
    let kinds = events(&h, &alice.session).await;
    assert_eq!(
        &kinds[..3],
        ["flag_off", "passkey_removed", "passkey_added"],
        "{kinds:?}"
    );
}

#[tokio::test]
async fn withdrawals_need_a_proof_for_exactly_this_withdrawal_when_on() {
    let h = Harness::start().await;
    let alice = flagged(&h, "alice@withdraw.test").await;
    let withdraw = |amount: &str, proof: Option<&str>| json!({"asset": "USDT", "address": "TXabc", "amount": amount, "proof": proof});
    let params = json!({"asset": "USDT", "address": "TXabc", "amount": "250"});

    // Off (the default): flagged or not, no proof needed.
    let (status, body) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&alice.session),
            Some(withdraw("250", None)),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "accepted");
    assert!(!body["withdrawal_id"].as_str().unwrap().is_empty());

    admin(&h, json!({"scenarios": {"withdrawal": true}})).await;
    assert_eq!(
        policy(&h, &alice.session).await["scenarios"]["withdrawal"],
        true
    );
    let (status, body) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&alice.session),
            Some(withdraw("250", None)),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (403, "PASSKEY_VERIFICATION_REQUIRED")
    );

    // Bound to the parameters: another amount, or extra parameters, don't match.
    let proof = scenario_proof(&h, &alice.session, &alice.pm, "withdrawal", params.clone()).await;
    let (status, _) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&alice.session),
            Some(withdraw("999", Some(&proof))),
        )
        .await;
    assert_eq!(status, 403);
    let mut extra = params.clone();
    extra["memo"] = json!("hi");
    let padded = scenario_proof(&h, &alice.session, &alice.pm, "withdrawal", extra).await;
    let (status, _) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&alice.session),
            Some(withdraw("250", Some(&padded))),
        )
        .await;
    assert_eq!(status, 403);
    // Bound to the scenario: an api_keys proof with the same parameters doesn't do.
    let api = scenario_proof(&h, &alice.session, &alice.pm, "api_keys", params.clone()).await;
    let (status, _) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&alice.session),
            Some(withdraw("250", Some(&api))),
        )
        .await;
    assert_eq!(status, 403);
    // The right one, once.
    let proof = scenario_proof(&h, &alice.session, &alice.pm, "withdrawal", params.clone()).await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&alice.session),
            Some(withdraw("250", Some(&proof))),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&alice.session),
            Some(withdraw("250", Some(&proof))),
        )
        .await;
    assert_eq!(status, 403, "single use");

    // An unflagged account needs no proof even with the scenario on.
    let bob = h.sign_up("bob@withdraw.test").await;
    let bob = h.raw_sign_in(&bob, "phone", false).await;
    let (status, _) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&bob.token),
            Some(withdraw("1", None)),
        )
        .await;
    assert_eq!(status, 200);
    // Unknown scenarios and malformed withdrawals.
    let (status, body) = h
        .raw(
            "POST",
            "/v1/scenarios/verify/begin",
            Some(&alice.session),
            Some(json!({"scenario": "teleport", "params": {}})),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "SCENARIO_UNKNOWN"));
    let (status, body) = h
        .raw(
            "POST",
            "/v1/passkeys/verify/begin",
            Some(&alice.session),
            Some(json!({"purpose": "teleport"})),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "BAD_REQUEST"));
    for bad in ["-1", "1e9", ""] {
        let (status, _) = h
            .raw(
                "POST",
                "/v1/withdrawals",
                Some(&bob.token),
                Some(withdraw(bad, None)),
            )
            .await;
        assert_eq!(status, 400, "{bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// assertion ceremonies (BRIEF §5 #7, #10, #11)

#[tokio::test]
async fn a_passkey_login_is_single_use_and_updates_the_passkey() {
    let h = Harness::start().await;
    let alice = flagged(&h, "alice@login.test").await;
    let (_, list) = h
        .raw("GET", "/v1/passkeys", Some(&alice.session), None)
        .await;
    assert_eq!(list["passkeys"][0]["last_used_at"], Value::Null);

    let (status, started) = password_login(&h, "/v1/login/password", &alice.account).await;
    assert_eq!(status, 200);
    let credential = h.raw_assert(&alice.pm, &started["options"]).await;
    let body = json!({"login_id": started["login_id"], "credential": credential});
    let (status, signed_in) = h
        .raw("POST", "/v1/login/passkey", None, Some(body.clone()))
        .await;
    assert_eq!(status, 200, "{signed_in}");
    assert_eq!(signed_in["status"], "signed_in");
    assert_eq!(signed_in["account_id"], alice.account.account_id.as_str());
    let session = signed_in["session_token"].as_str().unwrap();
    assert_eq!(policy(&h, session).await["passkey_required"], true);
    let (_, list) = h.raw("GET", "/v1/passkeys", Some(session), None).await;
    assert!(
        list["passkeys"][0]["last_used_at"].as_i64().is_some(),
        "{list}"
    );

    // Replayed: the login id is spent.
    let (status, replay) = h.raw("POST", "/v1/login/passkey", None, Some(body)).await;
    assert_eq!((status, code(&replay)), (401, "LOGIN_EXPIRED"));
    // Replayed on a new login: the challenge differs.
    let (_, fresh) = password_login(&h, "/v1/login/password", &alice.account).await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/passkey",
            None,
            Some(json!({"login_id": fresh["login_id"], "credential": credential})),
        )
        .await;
    assert_eq!((status, code(&body)), (422, "ASSERTION_REJECTED"));
    // ...and that failure spent the new login too.
    let credential = h.raw_assert(&alice.pm, &fresh["options"]).await;
    let (status, _) = h
        .raw(
            "POST",
            "/v1/login/passkey",
            None,
            Some(json!({"login_id": fresh["login_id"], "credential": credential})),
        )
        .await;
    assert_eq!(status, 401);

    // Tampered responses.
    for fault in [
        Fault::TamperSignature,
        Fault::WrongChallenge,
        Fault::WrongOrigin,
        Fault::NoUserVerification,
        Fault::MismatchedRawId,
    ] {
        let (_, started) = password_login(&h, "/v1/login/password", &alice.account).await;
        alice.pm.set_fault(Some(fault.clone()));
        let credential = h.raw_assert(&alice.pm, &started["options"]).await;
        alice.pm.set_fault(None);
        let (status, body) = h
            .raw(
                "POST",
                "/v1/login/passkey",
                None,
                Some(json!({"login_id": started["login_id"], "credential": credential})),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (422, "ASSERTION_REJECTED"),
            "{fault:?}"
        );
    }
    // Expired.
    let (_, started) = password_login(&h, "/v1/login/password", &alice.account).await;
    let credential = h.raw_assert(&alice.pm, &started["options"]).await;
    h.server().advance_clock(Duration::from_secs(301));
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/passkey",
            None,
            Some(json!({"login_id": started["login_id"], "credential": credential})),
        )
        .await;
    assert_eq!((status, code(&body)), (401, "LOGIN_EXPIRED"));
}

#[tokio::test]
async fn usernameless_login_finds_the_owner_and_checks_the_user_handle() {
    let h = Harness::start().await;
    let alice = flagged(&h, "alice@usernameless.test").await;
    // Bob never turned the flag on: usernameless login is always allowed.
    let bob = h.sign_up("bob@usernameless.test").await;
    let bob_session = h.raw_sign_in(&bob, "phone", false).await;
    let bob_pm = h.password_manager();
    let (status, _) = h.raw_register(&bob, &bob_session, &bob_pm, false).await;
    assert_eq!(status, 200);

    let mut handles = Vec::new();
    for (pm, account) in [(&alice.pm, &alice.account), (&bob_pm, &bob)] {
        let begun = begin(&h, "/v1/login/discoverable/begin", None, json!({})).await;
        assert_eq!(begun["options"]["allowCredentials"], json!([]));
        assert_eq!(begun["options"]["userVerification"], "required");
        let credential = h.raw_assert(pm, &begun["options"]).await;
        handles.push(
            credential["response"]["userHandle"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        let (status, body) = finish(
            &h,
            "/v1/login/discoverable/finish",
            None,
            &begun["ceremony_id"],
            &credential,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["account_id"], account.account_id.as_str());
        // Spent.
        let (status, body) = finish(
            &h,
            "/v1/login/discoverable/finish",
            None,
            &begun["ceremony_id"],
            &credential,
        )
        .await;
        assert_eq!((status, code(&body)), (404, "CEREMONY_NOT_FOUND"));
    }

    // Alice's passkey presented under Bob's user handle, an unknown one, and none.
    let bob_handle = B64.decode(handles[1].as_bytes()).unwrap();
    for handle in [bob_handle, vec![7u8; 16], Vec::new()] {
        let begun = begin(
            &h,
            "/v1/login/discoverable/begin",
            None,
            json!({"device_id": "kiosk"}),
        )
        .await;
        alice
            .pm
            .set_fault(Some(Fault::ForeignUserHandle(handle.clone())));
        let credential = h.raw_assert(&alice.pm, &begun["options"]).await;
        alice.pm.set_fault(None);
        let (status, body) = finish(
            &h,
            "/v1/login/discoverable/finish",
            None,
            &begun["ceremony_id"],
            &credential,
        )
        .await;
        assert_eq!(
            (status, code(&body)),
            (403, "USER_HANDLE_MISMATCH"),
            "{handle:?}"
        );
    }
    let begun = begin(&h, "/v1/login/discoverable/begin", None, json!({})).await;
    let mut credential = h.raw_assert(&alice.pm, &begun["options"]).await;
    credential["response"]
        .as_object_mut()
        .unwrap()
        .remove("userHandle");
    let (status, body) = finish(
        &h,
        "/v1/login/discoverable/finish",
        None,
        &begun["ceremony_id"],
        &credential,
    )
    .await;
    assert_eq!((status, code(&body)), (403, "USER_HANDLE_MISMATCH"));
    // Expired.
    let begun = begin(&h, "/v1/login/discoverable/begin", None, json!({})).await;
    let credential = h.raw_assert(&alice.pm, &begun["options"]).await;
    h.server().advance_clock(Duration::from_secs(301));
    let (status, body) = finish(
        &h,
        "/v1/login/discoverable/finish",
        None,
        &begun["ceremony_id"],
        &credential,
    )
    .await;
    assert_eq!((status, code(&body)), (410, "CEREMONY_EXPIRED"));
}

#[tokio::test]
async fn another_accounts_passkey_does_not_sign_in() {
    // BRIEF §5 #10: one password manager holds Alice's passkey and, newer, Mallory's; answering
    // Alice's login with Mallory's (validly signed) passkey must not work.
    let h = Harness::start().await;
    let pm = h.password_manager();
    let alice = flagged_with(&h, "alice@mixup.test", pm.clone()).await;
    let mallory = flagged_with(&h, "mallory@mixup.test", pm.clone()).await;
    let (status, started) = password_login(&h, "/v1/login/password", &alice.account).await;
    assert_eq!(status, 200);
    pm.set_fault(Some(Fault::IgnoreAllowList));
    let credential = h.raw_assert(&pm, &started["options"]).await;
    pm.set_fault(None);
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/passkey",
            None,
            Some(json!({"login_id": started["login_id"], "credential": credential})),
        )
        .await;
    assert_eq!((status, code(&body)), (403, "CREDENTIAL_NOT_ALLOWED"));
    // The same for a verification in Alice's session.
    let begun = begin(
        &h,
        "/v1/passkeys/verify/begin",
        Some(&alice.session),
        json!({"purpose": "disable_passkeys"}),
    )
    .await;
    pm.set_fault(Some(Fault::IgnoreAllowList));
    let credential = h.raw_assert(&pm, &begun["options"]).await;
    pm.set_fault(None);
    let (status, body) = finish(
        &h,
        "/v1/passkeys/verify/finish",
        Some(&alice.session),
        &begun["ceremony_id"],
        &credential,
    )
    .await;
    assert_eq!((status, code(&body)), (403, "CREDENTIAL_NOT_ALLOWED"));
    assert_eq!(policy(&h, &mallory.session).await["passkey_required"], true);
}

#[tokio::test]
async fn ceremonies_are_bound_to_their_purpose_and_session() {
    let h = Harness::start().await;
    let alice = flagged(&h, "alice@purpose.test").await;
    let (status, other) = passkey_login(&h, &alice.account, &alice.pm).await;
    assert_eq!(status, 200);
    let other = other["session_token"].as_str().unwrap().to_owned();

    // A purpose ceremony finished as a scenario, a scenario one as a purpose, a login's as a
    // verification, a verification's as a login: refused (and spent).
    let purpose = begin(
        &h,
        "/v1/passkeys/verify/begin",
        Some(&alice.session),
        json!({"purpose": "delete_passkey"}),
    )
    .await;
    let credential = h.raw_assert(&alice.pm, &purpose["options"]).await;
    let (status, body) = finish(
        &h,
        "/v1/scenarios/verify/finish",
        Some(&alice.session),
        &purpose["ceremony_id"],
        &credential,
    )
    .await;
    assert_eq!((status, code(&body)), (422, "ASSERTION_REJECTED"));
    let (status, _) = finish(
        &h,
        "/v1/passkeys/verify/finish",
        Some(&alice.session),
        &purpose["ceremony_id"],
        &credential,
    )
    .await;
    assert_eq!(status, 404, "spent by the cross-purpose attempt");

    let scenario = begin(
        &h,
        "/v1/scenarios/verify/begin",
        Some(&alice.session),
        json!({"scenario": "security_settings", "params": {}}),
    )
    .await;
    let credential = h.raw_assert(&alice.pm, &scenario["options"]).await;
    let (status, body) = finish(
        &h,
        "/v1/passkeys/verify/finish",
        Some(&alice.session),
        &scenario["ceremony_id"],
        &credential,
    )
    .await;
    assert_eq!((status, code(&body)), (422, "ASSERTION_REJECTED"));

    let (_, login) = password_login(&h, "/v1/login/password", &alice.account).await;
    let credential = h.raw_assert(&alice.pm, &login["options"]).await;
    let (status, body) = finish(
        &h,
        "/v1/passkeys/verify/finish",
        Some(&alice.session),
        &login["login_id"],
        &credential,
    )
    .await;
    assert_eq!((status, code(&body)), (422, "ASSERTION_REJECTED"));

    let verify = begin(
        &h,
        "/v1/passkeys/verify/begin",
        Some(&alice.session),
        json!({"purpose": "rename_passkey"}),
    )
    .await;
    let credential = h.raw_assert(&alice.pm, &verify["options"]).await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/passkey",
            None,
            Some(json!({"login_id": verify["ceremony_id"], "credential": credential})),
        )
        .await;
    assert_eq!((status, code(&body)), (422, "ASSERTION_REJECTED"));

    // Begun by one session, finished by another.
    let verify = begin(
        &h,
        "/v1/passkeys/verify/begin",
        Some(&alice.session),
        json!({"purpose": "rename_passkey"}),
    )
    .await;
    let credential = h.raw_assert(&alice.pm, &verify["options"]).await;
    let (status, body) = finish(
        &h,
        "/v1/passkeys/verify/finish",
        Some(&other),
        &verify["ceremony_id"],
        &credential,
    )
    .await;
    assert_eq!((status, code(&body)), (403, "CEREMONY_MISMATCH"));
    // Unknown ceremonies.
    let (status, body) = finish(
        &h,
        "/v1/passkeys/verify/finish",
        Some(&alice.session),
        &json!("nope"),
        &credential,
    )
    .await;
    assert_eq!((status, code(&body)), (404, "CEREMONY_NOT_FOUND"));
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/passkey",
            None,
            Some(json!({"login_id": "nope", "credential": credential})),
        )
        .await;
    assert_eq!((status, code(&body)), (401, "LOGIN_EXPIRED"));
    // Verification needs a session.
    let (status, body) = h
        .raw(
            "POST",
            "/v1/passkeys/verify/begin",
            None,
            Some(json!({"purpose": "rename_passkey"})),
        )
        .await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
}

#[tokio::test]
async fn verification_needs_a_passkey_on_the_account() {
    let h = Harness::start().await;
    let bob = h.sign_up("bob@nokey.test").await;
    let session = h.raw_sign_in(&bob, "phone", false).await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/passkeys/verify/begin",
            Some(&session.token),
            Some(json!({"purpose": "add_passkey"})),
        )
        .await;
    assert_eq!((status, code(&body)), (404, "PASSKEY_NOT_FOUND"));
}

// ---------------------------------------------------------------------------------------------
// sign counters (BRIEF §5 #11)

/// The first passkey's BE flag (backup eligible: a synced passkey).
async fn backup_eligible(h: &Harness, session: &str) -> bool {
    let (_, list) = h.raw("GET", "/v1/passkeys", Some(session), None).await;
    list["passkeys"][0]["backup_eligible"].as_bool().unwrap()
}

#[tokio::test]
async fn a_device_bound_counter_that_goes_backwards_is_refused_and_recorded() {
    let h = Harness::start().await;
    let pm = Arc::new(Arc::unwrap_or_clone(h.password_manager()).device_bound());
    let alice = flagged_with(&h, "alice@clone.test", pm.clone()).await;
    assert!(!backup_eligible(&h, &alice.session).await, "device-bound");

    for _ in 0..3 {
        let (status, body) = passkey_login(&h, &alice.account, &pm).await;
        assert_eq!(status, 200, "a counting counter is fine: {body}");
    }
    // A clone answers with an older counter (webauthn-rs itself sees it).
    pm.rewind_counter(RP_ID, 2);
    let (status, body) = passkey_login(&h, &alice.account, &pm).await;
    assert_eq!((status, code(&body)), (403, "COUNTER_REGRESSION"), "{body}");
    // A repeated counter too.
    pm.rewind_counter(RP_ID, 0);
    let begun = begin(
        &h,
        "/v1/passkeys/verify/begin",
        Some(&alice.session),
        json!({"purpose": "rename_passkey"}),
    )
    .await;
    let credential = h.raw_assert(&pm, &begun["options"]).await;
    let (status, body) = finish(
        &h,
        "/v1/passkeys/verify/finish",
        Some(&alice.session),
        &begun["ceremony_id"],
        &credential,
    )
    .await;
    assert_eq!((status, code(&body)), (403, "COUNTER_REGRESSION"), "{body}");

    let (_, list) = h
        .raw("GET", "/v1/security-events", Some(&alice.session), None)
        .await;
    let regressions: Vec<&Value> = list["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "counter_regression")
        .collect();
    assert_eq!(regressions.len(), 2, "{list}");
    assert!(
        regressions[0]["detail"]
            .as_str()
            .unwrap()
            .contains("device-bound")
    );
}

#[tokio::test]
async fn an_older_assertion_answered_after_a_newer_one_is_a_regression() {
    // Two ceremonies begun together: the ceremony state holds the counter of when it began, so
    // the server checks again against the stored counter of now.
    let h = Harness::start().await;
    let pm = Arc::new(Arc::unwrap_or_clone(h.password_manager()).device_bound());
    let alice = flagged_with(&h, "alice@order.test", pm.clone()).await;
    let first = begin(
        &h,
        "/v1/passkeys/verify/begin",
        Some(&alice.session),
        json!({"purpose": "rename_passkey"}),
    )
    .await;
    let second = begin(
        &h,
        "/v1/passkeys/verify/begin",
        Some(&alice.session),
        json!({"purpose": "rename_passkey"}),
    )
    .await;
    let older = h.raw_assert(&pm, &first["options"]).await;
    let newer = h.raw_assert(&pm, &second["options"]).await;
    let (status, body) = finish(
        &h,
        "/v1/passkeys/verify/finish",
        Some(&alice.session),
        &second["ceremony_id"],
        &newer,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = finish(
        &h,
        "/v1/passkeys/verify/finish",
        Some(&alice.session),
        &first["ceremony_id"],
        &older,
    )
    .await;
    assert_eq!((status, code(&body)), (403, "COUNTER_REGRESSION"), "{body}");
    assert!(
        events(&h, &alice.session)
            .await
            .contains(&"counter_regression".to_owned())
    );
}

#[tokio::test]
async fn synced_passkeys_with_counter_zero_are_accepted_every_time() {
    let h = Harness::start().await;
    let alice = flagged(&h, "alice@synced.test").await;
    assert!(backup_eligible(&h, &alice.session).await, "backup eligible");
    for _ in 0..3 {
        let (status, body) = passkey_login(&h, &alice.account, &alice.pm).await;
        assert_eq!(status, 200, "{body}");
    }
    // Two ceremonies in either order are fine too: 0 and 0 is no regression.
    let first = begin(&h, "/v1/login/discoverable/begin", None, json!({})).await;
    let second = begin(&h, "/v1/login/discoverable/begin", None, json!({})).await;
    let older = h.raw_assert(&alice.pm, &first["options"]).await;
    let newer = h.raw_assert(&alice.pm, &second["options"]).await;
    for (begun, credential) in [(&second, &newer), (&first, &older)] {
        let (status, body) = finish(
            &h,
            "/v1/login/discoverable/finish",
            None,
            &begun["ceremony_id"],
            credential,
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    assert!(
        !events(&h, &alice.session)
            .await
            .contains(&"counter_regression".to_owned())
    );
}
