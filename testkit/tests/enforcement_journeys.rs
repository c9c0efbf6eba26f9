//! Journeys J2–J6 with the flag on, end to end over loopback HTTP: the core drives, passkey-rs
//! answers, the reference server verifies with webauthn-rs and enforces (BRIEF §2, §5).

use std::collections::BTreeMap;
use std::sync::Arc;

use bingx_passkeys_core::{
    LoginPath, PasskeysClient, PasskeysError, PlatformAuthenticator, SecretStore, ServerCode,
    SignInStep, Step,
};
use bingx_passkeys_testkit::harness::{Harness, RP_ID, TestAccount, TwoPasswordManagers};
use bingx_passkeys_testkit::netcut::{Cut, NetCut};
use bingx_passkeys_testkit::softpm::SoftPasswordManager;
use serde_json::{Value, json};

/// Alice, signed in on her phone (keystore `store`), with the requirement on (J1 done through
/// the core).
struct Enabled {
    h: Harness,
    alice: TestAccount,
    pm: Arc<SoftPasswordManager>,
    phone: PasskeysClient,
    store: SecretStore,
}

async fn enabled() -> Enabled {
    let h = Harness::start().await;
    let alice = h.sign_up("alice@enforce.test").await;
    let pm = h.password_manager();
    let store = SecretStore::in_memory().unwrap();
    let phone = h.client_with(&h.base_url(), store.clone(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    flow.create_passkey(Some("Alice's phone")).await.unwrap();
    Enabled {
        h,
        alice,
        pm,
        phone,
        store,
    }
}

/// A phone with two password managers, `first` and a new one (returned): a new passkey lands in
/// the second when the first already holds the account's. It talks to `base_url`.
fn two_managers(
    h: &Harness,
    base_url: &str,
    first: &Arc<SoftPasswordManager>,
) -> (PasskeysClient, Arc<SoftPasswordManager>) {
    let second = h.password_manager();
    let phone = h.client_with(
        base_url,
        SecretStore::in_memory().unwrap(),
        Arc::new(TwoPasswordManagers {
            first: first.clone(),
            second: second.clone(),
        }),
    );
    (phone, second)
}

#[tokio::test]
async fn an_id_no_passkey_can_have_costs_no_verification() {
    // An app bug (no id, or the base64url text's bytes of a long one): the user is not asked to
    // verify with their passkey for a change that cannot happen.
    let Enabled {
        h: _server,
        pm,
        phone,
        ..
    } = enabled().await;
    let asked = pm.get_calls();
    let page = phone.passkeys();
    for id in [&[][..], &[7; 1024][..]] {
        let renamed = page.rename(id, "Work phone").await.unwrap_err();
        assert_eq!(renamed.server_code(), Some(&ServerCode::PasskeyNotFound));
        // Nothing to delete: the list as it is, as after a delete whose answer was lost.
        assert_eq!(page.delete(id).await.unwrap().len(), 1);
    }
    assert_eq!(pm.get_calls(), asked, "no verification was asked for");
}

#[tokio::test]
async fn a_passkey_added_on_another_device_lets_this_one_delete_its_old_passkey() {
    // Alice's phone last heard that her account has one passkey. She adds a second one on her
    // tablet; back on the phone, deleting the old passkey is not refused as her last one on the
    // phone's stale count: the account's policy, asked once, decides.
    let Enabled {
        h,
        alice: _,
        pm,
        phone,
        ..
    } = enabled().await;
    let (tablet, second) = two_managers(&h, &h.base_url(), &pm);
    tablet.sign_in().with_passkey().await.unwrap();
    let added = tablet.passkeys().add(Some("Tablet")).await.unwrap();
    assert_eq!(added.passkeys.len(), 2);
    assert_eq!(second.credential_ids(RP_ID).len(), 1);

    let old = pm.credential_ids(RP_ID)[0].clone();
    let list = phone.passkeys().delete(&old).await.unwrap();
    assert_eq!(
        list.iter()
            .map(|p| p.credential_id.clone())
            .collect::<Vec<_>>(),
        vec![added.passkey.credential_id.clone()]
    );
    // Now it is the last one, and the phone knows it: refused before any ceremony.
    let gets = second.get_calls() + pm.get_calls();
    assert_eq!(
        phone.passkeys().delete(&added.passkey.credential_id).await,
        Err(PasskeysError::LastPasskey)
    );
    assert_eq!(second.get_calls() + pm.get_calls(), gets);
}

async fn outbox_len(h: &Harness, to: &str) -> usize {
    let (_, body) = h
        .raw("GET", &format!("/v1/testkit/outbox?to={to}"), None, None)
        .await;
    body["messages"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn j2_password_login_needs_the_passkey_and_never_a_code() {
    let Enabled { h, alice, pm, .. } = enabled().await;
    // A new phone whose password manager syncs Alice's passkey (the same vault).
    let new_phone = h.client(pm.clone());
    let codes_before = outbox_len(&h, &alice.email).await;
    let before = new_phone.requests_sent();
    let step = new_phone
        .sign_in()
        .with_password(&alice.email, &alice.password, "new-phone", None)
        .await
        .unwrap();
    let SignInStep::PasskeyRequired { login_id } = step else {
        panic!("expected passkey required, got {step:?}");
    };
    // The device refuses a code for this attempt without asking the server.
    let requests = new_phone.requests_sent();
    assert_eq!(
        new_phone
            .sign_in()
            .complete_with_code(
                &login_id,
                bingx_passkeys_core::Factor::Email,
                "123456",
                false
            )
            .await,
        Err(PasskeysError::PasskeyRequired)
    );
    assert_eq!(
        new_phone.requests_sent(),
        requests,
        "no request for a refused factor"
    );
    let account = new_phone
        .sign_in()
        .complete_with_passkey(&login_id)
        .await
        .unwrap();
    assert_eq!(account, alice.account_id);
    assert_eq!(
        new_phone.requests_sent() - before,
        2,
        "password + assertion = 2 round trips"
    );
    assert_eq!(
        outbox_len(&h, &alice.email).await,
        codes_before,
        "no code was ever sent"
    );
    assert!(new_phone.sign_in().is_signed_in().unwrap());
    // The passkey shows as used.
    let list = new_phone.passkeys().list().await.unwrap();
    assert!(list[0].last_used_at.is_some());
}

#[tokio::test]
async fn a_fresh_phone_learns_from_the_passkey_sign_in_that_the_account_needs_passkeys() {
    // BRIEF §5 #2: refused on the device before any request, where it knows the account — and
    // a phone that signed in with the passkey knows, without asking for the policy first.
    let Enabled { h, alice, pm, .. } = enabled().await;
    for usernameless in [false, true] {
        let new_phone = h.client(pm.clone());
        if usernameless {
            new_phone.sign_in().with_passkey().await.unwrap();
        } else {
            let step = new_phone
                .sign_in()
                .with_password(&alice.email, &alice.password, "new-phone", None)
                .await
                .unwrap();
            let SignInStep::PasskeyRequired { login_id } = step else {
                panic!("{step:?}");
            };
            new_phone
                .sign_in()
                .complete_with_passkey(&login_id)
                .await
                .unwrap();
        }
        let before = new_phone.requests_sent();
        assert_eq!(
            new_phone.sign_in().check_path(LoginPath::ThirdParty),
            Err(PasskeysError::PathBlocked {
                path: LoginPath::ThirdParty
            }),
            "usernameless: {usernameless}"
        );
        assert_eq!(
            new_phone
                .sign_in()
                .with_third_party("google", &h.id_token("google", &alice.email).await)
                .await,
            Err(PasskeysError::PathBlocked {
                path: LoginPath::ThirdParty
            })
        );
        assert_eq!(
            new_phone.requests_sent(),
            before,
            "refused before any request"
        );
    }
}

#[tokio::test]
async fn a_requirement_turned_off_elsewhere_does_not_lock_the_phone_that_marked_it() {
    // The phone marked Alice; Bob used it since. Alice turns the requirement off on another
    // device. Her third-party sign-in on the phone brings her signed, newer policy: it lifts the
    // mark, and the session is kept (the phone does not refuse her for good).
    let Enabled {
        h,
        alice,
        pm,
        phone,
        ..
    } = enabled().await;
    phone.sign_in().sign_out().await.unwrap();
    let bob = h.sign_up("bob@enforce.test").await;
    h.sign_in(&phone, &bob, "phone").await.unwrap();
    phone.sign_in().sign_out().await.unwrap();

    let laptop = h.client(pm.clone());
    laptop.sign_in().with_passkey().await.unwrap();
    let policy = laptop.passkeys().turn_off_requirement().await.unwrap();
    assert!(!policy.passkey_required);

    let account = phone
        .sign_in()
        .with_third_party("google", &h.id_token("google", &alice.email).await)
        .await
        .unwrap();
    assert_eq!(account, alice.account_id);
    assert!(phone.sign_in().is_signed_in().unwrap());
    assert_eq!(phone.sign_in().check_path(LoginPath::H5), Ok(()));
}

/// A later phase reopens third-party login while passkeys stay required (BRIEF J6: reopening is
/// policy). The phone that marked the account has the new policy; its third-party sign-in gets
/// a session, and the answer's signed policy, made for this request, says the path is open: the
/// session is kept. H5 stays blocked.
#[tokio::test]
async fn a_third_party_login_reopened_by_policy_is_kept_on_a_phone_that_marked_the_account() {
    let Enabled {
        h, alice, phone, ..
    } = enabled().await;
    let status = h
        .set_server_policy(json!({"reopen_third_party_login": true}))
        .await;
    assert_eq!(status, 200);
    let policy = phone.passkeys().policy().await.unwrap();
    assert!(policy.passkey_required && !policy.blocked_paths.contains(&"third_party_login".into()));
    phone.sign_in().sign_out().await.unwrap();

    let account = phone
        .sign_in()
        .with_third_party("google", &h.id_token("google", &alice.email).await)
        .await
        .expect("the path is open by the server's signed word");
    assert_eq!(account, alice.account_id);
    assert!(phone.sign_in().is_signed_in().unwrap());
    assert!(h5_blocked(&phone));
}

#[tokio::test]
async fn j2_otp_and_trusted_devices_get_no_session() {
    // BRIEF §5 #1 at the server, for an attacker holding the password, a code and a trust mark.
    let h = Harness::start().await;
    let alice = h.sign_up("otp@enforce.test").await;
    let laptop = h.raw_sign_in(&alice, "laptop", true).await;
    // A login attempt opened before the flag went on, with its code already in the outbox.
    let (_, started) = h
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(json!({"email": alice.email, "password": alice.password, "device_id": "x"})),
        )
        .await;
    let stale_code = h.code_for(&alice.email, "login").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    flow.create_passkey(None).await.unwrap();

    let (status, body) = h
        .raw("POST", "/v1/login/code", None, Some(json!({"login_id": started["login_id"], "factor": "email", "code": stale_code, "trust_device": true})))
        .await;
    assert!(
        status >= 400 && body.get("session_token").is_none(),
        "{status} {body}"
    );
    let totp =
        bingx_passkeys_testkit::server::totp_code(&alice.totp_secret, h.server().unix_time());
    for trust_token in [None, laptop.trust_token.clone()] {
        let (status, body) = h
            .raw("POST", "/v1/login/password", None, Some(json!({"email": alice.email, "password": alice.password, "device_id": "laptop", "trust_token": trust_token})))
            .await;
        assert_eq!(
            (status, body["status"].as_str()),
            (200, Some("passkey_required")),
            "{body}"
        );
        assert!(
            body.get("session_token").is_none() && body.get("factors").is_none(),
            "{body}"
        );
        for (factor, code) in [
            ("totp", totp.as_str()),
            ("email", "000000"),
            ("sms", "000000"),
        ] {
            let (status, answer) = h
                .raw("POST", "/v1/login/code", None, Some(json!({"login_id": body["login_id"], "factor": factor, "code": code, "trust_device": false})))
                .await;
            assert!(status >= 400, "{factor}: {answer}");
            assert!(answer.get("session_token").is_none());
        }
    }
    // The H5 path offers no code either.
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/h5",
            None,
            Some(json!({"email": alice.email, "password": alice.password, "device_id": "web"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("H5_LOGIN_BLOCKED"))
    );
}

#[tokio::test]
async fn j2_no_passkey_on_this_device_means_no_session_and_no_fallback() {
    let Enabled { h, alice, .. } = enabled().await;
    let stranger_pm = h.password_manager();
    let tablet = h.client(stranger_pm.clone());
    let SignInStep::PasskeyRequired { login_id } = tablet
        .sign_in()
        .with_password(&alice.email, &alice.password, "tablet", None)
        .await
        .unwrap()
    else {
        panic!("passkey required");
    };
    let err = tablet
        .sign_in()
        .complete_with_passkey(&login_id)
        .await
        .unwrap_err();
    assert_eq!(err, PasskeysError::NoCredential);
    assert!(!tablet.sign_in().is_signed_in().unwrap());
    assert_eq!(
        tablet
            .sign_in()
            .complete_with_code(
                &login_id,
                bingx_passkeys_core::Factor::Email,
                "000000",
                false
            )
            .await,
        Err(PasskeysError::PasskeyRequired)
    );
}

/// A phishing proxy that answers every password login with "send us the SMS code".
async fn downgrading_proxy() -> String {
    fixed_answer(r#"{"status":"code_required","login_id":"phish","factors":["sms"]}"#.to_owned())
        .await
}

#[tokio::test]
async fn j2_a_downgrade_to_a_code_is_refused_by_the_device() {
    // The 2025 passkey downgrade attack: a proxy makes the "site" fall back to an OTP.
    let Enabled {
        h,
        alice,
        pm,
        store,
        ..
    } = enabled().await;

    let phished = h.client_with(&downgrading_proxy().await, store, pm);
    let err = phished
        .sign_in()
        .with_password(&alice.email, &alice.password, "phone", None)
        .await
        .unwrap_err();
    assert_eq!(err, PasskeysError::DowngradeRefused);
    assert_eq!(
        phished
            .sign_in()
            .complete_with_code(
                &bingx_passkeys_core::LoginId::new("phish".into()),
                bingx_passkeys_core::Factor::Sms,
                "123456",
                false
            )
            .await,
        Err(PasskeysError::NotAllowedInThisState {
            needs: Step::SignInWithPassword
        })
    );
}

/// A phishing proxy that relays: it answers a password login with the real server's answer to a
/// password login of `own` (its own account, no passkeys), sent with the victim's
/// `X-Policy-Nonce`, so the policy in it is fresh and validly signed for this request's nonce.
async fn relaying_proxy(upstream: String, own: TestAccount) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (upstream, own) = (upstream.clone(), own.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).to_string();
                let nonce = request
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("x-policy-nonce")
                            .then(|| value.trim().to_owned())
                    })
                    .unwrap_or_default();
                let body = reqwest::Client::new()
                    .post(format!("{upstream}/v1/login/password"))
                    .header("x-policy-nonce", nonce)
                    .json(&json!({"email": own.email, "password": own.password, "device_id": "proxy"}))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn j2_a_relayed_policy_of_the_proxys_own_account_is_refused_as_a_downgrade() {
    // The proxy cannot sign a policy, but it can have the server sign one: its own sign-in, with
    // the nonce the phone sent. That policy echoes the nonce and names the proxy's account, which
    // the phone has never marked; it must not pass for the answer about Alice.
    let Enabled {
        h,
        alice,
        pm,
        store,
        ..
    } = enabled().await;
    let mallory = h.sign_up("mallory@relay.test").await;
    let proxy = relaying_proxy(h.base_url(), mallory.clone()).await;
    let phished = h.client_with(&proxy, store.clone(), pm);
    let answer = phished
        .sign_in()
        .with_password(&alice.email, &alice.password, "phone", None)
        .await;
    assert_eq!(answer, Err(PasskeysError::DowngradeRefused));
    assert_eq!(
        store.account().unwrap().as_deref(),
        Some(alice.account_id.as_str()),
        "the device still remembers Alice"
    );
    // The same relay for the proxy's own email is what it says: a code for Mallory.
    let own = phished
        .sign_in()
        .with_password(&mallory.email, &mallory.password, "phone", None)
        .await;
    assert!(
        matches!(own, Ok(SignInStep::CodeRequired { .. })),
        "{own:?}"
    );
}

#[tokio::test]
async fn a_session_the_device_refuses_is_logged_out_on_the_server() {
    // A server (a proxy, an old or faulty backend) opens a session with a weaker factor for an
    // account this phone knows needs passkeys: the device refuses it, and ends it there too, so
    // it does not stay open until it expires.
    let Enabled {
        h,
        alice,
        pm,
        store,
        ..
    } = enabled().await;

    let answer = json!({
        "status": "signed_in",
        "session_token": "refused-session-0123456789",
        "account_id": alice.account_id,
    });
    // The remembered account, by password (a downgrade); and by H5 with another email whose
    // answer names the marked account.
    for (email, h5) in [(alice.email.as_str(), false), ("someone@else.test", true)] {
        let (url, heads) = recording_answer(answer.to_string()).await;
        let weak = h.client_with(&url, store.clone(), pm.clone());
        let err = if h5 {
            weak.sign_in().with_h5(email, "pw", "web").await
        } else {
            weak.sign_in()
                .with_password(email, &alice.password, "phone", None)
                .await
        }
        .unwrap_err();
        assert_eq!(err, PasskeysError::DowngradeRefused, "h5: {h5}");
        let heads = heads.lock().unwrap().clone();
        let logout = heads
            .iter()
            .find(|head| head.starts_with("POST /v1/logout "))
            .unwrap_or_else(|| panic!("h5: {h5}: no logout in {heads:?}"));
        assert!(
            logout.contains("authorization: Bearer refused-session-0123456789"),
            "{logout}"
        );
        assert_eq!(
            weak.sign_in().is_signed_in(),
            Ok(true),
            "the phone's own session stays"
        );
    }
}

#[tokio::test]
async fn after_a_usernameless_sign_in_a_code_for_any_email_needs_the_servers_word() {
    // A fresh phone whose first sign-in was Alice's passkey, no email typed (J3): the device
    // marks her account without knowing its email, so any email typed may be hers.
    let Enabled { h, alice, pm, .. } = enabled().await;
    let store = SecretStore::in_memory().unwrap();
    let phone = h.client_with(&h.base_url(), store.clone(), pm.clone());
    phone.sign_in().with_passkey().await.unwrap();
    assert_eq!(store.account_email().unwrap(), None);
    phone.sign_in().sign_out().await.unwrap();

    // A phishing proxy offers a code for her email, with no signed word of whose account it is.
    let phished = h.client_with(&downgrading_proxy().await, store.clone(), pm.clone());
    let err = phished
        .sign_in()
        .with_password(&alice.email, &alice.password, "phone", None)
        .await
        .unwrap_err();
    assert_eq!(err, PasskeysError::DowngradeRefused);

    // Bob, without passkeys, on the same phone: the server's answer, signed for his request,
    // names his account, so his code sign-in goes on (no lock-out).
    let bob = h.sign_up("bob@enforce.test").await;
    h.sign_in(&phone, &bob, "phone").await.unwrap();
    assert_eq!(store.account().unwrap(), Some(bob.account_id.clone()));
}

#[tokio::test]
async fn a_code_session_must_name_the_account_the_code_was_offered_for() {
    // The server signs, for the password step, whose account the code is for; a session that
    // then names another account (a man in the middle answering the code step) is refused,
    // so the typed email is never paired with an account the server did not name.
    let Enabled { h, pm, .. } = enabled().await;
    let bob = h.sign_up("bob@enforce.test").await;
    let upstream = h.base_url().trim_start_matches("http://").parse().unwrap();
    let mitm = NetCut::start(upstream).await.unwrap();
    let elsewhere = json!({
        "status": "signed_in",
        "session_token": "mitm-session-0123456789",
        "account_id": "acct-elsewhere",
    });
    mitm.answer("/v1/login/code", &elsewhere.to_string(), 1);
    let store = SecretStore::in_memory().unwrap();
    let device = h.client_with(&mitm.base_url(), store.clone(), pm.clone());
    let step = device
        .sign_in()
        .with_password(&bob.email, &bob.password, "phone", None)
        .await
        .unwrap();
    let SignInStep::CodeRequired { login_id, .. } = step else {
        panic!("{step:?}");
    };
    let code = h.code_for(&bob.email, "login").await;
    let err = device
        .sign_in()
        .complete_with_code(&login_id, bingx_passkeys_core::Factor::Email, &code, false)
        .await
        .unwrap_err();
    assert_eq!(err, PasskeysError::DowngradeRefused);
    assert_eq!(store.account().unwrap(), None, "nothing kept");
    assert_eq!(store.account_email().unwrap(), None);
    // The honest answer is kept.
    h.sign_in(&device, &bob, "phone").await.unwrap();
    assert_eq!(store.account().unwrap(), Some(bob.account_id.clone()));
}

#[tokio::test]
async fn a_kept_copy_that_says_passkeys_are_required_is_a_mark_without_its_flag() {
    // The device writes the policy's copy and its mark apart; one lost (a failed write, a
    // keystore that dropped the entry) must not open the account to weaker factors.
    let Enabled {
        h,
        alice,
        pm,
        store,
        ..
    } = enabled().await;
    store.set_flagged(&alice.account_id, false).unwrap();
    assert!(store.policy(&alice.account_id).unwrap().is_some());

    // An H5 answer for another typed email that opens a session for Alice's account.
    let answer = json!({
        "status": "signed_in",
        "session_token": "proxy-session-0123456789",
        "account_id": alice.account_id,
    });
    let proxy = h.client_with(&fixed_answer(answer.to_string()).await, store.clone(), pm);
    let err = proxy
        .sign_in()
        .with_h5("someone@else.test", "pw", "web")
        .await
        .unwrap_err();
    assert_eq!(err, PasskeysError::DowngradeRefused);
    assert_ne!(
        store
            .session_token()
            .unwrap()
            .map(|t| t.expose_secret().to_owned()),
        Some("proxy-session-0123456789".to_owned())
    );
}

#[tokio::test]
async fn an_unsigned_or_older_required_policy_does_not_relax_the_device() {
    // The device's copy says withdrawals need a passkey and H5 is blocked (version 2). A lying
    // answer that still says "required" but opens them — unsigned, or the older signed copy of
    // version 1 replayed — relaxes neither this session's checks nor the kept copy.
    let Enabled {
        h,
        alice,
        pm,
        phone,
        store,
    } = enabled().await;
    let older = phone.passkeys().policy().await.unwrap();
    assert_eq!(
        h.set_server_policy(json!({"scenarios": {"withdrawal": true}}))
            .await,
        200
    );
    let newer = phone.passkeys().policy().await.unwrap();
    assert!(newer.version > older.version && newer.scenarios.withdrawal);
    let kept = store.policy(&alice.account_id).unwrap();

    let mut unsigned = serde_json::to_value(&newer).unwrap();
    unsigned["blocked_paths"] = json!([]);
    unsigned["scenarios"]["withdrawal"] = false.into();
    unsigned.as_object_mut().unwrap().remove("signed");
    let replayed = serde_json::to_value(&older).unwrap();
    for (what, answer) in [("unsigned", unsigned), ("replayed", replayed)] {
        let (liar, told) = told_by_a_liar(&h, &store, &pm, &answer).await;
        assert!(told.passkey_required, "{what}");
        for client in [
            &liar,
            &h.client_with(&h.base_url(), store.clone(), pm.clone()),
        ] {
            assert!(h5_blocked(client), "{what}");
            assert!(
                client
                    .scenarios()
                    .needs_passkey(&bingx_passkeys_core::Scenario::Withdrawal),
                "{what}"
            );
        }
        assert_eq!(store.policy(&alice.account_id).unwrap(), kept, "{what}");
    }
}

#[tokio::test]
async fn j3_usernameless_sign_in_finds_the_account() {
    let Enabled { h, alice, pm, .. } = enabled().await;
    let kiosk = h.client(pm.clone());
    let before = kiosk.requests_sent();
    let account = kiosk.sign_in().with_passkey().await.unwrap();
    assert_eq!(account, alice.account_id);
    assert_eq!(kiosk.requests_sent() - before, 2);
    assert_eq!(
        kiosk.passkeys().policy().await.unwrap().account_id,
        alice.account_id
    );
    // Without a passkey there is nothing to pick.
    let empty = h.client(h.password_manager());
    assert_eq!(
        empty.sign_in().with_passkey().await,
        Err(PasskeysError::NoCredential)
    );
}

#[tokio::test]
async fn j4_blocked_paths_are_refused_by_the_device_then_by_the_server() {
    let Enabled {
        h, alice, phone, ..
    } = enabled().await;
    // The device knows the account (remembered, signed policy cached): refused before any request.
    phone.passkeys().policy().await.unwrap();
    let before = phone.requests_sent();
    for path in [LoginPath::H5, LoginPath::ThirdParty] {
        let err = phone.sign_in().check_path(path).unwrap_err();
        assert_eq!(err, PasskeysError::PathBlocked { path });
    }
    assert_eq!(phone.sign_in().check_path(LoginPath::Passkey), Ok(()));
    assert_eq!(phone.sign_in().check_path(LoginPath::Password), Ok(()));
    let token = h.id_token("google", &alice.email).await;
    let err = phone
        .sign_in()
        .with_third_party("google", &token)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        PasskeysError::PathBlocked {
            path: LoginPath::ThirdParty
        }
    );
    let err = phone
        .sign_in()
        .with_h5(&alice.email, &alice.password, "web")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        PasskeysError::PathBlocked {
            path: LoginPath::H5
        }
    );
    assert_eq!(
        phone.requests_sent(),
        before,
        "refused on the device, nothing sent"
    );

    // A fresh device knows nothing: the server refuses, and the app names the blocked path.
    let fresh = h.client(h.password_manager());
    assert_eq!(fresh.sign_in().check_path(LoginPath::ThirdParty), Ok(()));
    for provider in ["google", "apple", "telegram"] {
        let token = h.id_token(provider, &alice.email).await;
        match fresh.sign_in().with_third_party(provider, &token).await {
            Err(
                e @ PasskeysError::PathBlocked {
                    path: LoginPath::ThirdParty,
                },
            ) => assert_eq!(e.text().key, "error.path_blocked.third_party"),
            other => panic!("{provider}: {other:?}"),
        }
    }
    match fresh
        .sign_in()
        .with_h5(&alice.email, &alice.password, "web")
        .await
    {
        Err(
            e @ PasskeysError::PathBlocked {
                path: LoginPath::H5,
            },
        ) => {
            assert_eq!(e.text().key, "error.path_blocked.h5");
        }
        other => panic!("h5: {other:?}"),
    }
    assert!(!fresh.sign_in().is_signed_in().unwrap());
    let events = phone.passkeys().activity().await.unwrap();
    for kind in [
        "blocked_h5_login",
        "blocked_third_party_login",
        "flag_on",
        "passkey_added",
    ] {
        assert!(
            events.iter().any(|e| e.kind == kind),
            "{kind} missing: {events:?}"
        );
    }
}

#[tokio::test]
async fn j4_third_party_login_is_real_for_an_unflagged_account() {
    let h = Harness::start().await;
    let bob = h.sign_up("bob@enforce.test").await;
    let app = h.client(h.password_manager());
    let token = h.id_token("telegram", &bob.email).await;
    assert_eq!(
        app.sign_in()
            .with_third_party("telegram", &token)
            .await
            .unwrap(),
        bob.account_id
    );
    assert!(app.sign_in().is_signed_in().unwrap());
    let forged = format!("{}x", &token[..token.len() - 1]);
    let err = h
        .client(h.password_manager())
        .sign_in()
        .with_third_party("telegram", &forged)
        .await
        .unwrap_err();
    assert_eq!(
        err.server_code(),
        Some(&ServerCode::IdTokenInvalid),
        "{err:?}"
    );
}

#[tokio::test]
async fn adding_a_passkey_never_turns_the_requirement_on() {
    // Turning the requirement on is Enable's, with its warning and its choice of the passkeys
    // that stay; "add another passkey" on the Passkeys page adds one and changes nothing else.
    let Enabled { h, pm, phone, .. } = enabled().await;
    phone.passkeys().turn_off_requirement().await.unwrap();
    let (both, second) = two_managers(&h, &h.base_url(), &pm);
    both.sign_in().with_passkey().await.unwrap();
    let outcome = both.passkeys().add(Some("Backup")).await.unwrap();
    assert_eq!(outcome.passkeys.len(), 2);
    assert!(!outcome.policy.passkey_required, "{:?}", outcome.policy);
    assert_eq!(outcome.revoked_sessions, 0);
    assert!(!phone.passkeys().policy().await.unwrap().passkey_required);
    assert_eq!(second.credential_ids(RP_ID).len(), 1);
}

#[tokio::test]
async fn an_addition_that_enable_resends_is_kept() {
    // "Add another passkey" lost its answer; the user then opens Enable, which sends that result
    // first. The list the user chose from could not show it, so Enable keeps it: the user made it.
    let Enabled {
        h,
        alice,
        pm,
        phone,
        ..
    } = enabled().await;
    phone.passkeys().turn_off_requirement().await.unwrap();
    let old = phone.passkeys().list().await.unwrap()[0]
        .credential_id
        .clone();
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let (both, second) = two_managers(&h, &proxy.base_url(), &pm);
    h.sign_in(&both, &alice, "tablet").await.unwrap();
    proxy.cut("/v1/passkeys/registration/finish", Cut::BeforeServer, 1);
    assert_eq!(
        both.passkeys().add(Some("Backup")).await.unwrap_err(),
        PasskeysError::Network
    );
    let backup = second.credential_ids(RP_ID)[0].clone();

    let flow = both.enable();
    assert_eq!(
        flow.existing_passkeys().await.unwrap().len(),
        1,
        "the backup is not there yet"
    );
    h.step_up(&flow, &alice).await.unwrap();
    let added = flow.create_passkey(Some("Tablet")).await.unwrap();
    assert!(added.policy.passkey_required);
    assert_eq!(added.removed_passkeys, 1, "the one not kept");
    let ids: Vec<_> = added
        .passkeys
        .iter()
        .map(|p| p.credential_id.clone())
        .collect();
    assert!(ids.contains(&backup), "the resent addition stays: {ids:?}");
    assert!(!ids.contains(&old), "{ids:?}");
}

#[tokio::test]
async fn j5_manage_passkeys_each_change_needs_a_passkey() {
    let Enabled { h, alice, pm, .. } = enabled().await;
    let (phone, second) = two_managers(&h, &h.base_url(), &pm);
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    phone.passkeys().policy().await.unwrap();

    // Rename: one passkey verification, then the change.
    let list = phone.passkeys().list().await.unwrap();
    let first_id = list[0].credential_id.clone();
    let gets = pm.get_calls();
    let list = phone
        .passkeys()
        .rename(&first_id, "Work phone")
        .await
        .unwrap();
    assert_eq!(pm.get_calls(), gets + 1);
    assert_eq!(list[0].name, "Work phone");

    // The last passkey cannot go while passkeys are required: refused before any ceremony.
    let gets = pm.get_calls();
    assert_eq!(
        phone.passkeys().delete(&first_id).await,
        Err(PasskeysError::LastPasskey)
    );
    assert_eq!(pm.get_calls(), gets);

    // Add another (in the second password manager), after a passkey verification.
    let outcome = phone.passkeys().add(Some("Backup")).await.unwrap();
    assert_eq!(outcome.passkeys.len(), 2);
    assert!(outcome.policy.passkey_required);
    assert_eq!(second.credential_ids(RP_ID).len(), 1);

    // Now the first can be deleted; the password manager is told.
    let list = phone.passkeys().delete(&first_id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "Backup");
    assert!(pm.signalled_unknown().contains(&first_id));

    // Turning the requirement off needs a passkey, and reopens the other paths.
    let policy = phone.passkeys().turn_off_requirement().await.unwrap();
    assert!(!policy.passkey_required);
    assert!(policy.blocked_paths.is_empty());
    assert_eq!(phone.sign_in().check_path(LoginPath::ThirdParty), Ok(()));
    let token = h.id_token("apple", &alice.email).await;
    h.client(h.password_manager())
        .sign_in()
        .with_third_party("apple", &token)
        .await
        .unwrap();

    let kinds: Vec<String> = phone
        .passkeys()
        .activity()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for kind in [
        "passkey_added",
        "passkey_renamed",
        "passkey_removed",
        "flag_on",
        "flag_off",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} missing: {kinds:?}");
    }
}

#[tokio::test]
async fn j5_manage_without_a_fresh_passkey_proof_is_refused_by_the_server() {
    // BRIEF §5 #5: an attacker with only a session (or a proof for another purpose).
    let Enabled {
        h,
        alice,
        pm,
        phone,
        ..
    } = enabled().await;
    let session = h.raw_sign_in_with_passkey(&alice, &pm).await;
    let id = passkey_types::encoding::base64url(
        &phone.passkeys().list().await.unwrap()[0].credential_id,
    );
    let wrong_purpose = h.raw_proof(&session, &pm, "rename_passkey").await;
    for proof in [None, Some("forged".to_owned()), Some(wrong_purpose.clone())] {
        let (status, body) = h
            .raw(
                "POST",
                "/v1/policy/disable",
                Some(&session),
                Some(json!({"proof": proof})),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("PASSKEY_VERIFICATION_REQUIRED")),
            "{body}"
        );
        let (status, body) = h
            .raw(
                "DELETE",
                &format!("/v1/passkeys/{id}"),
                Some(&session),
                Some(json!({"proof": proof})),
            )
            .await;
        assert_eq!(status, 403, "{body}");
    }
    let (status, body) = h
        .raw(
            "PATCH",
            &format!("/v1/passkeys/{id}"),
            Some(&session),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("PASSKEY_VERIFICATION_REQUIRED")),
        "{body}"
    );
    // The right proof works once.
    let (status, _) = h
        .raw(
            "PATCH",
            &format!("/v1/passkeys/{id}"),
            Some(&session),
            Some(json!({"name": "x", "proof": wrong_purpose})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = h
        .raw(
            "PATCH",
            &format!("/v1/passkeys/{id}"),
            Some(&session),
            Some(json!({"name": "y", "proof": wrong_purpose})),
        )
        .await;
    assert_eq!(status, 403, "a proof is single use");
    // The last passkey, even with a valid delete proof.
    let delete = h.raw_proof(&session, &pm, "delete_passkey").await;
    let (status, body) = h
        .raw(
            "DELETE",
            &format!("/v1/passkeys/{id}"),
            Some(&session),
            Some(json!({"proof": delete})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("LAST_PASSKEY")),
        "{body}"
    );
    assert!(phone.passkeys().policy().await.unwrap().passkey_required);
}

#[tokio::test]
async fn j6_withdrawal_needs_a_passkey_once_the_server_switches_it_on() {
    let Enabled { h, alice, pm, .. } = enabled().await;
    // The app's own withdrawal request carries its session and the proof; both come from the
    // device's keystore and the core.
    let store = SecretStore::in_memory().unwrap();
    let phone = h.client_with(&h.base_url(), store.clone(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let params: BTreeMap<String, String> = [
        ("asset", "USDT"),
        ("address", "TXabc123"),
        ("amount", "250"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let session = store
        .session_token()
        .unwrap()
        .unwrap()
        .expose_secret()
        .to_owned();
    let withdraw = |proof: Option<String>, amount: &str| json!({"asset": "USDT", "address": "TXabc123", "amount": amount, "proof": proof});

    // Off by default: login is the only scenario.
    assert!(
        !phone
            .passkeys()
            .policy()
            .await
            .unwrap()
            .scenarios
            .withdrawal
    );
    assert!(
        !phone
            .scenarios()
            .needs_passkey(&bingx_passkeys_core::Scenario::Withdrawal)
    );
    assert!(
        phone
            .scenarios()
            .needs_passkey(&bingx_passkeys_core::Scenario::Login)
    );
    let (status, body) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&session),
            Some(withdraw(None, "250")),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The server switches it on; the same app build follows.
    assert_eq!(
        h.set_server_policy(json!({"scenarios": {"withdrawal": true}}))
            .await,
        200
    );
    assert!(
        phone
            .passkeys()
            .policy()
            .await
            .unwrap()
            .scenarios
            .withdrawal
    );
    assert!(
        phone
            .scenarios()
            .needs_passkey(&bingx_passkeys_core::Scenario::Withdrawal)
    );
    let (status, body) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&session),
            Some(withdraw(None, "250")),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("PASSKEY_VERIFICATION_REQUIRED"))
    );

    // A proof for exactly this withdrawal, used once.
    let proof = phone
        .scenarios()
        .verify(&bingx_passkeys_core::Scenario::Withdrawal, &params)
        .await
        .unwrap();
    let proof = proof_text(&proof);
    let (status, body) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&session),
            Some(withdraw(Some(proof.clone()), "999")),
        )
        .await;
    assert_eq!(status, 403, "bound to the amount: {body}");
    let proof = proof_text(
        &phone
            .scenarios()
            .verify(&bingx_passkeys_core::Scenario::Withdrawal, &params)
            .await
            .unwrap(),
    );
    let (status, body) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&session),
            Some(withdraw(Some(proof.clone()), "250")),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&session),
            Some(withdraw(Some(proof), "250")),
        )
        .await;
    assert_eq!(status, 403, "single use");
}

fn proof_text(proof: &bingx_passkeys_core::PasskeyProof) -> String {
    // The proof travels in the operation's own request, which the app sends; tests read it here.
    proof.token.expose_secret().to_owned()
}

#[tokio::test]
async fn cached_policy_fails_closed_when_tampered_unreadable_or_missing() {
    // BRIEF §5 #14.
    let Enabled { h, alice, pm, .. } = enabled().await;
    let store = SecretStore::in_memory().unwrap();
    let phone = h.client_with(&h.base_url(), store.clone(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    phone.passkeys().policy().await.unwrap();
    assert!(phone.sign_in().check_path(LoginPath::H5).is_err());
    let good = store.policy(&alice.account_id).unwrap().unwrap();
    assert!(!good.is_empty());

    // The keystore is edited while the app is not running (a backup restore, a rooted device);
    // each check below is the next app start on that keystore.
    let restart = || h.client_with(&h.base_url(), store.clone(), pm.clone());

    // Tampered: the payload now says "not required".
    let mut signed: Value = serde_json::from_str(&good).unwrap();
    let payload =
        passkey_types::encoding::try_from_base64url(signed["payload"].as_str().unwrap()).unwrap();
    let mut policy: Value = serde_json::from_slice(&payload).unwrap();
    policy["passkey_required"] = false.into();
    policy["blocked_paths"] = json!([]);
    signed["payload"] = passkey_types::encoding::base64url(policy.to_string().as_bytes()).into();
    store
        .set_policy(&alice.account_id, &signed.to_string())
        .unwrap();
    let app = restart();
    assert_eq!(
        app.sign_in().check_path(LoginPath::ThirdParty),
        Err(PasskeysError::PolicyUnavailable)
    );
    assert!(
        app.scenarios()
            .needs_passkey(&bingx_passkeys_core::Scenario::Withdrawal),
        "fail closed"
    );
    // A broken copy is never trusted later in the same run either.
    assert_eq!(
        app.sign_in().check_path(LoginPath::H5),
        Err(PasskeysError::PolicyUnavailable)
    );

    // Unreadable.
    store.set_policy(&alice.account_id, "{not json").unwrap();
    assert_eq!(
        restart().sign_in().check_path(LoginPath::H5),
        Err(PasskeysError::PolicyUnavailable)
    );

    // Missing while the account is known to be flagged.
    let fresh_store = SecretStore::in_memory().unwrap();
    fresh_store.set_account(&alice.account_id).unwrap();
    fresh_store.set_flagged(&alice.account_id, true).unwrap();
    let restored = h.client_with(&h.base_url(), fresh_store, pm.clone());
    assert_eq!(
        restored.sign_in().check_path(LoginPath::H5),
        Err(PasskeysError::PolicyUnavailable)
    );

    // The server is still the authority: a fresh signed policy repairs the cache.
    let app = restart();
    app.passkeys().policy().await.unwrap();
    assert_eq!(
        app.sign_in().check_path(LoginPath::H5),
        Err(PasskeysError::PathBlocked {
            path: LoginPath::H5
        })
    );
    assert_eq!(
        restart().sign_in().check_path(LoginPath::H5),
        Err(PasskeysError::PathBlocked {
            path: LoginPath::H5
        })
    );
}

#[tokio::test]
async fn interrupted_manage_operations_can_be_retried() {
    // BRIEF §5 #19 for J5.
    let Enabled { h, alice, pm, .. } = enabled().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let (phone, second) = two_managers(&h, &proxy.base_url(), &pm);
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    phone.passkeys().policy().await.unwrap();

    // Add another: the answer is lost after the server stored it; the retry resends, no second ceremony.
    proxy.cut("/v1/passkeys/registration/finish", Cut::AfterServer, 1);
    assert_eq!(
        phone.passkeys().add(None).await.unwrap_err(),
        PasskeysError::Network
    );
    let creates = second.create_calls();
    let outcome = phone.passkeys().add(None).await.unwrap();
    assert_eq!(second.create_calls(), creates);
    assert_eq!(outcome.passkeys.len(), 2);

    // Delete: the server deleted it, the answer was lost; the retry finds it gone and succeeds.
    let victim = outcome
        .passkeys
        .iter()
        .find(|p| second.credential_ids(RP_ID).contains(&p.credential_id))
        .unwrap()
        .credential_id
        .clone();
    proxy.cut(
        &format!(
            "/v1/passkeys/{}",
            passkey_types::encoding::base64url(&victim)
        ),
        Cut::AfterServer,
        1,
    );
    assert!(
        phone
            .passkeys()
            .delete(&victim)
            .await
            .unwrap_err()
            .is_retryable()
    );
    phone.passkeys().policy().await.unwrap();
    let list = phone.passkeys().delete(&victim).await;
    let list = match list {
        Ok(list) => list,
        // After the first attempt the device may already know it is the last one left.
        Err(PasskeysError::LastPasskey) => phone.passkeys().list().await.unwrap(),
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(list.len(), 1);

    // Disable: the answer is lost; the retry (the flag is already off) still ends with it off.
    proxy.cut("/v1/policy/disable", Cut::AfterServer, 1);
    assert!(
        phone
            .passkeys()
            .turn_off_requirement()
            .await
            .unwrap_err()
            .is_retryable()
    );
    let policy = phone.passkeys().policy().await.unwrap();
    assert!(!policy.passkey_required);
    assert_eq!(phone.sign_in().check_path(LoginPath::H5), Ok(()));
}

#[tokio::test]
async fn an_assertion_with_another_accounts_passkey_is_refused() {
    // BRIEF §5 #10 for assertions: Mallory knows Alice's password and has a passkey of her own.
    let Enabled { h, alice, .. } = enabled().await;
    let mallory = h.sign_up("mallory@enforce.test").await;
    let mallory_pm = h.password_manager();
    let m_session = h.raw_sign_in(&mallory, "m", false).await;
    assert_eq!(
        h.raw_register(&mallory, &m_session, &mallory_pm, true)
            .await
            .0,
        200
    );
    mallory_pm.set_fault(Some(bingx_passkeys_testkit::softpm::Fault::IgnoreAllowList));
    let (_, started) = h
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(json!({"email": alice.email, "password": alice.password, "device_id": "m"})),
        )
        .await;
    let request =
        bingx_passkeys_core::webauthn::prepare_get(&started["options"].to_string(), RP_ID).unwrap();
    let credential: Value = serde_json::from_str(&mallory_pm.get(request).await.unwrap()).unwrap();
    let (status, body) = h.raw_login_passkey(&started, &credential).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("CREDENTIAL_NOT_ALLOWED")),
        "{body}"
    );
    assert!(body.get("session_token").is_none());
}

/// A server (or a proxy) that answers every request with the same JSON.
async fn fixed_answer(body: String) -> String {
    recording_answer(body).await.0
}

/// A server that answers `body` to every request, and the heads of the requests it was sent
/// (request line and headers, header names in lower case).
async fn recording_answer(body: String) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]);
                let head = request.split("\r\n\r\n").next().unwrap_or_default();
                let head = head
                    .lines()
                    .enumerate()
                    .map(|(i, line)| match line.split_once(':') {
                        Some((name, value)) if i > 0 => {
                            format!("{}:{value}", name.to_ascii_lowercase())
                        }
                        _ => line.to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                seen.lock().unwrap().push(head);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}"), heads)
}

/// The phone on `store` and `pm`, its Passkeys page's policy answered with `answer` by a server
/// that answers that to everything: the client, and the policy as it was passed on.
async fn told_by_a_liar(
    h: &Harness,
    store: &SecretStore,
    pm: &Arc<SoftPasswordManager>,
    answer: &Value,
) -> (PasskeysClient, bingx_passkeys_core::Policy) {
    let liar = h.client_with(
        &fixed_answer(answer.to_string()).await,
        store.clone(),
        pm.clone(),
    );
    let told = liar.passkeys().policy().await.unwrap();
    (liar, told)
}

/// Whether `client` refuses H5 login before any request.
fn h5_blocked(client: &PasskeysClient) -> bool {
    matches!(
        client.sign_in().check_path(LoginPath::H5),
        Err(PasskeysError::PathBlocked {
            path: LoginPath::H5
        })
    )
}

/// Alice's password sign-in on a phone sharing `store` and `pm`, through a phishing proxy that
/// answers `answer` to everything: what the device makes of it.
async fn phished_password_login(
    h: &Harness,
    store: &SecretStore,
    pm: &Arc<SoftPasswordManager>,
    answer: &Value,
    alice: &TestAccount,
) -> Result<SignInStep, PasskeysError> {
    let phished = h.client_with(
        &fixed_answer(answer.to_string()).await,
        store.clone(),
        pm.clone(),
    );
    phished
        .sign_in()
        .with_password(&alice.email, &alice.password, "phone", None)
        .await
}

/// A proxy that offers a code together with a signed policy lifting the requirement: one the
/// server really signed for this account, but older than the device's (captured before Enable and
/// replayed), or one with a doctored payload. Neither lifts the device's mark (the genuine, newer
/// one after a support reset does: `recovery_core.rs`).
#[tokio::test]
async fn j2_a_downgrade_with_a_replayed_or_doctored_signed_policy_is_still_refused() {
    let h = Harness::start().await;
    let alice = h.sign_up("replay@enforce.test").await;
    let pm = h.password_manager();
    let store = SecretStore::in_memory().unwrap();
    let phone = h.client_with(&h.base_url(), store.clone(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    // The account's policy before Enable: signed by the server, requirement off.
    let session = store.session_token().unwrap().expect("signed in");
    let (status, before) = h
        .raw("GET", "/v1/policy", Some(session.expose_secret()), None)
        .await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["passkey_required"], false);
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    flow.create_passkey(None).await.unwrap();

    let mut doctored = before.clone();
    let payload = doctored["signed"]["payload"].as_str().unwrap().to_owned();
    let mut bytes = data_encoding::BASE64URL_NOPAD
        .decode(payload.as_bytes())
        .unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let version = before["version"].as_i64().unwrap();
    bytes = text
        .replace(
            &format!("\"version\":{version}"),
            &format!("\"version\":{}", version + 100),
        )
        .into_bytes();
    doctored["signed"]["payload"] = data_encoding::BASE64URL_NOPAD.encode(&bytes).into();
    assert_ne!(doctored, before, "the version was found and raised");

    for (what, policy) in [("replayed", before), ("doctored", doctored)] {
        let answer = json!({
            "status": "code_required", "login_id": "phish", "factors": ["sms"], "policy": policy,
        });
        let err = phished_password_login(&h, &store, &pm, &answer, &alice)
            .await
            .unwrap_err();
        assert_eq!(err, PasskeysError::DowngradeRefused, "{what}");
    }
    // The mark stands: the real server's passkey step is still what the device expects.
    let step = phone
        .sign_in()
        .with_password(&alice.email, &alice.password, "phone", None)
        .await
        .unwrap();
    assert!(
        matches!(step, SignInStep::PasskeyRequired { .. }),
        "{step:?}"
    );
}

#[tokio::test]
async fn a_policy_that_lifts_the_requirement_needs_the_servers_signature() {
    // BRIEF §5 #14: only a policy signed by the pinned key can loosen the device.
    let Enabled { h, alice, pm, .. } = enabled().await;
    let store = SecretStore::in_memory().unwrap();
    let phone = h.client_with(&h.base_url(), store.clone(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let real = phone.passkeys().policy().await.unwrap();
    assert!(phone.sign_in().check_path(LoginPath::H5).is_err());

    let mut lifted = serde_json::to_value(&real).unwrap();
    lifted["passkey_required"] = false.into();
    lifted["blocked_paths"] = json!([]);
    let forged_signature = {
        let mut v = lifted.clone();
        let signed = v["signed"].clone();
        v["signed"] = json!({"payload": passkey_types::encoding::base64url(b"{}"), "signature": signed["signature"]});
        v
    };
    lifted.as_object_mut().unwrap().remove("signed");
    for answer in [lifted, forged_signature] {
        let (liar, told) = told_by_a_liar(&h, &store, &pm, &answer).await;
        assert!(
            !told.passkey_required,
            "the answer is passed on as the server sent it"
        );
        assert!(
            h5_blocked(&liar),
            "an unsigned or forged 'not required' must not open blocked paths"
        );
        assert!(
            liar.scenarios()
                .needs_passkey(&bingx_passkeys_core::Scenario::Login)
        );
    }
}

/// Captured before Enable: the account's policy as the server signed it then (requirement off,
/// an older version). Returns the harness, the account, the enabled phone's store and password
/// manager, the phone, and that policy.
async fn enabled_with_the_policy_of_before(
    email: &str,
) -> (
    Harness,
    TestAccount,
    SecretStore,
    Arc<SoftPasswordManager>,
    PasskeysClient,
    Value,
) {
    let h = Harness::start().await;
    let alice = h.sign_up(email).await;
    let pm = h.password_manager();
    let store = SecretStore::in_memory().unwrap();
    let phone = h.client_with(&h.base_url(), store.clone(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let session = store.session_token().unwrap().expect("signed in");
    let (status, before) = h
        .raw("GET", "/v1/policy", Some(session.expose_secret()), None)
        .await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["passkey_required"], false);
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    flow.create_passkey(None).await.unwrap();
    (h, alice, store, pm, phone, before)
}

/// The replayed "not required" of before Enable arrives as an answer that carries a policy (the
/// Passkeys page's policy, a delete, a turn-off, a reset status; or a policy request that was in
/// flight while Enable committed): genuinely signed for this account, but older than what the
/// device holds. It lifts nothing: blocked paths stay blocked and a code is still a downgrade.
#[tokio::test]
async fn an_older_signed_policy_in_any_answer_does_not_lift_the_requirement() {
    let (h, alice, store, pm, _phone, before) =
        enabled_with_the_policy_of_before("older@enforce.test").await;
    let (liar, told) = told_by_a_liar(&h, &store, &pm, &before).await;
    assert!(!told.passkey_required, "the answer is passed on as it came");
    assert!(
        h5_blocked(&liar),
        "an older signed 'not required' must not open blocked paths"
    );
    let downgrade = json!({ "status": "code_required", "login_id": "phish", "factors": ["sms"] });
    let err = phished_password_login(&h, &store, &pm, &downgrade, &alice)
        .await
        .unwrap_err();
    assert_eq!(err, PasskeysError::DowngradeRefused);
}

/// A lift the server really signed, newer than the phone's copy, but for another request. An
/// attacker with the phished password fetched the account's signed policy while the requirement
/// was off (a password step's `code_required` answer carries it), with a nonce of its own or
/// none; the owner turned the requirement on again since. Replayed to the phone, whose copy
/// predates both, as the answer to its own requests, it lifts nothing: its nonce is not the one
/// the phone sent.
#[tokio::test]
async fn a_newer_signed_lift_made_for_another_request_is_a_replay() {
    let (h, alice, store, pm, phone, _) =
        enabled_with_the_policy_of_before("lift-replay@enforce.test").await;
    assert!(phone.sign_in().check_path(LoginPath::H5).is_err());

    // Turned off on the laptop: a newer version that lifts the requirement.
    let laptop = h.client(pm.clone());
    laptop.sign_in().with_passkey().await.unwrap();
    laptop.passkeys().turn_off_requirement().await.unwrap();
    let step = json!({"email": alice.email, "password": alice.password, "device_id": "proxy"});
    let (status, own_nonce) = h
        .raw_asking(
            "POST",
            "/v1/login/password",
            None,
            "the-attackers-own-nonce",
            Some(step.clone()),
        )
        .await;
    assert_eq!(status, 200, "{own_nonce}");
    let (status, no_nonce) = h.raw("POST", "/v1/login/password", None, Some(step)).await;
    assert_eq!(status, 200, "{no_nonce}");
    // On again, with a new passkey from another password manager.
    let other_pm = h.password_manager();
    let tablet = h.client(other_pm);
    h.sign_in(&tablet, &alice, "tablet").await.unwrap();
    let flow = tablet.enable();
    h.step_up(&flow, &alice).await.unwrap();
    flow.create_passkey(None).await.unwrap();

    for (what, captured) in [("its own nonce", own_nonce), ("no nonce", no_nonce)] {
        let lift = captured["policy"].clone();
        assert_eq!(lift["passkey_required"], false, "{what}: {lift}");
        // As the answer to the phone's policy request, and with a code offered at sign-in.
        let (liar, _) = told_by_a_liar(&h, &store, &pm, &lift).await;
        assert!(
            h5_blocked(&liar),
            "{what}: a lift signed for another request must not open blocked paths"
        );
        let downgrade = json!({
            "status": "code_required", "login_id": "phish", "factors": ["sms"], "policy": lift,
        });
        let err = phished_password_login(&h, &store, &pm, &downgrade, &alice)
            .await
            .unwrap_err();
        assert_eq!(err, PasskeysError::DowngradeRefused, "{what}");
    }
}

/// The server signs the request's `X-Policy-Nonce` into the policy it returns, and only a
/// well-formed one (16–64 base64url characters); anything else is left out, never refused.
#[tokio::test]
async fn the_policy_echoes_a_well_formed_nonce_and_only_that() {
    let h = Harness::start().await;
    let alice = h.sign_up("nonce@enforce.test").await;
    let session = h.raw_sign_in(&alice, "laptop", false).await.token;
    let payload_of = |policy: &Value| -> Value {
        let bytes = data_encoding::BASE64URL_NOPAD
            .decode(policy["signed"]["payload"].as_str().unwrap().as_bytes())
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    let nonce = "AAAAAAAAAAAAAAAAAAAAAA";
    let (status, policy) = h
        .raw_asking("GET", "/v1/policy", Some(&session), nonce, None)
        .await;
    assert_eq!(status, 200, "{policy}");
    assert_eq!(payload_of(&policy)["nonce"], nonce, "signed in");
    assert_eq!(policy["nonce"], nonce, "and shown");
    for bad in ["short", "has spaces in it, sixteen+", &"x".repeat(65)] {
        let (status, policy) = h
            .raw_asking("GET", "/v1/policy", Some(&session), bad, None)
            .await;
        assert_eq!(status, 200, "{bad:?}: {policy}");
        assert!(payload_of(&policy).get("nonce").is_none(), "{bad:?}");
    }
    let (_, policy) = h.raw("GET", "/v1/policy", Some(&session), None).await;
    assert!(payload_of(&policy).get("nonce").is_none());
}

/// A "requires passkeys" answer whose outer members say less than its signed payload (no blocked
/// paths, no scenario, version 0): the device holds what was signed, so the paths stay blocked,
/// login still needs a passkey, and the old "not required" cannot then pass as newer.
#[tokio::test]
async fn outer_members_no_signature_covers_are_not_what_the_device_holds() {
    let (h, alice, store, pm, phone, before) =
        enabled_with_the_policy_of_before("outer@enforce.test").await;
    let real = serde_json::to_value(phone.passkeys().policy().await.unwrap()).unwrap();
    assert_eq!(real["passkey_required"], true);
    let mut doctored = real.clone();
    doctored["blocked_paths"] = json!([]);
    doctored["version"] = 0.into();
    for scenario in ["login", "withdrawal", "security_settings", "api_keys"] {
        doctored["scenarios"][scenario] = false.into();
    }
    assert_ne!(doctored, real);
    let (liar, _) = told_by_a_liar(&h, &store, &pm, &doctored).await;
    assert!(h5_blocked(&liar), "the signed blocked paths hold");
    assert!(
        liar.scenarios()
            .needs_passkey(&bingx_passkeys_core::Scenario::Login)
    );
    let downgrade = json!({
        "status": "code_required", "login_id": "phish", "factors": ["sms"], "policy": before,
    });
    let err = phished_password_login(&h, &store, &pm, &downgrade, &alice)
        .await
        .unwrap_err();
    assert_eq!(err, PasskeysError::DowngradeRefused);
}

/// One phone, two accounts: Carol (no passkeys) signs in with her password, then Alice (flagged)
/// with a passkey and no email. The device must not pair Carol's email with Alice's account:
/// Carol signs in again with her password and a code, not refused as a downgrade, and her H5
/// login is not refused on the device by Alice's policy.
#[tokio::test]
async fn a_sign_in_as_another_account_without_an_email_forgets_the_remembered_email() {
    let Enabled { h, pm, .. } = enabled().await;
    let carol = h.sign_up("carol@enforce.test").await;
    let store = SecretStore::in_memory().unwrap();
    let phone = h.client_with(&h.base_url(), store.clone(), pm.clone());
    h.sign_in(&phone, &carol, "phone").await.unwrap();
    assert_eq!(
        store.account_email().unwrap().as_deref(),
        Some(carol.email.as_str())
    );
    phone.sign_in().with_passkey().await.unwrap();
    phone.passkeys().policy().await.unwrap();
    assert_eq!(store.account_email().unwrap(), None);
    assert!(
        phone.sign_in().check_path(LoginPath::H5).is_err(),
        "Alice's paths"
    );

    let step = phone
        .sign_in()
        .with_password(&carol.email, &carol.password, "phone", None)
        .await
        .unwrap();
    assert!(matches!(step, SignInStep::CodeRequired { .. }), "{step:?}");
}

/// The remembered, flagged account's email typed differently (case, a Kelvin sign for 'k',
/// spaces): the server finds the same account, so the device's downgrade check must too.
#[tokio::test]
async fn a_differently_typed_email_is_still_the_remembered_account() {
    let (h, alice, store, pm, _phone, _) =
        enabled_with_the_policy_of_before("kate@enforce.test").await;
    let downgrade = json!({ "status": "code_required", "login_id": "phish", "factors": ["sms"] });
    let phished = h.client_with(
        &fixed_answer(downgrade.to_string()).await,
        store.clone(),
        pm.clone(),
    );
    for typed in [" KATE@enforce.test ", "\u{212A}ate@enforce.test"] {
        let err = phished
            .sign_in()
            .with_password(typed, &alice.password, "phone", None)
            .await
            .unwrap_err();
        assert_eq!(err, PasskeysError::DowngradeRefused, "{typed:?}");
    }
}
