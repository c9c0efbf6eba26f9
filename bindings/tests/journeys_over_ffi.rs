//! Journeys J2–J6 through the FFI surface, against the reference server (the same journeys as
//! `testkit/tests/enforcement_journeys.rs` runs through the core): the app's calls use only the
//! exported objects, records and `PasskeysError`; the phone keeps its secrets in a foreign-style
//! `SecureStore` and pins the server's policy key, as a shipped app does.

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use bingx_passkeys::{PasskeysClient, SecureStore, SignInStep};
use bingx_passkeys_core::{Factor, LoginPath, PasskeysError, Purpose, Scenario, ServerCode};
use bingx_passkeys_testkit::harness::{Harness, RP_ID, TestAccount, TwoPasswordManagers};
use bingx_passkeys_testkit::softpm::{Fault, SoftPasswordManager};
use common::{Keystore, Shell, english, text_key};
use serde_json::{Value, json};

/// Alice's phone with passkeys required (J1 done through the FFI), its keystore and its
/// password manager.
struct Enabled {
    h: Harness,
    alice: TestAccount,
    pm: Arc<SoftPasswordManager>,
    phone: Arc<PasskeysClient>,
    keystore: Arc<Keystore>,
}

/// A phone as shipped: the app's keystore, the pinned policy key.
async fn phone(
    h: &Harness,
    platform: Arc<dyn bingx_passkeys_core::PlatformAuthenticator>,
) -> (Arc<PasskeysClient>, Arc<Keystore>) {
    let keystore = Arc::new(Keystore::default());
    let config = common::config(h, Some(common::policy_key(h).await));
    let client = PasskeysClient::new(config, Arc::new(Shell(platform)), keystore.clone()).unwrap();
    (client, keystore)
}

/// Password, then the emailed code or the passkey, whichever the server asks for.
async fn sign_in(h: &Harness, client: &PasskeysClient, account: &TestAccount) {
    let sign_in = client.sign_in();
    let step = sign_in
        .with_password(
            account.email.clone(),
            account.password.clone(),
            "phone".to_owned(),
            None,
        )
        .await
        .unwrap();
    match step {
        SignInStep::SignedIn { .. } => {}
        SignInStep::PasskeyRequired { login_id } => {
            sign_in.complete_with_passkey(login_id).await.unwrap();
        }
        SignInStep::CodeRequired { login_id, .. } => {
            let code = h.code_for(&account.email, "login").await;
            sign_in
                .complete_with_code(login_id, Factor::Email, code, false)
                .await
                .unwrap();
        }
    }
}

async fn enabled(email: &str) -> Enabled {
    let h = Harness::start().await;
    let alice = h.sign_up(email).await;
    let pm = h.password_manager();
    let (phone, keystore) = phone(&h, pm.clone()).await;
    sign_in(&h, &phone, &alice).await;
    let flow = phone.enable();
    flow.check_device().await.unwrap();
    flow.acknowledge_warning().unwrap();
    flow.start_step_up().await.unwrap();
    let code = h.code_for(&alice.email, "step_up").await;
    flow.finish_step_up(alice.password.clone(), Factor::Email, code)
        .await
        .unwrap();
    flow.create_passkey(Some("Alice's phone".to_owned()))
        .await
        .unwrap();
    Enabled {
        h,
        alice,
        pm,
        phone,
        keystore,
    }
}

async fn outbox_len(h: &Harness, to: &str) -> usize {
    let (_, body) = h
        .raw("GET", &format!("/v1/testkit/outbox?to={to}"), None, None)
        .await;
    body["messages"].as_array().map_or(0, Vec::len)
}

async fn id_token(h: &Harness, provider: &str, email: &str) -> String {
    let (status, body) = h
        .raw(
            "POST",
            "/v1/testkit/idp/token",
            None,
            Some(json!({"provider": provider, "email": email})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["id_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn j2_password_login_needs_the_passkey_and_never_a_code() {
    let Enabled { h, alice, pm, .. } = enabled("alice@j2.ffi.test").await;
    // A new phone whose password manager syncs Alice's passkey.
    let (new_phone, _) = phone(&h, pm).await;
    let codes = outbox_len(&h, &alice.email).await;
    let before = new_phone.requests_sent();
    let step = new_phone
        .sign_in()
        .with_password(
            alice.email.clone(),
            alice.password.clone(),
            "new-phone".to_owned(),
            None,
        )
        .await
        .unwrap();
    let SignInStep::PasskeyRequired { login_id } = step else {
        panic!("passkey required, got {step:?}");
    };
    // A code is refused on the device, without a request.
    let sent = new_phone.requests_sent();
    let refused = new_phone
        .sign_in()
        .complete_with_code(login_id.clone(), Factor::Email, "123456".to_owned(), false)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, PasskeysError::PasskeyRequired),
        "{refused:?}"
    );
    assert_eq!(text_key(&refused), "error.passkey_required");
    let shown = english(&refused);
    assert!(shown.contains("passkey"), "{shown}");
    assert_eq!(new_phone.requests_sent(), sent);

    let account = new_phone
        .sign_in()
        .complete_with_passkey(login_id)
        .await
        .unwrap();
    assert_eq!(account, alice.account_id);
    assert_eq!(
        new_phone.requests_sent() - before,
        2,
        "password + assertion"
    );
    assert_eq!(
        outbox_len(&h, &alice.email).await,
        codes,
        "no code was sent"
    );
    assert!(new_phone.sign_in().is_signed_in().unwrap());
    assert!(
        new_phone.passkeys().list().await.unwrap()[0]
            .last_used_at
            .is_some()
    );
}

#[tokio::test]
async fn j2_no_passkey_on_this_device_is_no_session_and_no_fallback() {
    let Enabled { h, alice, .. } = enabled("alice@j2b.ffi.test").await;
    let (tablet, _) = phone(&h, h.password_manager()).await;
    let step = tablet
        .sign_in()
        .with_password(
            alice.email.clone(),
            alice.password.clone(),
            "tablet".to_owned(),
            None,
        )
        .await
        .unwrap();
    let SignInStep::PasskeyRequired { login_id } = step else {
        panic!("passkey required, got {step:?}");
    };
    let none = tablet
        .sign_in()
        .complete_with_passkey(login_id)
        .await
        .unwrap_err();
    assert_eq!(none, PasskeysError::NoCredential);
    assert_eq!(text_key(&none), "error.no_credential");
    assert!(!tablet.sign_in().is_signed_in().unwrap());
}

#[tokio::test]
async fn j3_usernameless_sign_in_finds_the_account() {
    let Enabled { h, alice, pm, .. } = enabled("alice@j3.ffi.test").await;
    let (kiosk, _) = phone(&h, pm).await;
    assert_eq!(kiosk.sign_in().check_path(LoginPath::Passkey), Ok(()));
    let before = kiosk.requests_sent();
    assert_eq!(
        kiosk.sign_in().with_passkey().await.unwrap(),
        alice.account_id
    );
    assert_eq!(kiosk.requests_sent() - before, 2);
    assert_eq!(
        kiosk.passkeys().policy().await.unwrap().account_id,
        alice.account_id
    );
    let (empty, _) = phone(&h, h.password_manager()).await;
    assert!(matches!(
        empty.sign_in().with_passkey().await,
        Err(PasskeysError::NoCredential)
    ));
}

#[tokio::test]
async fn j4_blocked_paths_are_refused_on_the_device_then_by_the_server() {
    let Enabled {
        h,
        alice,
        phone: app,
        ..
    } = enabled("alice@j4.ffi.test").await;
    // The device knows the account (remembered, signed policy cached): refused before any request,
    // with a message the app shows as it is.
    app.passkeys().policy().await.unwrap();
    let before = app.requests_sent();
    for (path, key) in [
        (LoginPath::H5, "error.path_blocked.h5"),
        (LoginPath::ThirdParty, "error.path_blocked.third_party"),
    ] {
        let blocked = app.sign_in().check_path(path).unwrap_err();
        assert_eq!(blocked, PasskeysError::PathBlocked { path }, "{path:?}");
        assert_eq!(text_key(&blocked), key);
        let shown = english(&blocked);
        assert!(shown.contains("passkey"), "{shown}");
    }
    assert_eq!(app.sign_in().check_path(LoginPath::Password), Ok(()));
    let token = id_token(&h, "google", &alice.email).await;
    assert_eq!(
        app.sign_in()
            .with_third_party("google".to_owned(), token)
            .await,
        Err(PasskeysError::PathBlocked {
            path: LoginPath::ThirdParty
        })
    );
    assert!(matches!(
        app.sign_in()
            .with_h5(
                alice.email.clone(),
                alice.password.clone(),
                "web".to_owned()
            )
            .await,
        Err(PasskeysError::PathBlocked {
            path: LoginPath::H5
        })
    ));
    assert_eq!(app.requests_sent(), before, "nothing was sent");

    // A fresh device knows nothing: the server refuses, with its own code.
    let (fresh, _) = phone(&h, h.password_manager()).await;
    assert_eq!(fresh.sign_in().check_path(LoginPath::ThirdParty), Ok(()));
    for provider in ["google", "apple", "telegram"] {
        let token = id_token(&h, provider, &alice.email).await;
        match fresh
            .sign_in()
            .with_third_party(provider.to_owned(), token)
            .await
        {
            Err(
                blocked @ PasskeysError::PathBlocked {
                    path: LoginPath::ThirdParty,
                },
            ) => assert!(!english(&blocked).is_empty()),
            other => panic!("{provider}: {other:?}"),
        }
    }
    match fresh
        .sign_in()
        .with_h5(
            alice.email.clone(),
            alice.password.clone(),
            "web".to_owned(),
        )
        .await
    {
        Err(
            blocked @ PasskeysError::PathBlocked {
                path: LoginPath::H5,
            },
        ) => {
            assert!(!english(&blocked).is_empty());
        }
        other => panic!("h5: {other:?}"),
    }
    assert!(!fresh.sign_in().is_signed_in().unwrap());

    let kinds: Vec<String> = app
        .passkeys()
        .activity()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for kind in ["blocked_h5_login", "blocked_third_party_login", "flag_on"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} missing: {kinds:?}");
    }
}

#[tokio::test]
async fn j4_third_party_login_works_for_an_account_without_the_requirement() {
    let h = Harness::start().await;
    let bob = h.sign_up("bob@j4.ffi.test").await;
    let (app, _) = phone(&h, h.password_manager()).await;
    let token = id_token(&h, "telegram", &bob.email).await;
    let account = app
        .sign_in()
        .with_third_party("telegram".to_owned(), token.clone())
        .await
        .unwrap();
    assert_eq!(account, bob.account_id);
    assert!(app.sign_in().is_signed_in().unwrap());
    let forged = format!("{}x", &token[..token.len() - 1]);
    let (other, _) = phone(&h, h.password_manager()).await;
    let refused = other
        .sign_in()
        .with_third_party("telegram".to_owned(), forged)
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            PasskeysError::ServerRefused {
                code: ServerCode::IdTokenInvalid,
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!(text_key(&refused), "error.server.id_token_invalid");
}

#[tokio::test]
async fn j5_manage_passkeys_each_change_needs_a_passkey() {
    let Enabled { h, alice, pm, .. } = enabled("alice@j5.ffi.test").await;
    // The phone again, with a second password manager for "add another passkey".
    let second = h.password_manager();
    let both = Arc::new(TwoPasswordManagers {
        first: pm.clone(),
        second: second.clone(),
    });
    let (app, _) = phone(&h, both).await;
    sign_in(&h, &app, &alice).await;
    let page = app.passkeys();
    page.policy().await.unwrap();

    // Rename: one passkey verification, then the change.
    let first_id = page.list().await.unwrap()[0].credential_id.clone();
    let gets = pm.get_calls();
    let list = page
        .rename(first_id.clone(), "Work phone".to_owned())
        .await
        .unwrap();
    assert_eq!(pm.get_calls(), gets + 1);
    assert_eq!(list[0].name, "Work phone");

    // The last passkey cannot go while passkeys are required: refused before any sheet.
    let gets = pm.get_calls();
    let last = page.delete(first_id.clone()).await.unwrap_err();
    assert_eq!(last, PasskeysError::LastPasskey);
    assert_eq!(text_key(&last), "error.last_passkey");
    let shown = english(&last);
    assert!(shown.contains("only passkey"), "{shown}");
    assert_eq!(pm.get_calls(), gets);

    // Add another (into the second password manager), after a passkey verification.
    let outcome = page.add(Some("Backup".to_owned())).await.unwrap();
    assert_eq!(outcome.passkeys.len(), 2);
    assert_eq!(outcome.passkey.name, "Backup");
    assert_eq!(second.credential_ids(RP_ID).len(), 1);

    // Now the first can go; the password manager is told.
    let list = page.delete(first_id.clone()).await.unwrap();
    assert_eq!(list.len(), 1);
    assert!(pm.signalled_unknown().contains(&first_id));

    // A proof for a security-setting change the app sends itself.
    let proof = page.verify(Purpose::SecuritySettings).await.unwrap();
    assert!(!proof.proof().is_empty() && proof.expires_in_secs() > 0);
    assert!(!format!("{proof:?}").contains(&proof.proof()));

    // Turning the requirement off needs a passkey and reopens the other paths.
    let policy = page.turn_off_requirement().await.unwrap();
    assert!(!policy.passkey_required);
    assert!(policy.blocked_paths.is_empty());
    assert_eq!(app.sign_in().check_path(LoginPath::ThirdParty), Ok(()));

    let kinds: Vec<String> = page
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
async fn j5_a_cancelled_sheet_changes_nothing_and_a_retry_works() {
    let Enabled {
        h, pm, phone: app, ..
    } = enabled("alice@j5b.ffi.test").await;
    let page = app.passkeys();
    let id = page.list().await.unwrap()[0].credential_id.clone();
    let (signed_out, _) = phone(&h, pm.clone()).await;
    assert_eq!(
        signed_out
            .passkeys()
            .rename(id.clone(), "x".to_owned())
            .await,
        Err(PasskeysError::NotSignedIn)
    );

    pm.set_fault(Some(Fault::Cancel));
    assert_eq!(
        page.rename(id.clone(), "Work phone".to_owned()).await,
        Err(PasskeysError::Cancelled)
    );
    assert_eq!(
        page.turn_off_requirement().await,
        Err(PasskeysError::Cancelled)
    );
    assert!(page.policy().await.unwrap().passkey_required);
    assert_eq!(page.list().await.unwrap()[0].name, "Alice's phone");

    pm.set_fault(None);
    let list = page.rename(id, "Work phone".to_owned()).await.unwrap();
    assert_eq!(list[0].name, "Work phone");
}

#[tokio::test]
async fn j6_withdrawal_needs_a_passkey_once_the_server_switches_it_on() {
    let Enabled {
        h,
        phone: app,
        keystore,
        ..
    } = enabled("alice@j6.ffi.test").await;
    let params: HashMap<String, String> = [
        ("asset", "USDT"),
        ("address", "TXabc123"),
        ("amount", "250"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let session = keystore.session();
    let withdraw = |proof: Option<&str>, amount: &str| json!({"asset": "USDT", "address": "TXabc123", "amount": amount, "proof": proof});
    let send = |body: Value| {
        let h = &h;
        let session = session.clone();
        async move {
            h.raw("POST", "/v1/withdrawals", Some(&session), Some(body))
                .await
        }
    };

    // Off by default: login is the only scenario.
    let scenarios = app.scenarios();
    assert!(!app.passkeys().policy().await.unwrap().scenarios.withdrawal);
    assert!(!scenarios.needs_passkey(Scenario::Withdrawal));
    assert!(scenarios.needs_passkey(Scenario::Login));
    assert_eq!(send(withdraw(None, "250")).await.0, 200);

    // The server switches it on; the same app build follows.
    let status = h
        .set_server_policy(json!({"scenarios": {"withdrawal": true}}))
        .await;
    assert_eq!(status, 200);
    assert!(app.passkeys().policy().await.unwrap().scenarios.withdrawal);
    assert!(scenarios.needs_passkey(Scenario::Withdrawal));
    let (status, body) = send(withdraw(None, "250")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("PASSKEY_VERIFICATION_REQUIRED"))
    );

    // A proof for exactly this withdrawal, once.
    let proof = scenarios
        .verify(Scenario::Withdrawal, params.clone())
        .await
        .unwrap();
    assert_eq!(send(withdraw(Some(&proof.proof()), "999")).await.0, 403);
    let proof = scenarios
        .verify(Scenario::Withdrawal, params.clone())
        .await
        .unwrap();
    let (status, body) = send(withdraw(Some(&proof.proof()), "250")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(send(withdraw(Some(&proof.proof()), "250")).await.0, 403);

    // A scenario the server does not know is not the user's to fix.
    let teleport = Scenario::Other {
        name: "teleport".to_owned(),
    };
    let unknown = scenarios.verify(teleport, params).await.unwrap_err();
    assert_eq!(unknown, PasskeysError::NotSupported);
    assert_eq!(text_key(&unknown), "error.not_supported");
}

#[tokio::test]
async fn a_tampered_policy_copy_fails_closed_across_the_ffi() {
    // BRIEF §5 #14: the device's copy lives in the app's keystore; a copy edited while the app was
    // not running (a restored backup, a rooted device) is refused at the next start.
    let Enabled {
        h,
        pm,
        phone: app,
        keystore,
        alice,
        ..
    } = enabled("alice@policy.ffi.test").await;
    app.passkeys().policy().await.unwrap();
    drop(app);
    let name = format!("com.bingx.passkeys/policy:{}", alice.account_id);
    keystore.set(name, "{not json".to_owned()).unwrap();
    let config = common::config(&h, Some(common::policy_key(&h).await));
    let restarted = PasskeysClient::new(config, Arc::new(Shell(pm)), keystore.clone()).unwrap();
    let unavailable = restarted.sign_in().check_path(LoginPath::H5).unwrap_err();
    assert_eq!(unavailable, PasskeysError::PolicyUnavailable);
    assert_eq!(text_key(&unavailable), "error.policy_unavailable");
    assert!(
        restarted.scenarios().needs_passkey(Scenario::Withdrawal),
        "fail closed"
    );
}
