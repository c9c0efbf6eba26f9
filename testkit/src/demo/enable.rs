//! Part one, steps 1–10: the setting (server, Alice signed in on her phone and her laptop), then
//! journey J1 — Enable: device check, warning, step-up, the new passkey, what changed, the
//! Passkeys page, and the laptop's session that stopped working.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bingx_passkeys_core::{EnableFlow, PasskeyAdded, PlatformAuthenticator, SecretStore};

use super::format::{server_said, show_passkey, shown, wrap, yes};
use super::{DemoError, Story, check, detail, failed, say};
use crate::harness::{Harness, RP_ID, TwoPasswordManagers};
use crate::server::ServerConfig;
use crate::softpm::SoftPasswordManager;

/// 1Password's AAGUID (passkey-authenticator-aaguids), so the second passkey shows a provider.
const ONE_PASSWORD_AAGUID: [u8; 16] = [
    0xba, 0xda, 0x55, 0x66, 0xa7, 0xaa, 0x40, 0x1f, 0xbd, 0x96, 0x45, 0x61, 0x9a, 0x55, 0x12, 0x0d,
];

/// Steps 1–3: the server starts; Alice signs in on her phone (password and emailed code) and is
/// signed in on her laptop, a trusted device.
pub(super) async fn set_the_scene(config: ServerConfig) -> Result<Story, DemoError> {
    let hooks = config.test_hooks.clone();
    let harness = Harness::start_with(config).await;
    say(
        1,
        &format!(
            "The BingX reference server is running at {} for {RP_ID}.",
            harness.base_url()
        ),
    );
    detail("It verifies every passkey with webauthn-rs and keeps accounts in SQLite (in memory).");

    let alice = harness.sign_up("alice@demo.bingx.test").await;
    let password_manager = harness.password_manager();
    // A second password manager on the phone, for "add another passkey" later (the demo's
    // software password manager again, presenting 1Password's AAGUID).
    let second_manager = Arc::new(
        SoftPasswordManager::new(
            url::Url::parse(&format!("https://{RP_ID}")).expect("static origin"),
        )
        .with_aaguid(ONE_PASSWORD_AAGUID),
    );
    let keystore = SecretStore::in_memory().map_err(|e| failed("keystore")(e.into()))?;
    let phone = harness.client_with(
        &harness.base_url(),
        keystore.clone(),
        Arc::new(TwoPasswordManagers {
            first: password_manager.clone(),
            second: second_manager.clone(),
        }),
    );
    say(
        2,
        "Alice opens the BingX app and signs in with her email and password.",
    );
    harness
        .sign_in(&phone, &alice, "alice-phone")
        .await
        .map_err(failed("sign in with password and emailed code"))?;
    detail("BingX emailed her a 6-digit code; she typed it in. She is signed in.");

    let laptop = harness.raw_sign_in(&alice, "alice-laptop", true).await;
    say(
        3,
        "Alice is also signed in on her laptop, which she once marked as a trusted device.",
    );
    Ok(Story {
        hooks,
        harness,
        alice,
        password_manager,
        second_manager,
        keystore,
        phone,
        laptop,
    })
}

/// Steps 4–10: journey J1 on the phone, from Security Center → Passkeys → Enable to the flag
/// being on and the laptop signed out.
pub(super) async fn enable(story: &Story) -> Result<(), DemoError> {
    say(
        4,
        "On her phone she opens Security Center → Passkeys → Enable.",
    );
    let before = story.phone.requests_sent();
    let flow = story.phone.enable();
    device_check(&flow).await?;
    warning(&flow)?;
    step_up(story, &flow).await?;
    let outcome = create_passkey(story, &flow, before).await?;
    what_changed(&outcome)?;
    passkeys_page(story).await?;
    laptop_signed_out(story).await
}

/// Step 4 (continued): what the phone can do.
async fn device_check(flow: &EnableFlow) -> Result<(), DemoError> {
    let capabilities = flow.check_device().await.map_err(failed("device check"))?;
    detail(&format!(
        "Device check: password manager available: {}, screen lock or biometrics: {}.",
        yes(capabilities.password_manager_available),
        yes(capabilities.user_can_authenticate)
    ));
    Ok(())
}

/// Step 5: the warning before going on, and Alice's Continue.
fn warning(flow: &EnableFlow) -> Result<(), DemoError> {
    say(5, "The app shows a warning before going on:");
    for line in wrap(&shown(&flow.warning()), 88) {
        detail(&format!("│ {line}"));
    }
    flow.acknowledge_warning()
        .map_err(failed("accept the warning"))?;
    detail("Alice taps Continue.");
    Ok(())
}

/// Step 6: step-up with her password and a TOTP code (the code goes into the secret ledger).
async fn step_up(story: &Story, flow: &EnableFlow) -> Result<(), DemoError> {
    say(
        6,
        "BingX asks Alice to prove it's her with her current factors.",
    );
    let factors = flow
        .start_step_up()
        .await
        .map_err(failed("start step-up"))?;
    detail(&format!(
        "Accepted: password plus one of {}.",
        factors
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let code = crate::server::totp_code(&story.alice.totp_secret, now);
    if let Some(hooks) = &story.hooks {
        hooks.record_secret(&code);
    }
    flow.finish_step_up(
        &story.alice.password,
        bingx_passkeys_core::Factor::Totp,
        &code,
    )
    .await
    .map_err(failed("finish step-up"))?;
    detail("She enters her password and the code from her authenticator app. Verified.");
    Ok(())
}

/// Step 7: the password manager creates the passkey, in 2 requests after step-up (`before`: the
/// phone's request count when Enable began).
async fn create_passkey(
    story: &Story,
    flow: &EnableFlow,
    before: u64,
) -> Result<PasskeyAdded, DemoError> {
    say(
        7,
        "Her password manager asks for her fingerprint and creates a passkey for BingX.",
    );
    let phone = &story.phone;
    let after_step_up = phone.requests_sent();
    let outcome = flow
        .create_passkey(None)
        .await
        .map_err(failed("create the passkey"))?;
    let round_trips = phone.requests_sent() - after_step_up;
    detail(&format!(
        "The core checked the request and the passkey before sending it; BingX verified it. \
         ({round_trips} requests after step-up, {} in all.)",
        phone.requests_sent() - before
    ));
    check(
        round_trips == 2,
        "round trips",
        "Enable must take 2 requests after step-up",
    )?;
    Ok(outcome)
}

/// Step 8: the flag is on; what it blocks, and who was signed out.
fn what_changed(outcome: &PasskeyAdded) -> Result<(), DemoError> {
    say(
        8,
        "\"Must verify using passkeys for important scenarios\" is now ON.",
    );
    let policy = &outcome.policy;
    check(
        policy.passkey_required,
        "flag",
        "the server did not turn the flag on",
    )?;
    detail(&format!(
        "Blocked for this account from now on: {}.",
        policy
            .blocked_paths
            .iter()
            .map(|p| match p.as_str() {
                "h5_login" => "H5 (web) login".to_owned(),
                "third_party_login" => "third-party login (Google, Apple, Telegram…)".to_owned(),
                other => other.replace('_', " "),
            })
            .collect::<Vec<_>>()
            .join(", ")
    ));
    detail(&format!(
        "Signed out elsewhere: {} session(s); trusted-device marks removed: {}.",
        outcome.revoked_sessions, outcome.revoked_trusted_devices
    ));
    Ok(())
}

/// Step 9: the Passkeys page shows the one passkey, which the password manager holds.
async fn passkeys_page(story: &Story) -> Result<(), DemoError> {
    say(9, "The Passkeys page:");
    let passkeys = story
        .phone
        .passkeys()
        .list()
        .await
        .map_err(failed("list passkeys"))?;
    check(
        passkeys.len() == 1,
        "passkeys page",
        "expected exactly one passkey",
    )?;
    for p in &passkeys {
        show_passkey(p);
    }
    check(
        story.password_manager.credential_ids(RP_ID).len() == 1
            && story.password_manager.capabilities().await.ready(),
        "password manager",
        "the password manager should hold the new passkey",
    )
}

/// Step 10: the laptop's session from before the flag is refused.
async fn laptop_signed_out(story: &Story) -> Result<(), DemoError> {
    say(
        10,
        "Meanwhile the laptop's old session has stopped working:",
    );
    let (status, body) = story
        .harness
        .raw("GET", "/v1/passkeys", Some(&story.laptop.token), None)
        .await;
    check(
        status == 401,
        "old session",
        "the laptop session still works",
    )?;
    detail(&server_said(status, &body));
    Ok(())
}
