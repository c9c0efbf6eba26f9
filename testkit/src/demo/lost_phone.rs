//! Part three, steps 20–27: journey J8 — Bob's only passkey was bound to the phone he lost. On a
//! new phone he asks for a support reset with his password and an emailed code; support approves
//! it after the cooling-off, which signs every device out and puts withdrawals on hold; Bob signs
//! in with password and code, re-enrols a passkey during the hold, and withdraws once it ends.
//! The server's clock is moved forward for the days that pass. No code, token or credential is
//! printed: the reset token stays in the new phone's keystore, the back office's credential in
//! the harness.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bingx_passkeys_core::{
    Factor, PasskeysClient, PasskeysError, ResetState, Scenario, SecretStore, SignInStep, hold_text,
};
use serde_json::json;

use super::format::{server_said, shown, utc, wrap};
use super::{DemoError, Story, check, detail, failed, say};
use crate::harness::{RP_ID, TestAccount};
use crate::softpm::SoftPasswordManager;

/// Bob's withdrawal at the end of the chapter: 80 USDT to `TXbob7Kq3`.
const WITHDRAWAL: [(&str, &str); 3] = [
    ("asset", "USDT"),
    ("address", "TXbob7Kq3"),
    ("amount", "80"),
];

/// A day and an hour: past the reference server's 24-hour cooling-off.
const PAST_THE_COOLING_OFF: Duration = Duration::from_secs(25 * 3600);

/// Two days and an hour: past the reference server's 48-hour withdrawal hold.
const PAST_THE_HOLD: Duration = Duration::from_secs(49 * 3600);

/// Bob, his lost phone and his new one.
struct Bob {
    account: TestAccount,
    /// The password manager of the lost phone (device-bound: nothing synced).
    lost_manager: Arc<SoftPasswordManager>,
    /// The lost phone's app, still signed in somewhere in a drawer (or a thief's pocket).
    lost_phone: PasskeysClient,
    /// The new phone's password manager, empty at first.
    new_manager: Arc<SoftPasswordManager>,
    /// The new phone's keystore (its session, for the withdrawal).
    new_keystore: SecretStore,
    /// The BingX app on the new phone.
    new_phone: PasskeysClient,
}

/// A software password manager that keeps its passkeys on the device only.
fn device_bound_manager() -> Arc<SoftPasswordManager> {
    let origin = url::Url::parse(&format!("https://{RP_ID}")).expect("static origin");
    Arc::new(SoftPasswordManager::new(origin).device_bound())
}

/// A block of text from the string tables, as the app would show it.
fn show_box(text: &str) {
    for line in wrap(text, 88) {
        detail(&format!("│ {line}"));
    }
}

/// Steps 20–27.
pub(super) async fn lost_phone(story: &Story) -> Result<(), DemoError> {
    let bob = with_one_device_bound_passkey(story).await?;
    locked_out_on_the_new_phone(&bob).await?;
    ask_for_a_reset(story, &bob).await?;
    support_too_early(story, &bob).await?;
    support_approves(story, &bob).await?;
    signed_in_and_on_hold(story, &bob).await?;
    re_enrols(story, &bob).await?;
    after_the_hold(story, &bob).await?;
    if let Some(hooks) = &story.hooks {
        for pm in [&bob.lost_manager, &bob.new_manager] {
            for key in pm.private_keys_for_leak_tests() {
                hooks.record_key(&key);
            }
        }
    }
    Ok(())
}

/// Step 20: Bob enables passkeys with his phone's own password manager; the page warns him.
async fn with_one_device_bound_passkey(story: &Story) -> Result<Bob, DemoError> {
    let h = &story.harness;
    say(
        20,
        "Bob enabled passkeys on his phone, whose password manager keeps them on the phone only.",
    );
    let account = h.sign_up("bob@demo.bingx.test").await;
    let lost_manager = device_bound_manager();
    let lost_phone = h.client(lost_manager.clone());
    h.sign_in(&lost_phone, &account, "bob-phone")
        .await
        .map_err(failed("Bob signs in"))?;
    let flow = lost_phone.enable();
    h.step_up(&flow, &account)
        .await
        .map_err(failed("Bob's step-up"))?;
    let added = flow
        .create_passkey(Some("Bob's phone"))
        .await
        .map_err(failed("Bob's passkey"))?;
    let health = added.health.ok_or_else(|| DemoError {
        step: "health",
        reason: "the Enable outcome has no passkey health".to_owned(),
    })?;
    check(
        health.at_risk,
        "health",
        "one device-bound passkey is at risk",
    )?;
    detail("His Passkeys page warned him:");
    show_box(&shown(&health.text()));
    if let Some(action) = health.action_text() {
        show_box(&shown(&action));
    }
    detail("He meant to. Then his phone fell off a ferry.");
    let new_manager = Arc::new(SoftPasswordManager::new(
        url::Url::parse(&format!("https://{RP_ID}")).expect("static origin"),
    ));
    let new_keystore = SecretStore::in_memory().map_err(|e| failed("keystore")(e.into()))?;
    let new_phone = h.client_with(&h.base_url(), new_keystore.clone(), new_manager.clone());
    Ok(Bob {
        account,
        lost_manager,
        lost_phone,
        new_manager,
        new_keystore,
        new_phone,
    })
}

/// Step 21: on the new phone, the password leads to a passkey he no longer has — never a code.
async fn locked_out_on_the_new_phone(bob: &Bob) -> Result<(), DemoError> {
    say(
        21,
        "On his new phone he signs in with his email and password.",
    );
    let sign_in = bob.new_phone.sign_in();
    let step = sign_in
        .with_password(
            &bob.account.email,
            &bob.account.password,
            "bob-new-phone",
            None,
        )
        .await
        .map_err(failed("password on the new phone"))?;
    let SignInStep::PasskeyRequired { login_id } = step else {
        return Err(DemoError {
            step: "new phone",
            reason: "the account should need its passkey".to_owned(),
        });
    };
    let refused = sign_in.complete_with_passkey(&login_id).await;
    check(
        matches!(refused, Err(PasskeysError::NoCredential)),
        "no passkey",
        "the new phone should have no passkey for Bob",
    )?;
    detail("BingX asks for his passkey; the new phone's password manager has none:");
    show_box(&shown(&PasskeysError::NoCredential.text()));
    detail("No code is offered instead: that would let anyone with his password and email in.");
    Ok(())
}

/// Step 22: "I lost my passkeys": password and an emailed code ask for a reset; it waits.
async fn ask_for_a_reset(story: &Story, bob: &Bob) -> Result<(), DemoError> {
    say(
        22,
        "He taps \"I lost my passkeys\": his password and a code BingX emails him ask for a reset.",
    );
    let recovery = bob.new_phone.recovery();
    recovery
        .request(&bob.account.email, &bob.account.password, "bob-new-phone")
        .await
        .map_err(failed("request a reset"))?;
    let code = story.harness.code_for(&bob.account.email, "recovery").await;
    let pending = recovery
        .confirm(Factor::Email, &code)
        .await
        .map_err(failed("confirm the reset"))?;
    check(
        pending.state == ResetState::Pending,
        "reset",
        "the reset should wait for support",
    )?;
    detail("He types the code. Asking is all a password and a code can do:");
    show_box(&shown(&pending.text()));
    detail(
        "BingX emailed him that a reset was requested; his old phone, were it still in his hand, could cancel it with his passkey.",
    );
    Ok(())
}

/// The back office's approval of Bob's newest reset (raw HTTP with its credential).
async fn approve(story: &Story, bob: &Bob) -> Result<(u16, serde_json::Value), DemoError> {
    let h = &story.harness;
    let (status, body) = h
        .raw_admin(
            "GET",
            &format!("/v1/testkit/admin/resets?email={}", bob.account.email),
            Some(h.admin_token()),
            None,
        )
        .await;
    check(status == 200, "back office", "the reset list failed")?;
    let reset_id = body["resets"][0]["reset_id"]
        .as_str()
        .ok_or_else(|| DemoError {
            step: "back office",
            reason: "no reset for Bob".to_owned(),
        })?
        .to_owned();
    Ok(h.approve_reset(&reset_id).await)
}

/// Step 23: support cannot approve before the cooling-off ends.
async fn support_too_early(story: &Story, bob: &Bob) -> Result<(), DemoError> {
    say(
        23,
        "Support looks at it at once — too early: the waiting period protects owners from thieves.",
    );
    let (status, body) = approve(story, bob).await?;
    check(
        status == 409 && body["error"]["code"] == "RESET_COOLING_OFF",
        "cooling-off",
        "approved during the cooling-off",
    )?;
    detail(&server_said(status, &body));
    Ok(())
}

/// Step 24: a day later support approves; every device is signed out, withdrawals are held.
async fn support_approves(story: &Story, bob: &Bob) -> Result<(), DemoError> {
    say(
        24,
        "A day later (the demo moves the server's clock) support approves the reset.",
    );
    story.harness.server().advance_clock(PAST_THE_COOLING_OFF);
    let (status, _) = approve(story, bob).await?;
    check(status == 200, "approval", "support could not approve")?;
    let status = bob
        .new_phone
        .recovery()
        .status()
        .await
        .map_err(failed("reset status"))?
        .ok_or_else(|| DemoError {
            step: "reset status",
            reason: "the new phone no longer follows the reset".to_owned(),
        })?;
    let until = status.hold_until.ok_or_else(|| DemoError {
        step: "hold",
        reason: "an approval starts a hold".to_owned(),
    })?;
    check(
        status.state == ResetState::Approved,
        "approved",
        "the reset is not approved",
    )?;
    detail("The new phone, following the request, shows:");
    show_box(&shown(&status.text()));
    show_box(&shown(&hold_text(until)));
    check(
        matches!(
            bob.lost_phone.passkeys().list().await,
            Err(PasskeysError::NotSignedIn)
        ),
        "lost phone",
        "the lost phone is still signed in",
    )?;
    detail("The lost phone's session ended with the approval, and its passkey no longer counts.");
    Ok(())
}

/// Step 25: password and code sign him in; a withdrawal is refused during the hold.
async fn signed_in_and_on_hold(story: &Story, bob: &Bob) -> Result<(), DemoError> {
    say(
        25,
        "Bob signs in on the new phone with his password and an emailed code, and tries to withdraw.",
    );
    story
        .harness
        .sign_in(&bob.new_phone, &bob.account, "bob-new-phone")
        .await
        .map_err(failed("password and code after the reset"))?;
    let held = bob
        .new_phone
        .scenarios()
        .verify(&Scenario::Withdrawal, &withdrawal_params())
        .await;
    let Err(error @ PasskeysError::AccountOnHold { .. }) = held else {
        return Err(DemoError {
            step: "hold",
            reason: "a withdrawal during the hold was not refused".to_owned(),
        });
    };
    detail("The withdrawal is refused:");
    show_box(&shown(&error.text()));
    let (status, body) = withdraw(story, bob, None).await;
    check(status == 403, "hold", "the server accepted a withdrawal")?;
    detail(&format!(
        "Straight to the server: {}",
        server_said(status, &body)
    ));
    Ok(())
}

/// Step 26: re-enrolling during the hold works (it only adds protection).
async fn re_enrols(story: &Story, bob: &Bob) -> Result<(), DemoError> {
    say(
        26,
        "He enables passkeys again on the new phone — allowed during the hold.",
    );
    let flow = bob.new_phone.enable();
    story
        .harness
        .step_up(&flow, &bob.account)
        .await
        .map_err(failed("Bob's step-up on the new phone"))?;
    let added = flow
        .create_passkey(Some("Bob's new phone"))
        .await
        .map_err(failed("Bob's new passkey"))?;
    check(
        added.policy.passkey_required && added.passkeys.len() == 1,
        "re-enrolled",
        "the new passkey should be the only one, with the flag on",
    )?;
    detail("\"Must verify using passkeys\" is on again, with the new phone's passkey only.");
    let state = bob
        .new_phone
        .recovery()
        .account_state()
        .await
        .map_err(failed("recovery state"))?;
    if let Some(until) = state.hold_until {
        detail(&format!("Withdrawals stay on hold until {}.", utc(until)));
    }
    Ok(())
}

/// Step 27: two days later the hold is over; his new passkey signs the withdrawal.
async fn after_the_hold(story: &Story, bob: &Bob) -> Result<(), DemoError> {
    say(
        27,
        "Two days later the hold is over: he signs in with the new passkey and withdraws.",
    );
    story.harness.server().advance_clock(PAST_THE_HOLD);
    story
        .harness
        .sign_in(&bob.new_phone, &bob.account, "bob-new-phone")
        .await
        .map_err(failed("sign in with the new passkey"))?;
    let proof = bob
        .new_phone
        .scenarios()
        .verify(&Scenario::Withdrawal, &withdrawal_params())
        .await
        .map_err(failed("verify the withdrawal"))?;
    let (status, body) = withdraw(story, bob, Some(proof.token.expose_secret().to_owned())).await;
    check(status == 200, "withdrawal", "refused after the hold")?;
    detail(&format!(
        "80 USDT to TXbob7Kq3, confirmed with his new passkey: withdrawal {} accepted.",
        body["withdrawal_id"].as_str().unwrap_or("?")
    ));
    detail("His security activity tells the story:");
    let events = bob
        .new_phone
        .passkeys()
        .activity()
        .await
        .map_err(failed("security activity"))?;
    for kind in ["reset_requested", "reset_approved", "withdrawal_hold"] {
        check(
            events.iter().any(|e| e.kind == kind),
            "activity",
            "a reset event is missing",
        )?;
    }
    for event in events.iter().take(8) {
        detail(&format!("{}  {}", utc(event.at), shown(&event.text())));
    }
    Ok(())
}

/// Bob's withdrawal as scenario parameters.
fn withdrawal_params() -> BTreeMap<String, String> {
    WITHDRAWAL
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// `POST /v1/withdrawals` on the new phone's session, with `proof`.
async fn withdraw(story: &Story, bob: &Bob, proof: Option<String>) -> (u16, serde_json::Value) {
    let session = bob
        .new_keystore
        .session_token()
        .ok()
        .flatten()
        .map(|t| t.expose_secret().to_owned())
        .unwrap_or_default();
    story
        .harness
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&session),
            Some(json!({"asset": "USDT", "address": "TXbob7Kq3", "amount": "80", "proof": proof})),
        )
        .await
}
