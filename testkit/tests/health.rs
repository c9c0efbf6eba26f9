//! Passkey health (issue 10, item 1; BRIEF §7): the server computes whether one lost, reset or
//! replaced phone could lock the account out, the core exposes it on the Passkeys page and in the
//! Enable outcome, and the nudge towards a second passkey can be dismissed for a while. Health
//! never blocks anything.

use std::sync::Arc;
use std::time::Duration;

use bingx_passkeys_core::{
    HealthAction, HealthReason, PasskeyHealth, PasskeysClient, Purpose, SecretStore,
};
use bingx_passkeys_testkit::harness::{Harness, RP_ID, TestAccount, TwoPasswordManagers};
use bingx_passkeys_testkit::server::ServerConfig;
use bingx_passkeys_testkit::softpm::SoftPasswordManager;

fn device_bound_password_manager() -> Arc<SoftPasswordManager> {
    let origin = url::Url::parse(&format!("https://{RP_ID}")).expect("static origin");
    Arc::new(SoftPasswordManager::new(origin).device_bound())
}

/// Signs `account` up and in on a phone with `pm`, and enables passkeys: the Enable outcome's
/// health.
async fn enabled(
    h: &Harness,
    email: &str,
    pm: Arc<SoftPasswordManager>,
) -> (TestAccount, PasskeysClient, PasskeyHealth) {
    let account = h.sign_up(email).await;
    let client = h.client(pm);
    h.sign_in(&client, &account, "phone").await.unwrap();
    let flow = client.enable();
    h.step_up(&flow, &account).await.unwrap();
    let added = flow.create_passkey(None).await.unwrap();
    let health = added.health.expect("the Enable outcome carries the health");
    (account, client, health)
}

#[tokio::test]
async fn one_synced_passkey_after_enable_is_at_risk_and_nudges_towards_a_second_password_manager() {
    let h = Harness::start().await;
    let (_, client, after_enable) =
        enabled(&h, "health-one@bingx.test", h.password_manager()).await;
    assert!(after_enable.at_risk);
    assert_eq!(after_enable.reasons, vec![HealthReason::SinglePasskey]);
    assert_eq!(
        after_enable.action,
        Some(HealthAction::AddSecondPasswordManager)
    );
    assert!(after_enable.nudge, "right after Enable the nudge shows");
    assert_eq!(after_enable.text().key, "health.reason.single_passkey");
    assert_eq!(
        after_enable.action_text().unwrap().key,
        "health.action.add_second_password_manager"
    );
    // The Passkeys page says the same.
    assert_eq!(client.passkeys().health().await.unwrap(), after_enable);
}

#[tokio::test]
async fn device_bound_passkeys_are_at_risk_until_a_synced_one_is_added() {
    let h = Harness::start().await;
    let bound = device_bound_password_manager();
    let (account, _, after_enable) = enabled(&h, "health-bound@bingx.test", bound.clone()).await;
    assert!(after_enable.at_risk);
    assert_eq!(
        after_enable.reasons,
        vec![HealthReason::DeviceBoundOnly, HealthReason::SinglePasskey]
    );
    assert_eq!(after_enable.action, Some(HealthAction::AddSyncedPasskey));
    assert_eq!(after_enable.text().key, "health.reason.device_bound_only");

    // A second device-bound passkey (a security key, another phone's keystore) is still at risk:
    // every passkey goes with its device.
    let second_bound = device_bound_password_manager();
    let phone = Arc::new(TwoPasswordManagers {
        first: bound.clone(),
        second: second_bound,
    });
    let client = h.client_with(&h.base_url(), SecretStore::in_memory().unwrap(), phone);
    h.sign_in(&client, &account, "phone").await.unwrap();
    let added = client.passkeys().add(Some("second")).await.unwrap();
    assert_eq!(added.passkeys.len(), 2);
    let health = added.health.unwrap();
    assert!(health.at_risk);
    assert_eq!(health.reasons, vec![HealthReason::DeviceBoundOnly]);
    assert_eq!(health.action, Some(HealthAction::AddSyncedPasskey));

    // A synced passkey next to them: nothing is at risk any more, no action, no nudge.
    let synced = h.password_manager();
    let phone = Arc::new(TwoPasswordManagers {
        first: bound,
        second: synced,
    });
    let client = h.client_with(&h.base_url(), SecretStore::in_memory().unwrap(), phone);
    h.sign_in(&client, &account, "phone").await.unwrap();
    let added = client.passkeys().add(Some("synced")).await.unwrap();
    let health = added.health.unwrap();
    assert!(!health.at_risk);
    assert!(health.reasons.is_empty());
    assert_eq!(health.action, None);
    assert!(!health.nudge);
    assert_eq!(health.text().key, "health.ok");
    assert_eq!(health.action_text(), None);
    assert_eq!(client.passkeys().health().await.unwrap(), health);
}

#[tokio::test]
async fn a_dismissed_nudge_comes_back_after_the_snooze_and_never_blocks_anything() {
    // A snooze shorter than a session, so one session sees the nudge go and come back.
    let mut config = ServerConfig::for_tests(RP_ID);
    config.nudge_snooze = Duration::from_secs(3600);
    let h = Harness::start_with(config).await;
    let (_, client, after_enable) =
        enabled(&h, "health-snooze@bingx.test", h.password_manager()).await;
    assert!(after_enable.nudge);

    let dismissed = client.passkeys().dismiss_nudge().await.unwrap();
    assert!(
        dismissed.at_risk,
        "dismissing hides the nudge, not the risk"
    );
    assert!(!dismissed.nudge);
    assert_eq!(client.passkeys().health().await.unwrap(), dismissed);

    // Nothing is refused while at risk: a passkey verification for an account action works.
    client
        .passkeys()
        .verify(Purpose::SecuritySettings)
        .await
        .expect("an account at risk can still do everything");

    // Just before the snooze ends the nudge is still away; after it, it is back.
    let snooze = Duration::from_secs(3600);
    h.server().advance_clock(snooze - Duration::from_secs(60));
    assert!(!client.passkeys().health().await.unwrap().nudge);
    h.server().advance_clock(Duration::from_secs(61));
    let back = client.passkeys().health().await.unwrap();
    assert!(back.at_risk && back.nudge);
}

#[tokio::test]
async fn dismissing_the_nudge_needs_a_session_and_touches_only_the_caller_s_account() {
    let h = Harness::start().await;
    let (status, body) = h
        .raw("POST", "/v1/passkeys/nudge/dismiss", None, None)
        .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "UNAUTHENTICATED");

    let (_, first, _) = enabled(&h, "health-a@bingx.test", h.password_manager()).await;
    let (_, second, _) = enabled(&h, "health-b@bingx.test", h.password_manager()).await;
    assert!(!first.passkeys().dismiss_nudge().await.unwrap().nudge);
    assert!(
        second.passkeys().health().await.unwrap().nudge,
        "another account's nudge is untouched"
    );
}

#[tokio::test]
async fn an_account_without_passkeys_has_nothing_at_risk() {
    let h = Harness::start().await;
    let account = h.sign_up("health-none@bingx.test").await;
    let client = h.client(h.password_manager());
    h.sign_in(&client, &account, "phone").await.unwrap();
    let health = client.passkeys().health().await.unwrap();
    assert!(!health.at_risk && !health.nudge && health.reasons.is_empty());
    assert_eq!(health.action, None);
}

#[tokio::test]
async fn signing_out_with_only_device_bound_passkeys_warns_and_is_in_the_security_activity() {
    let h = Harness::start().await;
    // Device-bound only: the warning, with the health and its action; the sign-out still works.
    let (account, client, _) = enabled(
        &h,
        "health-signout-bound@bingx.test",
        device_bound_password_manager(),
    )
    .await;
    let warning = client
        .sign_in()
        .sign_out_warning()
        .await
        .unwrap()
        .expect("every passkey is device-bound: warn before signing out");
    assert!(warning.reasons.contains(&HealthReason::DeviceBoundOnly));
    assert_eq!(warning.action, Some(HealthAction::AddSyncedPasskey));
    client.sign_in().sign_out().await.expect("never blocked");
    assert!(!client.sign_in().is_signed_in().unwrap());

    // Signed in again (with the passkey), the security activity shows that sign-out.
    h.sign_in(&client, &account, "phone").await.unwrap();
    let activity = client.passkeys().activity().await.unwrap();
    assert!(
        activity.iter().any(|e| e.kind == "signed_out_device_bound"
            && e.text().key == "activity.signed_out_device_bound"),
        "{activity:?}"
    );

    // A synced passkey: no warning, and nothing recorded at sign-out.
    let (account, client, _) =
        enabled(&h, "health-signout-synced@bingx.test", h.password_manager()).await;
    assert_eq!(client.sign_in().sign_out_warning().await.unwrap(), None);
    client.sign_in().sign_out().await.unwrap();
    h.sign_in(&client, &account, "phone").await.unwrap();
    let activity = client.passkeys().activity().await.unwrap();
    assert!(
        activity.iter().all(|e| e.kind != "signed_out_device_bound"),
        "{activity:?}"
    );
}
