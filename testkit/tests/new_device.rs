//! Before a device change, the new-device half (issue 10, item 2; BRIEF §7): a sign-in may
//! describe its device (`device: {model, os}`); one from a model or OS the account has not used
//! before, while it has used another, is recorded in the security activity (`new_device_login`)
//! and its answer carries the notice with the account's passkey health. The account's first
//! described device is recorded silently, a sign-in without a description records nothing, and a
//! refused sign-in records nothing. Over HTTP, then through the core.

use std::sync::Arc;

use bingx_passkeys_core::{
    Config, ConfigError, DeviceDescription, HealthReason, PasskeysClient, PasskeysError,
    SecretStore, SignInStep,
};
use bingx_passkeys_testkit::harness::{Harness, RP_ID, RawSession, TestAccount};
use bingx_passkeys_testkit::softpm::SoftPasswordManager;
use serde_json::{Value, json};

mod common;

fn device(model: &str, os: &str) -> Value {
    json!({ "model": model, "os": os })
}

/// The `new_device_login` events of the account `session` belongs to.
async fn new_device_events(h: &Harness, session: &str) -> Vec<Value> {
    h.raw_events(session)
        .await
        .into_iter()
        .filter(|e| e["kind"] == "new_device_login")
        .collect()
}

/// Password and emailed code over raw HTTP, the password step carrying `device` (absent when
/// `Value::Null`). Returns the `signed_in` answer.
async fn password_and_code(h: &Harness, account: &TestAccount, device: Value) -> Value {
    let mut body =
        json!({"email": account.email, "password": account.password, "device_id": "raw"});
    if !device.is_null() {
        body["device"] = device;
    }
    let (status, started) = h.raw("POST", "/v1/login/password", None, Some(body)).await;
    assert_eq!(status, 200, "password login: {started}");
    assert_eq!(started["status"], "code_required", "{started}");
    let code = h.code_for(&account.email, "login").await;
    let (status, answer) = h
        .raw(
            "POST",
            "/v1/login/code",
            None,
            Some(json!({"login_id": started["login_id"], "factor": "email", "code": code})),
        )
        .await;
    assert_eq!(status, 200, "code login: {answer}");
    assert_eq!(answer["status"], "signed_in", "{answer}");
    answer
}

/// Password, then the passkey `pm` holds, over raw HTTP (a flagged account); `device` with the
/// password step. Returns the `signed_in` answer.
async fn password_and_passkey(
    h: &Harness,
    account: &TestAccount,
    pm: &SoftPasswordManager,
    device: Value,
) -> Value {
    let (status, started) = h
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(
                json!({"email": account.email, "password": account.password, "device_id": "raw",
                        "device": device}),
            ),
        )
        .await;
    assert_eq!(status, 200, "password login: {started}");
    assert_eq!(started["status"], "passkey_required", "{started}");
    let credential = h.raw_assert(pm, &started["options"]).await;
    let (status, answer) = h
        .raw(
            "POST",
            "/v1/login/passkey",
            None,
            Some(json!({"login_id": started["login_id"], "credential": credential})),
        )
        .await;
    assert_eq!(status, 200, "passkey login: {answer}");
    answer
}

/// A usernameless sign-in with the passkey `pm` holds; `device` with the begin, `finish_device`
/// (if not null) with the finish. Returns the `signed_in` answer.
async fn usernameless(
    h: &Harness,
    pm: &SoftPasswordManager,
    device: Value,
    finish_device: Value,
) -> Value {
    let (status, begun) = h
        .raw(
            "POST",
            "/v1/login/discoverable/begin",
            None,
            Some(json!({ "device": device })),
        )
        .await;
    assert_eq!(status, 200, "discoverable begin: {begun}");
    let credential = h.raw_assert(pm, &begun["options"]).await;
    let mut body = json!({"ceremony_id": begun["ceremony_id"], "credential": credential});
    if !finish_device.is_null() {
        body["device"] = finish_device;
    }
    let (status, answer) = h
        .raw("POST", "/v1/login/discoverable/finish", None, Some(body))
        .await;
    assert_eq!(status, 200, "discoverable finish: {answer}");
    answer
}

/// An account whose passkey requirement is on, with one synced passkey in the returned password
/// manager. Its first described device is `first`.
async fn flagged(
    h: &Harness,
    email: &str,
    first: Value,
) -> (TestAccount, Arc<SoftPasswordManager>) {
    let account = h.sign_up(email).await;
    let pm = h.password_manager();
    let session = RawSession {
        token: password_and_code(h, &account, first).await["session_token"]
            .as_str()
            .expect("session")
            .to_owned(),
        trust_token: None,
    };
    let (status, added) = h.raw_register(&account, &session, &pm, true).await;
    assert_eq!(status, 200, "registration: {added}");
    (account, pm)
}

fn token(answer: &Value) -> &str {
    answer["session_token"].as_str().expect("a session")
}

#[tokio::test]
async fn the_first_device_is_silent_the_same_one_too_and_a_new_model_or_os_is_noticed() {
    let h = Harness::start().await;
    let account = h.sign_up("new-device-basics@bingx.test").await;

    let first = password_and_code(&h, &account, device("Pixel 8", "Android 15")).await;
    assert!(first.get("new_device").is_none(), "first device: {first}");
    let again = password_and_code(&h, &account, device("Pixel 8", "Android 15")).await;
    assert!(again.get("new_device").is_none(), "same device: {again}");
    assert!(new_device_events(&h, token(&again)).await.is_empty());

    // Another model: the notice, with the account's health (no passkey: nothing at risk).
    let other = password_and_code(&h, &account, device("iPhone 15", "iOS 18.2")).await;
    assert_eq!(other["new_device"]["model"], "iPhone 15", "{other}");
    assert_eq!(other["new_device"]["os"], "iOS 18.2");
    assert_eq!(
        other["new_device"]["health"],
        json!({"at_risk": false, "reasons": [], "action": null, "nudge": false})
    );
    let events = new_device_events(&h, token(&other)).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let detail = events[0]["detail"].as_str().expect("detail");
    assert!(
        detail.contains("iPhone 15") && detail.contains("iOS 18.2"),
        "{detail}"
    );

    // The same model on another OS version is new too; then both are known.
    let upgraded = password_and_code(&h, &account, device("Pixel 8", "Android 16")).await;
    assert_eq!(upgraded["new_device"]["os"], "Android 16", "{upgraded}");
    for (model, os) in [("Pixel 8", "Android 16"), ("iPhone 15", "iOS 18.2")] {
        let known = password_and_code(&h, &account, device(model, os)).await;
        assert!(known.get("new_device").is_none(), "{model} {os}: {known}");
    }
    assert_eq!(new_device_events(&h, token(&upgraded)).await.len(), 2);

    // Another account's devices are its own: its first device is silent.
    let other_account = h.sign_up("new-device-basics-2@bingx.test").await;
    let theirs = password_and_code(&h, &other_account, device("iPhone 15", "iOS 18.2")).await;
    assert!(theirs.get("new_device").is_none(), "{theirs}");
}

#[tokio::test]
async fn a_sign_in_without_a_description_records_nothing() {
    let h = Harness::start().await;
    let account = h.sign_up("new-device-none@bingx.test").await;
    for _ in 0..2 {
        let plain = password_and_code(&h, &account, Value::Null).await;
        assert!(plain.get("new_device").is_none(), "{plain}");
        assert!(new_device_events(&h, token(&plain)).await.is_empty());
    }
    // Nothing was recorded: the first described device is still the first, and silent.
    let first = password_and_code(&h, &account, device("Pixel 8", "Android 15")).await;
    assert!(first.get("new_device").is_none(), "{first}");
    let second = password_and_code(&h, &account, device("Galaxy S24", "Android 15")).await;
    assert_eq!(second["new_device"]["model"], "Galaxy S24", "{second}");
}

#[tokio::test]
async fn a_description_outside_the_contract_is_refused_with_400() {
    let h = Harness::start().await;
    let account = h.sign_up("new-device-bad@bingx.test").await;
    let id_token = h.id_token("google", &account.email).await;
    let bad = [
        ("empty model", device("", "Android 15")),
        ("empty OS", device("Pixel 8", "")),
        ("65 characters", device(&"x".repeat(65), "Android 15")),
        ("65 wide characters", device("Pixel 8", &"é".repeat(65))),
        ("a newline", device("Pixel\n8", "Android 15")),
        ("a C1 control", device("Pixel 8", "Android\u{85}15")),
        ("no OS", json!({"model": "Pixel 8"})),
        ("a number", json!({"model": 8, "os": "Android 15"})),
        ("a string", json!("Pixel 8, Android 15")),
    ];
    for (what, device) in bad {
        let bodies = [
            (
                "/v1/login/password",
                json!({"email": account.email, "password": account.password, "device_id": "x", "device": device}),
            ),
            (
                "/v1/login/h5",
                json!({"email": account.email, "password": account.password, "device_id": "x", "device": device}),
            ),
            ("/v1/login/discoverable/begin", json!({ "device": device })),
            (
                "/v1/login/third-party",
                json!({"provider": "google", "id_token": id_token, "device": device}),
            ),
        ];
        for (path, body) in bodies {
            let (status, answer) = h.raw("POST", path, None, Some(body)).await;
            assert_eq!(status, 400, "{what} at {path}: {answer}");
            assert_eq!(answer["error"]["code"], "BAD_REQUEST", "{what} at {path}");
        }
    }
    // At the limit (64 characters, not bytes) and null: accepted.
    for device in [device(&"é".repeat(64), &"x".repeat(64)), Value::Null] {
        let (status, answer) = h
            .raw(
                "POST",
                "/v1/login/password",
                None,
                Some(json!({"email": account.email, "password": account.password, "device_id": "x", "device": device})),
            )
            .await;
        assert_eq!(status, 200, "{device}: {answer}");
    }
}

#[tokio::test]
async fn every_sign_in_path_that_opens_a_session_notices_a_new_device() {
    let h = Harness::start().await;

    // Password + code, and password + trust mark (flag off).
    let account = h.sign_up("new-device-paths@bingx.test").await;
    password_and_code(&h, &account, device("Pixel 8", "Android 15")).await;
    let code = password_and_code(&h, &account, device("Code", "OS 1")).await;
    assert_eq!(
        code["new_device"]["model"], "Code",
        "password + code: {code}"
    );
    let trusted = h.raw_sign_in(&account, "trusted-phone", true).await;
    let (status, answer) = h
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(json!({"email": account.email, "password": account.password,
                        "device_id": "trusted-phone", "trust_token": trusted.trust_token,
                        "device": device("Trusted", "OS 1")})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "signed_in", "a trusted device: {answer}");
    assert_eq!(answer["new_device"]["model"], "Trusted", "{answer}");

    // H5 (flag off: exactly the password step, then the code).
    let (status, started) = h
        .raw(
            "POST",
            "/v1/login/h5",
            None,
            Some(
                json!({"email": account.email, "password": account.password, "device_id": "web",
                        "device": device("H5", "Safari 18")}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let login_code = h.code_for(&account.email, "login").await;
    let (status, answer) = h
        .raw(
            "POST",
            "/v1/login/code",
            None,
            Some(json!({"login_id": started["login_id"], "factor": "email", "code": login_code})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["new_device"]["model"], "H5", "H5: {answer}");

    // Third-party.
    let id_token = h.id_token("apple", &account.email).await;
    let (status, answer) = h
        .raw(
            "POST",
            "/v1/login/third-party",
            None,
            Some(json!({"provider": "apple", "id_token": id_token,
                        "device": device("Third party", "OS 1")})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["new_device"]["model"], "Third party",
        "third-party: {answer}"
    );
    let events = new_device_events(&h, token(&answer)).await;
    assert_eq!(
        events.len(),
        4,
        "code, trusted, H5, third-party: {events:?}"
    );

    // Password + passkey and usernameless (flag on): the health says one passkey is at risk.
    let (account, pm) = flagged(
        &h,
        "new-device-paths-2@bingx.test",
        device("Pixel 8", "Android 15"),
    )
    .await;
    let answer = password_and_passkey(&h, &account, &pm, device("Passkey", "OS 1")).await;
    assert_eq!(answer["new_device"]["model"], "Passkey", "{answer}");
    assert_eq!(answer["new_device"]["health"]["at_risk"], true);
    assert_eq!(
        answer["new_device"]["health"]["reasons"],
        json!(["single_passkey"])
    );
    let answer = usernameless(&h, &pm, device("Usernameless", "OS 1"), Value::Null).await;
    assert_eq!(
        answer["new_device"]["model"], "Usernameless",
        "usernameless: {answer}"
    );
    assert_eq!(new_device_events(&h, token(&answer)).await.len(), 2);
}

#[tokio::test]
async fn the_finishing_step_cannot_swap_the_description_its_begin_sent() {
    let h = Harness::start().await;
    let known = device("Pixel 8", "Android 15");
    let (_, pm) = flagged(&h, "new-device-swap@bingx.test", known.clone()).await;
    // The begin says a new device, the finish claims the known one: the begin's counts.
    let answer = usernameless(&h, &pm, device("Unknown", "OS 1"), known.clone()).await;
    assert_eq!(answer["new_device"]["model"], "Unknown", "{answer}");
    // The other way round: the finish cannot make a known device new either.
    let answer = usernameless(&h, &pm, known.clone(), device("Other", "OS 2")).await;
    assert!(answer.get("new_device").is_none(), "{answer}");
    // And a code step likewise keeps its password step's description.
    let plain = h.sign_up("new-device-swap-2@bingx.test").await;
    password_and_code(&h, &plain, known.clone()).await;
    let (status, started) = h
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(
                json!({"email": plain.email, "password": plain.password, "device_id": "x",
                        "device": device("Unknown", "OS 1")}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let code = h.code_for(&plain.email, "login").await;
    let (status, answer) = h
        .raw(
            "POST",
            "/v1/login/code",
            None,
            Some(
                json!({"login_id": started["login_id"], "factor": "email", "code": code,
                        "device": known}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["new_device"]["model"], "Unknown", "{answer}");
}

#[tokio::test]
async fn a_refused_sign_in_records_nothing() {
    let h = Harness::start().await;
    let (account, pm) = flagged(
        &h,
        "new-device-refused@bingx.test",
        device("Pixel 8", "Android 15"),
    )
    .await;
    let stranger = device("Attacker phone", "Android 9");
    let password_body = |path_device: &Value| {
        json!({"email": account.email, "password": account.password, "device_id": "x",
               "device": path_device})
    };
    // H5 and third-party are blocked for a flagged account; a wrong password is refused; a code
    // offered for the passkey login is refused; a wrong passkey login id expires.
    let (status, _) = h
        .raw("POST", "/v1/login/h5", None, Some(password_body(&stranger)))
        .await;
    assert_eq!(status, 403, "H5 is blocked");
    let id_token = h.id_token("google", &account.email).await;
    let (status, _) = h
        .raw(
            "POST",
            "/v1/login/third-party",
            None,
            Some(json!({"provider": "google", "id_token": id_token, "device": stranger})),
        )
        .await;
    assert_eq!(status, 403, "third-party is blocked");
    let mut wrong = password_body(&stranger);
    wrong["password"] = json!("not the password");
    let (status, _) = h.raw("POST", "/v1/login/password", None, Some(wrong)).await;
    assert_eq!(status, 401);
    let (status, started) = h
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(password_body(&stranger)),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let (status, _) = h
        .raw(
            "POST",
            "/v1/login/code",
            None,
            Some(json!({"login_id": started["login_id"], "factor": "email", "code": "000000"})),
        )
        .await;
    assert_eq!(status, 403, "a code never signs a flagged account in");

    // None of them recorded the device: the first sign-in that succeeds from it is noticed, once.
    let answer = password_and_passkey(&h, &account, &pm, stranger.clone()).await;
    assert_eq!(answer["new_device"]["model"], "Attacker phone", "{answer}");
    let events = new_device_events(&h, token(&answer)).await;
    assert_eq!(events.len(), 1, "{events:?}");
}

// ---------------------------------------------------------------------------------------------
// Through the core

/// A core client that describes its device as `model` and `os`, pinning the server's policy key.
async fn described_client(
    h: &Harness,
    pm: Arc<SoftPasswordManager>,
    model: &str,
    os: &str,
) -> PasskeysClient {
    let (status, key) = h.raw("GET", "/v1/policy-key", None, None).await;
    assert_eq!(status, 200, "{key}");
    let key = key["public_key"]
        .as_str()
        .and_then(passkey_types::encoding::try_from_base64url)
        .expect("the policy key");
    let config = Config::for_loopback_test_server(&h.base_url(), RP_ID)
        .and_then(|c| c.with_policy_key(key))
        .and_then(|c| c.with_device(model, os))
        .expect("a valid configuration");
    PasskeysClient::new(config, SecretStore::in_memory().expect("keystore"), pm).expect("client")
}

#[tokio::test]
async fn the_core_sends_its_description_and_hands_the_notice_to_the_app() {
    let h = Harness::start().await;
    let account = h.sign_up("new-device-core@bingx.test").await;
    let pm = h.password_manager();

    let old_phone = described_client(&h, pm.clone(), "Pixel 8", "Android 15").await;
    h.sign_in(&old_phone, &account, "old").await.unwrap();
    assert_eq!(
        old_phone.sign_in().new_device_notice(),
        None,
        "the first device"
    );
    let flow = old_phone.enable();
    h.step_up(&flow, &account).await.unwrap();
    flow.create_passkey(None).await.unwrap();

    // The new phone signs in with the passkey (it syncs): the notice, with the health.
    let new_phone = described_client(&h, pm.clone(), "Pixel 9", "Android 16").await;
    assert_eq!(new_phone.sign_in().new_device_notice(), None);
    h.sign_in(&new_phone, &account, "new").await.unwrap();
    let notice = new_phone
        .sign_in()
        .new_device_notice()
        .expect("a new device");
    assert_eq!(
        (notice.model.as_str(), notice.os.as_str()),
        ("Pixel 9", "Android 16")
    );
    assert!(notice.health.at_risk);
    assert_eq!(notice.health.reasons, vec![HealthReason::SinglePasskey]);
    assert_eq!(notice.health, new_phone.passkeys().health().await.unwrap());
    let text = notice.text();
    assert_eq!(text.key, "health.new_device_warning");
    let args: Vec<(&str, &str)> = text
        .args
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_str()))
        .collect();
    assert_eq!(args, vec![("model", "Pixel 9"), ("os", "Android 16")]);
    let activity = new_phone.passkeys().activity().await.unwrap();
    let event = activity
        .iter()
        .find(|e| e.kind == "new_device_login")
        .expect("in the security activity");
    assert_eq!(event.text().key, "activity.new_device_login");

    // The old phone sees the same event; its own notice stays empty.
    assert!(
        old_phone
            .passkeys()
            .activity()
            .await
            .unwrap()
            .iter()
            .any(|e| e.kind == "new_device_login")
    );
    assert_eq!(old_phone.sign_in().new_device_notice(), None);

    // Signing out clears the notice; the next sign-in from the same phone has none.
    new_phone.sign_in().sign_out().await.unwrap();
    assert_eq!(new_phone.sign_in().new_device_notice(), None);
    h.sign_in(&new_phone, &account, "new").await.unwrap();
    assert_eq!(new_phone.sign_in().new_device_notice(), None, "known now");

    // Usernameless, from a third device: noticed; a refused sign-in clears the last notice.
    let tablet = described_client(&h, pm.clone(), "Pixel Tablet", "Android 16").await;
    tablet.sign_in().with_passkey().await.unwrap();
    assert_eq!(
        tablet.sign_in().new_device_notice().map(|n| n.model),
        Some("Pixel Tablet".to_owned())
    );
    let refused = tablet
        .sign_in()
        .with_password(&account.email, "wrong password", "tablet", None)
        .await;
    assert!(refused.is_err());
    assert_eq!(tablet.sign_in().new_device_notice(), None);
}

#[tokio::test]
async fn the_core_notices_on_the_code_and_third_party_paths_too() {
    let h = Harness::start().await;
    let account = h.sign_up("new-device-core-paths@bingx.test").await;
    let first = described_client(&h, h.password_manager(), "Pixel 8", "Android 15").await;
    h.sign_in(&first, &account, "first").await.unwrap();
    assert_eq!(first.sign_in().new_device_notice(), None);

    // Password + code.
    let second = described_client(&h, h.password_manager(), "iPhone 15", "iOS 18").await;
    let step = second
        .sign_in()
        .with_password(&account.email, &account.password, "second", None)
        .await
        .unwrap();
    let SignInStep::CodeRequired { login_id, .. } = step else {
        panic!("a code: {step:?}")
    };
    assert_eq!(
        second.sign_in().new_device_notice(),
        None,
        "not signed in yet"
    );
    let code = h.code_for(&account.email, "login").await;
    second
        .sign_in()
        .complete_with_code(&login_id, bingx_passkeys_core::Factor::Email, &code, false)
        .await
        .unwrap();
    let notice = second.sign_in().new_device_notice().expect("noticed");
    assert_eq!(notice.model, "iPhone 15");
    assert!(!notice.health.at_risk, "no passkey: nothing at risk");

    // Third-party.
    let third = described_client(&h, h.password_manager(), "Galaxy S24", "Android 14").await;
    let id_token = h.id_token("telegram", &account.email).await;
    third
        .sign_in()
        .with_third_party("telegram", &id_token)
        .await
        .unwrap();
    assert_eq!(
        third.sign_in().new_device_notice().map(|n| n.os),
        Some("Android 14".to_owned())
    );
}

#[tokio::test]
async fn a_client_without_a_description_gets_no_notice() {
    let h = Harness::start().await;
    let account = h.sign_up("new-device-core-none@bingx.test").await;
    let described = described_client(&h, h.password_manager(), "Pixel 8", "Android 15").await;
    h.sign_in(&described, &account, "a").await.unwrap();
    let plain = h.client(h.password_manager());
    h.sign_in(&plain, &account, "b").await.unwrap();
    assert_eq!(plain.sign_in().new_device_notice(), None);
    let activity = plain.passkeys().activity().await.unwrap();
    assert!(activity.iter().all(|e| e.kind != "new_device_login"));
}

#[tokio::test]
async fn a_bad_description_is_a_typed_configuration_error() {
    let config = Config::for_loopback_test_server("http://127.0.0.1:1", RP_ID).unwrap();
    for (model, os) in [
        ("", "Android 15"),
        ("Pixel 8", &*"x".repeat(65)),
        ("Pixel\t8", "Android 15"),
    ] {
        assert_eq!(
            config.clone().with_device(model, os).unwrap_err(),
            ConfigError::BadDevice,
            "{model:?} {os:?}"
        );
    }
    // Set on the public field directly, it is refused when the client is built.
    let mut direct = config;
    direct.device = Some(DeviceDescription {
        model: "Pixel 8".into(),
        os: String::new(),
    });
    let built = PasskeysClient::new(
        direct,
        SecretStore::in_memory().unwrap(),
        Arc::new(SoftPasswordManager::new(
            url::Url::parse(&format!("https://{RP_ID}")).unwrap(),
        )),
    );
    assert!(
        matches!(built, Err(PasskeysError::InvalidConfig { .. })),
        "{built:?}"
    );
}

#[tokio::test]
async fn sign_ins_from_ever_new_devices_never_push_a_change_out_of_the_activity() {
    // Whoever can sign in (here with password and code; with a planted passkey just as well)
    // can name a new model each time: the account keeps its newest 100 notices apart, the list
    // shows 50, and the passkey added before them stays in view.
    let db = common::TempDb::new("new-device-flood");
    let mut config = bingx_passkeys_testkit::server::ServerConfig::for_tests(RP_ID);
    config.db_path = Some(db.0.clone());
    // More sign-ins with a code than one window's sends: the activity's bound is what is tested.
    config.max_code_sends_per_account = i64::MAX;
    let h = Harness::start_with(config).await;
    let account = h.sign_up("new-device-flood@bingx.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let pm = h.password_manager();
    let (status, body) = h.raw_register(&account, &session, &pm, false).await;
    assert_eq!(status, 200, "{body}");
    let mut last = Value::Null;
    for n in 0..130 {
        last = password_and_code(&h, &account, device(&format!("Model {n}"), "Android 16")).await;
    }
    let kept: i64 = rusqlite::Connection::open(&db.0)
        .expect("the database opens")
        .query_row(
            "SELECT COUNT(*) FROM security_events WHERE kind = 'new_device_login'",
            [],
            |row| row.get(0),
        )
        .expect("query");
    assert_eq!(kept, 100, "notices kept");
    let listed = h.raw_events(token(&last)).await;
    let kinds: Vec<&str> = listed.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"passkey_added"), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| **k == "new_device_login").count(),
        50,
        "{kinds:?}"
    );
}
