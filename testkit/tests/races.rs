//! Races an attacker can run against the server from outside (issue 7), made deterministic with
//! the server's pause points ([`TestHooks`]): a sign-in held between checking its factor and
//! opening a session while Enable commits; a registration begun with a step-up and finished
//! after Enable; two finishes of one registration at once; a used registration ceremony posted
//! again with other bytes. Then a bounded stress test of the sign-in race without any pause.

use std::sync::Arc;

use bingx_passkeys_core::PlatformAuthenticator;
use bingx_passkeys_core::webauthn::prepare_create;
use bingx_passkeys_testkit::harness::{Harness, RP_ID, RawSession, TestAccount};
use bingx_passkeys_testkit::server::{Pause, ServerConfig, TestHooks};
use bingx_passkeys_testkit::softpm::SoftPasswordManager;
use serde_json::{Value, json};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<none>")
}

async fn harness_with_hooks() -> (Harness, Arc<TestHooks>) {
    let hooks = TestHooks::new();
    let mut config = ServerConfig::for_tests(RP_ID);
    config.test_hooks = Some(hooks.clone());
    (Harness::start_with(config).await, hooks)
}

/// Whether `token` is a live session (it can read the Passkeys page).
async fn session_works(h: &Harness, token: &str) -> bool {
    h.raw("GET", "/v1/passkeys", Some(token), None).await.0 == 200
}

async fn third_party(h: &Harness, token: &str) -> (u16, Value) {
    h.raw(
        "POST",
        "/v1/login/third-party",
        None,
        Some(json!({"provider": "google", "id_token": token})),
    )
    .await
}

async fn password_login(
    h: &Harness,
    path: &str,
    account: &TestAccount,
    device_id: &str,
    trust_token: Option<&str>,
) -> (u16, Value) {
    h.raw(
        "POST",
        path,
        None,
        Some(json!({
            "email": account.email, "password": account.password,
            "device_id": device_id, "trust_token": trust_token,
        })),
    )
    .await
}

/// Enable over raw HTTP (step-up, registration with `enable: true`), asserting it succeeds.
async fn enable(h: &Harness, account: &TestAccount, session: &RawSession) {
    let pm = h.password_manager();
    let (status, body) = h.raw_register(account, session, &pm, true).await;
    assert_eq!(status, 200, "Enable: {body}");
    assert_eq!(body["policy"]["passkey_required"], true, "{body}");
}

/// An account signed in on "phone", and trusted (password + code, "trust this device") on "old".
async fn trusted_account(h: &Harness, email: &str) -> (TestAccount, RawSession, String) {
    let account = h.sign_up(email).await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let trusted = h.raw_sign_in(&account, "old", true).await;
    let trust_token = trusted.trust_token.expect("a trust mark");
    (account, session, trust_token)
}

#[tokio::test]
async fn a_third_party_login_held_while_enable_commits_gets_no_session() {
    let (h, hooks) = harness_with_hooks().await;
    let account = h.sign_up("race-tp@example.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let id_token = h.id_token("google", &account.email).await;

    let gate = hooks.hold(Pause::BeforeSessionDecision);
    let login = third_party(&h, &id_token);
    let enable_meanwhile = async {
        gate.arrived().await;
        enable(&h, &account, &session).await;
        gate.release();
    };
    let ((status, body), ()) = tokio::join!(login, enable_meanwhile);
    hooks.unhold(Pause::BeforeSessionDecision);

    if let Some(token) = body["session_token"].as_str() {
        assert!(
            !session_works(&h, token).await,
            "a third-party session outlived Enable"
        );
    }
    assert_eq!(status, 403, "{body}");
    assert_eq!(code(&body), "THIRD_PARTY_LOGIN_BLOCKED");
}

#[tokio::test]
async fn a_trusted_device_login_held_while_enable_commits_needs_the_passkey() {
    let (h, hooks) = harness_with_hooks().await;
    let (account, session, trust_token) = trusted_account(&h, "race-trust@example.test").await;

    let gate = hooks.hold(Pause::BeforeSessionDecision);
    let login = password_login(
        &h,
        "/v1/login/password",
        &account,
        "old",
        Some(&trust_token),
    );
    let enable_meanwhile = async {
        gate.arrived().await;
        enable(&h, &account, &session).await;
        gate.release();
    };
    let ((status, body), ()) = tokio::join!(login, enable_meanwhile);
    hooks.unhold(Pause::BeforeSessionDecision);

    if let Some(token) = body["session_token"].as_str() {
        assert!(
            !session_works(&h, token).await,
            "a trusted-device session outlived Enable"
        );
    }
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "passkey_required", "{body}");
}

#[tokio::test]
async fn an_h5_login_held_while_enable_commits_is_blocked() {
    let (h, hooks) = harness_with_hooks().await;
    let (account, session, trust_token) = trusted_account(&h, "race-h5@example.test").await;

    let gate = hooks.hold(Pause::BeforeSessionDecision);
    let login = password_login(&h, "/v1/login/h5", &account, "old", Some(&trust_token));
    let enable_meanwhile = async {
        gate.arrived().await;
        enable(&h, &account, &session).await;
        gate.release();
    };
    let ((status, body), ()) = tokio::join!(login, enable_meanwhile);
    hooks.unhold(Pause::BeforeSessionDecision);

    if let Some(token) = body["session_token"].as_str() {
        assert!(
            !session_works(&h, token).await,
            "an H5 session outlived Enable"
        );
    }
    assert_eq!(status, 403, "{body}");
    assert_eq!(code(&body), "H5_LOGIN_BLOCKED");
}

#[tokio::test]
async fn a_code_login_held_while_enable_commits_gets_no_session() {
    let (h, hooks) = harness_with_hooks().await;
    let account = h.sign_up("race-code@example.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let (status, started) = password_login(&h, "/v1/login/password", &account, "web", None).await;
    assert_eq!(status, 200, "{started}");
    assert_eq!(started["status"], "code_required", "{started}");
    let otp = h.code_for(&account.email, "login").await;

    let gate = hooks.hold(Pause::BeforeSessionDecision);
    let login = h.raw(
        "POST",
        "/v1/login/code",
        None,
        Some(json!({"login_id": started["login_id"], "factor": "email", "code": otp})),
    );
    let enable_meanwhile = async {
        gate.arrived().await;
        enable(&h, &account, &session).await;
        gate.release();
    };
    let ((status, body), ()) = tokio::join!(login, enable_meanwhile);
    hooks.unhold(Pause::BeforeSessionDecision);

    if let Some(token) = body["session_token"].as_str() {
        assert!(
            !session_works(&h, token).await,
            "a code session outlived Enable"
        );
    }
    assert!(
        ["PASSKEY_REQUIRED", "LOGIN_EXPIRED"].contains(&code(&body)),
        "{status} {body}"
    );
}

/// Begin a registration (options and the password manager's response), without finishing it.
async fn begun_registration(
    h: &Harness,
    session: &RawSession,
    body: Value,
    pm: &SoftPasswordManager,
) -> (Value, Value) {
    let (status, begun) = h
        .raw(
            "POST",
            "/v1/passkeys/registration/begin",
            Some(&session.token),
            Some(body),
        )
        .await;
    assert_eq!(status, 200, "registration begin: {begun}");
    let request = prepare_create(&begun["options"].to_string(), RP_ID).expect("options");
    let credential = pm
        .create(request)
        .await
        .expect("the password manager creates");
    let credential: Value = serde_json::from_str(&credential).expect("credential JSON");
    (begun["ceremony_id"].clone(), credential)
}

async fn passkey_count(h: &Harness, session: &str) -> usize {
    let (status, body) = h.raw("GET", "/v1/passkeys", Some(session), None).await;
    assert_eq!(status, 200, "{body}");
    body["passkeys"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_registration_begun_with_a_step_up_cannot_finish_after_enable() {
    let h = Harness::start().await;
    let account = h.sign_up("late-finish@example.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let step_up_a = h.raw_step_up(&account, &session).await;
    let other_pm = h.password_manager();
    let (ceremony_a, credential_a) = begun_registration(
        &h,
        &session,
        json!({ "step_up_token": step_up_a }),
        &other_pm,
    )
    .await;

    // Enable with step-up B.
    enable(&h, &account, &session).await;

    let (status, body) = h
        .raw(
            "POST",
            "/v1/passkeys/registration/finish",
            Some(&session.token),
            Some(json!({"ceremony_id": ceremony_a, "credential": credential_a})),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(code(&body), "PASSKEY_VERIFICATION_REQUIRED");
    assert_eq!(passkey_count(&h, &session.token).await, 1);
}

#[tokio::test]
async fn a_used_registration_answers_only_its_exact_retry() {
    let h = Harness::start().await;
    let account = h.sign_up("retry@example.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let step_up = h.raw_step_up(&account, &session).await;
    let pm = h.password_manager();
    let (ceremony, credential) =
        begun_registration(&h, &session, json!({ "step_up_token": step_up }), &pm).await;
    let finish = json!({"ceremony_id": ceremony, "credential": credential, "enable": true});
    let post = |body: Value| {
        h.raw(
            "POST",
            "/v1/passkeys/registration/finish",
            Some(&session.token),
            Some(body),
        )
    };

    let (status, first) = post(finish.clone()).await;
    assert_eq!(status, 200, "{first}");
    let (status, retry) = post(finish.clone()).await;
    assert_eq!(status, 200, "the exact retry: {retry}");
    assert_eq!(retry["passkey"], first["passkey"]);

    // The same ceremony and rawId with anything else: refused, and nothing changes.
    let mut junk_client_data = finish.clone();
    junk_client_data["credential"]["response"]["clientDataJSON"] = json!("AAAA");
    let mut junk_attestation = finish.clone();
    junk_attestation["credential"]["response"]["attestationObject"] = json!("oGNmbXRkbm9uZQ");
    let mut renamed = finish.clone();
    renamed["name"] = json!("Someone else's name");
    for (what, body) in [
        ("junk clientDataJSON", junk_client_data),
        ("junk attestationObject", junk_attestation),
        ("another name", renamed),
    ] {
        let (status, answer) = post(body).await;
        assert_eq!(status, 409, "{what}: {answer}");
        assert_eq!(code(&answer), "CEREMONY_USED", "{what}");
    }
    assert_eq!(passkey_count(&h, &session.token).await, 1);
}

#[tokio::test]
async fn two_finishes_at_once_store_one_passkey_and_both_get_the_answer() {
    let (h, hooks) = harness_with_hooks().await;
    let account = h.sign_up("twice@example.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let step_up = h.raw_step_up(&account, &session).await;
    let pm = h.password_manager();
    let (ceremony, credential) =
        begun_registration(&h, &session, json!({ "step_up_token": step_up }), &pm).await;
    let finish = json!({"ceremony_id": ceremony, "credential": credential, "enable": true});
    let post = || {
        h.raw(
            "POST",
            "/v1/passkeys/registration/finish",
            Some(&session.token),
            Some(finish.clone()),
        )
    };

    let gate = hooks.hold(Pause::BeforeRegistrationFinish);
    let both_arrive = async {
        gate.arrived().await;
        gate.arrived().await;
        gate.release_all();
    };
    let ((status_a, a), (status_b, b), ()) = tokio::join!(post(), post(), both_arrive);
    hooks.unhold(Pause::BeforeRegistrationFinish);

    assert_eq!(status_a, 200, "{a}");
    assert_eq!(status_b, 200, "{b}");
    assert_eq!(a["passkey"], b["passkey"]);
    assert_eq!(passkey_count(&h, &session.token).await, 1);
}

/// Without any pause: Enable and many sign-ins on other paths at once, round after round. After
/// each round, no session handed out by a path the flag closes may still work.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn enable_racing_many_sign_ins_leaves_no_session_it_should_have_revoked() {
    const ROUNDS: usize = 12;
    const LOGINS_PER_PATH: usize = 3;
    let h = Arc::new(Harness::start().await);
    for round in 0..ROUNDS {
        let (account, session, trust_token) =
            trusted_account(&h, &format!("stress-{round}@example.test")).await;
        let id_token = h.id_token("google", &account.email).await;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..LOGINS_PER_PATH {
            let (h1, token) = (h.clone(), id_token.clone());
            tasks.spawn(async move { ("third-party", i, third_party(&h1, &token).await) });
            let (h, account, trust) = (h.clone(), account.clone(), trust_token.clone());
            tasks.spawn(async move {
                let path = if i % 2 == 0 {
                    "/v1/login/password"
                } else {
                    "/v1/login/h5"
                };
                (
                    "trusted device",
                    i,
                    password_login(&h, path, &account, "old", Some(&trust)).await,
                )
            });
        }
        enable(&h, &account, &session).await;
        while let Some(joined) = tasks.join_next().await {
            let (path, i, (status, body)) = joined.expect("a login task");
            if let Some(token) = body["session_token"].as_str() {
                assert!(
                    !session_works(&h, token).await,
                    "round {round}: a {path} session ({i}) outlived Enable"
                );
            } else {
                assert!(
                    status == 403 || body["status"] == "passkey_required",
                    "round {round}: {path} {i}: {status} {body}"
                );
            }
        }
    }
}

/// A `security_settings` step-up in `session` (password + the emailed code).
async fn settings_step_up(h: &Harness, account: &TestAccount, session: &RawSession) -> String {
    let (status, begun) = h
        .raw(
            "POST",
            "/v1/step-up/begin",
            Some(&session.token),
            Some(json!({"purpose": "security_settings"})),
        )
        .await;
    assert_eq!(status, 200, "{begun}");
    let otp = h.code_for(&account.email, "step_up").await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/step-up/finish",
            Some(&session.token),
            Some(
                json!({"step_up_id": begun["step_up_id"], "password": account.password,
                        "factor": "email", "code": otp}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["step_up_token"].as_str().expect("token").to_owned()
}

/// `POST /v1/account/password` in `session`, authorised by `auth` (`{"step_up_token": …}` or
/// `{"proof": …}`).
async fn change_password(h: &Harness, session: &RawSession, mut auth: Value) -> (u16, Value) {
    auth["new_password"] = "a brand new password".into();
    h.raw(
        "POST",
        "/v1/account/password",
        Some(&session.token),
        Some(auth),
    )
    .await
}

#[tokio::test]
async fn a_password_step_held_while_the_password_changes_is_refused() {
    // Someone with the old password (and a code) keeps signing in while the owner changes it:
    // a password step whose check ran before the change committed must not go on to a code.
    let (h, hooks) = harness_with_hooks().await;
    let account = h.sign_up("race-password@example.test").await;
    let owner = h.raw_sign_in(&account, "phone", false).await;
    let token = settings_step_up(&h, &account, &owner).await;

    let gate = hooks.hold(Pause::BeforeSessionDecision);
    let login = password_login(&h, "/v1/login/password", &account, "attacker", None);
    let change_meanwhile = async {
        gate.arrived().await;
        let changed = change_password(&h, &owner, json!({"step_up_token": token})).await;
        gate.release();
        changed
    };
    let ((status, body), (changed, answer)) = tokio::join!(login, change_meanwhile);
    hooks.unhold(Pause::BeforeSessionDecision);
    assert_eq!(changed, 200, "{answer}");
    assert_eq!(
        (status, code(&body)),
        (401, "INVALID_CREDENTIALS"),
        "the old password after the change: {body}"
    );
    assert!(body.get("login_id").is_none(), "{body}");
}

#[tokio::test]
async fn a_reset_request_held_while_the_password_changes_is_refused() {
    // J8: a reset request begun with the old password, its check done before the owner's change
    // (with the passkey) committed, sends no code and files nothing.
    let (h, hooks) = harness_with_hooks().await;
    let account = h.sign_up("race-reset@example.test").await;
    let owner = h.raw_sign_in(&account, "phone", false).await;
    let pm = h.password_manager();
    let (status, body) = h.raw_register(&account, &owner, &pm, true).await;
    assert_eq!(status, 200, "{body}");
    let proof = h.raw_proof(&owner.token, &pm, "security_settings").await;

    let gate = hooks.hold(Pause::BeforeResetRequest);
    let request = h.raw(
        "POST",
        "/v1/recovery/begin",
        None,
        Some(json!({"email": account.email, "password": account.password, "device_id": "new"})),
    );
    let change_meanwhile = async {
        gate.arrived().await;
        let changed = change_password(&h, &owner, json!({"proof": proof})).await;
        gate.release();
        changed
    };
    let ((status, body), (changed, answer)) = tokio::join!(request, change_meanwhile);
    hooks.unhold(Pause::BeforeResetRequest);
    assert_eq!(changed, 200, "{answer}");
    assert_eq!(
        (status, code(&body)),
        (401, "INVALID_CREDENTIALS"),
        "the old password after the change: {body}"
    );
}

#[tokio::test]
async fn a_step_up_whose_password_check_runs_while_enable_commits_gets_no_token() {
    // The owner's session begins a step-up; while its password is being checked, Enable commits
    // in the same session (with an add_passkey proof, no password): once the flag is on, only a
    // passkey authorises, so the step-up must not be issued after all.
    let (h, hooks) = harness_with_hooks().await;
    let account = h.sign_up("race-step-up@example.test").await;
    let owner = h.raw_sign_in(&account, "phone", false).await;
    let pm = h.password_manager();
    let (status, body) = h.raw_register(&account, &owner, &pm, false).await;
    assert_eq!(status, 200, "a passkey, the flag still off: {body}");
    let (status, begun) = h.raw_step_up_begin(&owner).await;
    assert_eq!(status, 200, "{begun}");
    let otp = h.code_for(&account.email, "step_up").await;
    let proof = h.raw_proof(&owner.token, &pm, "add_passkey").await;

    let gate = hooks.hold(Pause::InPasswordCheck);
    let finish = h.raw(
        "POST",
        "/v1/step-up/finish",
        Some(&owner.token),
        Some(
            json!({"step_up_id": begun["step_up_id"], "password": account.password,
                    "factor": "email", "code": otp}),
        ),
    );
    let enable_meanwhile = async {
        gate.arrived().await;
        let (status, started) = h
            .raw(
                "POST",
                "/v1/passkeys/registration/begin",
                Some(&owner.token),
                Some(json!({ "proof": proof })),
            )
            .await;
        assert_eq!(status, 200, "{started}");
        let second = h.password_manager();
        let credential = h.raw_create(&second, &started["options"]).await;
        let enabled = h
            .raw(
                "POST",
                "/v1/passkeys/registration/finish",
                Some(&owner.token),
                Some(
                    json!({"ceremony_id": started["ceremony_id"], "credential": credential,
                            "enable": true}),
                ),
            )
            .await;
        gate.release();
        enabled
    };
    let ((status, body), (enabled, answer)) = tokio::join!(finish, enable_meanwhile);
    hooks.unhold(Pause::InPasswordCheck);
    assert_eq!(enabled, 200, "{answer}");
    assert_eq!(answer["policy"]["passkey_required"], true, "{answer}");
    assert_eq!(
        (status, code(&body)),
        (403, "PASSKEY_REQUIRED"),
        "a step-up after the flag went on: {body}"
    );
    assert!(body.get("step_up_token").is_none(), "{body}");
}
