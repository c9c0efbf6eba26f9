//! Part two, steps 15–16 and 18–19: living with passkeys — usernameless sign-in on a tablet, the
//! Passkeys page (rename, add), turning the requirement off, and the security activity.

use super::format::{show_passkey, utc};
use super::{DemoError, Story, check, detail, failed, say};
use bingx_passkeys_core::LoginPath;

/// Step 15: on the tablet (the same synced password manager) the passkey alone says who she is.
pub(super) async fn usernameless_on_a_tablet(story: &Story) -> Result<(), DemoError> {
    say(
        15,
        "On her tablet (same synced password manager) she taps \"Sign in with a passkey\" — no email typed.",
    );
    let tablet = story.harness.client(story.password_manager.clone());
    let account = tablet
        .sign_in()
        .with_passkey()
        .await
        .map_err(failed("usernameless sign-in"))?;
    check(
        account == story.alice.account_id,
        "usernameless",
        "signed in to the wrong account",
    )?;
    detail("The passkey she picked tells BingX who she is. Signed in.");
    Ok(())
}

/// Step 16: she renames her passkey and adds a second one in the other password manager.
pub(super) async fn rename_and_add(story: &Story) -> Result<(), DemoError> {
    let phone = &story.phone;
    say(
        16,
        "On the Passkeys page she renames her passkey and adds a second one in another password manager.",
    );
    let first = phone.passkeys().list().await.map_err(failed("list"))?;
    let first_id = first
        .first()
        .map(|p| p.credential_id.clone())
        .unwrap_or_default();
    phone
        .passkeys()
        .rename(&first_id, "Alice's phone")
        .await
        .map_err(failed("rename"))?;
    detail("Renaming needs her passkey first (fingerprint), then the new name is saved.");
    phone
        .passkeys()
        .add(Some("Backup in 1Password"))
        .await
        .map_err(failed("add a passkey"))?;
    detail("Adding one needs her passkey too; then the second password manager creates it.");
    for p in &phone.passkeys().list().await.map_err(failed("list"))? {
        show_passkey(p);
    }
    Ok(())
}

/// Step 18: turning "Must verify using passkeys" off (with her passkey) reopens the blocked paths.
pub(super) async fn turn_the_requirement_off(story: &Story) -> Result<(), DemoError> {
    let phone = &story.phone;
    say(
        18,
        "Finally she turns \"Must verify using passkeys\" off — which also needs her passkey.",
    );
    let policy = phone
        .passkeys()
        .turn_off_requirement()
        .await
        .map_err(failed("turn the flag off"))?;
    check(!policy.passkey_required, "flag off", "the flag is still on")?;
    check(
        phone.sign_in().check_path(LoginPath::H5).is_ok()
            && phone.sign_in().check_path(LoginPath::ThirdParty).is_ok(),
        "paths reopened",
        "blocked paths stayed blocked",
    )?;
    detail("H5 and third-party login are available again; her passkeys stay for sign-in.");
    Ok(())
}

/// Step 19: her recent security activity (at most 12 events).
pub(super) async fn activity(story: &Story) -> Result<(), DemoError> {
    say(19, "Her recent security activity:");
    for event in story
        .phone
        .passkeys()
        .activity()
        .await
        .map_err(failed("security activity"))?
        .iter()
        .take(12)
    {
        detail(&format!(
            "{}  {:<26} {}",
            utc(event.at),
            event.kind,
            event.detail
        ));
    }
    Ok(())
}
