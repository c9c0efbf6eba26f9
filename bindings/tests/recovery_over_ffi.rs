//! J8, lost passkeys, through the FFI surface against the reference server: the exported
//! `Recovery` object, its records and `PasskeysError::AccountOnHold` as a Kotlin or Swift app
//! sees them, with the app's own keystore (the reset token survives a restart in it) and the
//! texts the app shows, in English from `i18n/texts.toml`.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bingx_passkeys::{
    PasskeysClient, SecureStore, SignInStep, pending_reset_notice_text, recovery_hold_text,
    reset_status_text,
};
use bingx_passkeys_core::{Factor, PasskeysError, ResetState, Scenario};
use bingx_passkeys_testkit::harness::{Harness, TestAccount};
use common::{Keystore, Shell, english, english_text};

const RESET_TOKEN_ENTRY: &str = "com.bingx.passkeys/reset-token";

/// A phone as shipped: the app's keystore, the pinned policy key, a password manager.
async fn phone(h: &Harness) -> (Arc<PasskeysClient>, Arc<Keystore>) {
    let keystore = Arc::new(Keystore::default());
    (client_on(h, keystore.clone()).await, keystore)
}

async fn client_on(h: &Harness, keystore: Arc<Keystore>) -> Arc<PasskeysClient> {
    let config = common::config(h, Some(common::policy_key(h).await));
    PasskeysClient::new(config, Arc::new(Shell(h.password_manager())), keystore).unwrap()
}

/// An account that enabled passkeys on `phone` (password + code, step-up, Enable), all over FFI.
async fn enabled(h: &Harness, email: &str, phone: &PasskeysClient) -> TestAccount {
    let account = h.sign_up(email).await;
    let step = phone
        .sign_in()
        .with_password(
            account.email.clone(),
            account.password.clone(),
            "old phone".into(),
            None,
        )
        .await
        .unwrap();
    let SignInStep::CodeRequired { login_id, .. } = step else {
        panic!("{step:?}");
    };
    let code = h.code_for(&account.email, "login").await;
    phone
        .sign_in()
        .complete_with_code(login_id, Factor::Email, code, false)
        .await
        .unwrap();
    let flow = phone.enable();
    flow.check_device().await.unwrap();
    flow.acknowledge_warning().unwrap();
    flow.start_step_up().await.unwrap();
    let code = h.code_for(&account.email, "step_up").await;
    flow.finish_step_up(account.password.clone(), Factor::Email, code)
        .await
        .unwrap();
    flow.create_passkey(Some("Old phone".into())).await.unwrap();
    account
}

/// Request and confirm a reset from `phone` over FFI.
async fn ask_reset(
    h: &Harness,
    phone: &PasskeysClient,
    account: &TestAccount,
) -> bingx_passkeys_core::ResetStatus {
    let recovery = phone.recovery();
    let sent = recovery
        .request(
            account.email.clone(),
            account.password.clone(),
            "new phone".into(),
        )
        .await
        .unwrap();
    assert!(sent.factors.contains(&Factor::Email));
    let code = h.code_for(&account.email, "recovery").await;
    recovery.confirm(Factor::Email, code).await.unwrap()
}

#[tokio::test]
async fn a_reset_is_asked_followed_across_a_restart_and_cancelled_by_the_owners_passkey() {
    let h = Harness::start().await;
    let (owner, _) = phone(&h).await;
    let account = enabled(&h, "owner@recovery-ffi.test", &owner).await;

    let (new, keystore) = phone(&h).await;
    assert_eq!(new.recovery().status().await.unwrap(), None);
    let pending = ask_reset(&h, &new, &account).await;
    assert_eq!(pending.state, ResetState::Pending);
    let text = reset_status_text(pending.clone());
    assert_eq!(text.key, "recovery.state.pending");
    assert!(english_text(&text).contains(" UTC"), "{text:?}");
    // The token is in the app's keystore under its own name, and only there.
    assert!(keystore.get(RESET_TOKEN_ENTRY.into()).unwrap().is_some());
    assert!(
        !format!("{pending:?}").contains(&keystore.get(RESET_TOKEN_ENTRY.into()).unwrap().unwrap())
    );

    // After a restart on the same keystore, the status is still followed.
    let restarted = client_on(&h, keystore.clone()).await;
    assert_eq!(
        restarted.recovery().status().await.unwrap(),
        Some(pending.clone())
    );

    // The owner's next sign-in (with the passkey, usernameless) shows it, with its notice.
    assert_eq!(owner.sign_in().pending_reset(), None);
    owner.sign_in().sign_out().await.unwrap();
    owner.sign_in().with_passkey().await.unwrap();
    assert_eq!(owner.sign_in().pending_reset(), Some(pending.clone()));
    let notice = pending_reset_notice_text(pending.clone());
    assert_eq!(notice.key, "recovery.pending_notice");
    assert!(english_text(&notice).contains(" UTC"), "{notice:?}");

    // The owner sees it and cancels it with the passkey.
    let state = owner.recovery().account_state().await.unwrap();
    assert_eq!(state.pending_reset, Some(pending.clone()));
    let cancelled = owner.recovery().cancel().await.unwrap();
    assert_eq!(cancelled.state, ResetState::Cancelled);
    assert_eq!(owner.sign_in().pending_reset(), None);
    assert_eq!(
        reset_status_text(cancelled.clone()).key,
        "recovery.state.cancelled"
    );
    assert_eq!(
        restarted.recovery().status().await.unwrap(),
        Some(cancelled)
    );
    h.server()
        .advance_clock(Duration::from_secs(24 * 3600 + 60));
    let (status, body) = h.approve_reset(&pending.reset_id).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("RESET_NOT_PENDING"))
    );

    // `forget` drops the token from the app's keystore; the status is then none.
    restarted.recovery().forget().unwrap();
    assert!(keystore.get(RESET_TOKEN_ENTRY.into()).unwrap().is_none());
    assert_eq!(restarted.recovery().status().await.unwrap(), None);
}

#[tokio::test]
async fn after_an_approval_the_hold_crosses_the_ffi_with_its_end() {
    let h = Harness::start().await;
    let (old, _) = phone(&h).await;
    let account = enabled(&h, "held@recovery-ffi.test", &old).await;
    let (new, _) = phone(&h).await;
    let pending = ask_reset(&h, &new, &account).await;
    h.server().advance_clock(Duration::from_secs(24 * 3600 + 1));
    let (status, body) = h.approve_reset(&pending.reset_id).await;
    assert_eq!(status, 200, "{body}");
    let approved = new.recovery().status().await.unwrap().unwrap();
    assert_eq!(approved.state, ResetState::Approved);
    let until = approved.hold_until.unwrap();

    // Password + code now (the requirement is off), then the hold.
    let step = new
        .sign_in()
        .with_password(
            account.email.clone(),
            account.password.clone(),
            "new phone".into(),
            None,
        )
        .await
        .unwrap();
    let SignInStep::CodeRequired { login_id, .. } = step else {
        panic!("{step:?}");
    };
    let code = h.code_for(&account.email, "login").await;
    new.sign_in()
        .complete_with_code(login_id, Factor::Email, code, false)
        .await
        .unwrap();
    assert_eq!(
        new.recovery().account_state().await.unwrap().hold_until,
        Some(until)
    );
    let held = new
        .scenarios()
        .verify(Scenario::Withdrawal, HashMap::new())
        .await
        .unwrap_err();
    assert_eq!(held, PasskeysError::AccountOnHold { until });
    assert!(!bingx_passkeys::error_is_retryable(held.clone()));
    let shown = english(&held);
    let hold = english_text(&recovery_hold_text(until));
    assert!(
        shown.contains(" UTC") && hold.contains(" UTC"),
        "{shown} / {hold}"
    );
    assert!(!shown.contains('{'), "every placeholder is filled: {shown}");
}
