//! J8, lost phone (issue 10, item 3): a passkey-only account whose owner lost every passkey asks
//! for a support reset with the password and a code; the back office approves it, not before the
//! cooling-off period; approval removes the passkeys, turns the flag off, signs every session out
//! and starts a withdrawal hold; the owner's own passkey can cancel a pending reset. Over raw
//! loopback HTTP (no core in between), each rule as an attacker or the owner meets it.

use std::sync::Arc;
use std::time::Duration;

use bingx_passkeys_testkit::harness::{Harness, RP_ID, TestAccount};
use bingx_passkeys_testkit::server::{AdminToken, ServerConfig};
use bingx_passkeys_testkit::softpm::SoftPasswordManager;
use serde_json::{Value, json};

const PHONE: &str = "+15550008888";
const COOLING_OFF: Duration = Duration::from_secs(24 * 3600);
const HOLD: Duration = Duration::from_secs(48 * 3600);

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<none>")
}

/// An account with a phone, signed in with password + code, that enabled passkeys with `pm`:
/// the account and the enabling session.
async fn flagged(h: &Harness, email: &str, pm: &SoftPasswordManager) -> (TestAccount, String) {
    let password = "correct horse battery staple";
    let (status, body) = h
        .raw(
            "POST",
            "/v1/accounts",
            None,
            Some(json!({"email": email, "password": password, "phone": PHONE})),
        )
        .await;
    assert_eq!(status, 201, "sign-up: {body}");
    let account = TestAccount {
        account_id: body["account_id"].as_str().unwrap().to_owned(),
        email: email.to_owned(),
        password: password.to_owned(),
        totp_secret: body["totp_secret"].as_str().unwrap().to_owned(),
    };
    let session = h.raw_sign_in(&account, "old phone", false).await;
    let (status, body) = h.raw_register(&account, &session, pm, true).await;
    assert_eq!(status, 200, "enable: {body}");
    assert_eq!(body["policy"]["passkey_required"], true);
    (account, session.token)
}

/// `POST /v1/recovery/begin` as anyone who types an email and a password.
async fn begin(h: &Harness, email: &str, password: &str) -> (u16, Value) {
    begin_on(h, email, password, "new phone").await
}

/// [`begin`] from a device that calls itself `device_id`.
async fn begin_on(h: &Harness, email: &str, password: &str, device_id: &str) -> (u16, Value) {
    h.raw_recovery_begin(email, password, device_id).await
}

/// Asks for a reset with the password and the emailed code: the finish answer.
async fn ask_reset(h: &Harness, account: &TestAccount) -> Value {
    ask_reset_on(h, account, "new phone").await
}

/// [`ask_reset`] from a device that calls itself `device_id`.
async fn ask_reset_on(h: &Harness, account: &TestAccount, device_id: &str) -> Value {
    let (status, begun) = begin_on(h, &account.email, &account.password, device_id).await;
    assert_eq!(status, 200, "recovery begin: {begun}");
    let code = h.code_for(&account.email, "recovery").await;
    let (status, finished) = h.raw_recovery_finish(&begun["recovery_id"], &code).await;
    assert_eq!(status, 200, "recovery finish: {finished}");
    finished
}

/// The back office's list of the account's resets.
async fn resets_of(h: &Harness, account: &TestAccount) -> Value {
    let (status, listed) = h
        .raw_admin(
            "GET",
            &format!("/v1/testkit/admin/resets?email={}", account.email),
            Some(h.admin_token()),
            None,
        )
        .await;
    assert_eq!(status, 200, "{listed}");
    listed
}

async fn outbox(h: &Harness, to: &str) -> Vec<Value> {
    let to = to.replace('+', "%2B");
    let (status, body) = h
        .raw("GET", &format!("/v1/testkit/outbox?to={to}"), None, None)
        .await;
    assert_eq!(status, 200, "{body}");
    body["messages"].as_array().cloned().unwrap_or_default()
}

/// The purposes of the messages `to` received, oldest first.
async fn purposes(h: &Harness, to: &str) -> Vec<String> {
    outbox(h, to)
        .await
        .iter()
        .map(|m| m["purpose"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The kinds of the account's security events, newest first.
async fn event_kinds(h: &Harness, session: &str) -> Vec<String> {
    h.raw_events(session)
        .await
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// `POST /v1/recovery/status` with `token`: the status and the answer.
async fn reset_status(h: &Harness, token: &Value) -> (u16, Value) {
    h.raw(
        "POST",
        "/v1/recovery/status",
        None,
        Some(json!({ "reset_token": token })),
    )
    .await
}

fn approve_path(reset_id: &Value) -> String {
    format!(
        "/v1/testkit/admin/resets/{}/approve",
        reset_id.as_str().unwrap()
    )
}

#[tokio::test]
async fn no_approval_without_the_back_office_credential() {
    let h = Harness::start().await;
    let pm = h.password_manager();
    let (account, _) = flagged(&h, "admin-cred@recovery.test", &pm).await;
    let reset = ask_reset(&h, &account).await["reset"].clone();
    h.server()
        .advance_clock(COOLING_OFF + Duration::from_secs(60));
    let approve = approve_path(&reset["reset_id"]);
    let list = format!("/v1/testkit/admin/resets?email={}", account.email);
    let wrong = format!("{}x", h.admin_token());
    for (what, token) in [
        ("no header", None),
        ("an empty header", Some("")),
        ("a wrong credential", Some(wrong.as_str())),
        ("a truncated credential", Some(&h.admin_token()[1..])),
    ] {
        for (method, path) in [("POST", approve.as_str()), ("GET", list.as_str())] {
            let (status, body) = h.raw_admin(method, path, token, None).await;
            assert_eq!(
                (status, code(&body)),
                (401, "ADMIN_REQUIRED"),
                "{what}: {method} {path}: {body}"
            );
        }
    }
    // Nothing happened: the reset is still pending and the passkey still signs in.
    let (status, listed) = h.raw_admin("GET", &list, Some(h.admin_token()), None).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["resets"][0]["status"], "pending", "{listed}");
    h.raw_sign_in_with_passkey(&account, &pm).await;

    // A server started without a credential refuses every caller.
    let mut config = ServerConfig::for_tests(RP_ID);
    config.admin_token = None;
    let bare = bingx_passkeys_testkit::server::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let attached = Harness::attach(&bare.base_url()).await;
    for token in [None, Some(h.admin_token()), Some("")] {
        let (status, body) = attached
            .raw_admin(
                "GET",
                "/v1/testkit/admin/resets?email=a@b.test",
                token,
                None,
            )
            .await;
        assert_eq!((status, code(&body)), (401, "ADMIN_REQUIRED"), "{body}");
    }
    bare.shutdown().await;

    // The right credential is what was missing.
    let (status, approved) = h.approve_reset(reset["reset_id"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
}

#[tokio::test]
async fn no_approval_during_the_cooling_off_and_a_repeated_request_neither_shortens_nor_extends_it()
{
    let h = Harness::start().await;
    let pm = h.password_manager();
    let (account, _) = flagged(&h, "cooling@recovery.test", &pm).await;
    let first = ask_reset(&h, &account).await;
    let reset = first["reset"].clone();
    assert_eq!(reset["status"], "pending");
    assert_eq!(reset["hold_until"], Value::Null);
    let approvable_at = reset["approvable_at"].as_i64().unwrap();
    assert_eq!(
        approvable_at - reset["requested_at"].as_i64().unwrap(),
        COOLING_OFF.as_secs() as i64
    );
    let reset_id = reset["reset_id"].as_str().unwrap().to_owned();

    let too_early = |body: &Value| {
        assert_eq!(code(body), "RESET_COOLING_OFF", "{body}");
        assert_eq!(body["error"]["until"], approvable_at, "{body}");
    };
    let (status, body) = h.approve_reset(&reset_id).await;
    assert_eq!(status, 409);
    too_early(&body);

    // Half-way, the attacker (who knows the password and reads the email) asks again: the same
    // reset comes back, unchanged, with a token of its own.
    h.server().advance_clock(COOLING_OFF / 2);
    let again = ask_reset(&h, &account).await;
    assert_eq!(again["reset"], reset, "a repeated request changes nothing");
    assert_ne!(again["reset_token"], first["reset_token"]);
    for token in [&first["reset_token"], &again["reset_token"]] {
        let (status, body) = reset_status(&h, token).await;
        assert_eq!((status, &body), (200, &reset));
    }
    let (status, body) = h.approve_reset(&reset_id).await;
    assert_eq!(status, 409);
    too_early(&body);

    // A minute before the end of the first request's cooling-off: still too early.
    let left = approvable_at - h.server().unix_time() as i64;
    h.server()
        .advance_clock(Duration::from_secs((left - 60).max(0) as u64));
    let (status, body) = h.approve_reset(&reset_id).await;
    assert_eq!(status, 409);
    too_early(&body);
    // A minute after it: approvable, although the second request is only half as old.
    h.server().advance_clock(Duration::from_secs(120));
    let (status, body) = h.approve_reset(&reset_id).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["approvable_at"], approvable_at);

    let listed = resets_of(&h, &account).await;
    assert_eq!(listed["resets"].as_array().unwrap().len(), 1, "{listed}");
}

#[tokio::test]
async fn asking_for_a_reset_does_not_tell_which_emails_have_accounts() {
    let h = Harness::start().await;
    let pm = h.password_manager();
    let (account, _) = flagged(&h, "known@recovery.test", &pm).await;
    let sent_before = outbox(&h, &account.email).await.len();

    let checks = h.server().password_checks_run();
    let (unknown_status, unknown) = begin(&h, "nobody@recovery.test", "some password").await;
    assert_eq!(h.server().password_checks_run(), checks + 1, "one check");
    let (wrong_status, wrong) = begin(&h, &account.email, "wrong password").await;
    assert_eq!(h.server().password_checks_run(), checks + 2, "one check");
    let (malformed_status, malformed) = begin(&h, "not an email", "some password").await;
    assert_eq!(h.server().password_checks_run(), checks + 3, "one check");

    assert_eq!(
        (unknown_status, code(&unknown)),
        (401, "INVALID_CREDENTIALS")
    );
    assert_eq!((wrong_status, &wrong), (unknown_status, &unknown));
    assert_eq!((malformed_status, &malformed), (unknown_status, &unknown));
    assert!(outbox(&h, "nobody@recovery.test").await.is_empty());
    assert_eq!(outbox(&h, &account.email).await.len(), sent_before);
    assert!(!purposes(&h, PHONE).await.contains(&"recovery".to_owned()));

    // A right password for an account without the requirement: nothing to reset, nothing sent.
    let plain = h.sign_up("plain@recovery.test").await;
    let sent_before = outbox(&h, &plain.email).await.len();
    let (status, body) = begin(&h, &plain.email, &plain.password).await;
    assert_eq!((status, code(&body)), (409, "RESET_NOT_NEEDED"), "{body}");
    assert_eq!(outbox(&h, &plain.email).await.len(), sent_before);
}

#[tokio::test]
async fn wrong_codes_end_the_request_and_file_nothing() {
    let h = Harness::start().await;
    let pm = h.password_manager();
    let (account, _) = flagged(&h, "codes@recovery.test", &pm).await;
    let (status, begun) = begin(&h, &account.email, &account.password).await;
    assert_eq!(status, 200, "{begun}");
    assert_eq!(begun["factors"], json!(["email", "sms", "totp"]));
    let sent = h.code_for(&account.email, "recovery").await;
    let texted = outbox(&h, PHONE).await;
    let texted = texted.iter().rev().find(|m| m["purpose"] == "recovery");
    assert_eq!(
        texted.and_then(|m| m["code"].as_str()).map(str::len),
        Some(6)
    );
    let wrong = if sent == "000000" { "000001" } else { "000000" };
    let finish =
        |code: &str| json!({"recovery_id": begun["recovery_id"], "factor": "email", "code": code});
    for _ in 0..5 {
        let (status, body) = h
            .raw("POST", "/v1/recovery/finish", None, Some(finish(wrong)))
            .await;
        assert_eq!((status, code(&body)), (401, "CODE_INVALID"), "{body}");
    }
    let (status, body) = h
        .raw("POST", "/v1/recovery/finish", None, Some(finish(&sent)))
        .await;
    assert_eq!((status, code(&body)), (401, "LOGIN_EXPIRED"), "{body}");
    let listed = resets_of(&h, &account).await;
    assert_eq!(listed["resets"], json!([]));
    // An unknown reset token or reset id names nothing.
    let (status, body) = reset_status(&h, &json!("not-a-token")).await;
    assert_eq!((status, code(&body)), (404, "RESET_NOT_FOUND"));
    let (status, body) = h.approve_reset("not-a-reset").await;
    assert_eq!((status, code(&body)), (404, "RESET_NOT_FOUND"));
}

#[tokio::test]
async fn a_password_change_ends_the_reset_requests_begun_with_the_old_password() {
    // Someone who had the password asked for a reset; the owner changes the password with the
    // passkey before the code is used: the request ends, nothing is filed.
    let h = Harness::start().await;
    let pm = h.password_manager();
    let (account, session) = flagged(&h, "changed@recovery.test", &pm).await;
    let (status, begun) = begin(&h, &account.email, &account.password).await;
    assert_eq!(status, 200, "{begun}");
    let sent = h.code_for(&account.email, "recovery").await;
    let proof = h.raw_proof(&session, &pm, "security_settings").await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/account/password",
            Some(&session),
            Some(json!({"new_password": "a brand new password", "proof": proof})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = h
        .raw(
            "POST",
            "/v1/recovery/finish",
            None,
            Some(json!({"recovery_id": begun["recovery_id"], "factor": "email", "code": sent})),
        )
        .await;
    assert_eq!((status, code(&body)), (401, "LOGIN_EXPIRED"), "{body}");
    let listed = resets_of(&h, &account).await;
    assert_eq!(listed["resets"], json!([]), "nothing was filed");
}

#[tokio::test]
async fn the_owner_cancels_a_pending_reset_with_a_passkey_and_it_is_never_approved() {
    let h = Harness::start().await;
    let pm = h.password_manager();
    let (account, _) = flagged(&h, "cancel@recovery.test", &pm).await;
    // Somebody with the password and the mailbox asks.
    let asked = ask_reset(&h, &account).await;
    let reset_id = asked["reset"]["reset_id"].as_str().unwrap().to_owned();

    // The owner, who still has the passkey, sees it.
    let session = h.raw_sign_in_with_passkey(&account, &pm).await;
    let (status, overview) = h.raw("GET", "/v1/recovery", Some(&session), None).await;
    assert_eq!(status, 200);
    assert_eq!(overview["pending_reset"], asked["reset"]);
    assert_eq!(overview["hold_until"], Value::Null);

    // A session alone, or a proof for something else, does not cancel it.
    let other = h.raw_proof(&session, &pm, "security_settings").await;
    for (what, proof) in [
        ("no proof", Value::Null),
        ("a made-up proof", json!("made-up")),
        ("a security_settings proof", json!(other)),
    ] {
        let (status, body) = h
            .raw(
                "POST",
                "/v1/recovery/cancel",
                Some(&session),
                Some(json!({ "proof": proof })),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (403, "PASSKEY_VERIFICATION_REQUIRED"),
            "{what}: {body}"
        );
    }

    let proof = h.raw_proof(&session, &pm, "cancel_reset").await;
    let (status, cancelled) = h
        .raw(
            "POST",
            "/v1/recovery/cancel",
            Some(&session),
            Some(json!({ "proof": proof })),
        )
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["reset_id"], reset_id.as_str());
    assert_eq!(cancelled["status"], "cancelled");
    let (_, status_now) = reset_status(&h, &asked["reset_token"]).await;
    assert_eq!(status_now, cancelled);

    // Nothing is pending any more.
    let proof = h.raw_proof(&session, &pm, "cancel_reset").await;
    let (status, body) = h
        .raw(
            "POST",
            "/v1/recovery/cancel",
            Some(&session),
            Some(json!({ "proof": proof })),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "RESET_NOT_PENDING"));

    // After the cooling-off, the back office can't approve the cancelled reset.
    h.server()
        .advance_clock(COOLING_OFF + Duration::from_secs(60));
    let (status, body) = h.approve_reset(&reset_id).await;
    assert_eq!((status, code(&body)), (409, "RESET_NOT_PENDING"), "{body}");
    // (The session outlived its day; the passkey signs in again.)
    let session = h.raw_sign_in_with_passkey(&account, &pm).await;
    let (status, list) = h.raw("GET", "/v1/passkeys", Some(&session), None).await;
    assert_eq!(status, 200);
    assert_eq!(list["passkeys"].as_array().unwrap().len(), 1, "{list}");

    let kinds = event_kinds(&h, &session).await;
    assert!(kinds.contains(&"reset_requested".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"reset_cancelled".to_owned()), "{kinds:?}");
    assert!(!kinds.contains(&"reset_approved".to_owned()), "{kinds:?}");
    for to in [account.email.as_str(), PHONE] {
        let notices = purposes(&h, to).await;
        assert!(
            notices.contains(&"notice_reset_requested".to_owned()),
            "{to}: {notices:?}"
        );
        assert!(
            notices.contains(&"notice_reset_cancelled".to_owned()),
            "{to}: {notices:?}"
        );
    }
}

#[tokio::test]
async fn approval_signs_everyone_out_and_the_hold_refuses_withdrawals_until_it_ends() {
    // Sessions that outlive the cooling-off, so that only the approval can end them.
    let mut config = ServerConfig::for_tests(RP_ID);
    config.session_ttl = Duration::from_secs(30 * 24 * 3600);
    let h = Harness::start_with(config).await;
    let lost_pm = h.password_manager();
    let (account, enabling_session) = flagged(&h, "lost@recovery.test", &lost_pm).await;
    let asked = ask_reset(&h, &account).await;
    h.server()
        .advance_clock(COOLING_OFF + Duration::from_secs(1));
    let passkey_session = h.raw_sign_in_with_passkey(&account, &lost_pm).await;
    for session in [&enabling_session, &passkey_session] {
        let (status, body) = h.raw("GET", "/v1/passkeys", Some(session), None).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, approved) = h
        .approve_reset(asked["reset"]["reset_id"].as_str().unwrap())
        .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    let hold_until = approved["hold_until"].as_i64().unwrap();
    let now = h.server().unix_time() as i64;
    assert!(hold_until > now && hold_until <= now + HOLD.as_secs() as i64);

    // Every session is over.
    for session in [&enabling_session, &passkey_session] {
        let (status, body) = h.raw("GET", "/v1/passkeys", Some(session), None).await;
        assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    }
    // The lost passkey signs nobody in any more; the flag is off, so password + code does.
    let (status, started) = h
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(json!({"email": account.email, "password": account.password, "device_id": "new phone"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(started["status"], "code_required", "{started}");
    let session = h.raw_sign_in(&account, "new phone", false).await;
    let token = session.token.clone();
    let (_, list) = h.raw("GET", "/v1/passkeys", Some(&token), None).await;
    assert_eq!(list["passkeys"], json!([]), "{list}");
    let (_, policy) = h.raw("GET", "/v1/policy", Some(&token), None).await;
    assert_eq!(policy["passkey_required"], false);
    let (_, overview) = h.raw("GET", "/v1/recovery", Some(&token), None).await;
    assert_eq!(
        overview,
        json!({"pending_reset": null, "hold_until": hold_until})
    );

    // The owner re-enrols during the hold: a step-up (the flag is off), a new passkey, Enable.
    let new_pm = h.password_manager();
    let (status, enabled) = h.raw_register(&account, &session, &new_pm, true).await;
    assert_eq!(
        status, 200,
        "re-enrolling is allowed during the hold: {enabled}"
    );
    assert_eq!(enabled["policy"]["passkey_required"], true);
    let credential_id = enabled["passkey"]["credential_id"].as_str().unwrap();

    // What the hold refuses, each with its end.
    let proof = h.raw_proof(&token, &new_pm, "delete_passkey").await;
    let disable_proof = h.raw_proof(&token, &new_pm, "disable_passkeys").await;
    let held: Vec<(&str, String, Value)> = vec![
        (
            "POST",
            "/v1/withdrawals".to_owned(),
            json!({"asset": "USDT", "address": "TXabc", "amount": "10"}),
        ),
        (
            "DELETE",
            format!("/v1/passkeys/{credential_id}"),
            json!({ "proof": proof }),
        ),
        (
            "POST",
            "/v1/policy/disable".to_owned(),
            json!({ "proof": disable_proof }),
        ),
        (
            "POST",
            "/v1/account/password".to_owned(),
            json!({"new_password": "a brand new password"}),
        ),
        (
            "POST",
            "/v1/passkeys/verify/begin".to_owned(),
            json!({"purpose": "security_settings"}),
        ),
        (
            "POST",
            "/v1/scenarios/verify/begin".to_owned(),
            json!({"scenario": "withdrawal", "params": {}}),
        ),
        (
            "POST",
            "/v1/scenarios/verify/begin".to_owned(),
            json!({"scenario": "security_settings"}),
        ),
        (
            "POST",
            "/v1/scenarios/verify/begin".to_owned(),
            json!({"scenario": "api_keys"}),
        ),
    ];
    for (method, path, body) in &held {
        let (status, answer) = h.raw(method, path, Some(&token), Some(body.clone())).await;
        assert_eq!(
            (status, code(&answer)),
            (403, "ACCOUNT_ON_HOLD"),
            "{method} {path}: {answer}"
        );
        assert_eq!(answer["error"]["until"], hold_until, "{answer}");
    }
    // What stays open: sign-in with the new passkey, the list, renaming, the login scenario.
    let passkey_token = h.raw_sign_in_with_passkey(&account, &new_pm).await;
    let rename = h.raw_proof(&passkey_token, &new_pm, "rename_passkey").await;
    let (status, body) = h
        .raw(
            "PATCH",
            &format!("/v1/passkeys/{credential_id}"),
            Some(&passkey_token),
            Some(json!({"name": "new phone", "proof": rename})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = h
        .raw(
            "POST",
            "/v1/scenarios/verify/begin",
            Some(&passkey_token),
            Some(json!({"scenario": "login"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // A minute before the end: still held. Then the hold ends by time alone.
    let left = hold_until - h.server().unix_time() as i64;
    h.server()
        .advance_clock(Duration::from_secs((left - 60).max(0) as u64));
    let (status, body) = h
        .raw("POST", &held[0].1, Some(&token), Some(held[0].2.clone()))
        .await;
    assert_eq!((status, code(&body)), (403, "ACCOUNT_ON_HOLD"));
    h.server().advance_clock(Duration::from_secs(61));
    let (status, body) = h
        .raw("POST", &held[0].1, Some(&token), Some(held[0].2.clone()))
        .await;
    assert_eq!(status, 200, "withdrawals are allowed again: {body}");
    let (status, body) = h
        .raw(
            "POST",
            "/v1/passkeys/verify/begin",
            Some(&token),
            Some(json!({"purpose": "security_settings"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, overview) = h.raw("GET", "/v1/recovery", Some(&token), None).await;
    assert_eq!(overview, json!({"pending_reset": null, "hold_until": null}));

    // The request, the approval and the hold are in the security activity and the outbox.
    let kinds = event_kinds(&h, &token).await;
    for kind in ["reset_requested", "reset_approved", "withdrawal_hold"] {
        assert!(kinds.contains(&kind.to_owned()), "{kind}: {kinds:?}");
    }
    for to in [account.email.as_str(), PHONE] {
        let messages = outbox(&h, to).await;
        for purpose in ["notice_reset_requested", "notice_reset_approved"] {
            let notice = messages
                .iter()
                .find(|m| m["purpose"] == purpose)
                .unwrap_or_else(|| panic!("{to}: no {purpose}"));
            assert_eq!(notice["code"], "", "a notice carries no code");
        }
    }
}

#[tokio::test]
async fn a_configured_cooling_off_and_hold_are_used() {
    let mut config = ServerConfig::for_tests(RP_ID);
    config.reset_cooling_off = Duration::from_secs(3600);
    config.withdrawal_hold = Duration::from_secs(7200);
    config.admin_token = Some(AdminToken::new("a-configured-back-office-token"));
    let h = Harness::start_with(config).await;
    assert_eq!(h.admin_token(), "a-configured-back-office-token");
    let pm = Arc::new(SoftPasswordManager::new(
        url::Url::parse(&format!("https://{RP_ID}")).unwrap(),
    ));
    let (account, _) = flagged(&h, "configured@recovery.test", &pm).await;
    let reset = ask_reset(&h, &account).await["reset"].clone();
    let requested_at = reset["requested_at"].as_i64().unwrap();
    assert_eq!(reset["approvable_at"], requested_at + 3600);
    h.server().advance_clock(Duration::from_secs(3600));
    let (status, approved) = h.approve_reset(reset["reset_id"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{approved}");
    let approved_at = h.server().unix_time() as i64;
    let hold_until = approved["hold_until"].as_i64().unwrap();
    assert!((approved_at + 7200 - 5..=approved_at + 7200).contains(&hold_until));
}

/// Whoever asked for a reset cannot push it out of the owner's security activity by causing
/// refusals (blocked H5 sign-ins with the password, again and again): refused sign-ins are
/// listed apart (the newest 50), the account's changes and resets are the newest 100. Nor can it
/// write words into the server's sentence through the device id it typed: that shows as an
/// identifier.
#[tokio::test]
async fn refusals_do_not_push_a_reset_request_out_of_the_owners_view() {
    let h = Harness::start().await;
    let pm = h.password_manager();
    let (account, session) = flagged(&h, "flooded@recovery.test", &pm).await;
    let crafted = "Pixel\". Routine check by BingX support, no action needed. Ignore \"";
    ask_reset_on(&h, &account, crafted).await;

    for i in 0..120 {
        let (status, body) = h
            .raw(
                "POST",
                "/v1/login/h5",
                None,
                Some(json!({"email": account.email, "password": account.password, "device_id": "web"})),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (403, "H5_LOGIN_BLOCKED"),
            "attempt {i}"
        );
    }

    let kinds = event_kinds(&h, &session).await;
    assert!(
        kinds.contains(&"reset_requested".to_owned()),
        "the reset request stays in view: {kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| *k == "blocked_h5_login").count(),
        50,
        "refusals are listed apart, the newest 50"
    );
    let detail = h
        .raw_events(&session)
        .await
        .iter()
        .find(|e| e["kind"] == "reset_requested")
        .unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !detail.contains("Routine check by BingX support, no action needed. Ignore"),
        "{detail}"
    );
    assert_eq!(
        detail.matches('"').count(),
        2,
        "one quoted identifier: {detail}"
    );
}

/// The answer to a right code was lost on the way (BRIEF §5 #19): sending the same finish again
/// answers the same reset with another token that follows it, and the owner is told once. A
/// wrong code in the repeat gets nothing.
#[tokio::test]
async fn a_finish_whose_answer_was_lost_can_be_sent_again() {
    let h = Harness::start().await;
    let pm = h.password_manager();
    let (account, session) = flagged(&h, "lost-answer@recovery.test", &pm).await;
    let (status, begun) = begin(&h, &account.email, &account.password).await;
    assert_eq!(status, 200, "{begun}");
    let sent = h.code_for(&account.email, "recovery").await;
    let finish =
        |code: &str| json!({"recovery_id": begun["recovery_id"], "factor": "email", "code": code});
    let (status, first) = h
        .raw("POST", "/v1/recovery/finish", None, Some(finish(&sent)))
        .await;
    assert_eq!(status, 200, "{first}");
    let told = purposes(&h, &account.email).await;

    let wrong = if sent == "000000" { "111111" } else { "000000" };
    let (status, refused) = h
        .raw("POST", "/v1/recovery/finish", None, Some(finish(wrong)))
        .await;
    assert_eq!((status, code(&refused)), (401, "CODE_INVALID"), "{refused}");
    let (status, again) = h
        .raw("POST", "/v1/recovery/finish", None, Some(finish(&sent)))
        .await;
    assert_eq!(status, 200, "the repeat is answered: {again}");
    assert_eq!(again["reset"], first["reset"], "the same reset");
    assert_ne!(again["reset_token"], first["reset_token"]);
    for token in [&first["reset_token"], &again["reset_token"]] {
        let (status, followed) = reset_status(&h, token).await;
        assert_eq!(status, 200, "{followed}");
        assert_eq!(followed["reset_id"], first["reset"]["reset_id"]);
    }
    assert_eq!(purposes(&h, &account.email).await, told, "told once");
    let kinds = event_kinds(&h, &session).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "reset_requested").count(),
        1,
        "{kinds:?}"
    );
}

/// The back office refuses a reset (one that a code thief may have filed): nothing changes but
/// the reset, the owner reads it and gets a notice, it can be neither approved nor refused
/// again, and a later request files a new one.
#[tokio::test]
async fn the_back_office_can_refuse_a_reset_and_nothing_changes() {
    let h = Harness::start().await;
    let pm = h.password_manager();
    let (account, session) = flagged(&h, "rejected@recovery.test", &pm).await;
    let asked = ask_reset(&h, &account).await;
    let reset_id = asked["reset"]["reset_id"].clone();
    let reject_path = approve_path(&reset_id).replace("/approve", "/reject");

    let (status, body) = h.raw_admin("POST", &reject_path, None, None).await;
    assert_eq!((status, code(&body)), (401, "ADMIN_REQUIRED"));
    let (status, rejected) = h
        .raw_admin("POST", &reject_path, Some(h.admin_token()), None)
        .await;
    assert_eq!(status, 200, "{rejected}");
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["hold_until"], Value::Null);
    let (status, followed) = reset_status(&h, &asked["reset_token"]).await;
    assert_eq!(
        (status, followed["status"].clone()),
        (200, json!("rejected"))
    );
    assert!(followed.get("policy").is_none(), "{followed}");

    // Nothing changed: the flag, the passkey and the owner's session stand.
    let (status, policy) = h.raw("GET", "/v1/policy", Some(&session), None).await;
    assert_eq!(status, 200, "{policy}");
    assert_eq!(policy["passkey_required"], true);
    assert_eq!(policy["passkey_count"], 1);
    assert!(
        event_kinds(&h, &session)
            .await
            .contains(&"reset_rejected".to_owned())
    );
    assert!(
        purposes(&h, &account.email)
            .await
            .contains(&"notice_reset_rejected".to_owned())
    );
    assert!(
        purposes(&h, PHONE)
            .await
            .contains(&"notice_reset_rejected".to_owned())
    );

    // Decided: neither approved after the cooling-off nor refused again.
    h.server()
        .advance_clock(COOLING_OFF + Duration::from_secs(60));
    let reset_id = reset_id.as_str().unwrap();
    let (status, body) = h.approve_reset(reset_id).await;
    assert_eq!((status, code(&body)), (409, "RESET_NOT_PENDING"));
    let (status, body) = h
        .raw_admin("POST", &reject_path, Some(h.admin_token()), None)
        .await;
    assert_eq!((status, code(&body)), (409, "RESET_NOT_PENDING"));
    // The owner who really lost the phone asks again: a new reset.
    let again = ask_reset(&h, &account).await;
    assert_ne!(again["reset"]["reset_id"], json!(reset_id));
    assert_eq!(again["reset"]["status"], "pending");
}

/// A reset the back office leaves undecided past `reset_expiry` (from the first request)
/// expires unchanged: it cannot be approved any more, its followers see `expired`, and a new
/// request files a new one with a cooling-off of its own.
#[tokio::test]
async fn an_undecided_reset_expires_and_a_new_request_starts_afresh() {
    let mut config = ServerConfig::for_tests(RP_ID);
    config.reset_expiry = Duration::from_secs(3 * 24 * 3600);
    // The owner's session outlives the wait, to read the account's side.
    config.session_ttl = Duration::from_secs(30 * 24 * 3600);
    let h = Harness::start_with(config).await;
    let pm = h.password_manager();
    let (account, session) = flagged(&h, "expired@recovery.test", &pm).await;
    let asked = ask_reset(&h, &account).await;
    let reset_id = asked["reset"]["reset_id"].as_str().unwrap().to_owned();

    h.server()
        .advance_clock(Duration::from_secs(3 * 24 * 3600 - 60));
    let (_, overview) = h.raw("GET", "/v1/recovery", Some(&session), None).await;
    assert_eq!(overview["pending_reset"]["status"], "pending", "{overview}");
    h.server().advance_clock(Duration::from_secs(120));
    let (status, overview) = h.raw("GET", "/v1/recovery", Some(&session), None).await;
    assert_eq!(status, 200, "{overview}");
    assert_eq!(overview["pending_reset"], Value::Null, "{overview}");
    let (status, followed) = reset_status(&h, &asked["reset_token"]).await;
    assert_eq!(
        (status, followed["status"].clone()),
        (200, json!("expired"))
    );
    let (status, body) = h.approve_reset(&reset_id).await;
    assert_eq!((status, code(&body)), (409, "RESET_NOT_PENDING"));
    let (_, policy) = h.raw("GET", "/v1/policy", Some(&session), None).await;
    assert_eq!(policy["passkey_required"], true);

    let again = ask_reset(&h, &account).await;
    assert_ne!(again["reset"]["reset_id"], json!(reset_id));
    let requested_at = again["reset"]["requested_at"].as_i64().unwrap();
    assert_eq!(
        again["reset"]["approvable_at"].as_i64().unwrap() - requested_at,
        COOLING_OFF.as_secs() as i64
    );
}

#[test]
fn a_reset_expiry_within_the_cooling_off_is_refused() {
    let mut config = ServerConfig::for_tests(RP_ID);
    config.reset_expiry = config.reset_cooling_off;
    assert!(config.validate().is_err());
}
