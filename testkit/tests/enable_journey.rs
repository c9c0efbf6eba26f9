//! Journey J1 (Enable) and the J7 cases that exist by now, end to end: the core drives the flow,
//! passkey-rs plays the password manager, the reference server verifies with webauthn-rs, all
//! over real loopback HTTP (BRIEF §2).

use std::sync::Arc;
use std::time::Duration;

use bingx_passkeys_core::platform::{CreateRequest, GetRequest, PlatformError};
use bingx_passkeys_core::webauthn::ResponseError;
use bingx_passkeys_core::{
    Capabilities, EnableState, Factor, PasskeysError, PlatformAuthenticator, SecretStore,
    ServerCode, Step, UnavailableReason,
};
use bingx_passkeys_testkit::harness::{Harness, RP_ID};
use bingx_passkeys_testkit::netcut::{Cut, NetCut};
use bingx_passkeys_testkit::server::{Pause, ServerConfig, TestHooks};
use bingx_passkeys_testkit::softpm::{Fault, PHISHING_ORIGIN, SoftPasswordManager};
use bingx_passkeys_testkit::texts::{self, Lang};

async fn flag_is_on(_h: &Harness, client: &bingx_passkeys_core::PasskeysClient) -> (bool, u32) {
    let policy = client.passkeys().policy().await.expect("policy");
    (policy.passkey_required, policy.passkey_count)
}

/// `account` signed in on `phone`, an Enable begun there up to its step-up code: the flow and
/// the code the server sent.
async fn awaiting_step_up_code(
    h: &Harness,
    phone: &bingx_passkeys_core::PasskeysClient,
    account: &bingx_passkeys_testkit::harness::TestAccount,
) -> (bingx_passkeys_core::EnableFlow, String) {
    h.sign_in(phone, account, "phone").await.unwrap();
    let flow = phone.enable();
    flow.check_device().await.unwrap();
    flow.acknowledge_warning().unwrap();
    flow.start_step_up().await.unwrap();
    let code = h.code_for(&account.email, "step_up").await;
    (flow, code)
}

#[tokio::test]
async fn j1_enable_turns_the_flag_on_lists_the_passkey_and_revokes_other_sessions() {
    let h = Harness::start().await;
    let alice = h.sign_up("alice@j1.test").await;
    let laptop = h.raw_sign_in(&alice, "laptop", true).await;
    assert!(
        laptop.trust_token.is_some(),
        "the laptop is a trusted device"
    );

    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    assert_eq!(flag_is_on(&h, &phone).await, (false, 0));

    let flow = phone.enable();
    assert_eq!(flow.state(), EnableState::NotStarted);
    flow.check_device().await.unwrap();
    assert_eq!(flow.state(), EnableState::DeviceChecked);
    // The warning the user accepts says H5 and third-party login are turned off.
    let warning = flow.warning();
    assert_eq!(warning.key, "enable.warning");
    let shown = texts::format_text(&warning, Lang::En).unwrap();
    assert!(
        shown.contains("H5") && shown.contains("third-party"),
        "{shown}"
    );
    flow.acknowledge_warning().unwrap();
    assert_eq!(flow.state(), EnableState::Warned);
    let factors = flow.start_step_up().await.unwrap();
    assert!(factors.contains(&Factor::Email) && factors.contains(&Factor::Totp));
    assert_eq!(flow.state(), EnableState::SteppingUp);
    let code = h.code_for(&alice.email, "step_up").await;
    flow.finish_step_up(&alice.password, Factor::Email, &code)
        .await
        .unwrap();
    assert_eq!(flow.state(), EnableState::SteppedUp);

    let before = phone.requests_sent();
    let outcome = flow.create_passkey(Some("My phone")).await.unwrap();
    assert_eq!(
        phone.requests_sent() - before,
        2,
        "Enable = 2 round trips after step-up"
    );
    assert_eq!(flow.state(), EnableState::Enabled);
    assert_eq!(pm.create_calls(), 1);

    // The flag is on, with exactly the one verified passkey, in the same round trip.
    assert!(outcome.policy.passkey_required);
    assert_eq!(outcome.policy.passkey_count, 1);
    assert!(
        outcome
            .policy
            .blocked_paths
            .contains(&"h5_login".to_owned())
    );
    assert!(
        outcome
            .policy
            .blocked_paths
            .contains(&"third_party_login".to_owned())
    );
    assert_eq!(outcome.revoked_sessions, 1);
    assert_eq!(outcome.revoked_trusted_devices, 1);

    // The Passkeys page.
    let list = phone.passkeys().list().await.unwrap();
    assert_eq!(list.len(), 1);
    let p = &list[0];
    assert_eq!(p.name, "My phone");
    assert_eq!(p.provider, "BingX Testkit Password Manager");
    assert!(p.provider_known);
    assert_eq!(p.aaguid, "b1d0c2a4-5f3e-4e2b-9a7c-7e57c0de0001");
    assert_eq!(p.last_used_at, None);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - p.created_at).abs() < 60, "created just now");
    assert_eq!(p.credential_id, pm.credential_ids(RP_ID)[0]);
    assert_eq!(list, outcome.passkeys);

    // BRIEF §5 #3: the laptop's session can no longer act, its trust mark no longer helps.
    let (status, body) = h
        .raw("GET", "/v1/passkeys", Some(&laptop.token), None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("UNAUTHENTICATED"))
    );
    let (status, body) = h
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(serde_json::json!({
                "email": alice.email, "password": alice.password, "device_id": "laptop",
                "trust_token": laptop.trust_token,
            })),
        )
        .await;
    assert_eq!(status, 200);
    assert_ne!(
        body["status"], "signed_in",
        "a cleared trust mark gives no session: {body}"
    );
    assert!(body.get("session_token").is_none());
}

#[tokio::test]
async fn steps_out_of_order_are_refused() {
    let h = Harness::start().await;
    let alice = h.sign_up("order@j1.test").await;
    let phone = h.client(h.password_manager());

    // Not signed in: nothing starts.
    let flow = phone.enable();
    assert_eq!(
        flow.check_device().await.unwrap_err(),
        PasskeysError::NotSignedIn
    );

    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    assert_eq!(
        flow.acknowledge_warning(),
        Err(PasskeysError::NotAllowedInThisState {
            needs: Step::CheckDevice
        })
    );
    assert_eq!(
        flow.start_step_up().await,
        Err(PasskeysError::NotAllowedInThisState {
            needs: Step::AcceptWarning
        })
    );
    assert_eq!(
        flow.finish_step_up(&alice.password, Factor::Email, "000000")
            .await,
        Err(PasskeysError::NotAllowedInThisState {
            needs: Step::RequestCode
        })
    );
    assert_eq!(
        flow.create_passkey(None).await,
        Err(PasskeysError::NotAllowedInThisState {
            needs: Step::VerifyStepUp
        })
    );
    assert_eq!(flag_is_on(&h, &phone).await, (false, 0));
}

#[tokio::test]
async fn a_wrong_step_up_code_or_password_is_refused_and_can_be_retried() {
    let h = Harness::start().await;
    let alice = h.sign_up("stepup@j1.test").await;
    let phone = h.client(h.password_manager());
    let (flow, code) = awaiting_step_up_code(&h, &phone, &alice).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = flow
        .finish_step_up(&alice.password, Factor::Email, wrong)
        .await
        .unwrap_err();
    assert_eq!(err.server_code(), Some(&ServerCode::CodeInvalid));
    assert!(matches!(flow.state(), EnableState::Failed { .. }));
    let err = flow
        .finish_step_up("not my password", Factor::Email, &code)
        .await
        .unwrap_err();
    assert_eq!(err.server_code(), Some(&ServerCode::InvalidCredentials));
    // Without a step-up the ceremony never starts.
    assert_eq!(
        flow.create_passkey(None).await,
        Err(PasskeysError::NotAllowedInThisState {
            needs: Step::VerifyStepUp
        })
    );
    flow.finish_step_up(&alice.password, Factor::Email, &code)
        .await
        .unwrap();
    flow.create_passkey(None).await.unwrap();
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

#[tokio::test]
async fn two_taps_on_verify_leave_the_flow_stepped_up() {
    // Both taps give the same step-up's password and code. The server would answer a repeat
    // with a new token that ends the first, so the second tap waits for the first and sends
    // nothing: the flow holds the one token that counts, whichever answer came last.
    let hooks = TestHooks::new();
    let mut config = ServerConfig::for_tests(RP_ID);
    config.test_hooks = Some(hooks.clone());
    let h = Harness::start_with(config).await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let alice = h.sign_up("twotaps@j1.test").await;
    let phone = h.client_via(&proxy.base_url(), h.password_manager());
    let (flow, code) = awaiting_step_up_code(&h, &phone, &alice).await;

    // The first finish waits at the server's password check while the second tap comes.
    let gate = hooks.hold(Pause::InPasswordCheck);
    let tap = || flow.finish_step_up(&alice.password, Factor::Email, &code);
    let let_one_through = async {
        gate.arrived().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        gate.release_all();
    };
    let ((first, second), ()) = tokio::join!(async { tokio::join!(tap(), tap()) }, let_one_through);
    hooks.unhold(Pause::InPasswordCheck);
    assert_eq!((first, second), (Ok(()), Ok(())));
    assert_eq!(flow.state(), EnableState::SteppedUp);
    let finishes = proxy
        .seen()
        .iter()
        .filter(|path| path.starts_with("/v1/step-up/finish"))
        .count();
    assert_eq!(finishes, 1, "the second tap sent nothing");
    flow.create_passkey(None).await.unwrap();
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

#[tokio::test]
async fn j7_user_cancels_then_retries() {
    let h = Harness::start().await;
    let alice = h.sign_up("cancel@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();

    pm.set_fault(Some(Fault::Cancel));
    let err = flow.create_passkey(None).await.unwrap_err();
    assert_eq!(err, PasskeysError::Cancelled);
    assert!(err.is_retryable());
    assert!(matches!(
        flow.state(),
        EnableState::Failed {
            retryable: true,
            ..
        }
    ));
    assert_eq!(
        flag_is_on(&h, &phone).await,
        (false, 0),
        "nothing half-enabled"
    );

    pm.set_fault(None);
    flow.create_passkey(None).await.unwrap();
    assert_eq!(flow.state(), EnableState::Enabled);
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

#[tokio::test]
async fn a_name_typed_with_invisible_characters_is_stored_without_them() {
    // The server refuses a name holding a control character or a bidirectional override, and its
    // refusal would come after the password manager made the passkey: the core sends the name as
    // the server takes it, so Enable ends with the passkey stored, named what the user sees.
    let h = Harness::start().await;
    let alice = h.sign_up("names@enable.test").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    let added = flow
        .create_passkey(Some(" \u{202E}My phone\u{7}\u{200F} "))
        .await
        .unwrap();
    assert!(added.policy.passkey_required);
    let names: Vec<String> = phone
        .passkeys()
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["My phone\u{200F}"]);

    // A rename to nothing visible is refused before any passkey verification.
    let id = phone.passkeys().list().await.unwrap()[0]
        .credential_id
        .clone();
    let asked = pm.get_calls();
    assert_eq!(
        phone.passkeys().rename(&id, " \u{2066}\u{7} ").await,
        Err(PasskeysError::InvalidName)
    );
    assert_eq!(pm.get_calls(), asked, "no verification was asked for");
}

#[tokio::test]
async fn j7_no_password_manager_is_explained_at_the_device_check() {
    let h = Harness::start().await;
    let alice = h.sign_up("nopm@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();

    pm.set_fault(Some(Fault::NoPasswordManager));
    let flow = phone.enable();
    let err = flow.check_device().await.unwrap_err();
    assert_eq!(
        err,
        PasskeysError::DeviceNotReady {
            reason: UnavailableReason::NoPasswordManager
        }
    );
    assert_eq!(err.text().key, "error.device_not_ready.no_password_manager");
    assert_eq!(
        flow.acknowledge_warning(),
        Err(PasskeysError::NotAllowedInThisState {
            needs: Step::CheckDevice
        })
    );

    pm.set_fault(None);
    pm.set_capabilities(Capabilities {
        user_can_authenticate: false,
        unavailable_reason: Some(UnavailableReason::NoScreenLock),
        ..Capabilities::ready_device()
    });
    let err = flow.check_device().await.unwrap_err();
    assert_eq!(
        err,
        PasskeysError::DeviceNotReady {
            reason: UnavailableReason::NoScreenLock
        }
    );
    assert_eq!(err.text().key, "error.device_not_ready.no_screen_lock");
    assert_eq!(pm.create_calls(), 0);

    // The user fixes the device and simply goes on.
    pm.set_capabilities(Capabilities::ready_device());
    h.step_up(&flow, &alice).await.unwrap();
    flow.create_passkey(None).await.unwrap();
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

/// A password manager without the account it syncs with (Android: no Google account, "Unable to
/// get sync account.") is not a missing password manager: the app is told to sign in to it, at
/// the device check when the platform can tell, else at the ceremony.
#[tokio::test]
async fn j7_a_password_manager_without_its_account_is_told_as_such() {
    let h = Harness::start().await;
    let alice = h.sign_up("noaccount@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let account_missing = PasskeysError::DeviceNotReady {
        reason: UnavailableReason::AccountMissing,
    };

    // Android cannot see the accounts beforehand: the device check passes, the ceremony fails.
    pm.set_fault(Some(Fault::AccountMissing));
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    let err = flow.create_passkey(None).await.unwrap_err();
    assert_eq!(err, account_missing);
    assert!(!err.is_retryable(), "the user must sign in first");
    assert_eq!(err.text().key, "error.device_not_ready.account_missing");
    assert!(
        texts::format_text(&err.text(), Lang::En)
            .unwrap()
            .contains("signed in"),
        "the remedy, not 'no password manager'"
    );
    assert_eq!(
        flow.state(),
        EnableState::Failed {
            retryable: false,
            text: err.text(),
        }
    );
    assert_eq!(pm.create_calls(), 1);
    assert_eq!(
        flag_is_on(&h, &phone).await,
        (false, 0),
        "nothing half-enabled"
    );

    // A shell that can tell before the ceremony says so at the device check; a ceremony started
    // anyway fails the same way.
    pm.set_fault(None);
    pm.set_capabilities(Capabilities {
        password_manager_available: false,
        unavailable_reason: Some(UnavailableReason::AccountMissing),
        ..Capabilities::ready_device()
    });
    let again = phone.enable();
    assert_eq!(again.check_device().await.unwrap_err(), account_missing);
    assert_eq!(
        flow.create_passkey(None).await.unwrap_err(),
        account_missing
    );

    // The user signs in to the password manager and goes on with the same flow.
    pm.set_capabilities(Capabilities::ready_device());
    flow.create_passkey(None).await.unwrap();
    assert_eq!(flow.state(), EnableState::Enabled);
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

#[tokio::test]
async fn j7_passkey_already_on_this_device() {
    let h = Harness::start().await;
    let alice = h.sign_up("exclude@j7.test").await;
    let pm = h.password_manager();
    // Earlier, Alice saved a passkey in this password manager for "sign in with a passkey",
    // without turning on the requirement.
    let earlier = h.raw_sign_in(&alice, "phone", false).await;
    let (status, answer) = h.raw_register(&alice, &earlier, &pm, false).await;
    assert_eq!(status, 200, "{answer}");
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    assert_eq!(flag_is_on(&h, &phone).await, (false, 1));

    // Enable from the same password manager, keeping that passkey: excludeCredentials matches
    // for real.
    let flow = phone.enable();
    let existing = flow.existing_passkeys().await.unwrap();
    assert_eq!(existing.len(), 1);
    flow.keep_passkeys(vec![existing[0].credential_id.clone()]);
    h.step_up(&flow, &alice).await.unwrap();
    let creates_before = pm.create_calls();
    let err = flow.create_passkey(None).await.unwrap_err();
    assert_eq!(err, PasskeysError::AlreadyRegistered);
    assert_eq!(err.text().key, "error.already_registered");
    assert!(matches!(flow.state(), EnableState::Failed { .. }));
    assert_eq!(pm.create_calls(), creates_before + 1);
    assert_eq!(
        flag_is_on(&h, &phone).await,
        (false, 1),
        "nothing changed on the server"
    );
    assert_eq!(pm.credential_ids(RP_ID).len(), 1);

    // From another password manager (say, a synced one on a second device) Enable goes through
    // and keeps the first passkey.
    let other_pm = h.password_manager();
    let other_device = h.client(other_pm.clone());
    h.sign_in(&other_device, &alice, "tablet").await.unwrap();
    let flow = other_device.enable();
    flow.keep_passkeys(vec![existing[0].credential_id.clone()]);
    h.step_up(&flow, &alice).await.unwrap();
    let added = flow.create_passkey(None).await.unwrap();
    assert_eq!(added.removed_passkeys, 0);
    assert_eq!(flag_is_on(&h, &other_device).await, (true, 2));
}

#[tokio::test]
async fn enable_on_the_device_that_holds_a_passkey_not_kept_replaces_it() {
    // The requirement was on and turned off (the passkeys stay); turning it on again from the
    // same phone replaces the passkey in its password manager instead of refusing.
    let h = Harness::start().await;
    let alice = h.sign_up("again@j1.test").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    let first = flow.create_passkey(None).await.unwrap().passkey;
    phone.passkeys().turn_off_requirement().await.unwrap();
    assert_eq!(flag_is_on(&h, &phone).await, (false, 1));

    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    let added = flow.create_passkey(None).await.unwrap();
    assert_eq!(added.removed_passkeys, 1);
    assert_ne!(added.passkey.credential_id, first.credential_id);
    assert_eq!(
        added
            .passkeys
            .iter()
            .map(|p| p.credential_id.clone())
            .collect::<Vec<_>>(),
        vec![added.passkey.credential_id.clone()]
    );
    assert_eq!(
        pm.credential_ids(RP_ID),
        vec![added.passkey.credential_id.clone()],
        "the password manager holds the new passkey only"
    );
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
    // And it signs in.
    let again = h.client(pm.clone());
    h.sign_in(&again, &alice, "phone-2").await.unwrap();
}

#[tokio::test]
async fn enable_removes_a_passkey_someone_else_added_while_the_requirement_was_off() {
    // Someone who once had Alice's password and a code added their own passkey without turning
    // the requirement on. Her Enable removes it: it signs in no more, and the activity says so.
    let h = Harness::start().await;
    let alice = h.sign_up("planted@j1.test").await;
    let intruder_pm = h.password_manager();
    let intruder = h.raw_sign_in(&alice, "intruder", false).await;
    let (status, answer) = h.raw_register(&alice, &intruder, &intruder_pm, false).await;
    assert_eq!(status, 200, "{answer}");

    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    let existing = flow.existing_passkeys().await.unwrap();
    assert_eq!(
        existing.len(),
        1,
        "the Enable flow shows the passkey already there"
    );
    h.step_up(&flow, &alice).await.unwrap();
    let added = flow.create_passkey(Some("Alice's phone")).await.unwrap();
    assert_eq!(added.removed_passkeys, 1);
    assert_eq!(added.passkeys.len(), 1);
    assert_eq!(added.passkeys[0].name, "Alice's phone");

    // The planted passkey opens nothing: neither usernameless nor after the password.
    let intruders_phone = h.client(intruder_pm.clone());
    assert!(intruders_phone.sign_in().with_passkey().await.is_err());
    assert!(
        h.sign_in(&intruders_phone, &alice, "intruder")
            .await
            .is_err()
    );
    assert!(!intruders_phone.sign_in().is_signed_in().unwrap());
    let activity = phone.passkeys().activity().await.unwrap();
    assert!(
        activity
            .iter()
            .any(|e| e.kind == "passkey_removed" && e.detail.contains("not kept")),
        "{activity:?}"
    );
    // Alice's own passkey signs in.
    let laptop = h.client(pm.clone());
    h.sign_in(&laptop, &alice, "laptop").await.unwrap();
}

#[tokio::test]
async fn enable_keeps_exactly_the_passkeys_the_user_chose() {
    let h = Harness::start().await;
    let alice = h.sign_up("keep@j1.test").await;
    let tablet_pm = h.password_manager();
    let unknown_pm = h.password_manager();
    for (pm, device) in [(&tablet_pm, "tablet"), (&unknown_pm, "unknown")] {
        let session = h.raw_sign_in(&alice, device, false).await;
        let (status, answer) = h.raw_register(&alice, &session, pm, false).await;
        assert_eq!(status, 200, "{answer}");
    }
    let tablet_id = tablet_pm.credential_ids(RP_ID)[0].clone();

    let phone = h.client(h.password_manager());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    assert_eq!(flow.existing_passkeys().await.unwrap().len(), 2);
    // A choice replaces the last one; an id the account does not hold is ignored.
    flow.keep_passkeys(vec![vec![9; 16]]);
    flow.keep_passkeys(vec![tablet_id.clone(), vec![7; 16]]);
    h.step_up(&flow, &alice).await.unwrap();
    let added = flow.create_passkey(None).await.unwrap();
    assert_eq!(added.removed_passkeys, 1);
    let mut ids: Vec<_> = added
        .passkeys
        .iter()
        .map(|p| p.credential_id.clone())
        .collect();
    ids.sort();
    let mut expected = vec![tablet_id, added.passkey.credential_id.clone()];
    expected.sort();
    assert_eq!(ids, expected);

    // The kept tablet signs in; the one not kept does not.
    h.sign_in(&h.client(tablet_pm.clone()), &alice, "tablet-2")
        .await
        .unwrap();
    assert!(
        h.client(unknown_pm.clone())
            .sign_in()
            .with_passkey()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_client_that_names_no_passkeys_to_keep_keeps_them_all_and_a_bad_list_is_refused() {
    // The contract before keep_passkeys: a begin without it removes nothing.
    let h = Harness::start().await;
    let alice = h.sign_up("nokeep@j1.test").await;
    let session = h.raw_sign_in(&alice, "tablet", false).await;
    let (status, answer) = h
        .raw_register(&alice, &session, &h.password_manager(), false)
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = h
        .raw_register(&alice, &session, &h.password_manager(), true)
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["removed_passkeys"], 0, "{answer}");
    assert_eq!(
        answer["passkeys"].as_array().map(Vec::len),
        Some(2),
        "{answer}"
    );

    let other = h.sign_up("badkeep@j1.test").await;
    let session = h.raw_sign_in(&other, "phone", false).await;
    let step_up = h.raw_step_up(&other, &session).await;
    let too_many: Vec<String> = (0..21).map(|i| format!("AAAA{i:02}AA")).collect();
    for keep in [
        serde_json::json!(["AQ=="]),
        serde_json::json!([""]),
        serde_json::json!(["not base64!"]),
        serde_json::json!(too_many),
    ] {
        let (status, body) = h
            .raw(
                "POST",
                "/v1/passkeys/registration/begin",
                Some(&session.token),
                Some(serde_json::json!({ "step_up_token": step_up, "keep_passkeys": keep })),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("BAD_REQUEST")),
            "{keep} {body}"
        );
    }
}

#[tokio::test]
async fn j7_ceremony_timeout_then_retry() {
    let h = Harness::start().await;
    let alice = h.sign_up("timeout@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();

    pm.set_fault(Some(Fault::Timeout));
    let err = flow.create_passkey(None).await.unwrap_err();
    assert_eq!(err, PasskeysError::TimedOut);
    assert!(err.is_retryable());
    assert_eq!(flag_is_on(&h, &phone).await, (false, 0));
    pm.set_fault(None);
    flow.create_passkey(None).await.unwrap();
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

#[tokio::test]
async fn j7_network_drops_after_the_platform_created_the_passkey() {
    let h = Harness::start().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let alice = h.sign_up("drop@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client_via(&proxy.base_url(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();

    // 1. The finish request never reaches the server.
    proxy.cut("/v1/passkeys/registration/finish", Cut::BeforeServer, 1);
    let err = flow.create_passkey(None).await.unwrap_err();
    assert_eq!(err, PasskeysError::Network);
    assert!(err.is_retryable());
    assert_eq!(pm.create_calls(), 1);
    assert_eq!(
        flag_is_on(&h, &phone).await,
        (false, 0),
        "nothing half-enabled"
    );

    // 2. The retry reaches the server, which stores it, but the answer is lost.
    proxy.cut("/v1/passkeys/registration/finish", Cut::AfterServer, 1);
    let err = flow.create_passkey(None).await.unwrap_err();
    assert_eq!(err, PasskeysError::Network);
    assert_eq!(
        pm.create_calls(),
        1,
        "the retry resends; it never runs a second ceremony"
    );

    // 3. The next retry learns it all worked: one passkey, flag on, the one the device holds.
    let outcome = flow.create_passkey(None).await.unwrap();
    assert_eq!(pm.create_calls(), 1);
    assert_eq!(outcome.passkeys.len(), 1);
    assert!(outcome.policy.passkey_required);
    assert_eq!(
        outcome.passkeys[0].credential_id,
        pm.credential_ids(RP_ID)[0]
    );
    assert_eq!(flow.state(), EnableState::Enabled);
}

/// The step-up's finish reaches the server, which issues the token, but its answer is lost. The
/// user taps Verify again with the same code: the server answers the repeat with a new token (and
/// ends the first, which nobody received), so the flow goes on without a new code being sent.
#[tokio::test]
async fn j7_a_step_up_whose_answer_was_lost_is_finished_by_the_same_code_again() {
    let h = Harness::start().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let alice = h.sign_up("lost-step-up@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client_via(&proxy.base_url(), pm.clone());
    let (flow, code) = awaiting_step_up_code(&h, &phone, &alice).await;

    proxy.cut("/v1/step-up/finish", Cut::AfterServer, 1);
    let err = flow
        .finish_step_up(&alice.password, Factor::Email, &code)
        .await
        .unwrap_err();
    assert_eq!(err, PasskeysError::Network);
    assert!(err.is_retryable());

    flow.finish_step_up(&alice.password, Factor::Email, &code)
        .await
        .expect("the same code finishes the step-up whose answer was lost");
    assert_eq!(flow.state(), EnableState::SteppedUp);
    assert_eq!(
        h.code_for(&alice.email, "step_up").await,
        code,
        "no new code was sent"
    );
    flow.create_passkey(None).await.unwrap();
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

#[tokio::test]
async fn j7_a_finish_answered_by_something_other_than_the_server_is_resent_not_run_again() {
    // A captive portal (a hotel's Wi-Fi) answers the finish with a page of its own: no word of
    // the server, whose fate for the passkey the core cannot know. The result stays kept and is
    // resent; no second ceremony leaves a passkey the server never stored in the password manager.
    let h = Harness::start().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let alice = h.sign_up("portal@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client_via(&proxy.base_url(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    proxy.answer_with(
        "/v1/passkeys/registration/finish",
        200,
        "<html>Sign in to the hotel's Wi-Fi</html>",
        1,
    );
    let err = flow.create_passkey(None).await.unwrap_err();
    assert_eq!(
        err,
        PasskeysError::Network,
        "offered again: the retry resends"
    );
    assert!(
        matches!(
            flow.state(),
            EnableState::Failed {
                retryable: true,
                ..
            }
        ),
        "{:?}",
        flow.state()
    );
    assert_eq!(flag_is_on(&h, &phone).await, (false, 0));

    let outcome = flow.create_passkey(None).await.unwrap();
    assert_eq!(pm.create_calls(), 1, "resent, never a second ceremony");
    assert_eq!(pm.credential_ids(RP_ID).len(), 1);
    assert!(outcome.policy.passkey_required);
    assert_eq!(flow.state(), EnableState::Enabled);
}

/// A password manager that takes signals but never answers "these are the accepted ones" (the
/// core gives such a signal 10 s).
struct SlowToListen(Arc<SoftPasswordManager>);

#[async_trait::async_trait]
impl PlatformAuthenticator for SlowToListen {
    async fn capabilities(&self) -> Capabilities {
        self.0.capabilities().await
    }

    async fn create(&self, request: CreateRequest) -> Result<String, PlatformError> {
        self.0.create(request).await
    }

    async fn get(&self, request: GetRequest) -> Result<String, PlatformError> {
        self.0.get(request).await
    }

    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformError> {
        self.0.signal_unknown_credential(rp_id, credential_id).await
    }

    async fn signal_all_accepted_credentials(
        &self,
        _rp_id: String,
        _user_id: Vec<u8>,
        _credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError> {
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(())
    }

    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), PlatformError> {
        self.0
            .signal_current_user_details(rp_id, user_id, name, display_name)
            .await
    }
}

#[tokio::test]
async fn an_enable_given_up_while_the_password_manager_is_told_stays_enabled() {
    // The server turned the requirement on and removed a passkey not kept; the core then tells
    // the password manager, which takes its time, and the app gives up (the user leaves the
    // screen: uniffi drops the future). The flow must say Enabled: back at SteppedUp, with a
    // step-up the finish spent, every retry would be refused for good.
    let h = Harness::start().await;
    let alice = h.sign_up("given-up@j1.test").await;
    let laptop = h.raw_sign_in(&alice, "laptop", false).await;
    let (status, body) = h
        .raw_register(&alice, &laptop, &h.password_manager(), false)
        .await;
    assert_eq!(status, 200, "{body}");
    let pm = h.password_manager();
    let phone = h.client_with(
        &h.base_url(),
        SecretStore::in_memory().unwrap(),
        Arc::new(SlowToListen(pm.clone())),
    );
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();

    let given_up = tokio::time::timeout(Duration::from_secs(3), flow.create_passkey(None)).await;
    assert!(given_up.is_err(), "the signal was still running");
    assert_eq!(flow.state(), EnableState::Enabled);
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
    assert_eq!(pm.credential_ids(RP_ID).len(), 1);
}

#[tokio::test]
async fn enable_is_never_shown_on_when_the_answer_says_the_requirement_is_off() {
    // A server (or whoever answers for it) stores the passkey but answers with the requirement
    // still off: Enable must not tell the user they are protected.
    let h = Harness::start().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let bob = h.sign_up("bob@off-answer.test").await;
    let bobs = h.raw_sign_in(&bob, "laptop", false).await;
    let (status, added_without_enable) = h
        .raw_register(&bob, &bobs, &h.password_manager(), false)
        .await;
    assert_eq!(status, 200, "{added_without_enable}");
    assert_eq!(added_without_enable["policy"]["passkey_required"], false);

    let alice = h.sign_up("alice@off-answer.test").await;
    let pm = h.password_manager();
    let phone = h.client_via(&proxy.base_url(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    proxy.answer(
        "/v1/passkeys/registration/finish",
        &added_without_enable.to_string(),
        1,
    );
    let answer = flow.create_passkey(None).await;
    assert!(
        matches!(answer, Err(PasskeysError::InvalidResponse { .. })),
        "{answer:?}"
    );
    assert_ne!(flow.state(), EnableState::Enabled);
}

#[tokio::test]
async fn j7_network_drop_before_the_ceremony_starts() {
    let h = Harness::start().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let alice = h.sign_up("dropbegin@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client_via(&proxy.base_url(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();

    proxy.cut("/v1/passkeys/registration/begin", Cut::AfterServer, 1);
    let err = flow.create_passkey(None).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(pm.create_calls(), 0, "no options, no ceremony");
    flow.create_passkey(None).await.unwrap();
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

#[tokio::test]
async fn j7_crash_after_the_ceremony_is_resumed_by_a_new_flow() {
    let h = Harness::start().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let alice = h.sign_up("crash@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client_via(&proxy.base_url(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    proxy.cut("/v1/passkeys/registration/finish", Cut::BeforeServer, 1);
    flow.create_passkey(None).await.unwrap_err();
    drop(flow); // the app is killed; only the keystore survives

    let after_restart = phone.enable();
    let outcome = after_restart
        .resume_pending()
        .await
        .unwrap()
        .expect("a pending Enable");
    assert!(outcome.policy.passkey_required);
    assert_eq!(pm.create_calls(), 1);
    assert_eq!(
        after_restart.resume_pending().await.unwrap(),
        None,
        "sent once"
    );
}

#[tokio::test]
async fn j7_a_result_whose_answer_was_lost_is_not_forgotten_after_a_new_sign_in() {
    // BRIEF §5 #19: the server stored the passkey and turned the flag on, the answer was lost,
    // and the user signed out and in again (a new session) before the retry. The server refuses
    // the old session's ceremony for good; the passkey it now requires must stay in the password
    // manager (telling it "unknown" would lock the user out).
    let h = Harness::start().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let alice = h.sign_up("lostanswer@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client_via(&proxy.base_url(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    proxy.cut("/v1/passkeys/registration/finish", Cut::AfterServer, 1);
    assert_eq!(
        flow.create_passkey(None).await.unwrap_err(),
        PasskeysError::Network
    );

    phone.sign_in().sign_out().await.unwrap();
    h.sign_in(&phone, &alice, "phone")
        .await
        .expect("the passkey the server stored signs in");
    let finishes = |proxy: &NetCut| {
        proxy
            .seen()
            .iter()
            .filter(|p| p.starts_with("/v1/passkeys/registration/finish"))
            .count()
    };
    let before = finishes(&proxy);
    assert_eq!(
        phone.enable().resume_pending().await,
        Ok(None),
        "another session's result is dropped unsent"
    );
    assert_eq!(finishes(&proxy), before);
    assert!(pm.signalled_unknown().is_empty(), "nothing signalled");
    assert_eq!(pm.credential_ids(RP_ID).len(), 1);
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));

    // And the user can still sign in with it.
    phone.sign_in().sign_out().await.unwrap();
    h.sign_in(&phone, &alice, "phone").await.unwrap();
}

#[tokio::test]
async fn j7_another_accounts_kept_result_is_never_sent_with_this_session() {
    // Alice's finish never reached the server; she signs out and Bob signs in on the same phone.
    // Her kept result is never sent with Bob's session, and Bob's Enable runs its own ceremony.
    let h = Harness::start().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let alice = h.sign_up("alice-kept@j7.test").await;
    let bob = h.sign_up("bob-kept@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client_via(&proxy.base_url(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    proxy.cut("/v1/passkeys/registration/finish", Cut::BeforeServer, 1);
    flow.create_passkey(None).await.unwrap_err();
    phone.sign_in().sign_out().await.unwrap();

    h.sign_in(&phone, &bob, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &bob).await.unwrap();
    let before = proxy.seen().len();
    let added = flow
        .create_passkey(None)
        .await
        .expect("Bob's Enable is not refused because of Alice's result");
    let finishes: Vec<_> = proxy.seen()[before..]
        .iter()
        .filter(|p| p.starts_with("/v1/passkeys/registration/finish"))
        .cloned()
        .collect();
    assert_eq!(finishes.len(), 1, "only Bob's own finish: {finishes:?}");
    assert_eq!(pm.create_calls(), 2);
    assert_eq!(added.passkeys.len(), 1);
    assert!(
        pm.credential_ids(RP_ID)
            .contains(&added.passkeys[0].credential_id)
    );
    assert!(pm.signalled_unknown().is_empty());
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

#[tokio::test]
async fn j7_server_refusal_leaves_the_flag_off_and_the_password_manager_is_told() {
    let h = Harness::start().await;
    let alice = h.sign_up("refused@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();

    // A tampered public key passes the core's shape checks; webauthn-rs on the server refuses it.
    pm.set_fault(Some(Fault::TamperSignature));
    let err = flow.create_passkey(None).await.unwrap_err();
    assert_eq!(
        err.server_code(),
        Some(&ServerCode::RegistrationRejected),
        "{err:?}"
    );
    assert!(matches!(flow.state(), EnableState::Failed { .. }));
    assert_eq!(flag_is_on(&h, &phone).await, (false, 0));
    assert_eq!(
        pm.signalled_unknown().len(),
        1,
        "the orphan passkey is signalled as unknown"
    );
    assert!(pm.credential_ids(RP_ID).is_empty());

    pm.set_fault(None);
    flow.create_passkey(None).await.unwrap();
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

#[tokio::test]
async fn j7_two_enable_taps_at_once_run_one_ceremony() {
    let h = Harness::start().await;
    let alice = h.sign_up("doubletap@j7.test").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let first = phone.enable();
    let second = phone.enable();
    h.step_up(&first, &alice).await.unwrap();
    h.step_up(&second, &alice).await.unwrap();

    pm.set_delay(Duration::from_millis(300));
    let (a, b) = tokio::join!(first.create_passkey(None), second.create_passkey(None));
    let results = [a, b];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .any(|r| r.as_ref().err() == Some(&PasskeysError::InProgress))
    );
    assert_eq!(pm.create_calls(), 1);
    assert_eq!(flag_is_on(&h, &phone).await, (true, 1));
}

#[tokio::test]
async fn platform_responses_that_do_not_match_the_request_never_leave_the_device() {
    // BRIEF §5 #13 through the whole flow: the core refuses, the server never sees a finish.
    for (fault, expected) in [
        (Fault::WrongOrigin, "origin"),
        (Fault::WrongChallenge, "challenge"),
        (Fault::MismatchedRawId, "id"),
        (Fault::NoUserVerification, "uv"),
    ] {
        let h = Harness::start().await;
        let proxy = NetCut::start(h.server().addr()).await.unwrap();
        let alice = h.sign_up("mismatch@j7.test").await;
        let pm = h.password_manager();
        let phone = h.client_via(&proxy.base_url(), pm.clone());
        h.sign_in(&phone, &alice, "phone").await.unwrap();
        let flow = phone.enable();
        h.step_up(&flow, &alice).await.unwrap();
        pm.set_fault(Some(fault));
        let err = flow.create_passkey(None).await.unwrap_err();
        // The check that refused it, as the core names it in the error's detail.
        let refused_by = |check: ResponseError| {
            err == PasskeysError::InvalidResponse {
                detail: check.to_string(),
            }
        };
        let ok = match expected {
            "origin" => {
                refused_by(ResponseError::OriginMismatch(PHISHING_ORIGIN.to_owned()))
                    || refused_by(ResponseError::RpIdHashMismatch)
            }
            "challenge" => refused_by(ResponseError::ChallengeMismatch),
            "id" => refused_by(ResponseError::IdMismatch),
            _ => refused_by(ResponseError::UserNotVerified),
        };
        assert!(ok, "{expected}: {err:?}");
        assert_eq!(err.text().key, "error.invalid_response");
        assert!(
            !proxy
                .seen()
                .iter()
                .any(|p| p.contains("registration/finish")),
            "{expected}: the response left the device"
        );
        assert_eq!(flag_is_on(&h, &phone).await, (false, 0));
    }
}

#[tokio::test]
async fn no_secret_appears_in_errors_or_debug_output() {
    // BRIEF §5 #17, as far as the Enable flow goes.
    let h = Harness::start().await;
    let alice = h.sign_up("secrets@j1.test").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    let (flow, code) = awaiting_step_up_code(&h, &phone, &alice).await;
    let mut seen = Vec::new();
    for (password, code) in [
        ("wrong password 123", code.as_str()),
        (alice.password.as_str(), "999999"),
    ] {
        let err = flow
            .finish_step_up(password, Factor::Email, code)
            .await
            .unwrap_err();
        seen.push(format!("{err} {err:?} {:?}", flow.state()));
    }
    let raw = h.raw_sign_in(&alice, "other", true).await;
    seen.push(format!("{phone:?}"));
    let all = seen.join("\n");
    for secret in [
        alice.password.as_str(),
        "wrong password 123",
        code.as_str(),
        raw.token.as_str(),
        alice.totp_secret.as_str(),
    ] {
        assert!(!all.contains(secret), "a secret leaked into: {all}");
    }
}

#[tokio::test]
async fn an_enable_whose_caller_gives_up_no_longer_says_a_ceremony_runs_and_can_be_retried() {
    let h = Harness::start().await;
    let alice = h.sign_up("gives-up@j1.test").await;
    let pm = h.password_manager();
    let client = h.client(pm.clone());
    h.sign_in(&client, &alice, "phone").await.unwrap();
    let flow = client.enable();
    h.step_up(&flow, &alice).await.unwrap();
    let mut seen = flow.subscribe();

    // The app's coroutine or Task is cancelled while the sheet is up (the user leaves the
    // screen): uniffi drops the future.
    pm.set_delay(Duration::from_secs(30));
    let gave_up = tokio::time::timeout(Duration::from_millis(300), flow.create_passkey(None)).await;
    assert!(gave_up.is_err(), "the sheet was still up");
    assert_eq!(
        flow.state(),
        EnableState::SteppedUp,
        "no ceremony runs any more"
    );
    let told: Vec<_> = std::iter::from_fn(|| seen.try_recv().ok()).collect();
    assert_eq!(told.last(), Some(&EnableState::SteppedUp), "{told:?}");

    // The retry goes on from there.
    pm.set_delay(Duration::ZERO);
    flow.create_passkey(None).await.unwrap();
    assert_eq!(flow.state(), EnableState::Enabled);
    h.shutdown().await;
}
