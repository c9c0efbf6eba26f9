//! No lock-out from the device's own keystore: an entry the keystore can no longer read (its key
//! was lost after a restore, or the entry was corrupted) must not refuse every later Enable. The
//! pending registration, the only entry Enable reads before it starts, is dropped when unreadable,
//! as one that no longer parses is; the server's ceremony expires on its own.

use std::sync::Arc;

use bingx_passkeys_core::{PasskeysError, SecretStore};
use bingx_passkeys_testkit::harness::Harness;
use keyring_core::{CredentialStore, Entry};

/// The core's keystore service name and entry (core/src/store.rs).
const SERVICE: &str = "com.bingx.passkeys";
const PENDING_REGISTRATION: &str = "pending-registration";
const SESSION_TOKEN: &str = "session-token";

#[tokio::test]
async fn an_unreadable_pending_registration_does_not_block_enable() {
    let h = Harness::start().await;
    let account = h.sign_up("unreadable-pending@bingx.test").await;
    let keyring: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let pm = h.password_manager();
    let client = h.client_with(&h.base_url(), SecretStore::new(keyring.clone()), pm.clone());
    h.sign_in(&client, &account, "phone").await.unwrap();

    // Bytes that are no text: the keystore answers "unreadable" (not "nothing there").
    Entry::new_in_store(&keyring, SERVICE, PENDING_REGISTRATION)
        .unwrap()
        .set_secret(&[0xff, 0xfe, 0x00, 0x80])
        .unwrap();
    let readable = Entry::new_in_store(&keyring, SERVICE, PENDING_REGISTRATION)
        .unwrap()
        .get_password();
    assert!(
        matches!(readable, Err(keyring_core::Error::BadEncoding(_))),
        "the entry must be unreadable for this test to mean anything"
    );

    let flow = client.enable();
    h.step_up(&flow, &account).await.unwrap();
    let added = flow
        .create_passkey(None)
        .await
        .expect("Enable goes on past an unreadable pending registration");
    assert!(added.policy.passkey_required);
    assert_eq!(
        pm.credential_ids(bingx_passkeys_testkit::harness::RP_ID)
            .len(),
        1
    );
    // The unreadable entry is gone, and nothing new is pending after the server's answer.
    assert!(matches!(
        Entry::new_in_store(&keyring, SERVICE, PENDING_REGISTRATION)
            .unwrap()
            .get_password(),
        Err(keyring_core::Error::NoEntry)
    ));
}

#[tokio::test]
async fn a_pending_registration_of_no_known_session_is_dropped_unsent_and_not_forgotten() {
    // A result kept by an older version names no session: the server would refuse it for good
    // (its ceremony is bound to a session), and its passkey may be one the server holds.
    let h = Harness::start().await;
    let account = h.sign_up("legacy-pending@bingx.test").await;
    let keyring: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let pm = h.password_manager();
    let client = h.client_with(&h.base_url(), SecretStore::new(keyring.clone()), pm.clone());
    h.sign_in(&client, &account, "phone").await.unwrap();
    Entry::new_in_store(&keyring, SERVICE, PENDING_REGISTRATION)
        .unwrap()
        .set_password(
            r#"{"ceremony_id":"c-legacy","credential_json":"{}","credential_id":[1,2,3],"name":null}"#,
        )
        .unwrap();

    let flow = client.enable();
    assert_eq!(flow.resume_pending().await, Ok(None));
    h.step_up(&flow, &account).await.unwrap();
    let added = flow.create_passkey(None).await.unwrap();
    assert!(added.policy.passkey_required);
    assert!(pm.signalled_unknown().is_empty());
}

/// The server stored the passkey and turned the flag on, but the keystore failed to keep the
/// policy its answer carried. The result stays pending, so tapping again resends it and Enable
/// completes (the server answers the repeat the same way); before, the retry began again with
/// the step-up the finish had spent and could never reach "enabled".
#[tokio::test]
async fn a_policy_the_keystore_failed_to_keep_does_not_strand_enable() {
    let h = Harness::start().await;
    let account = h.sign_up("policy-write@bingx.test").await;
    let keyring: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let pm = h.password_manager();
    let client = h.client_with(&h.base_url(), SecretStore::new(keyring.clone()), pm.clone());
    h.sign_in(&client, &account, "phone").await.unwrap();
    let flow = client.enable();
    h.step_up(&flow, &account).await.unwrap();

    // The mark is the policy's first write (the copy follows it).
    let mark_entry = Entry::new_in_store(
        &keyring,
        SERVICE,
        &format!("flagged:{}", account.account_id),
    )
    .unwrap();
    let mock: &keyring_core::mock::Cred = mark_entry.as_any().downcast_ref().unwrap();
    mock.set_error(keyring_core::Error::PlatformFailure("keystore busy".into()));
    flow.create_passkey(None)
        .await
        .expect_err("the policy could not be kept");

    let added = flow
        .create_passkey(None)
        .await
        .expect("the retry resends the kept result");
    assert!(added.policy.passkey_required);
    assert_eq!(
        pm.credential_ids(bingx_passkeys_testkit::harness::RP_ID)
            .len(),
        1,
        "created once"
    );
    assert!(
        client
            .sign_in()
            .check_path(bingx_passkeys_core::LoginPath::H5)
            .is_err(),
        "the device holds the mark"
    );
}

/// The device's copy of the account's policy can no longer be read (its key was lost, or the app
/// now pins a rotated policy key), while the device holds the account's "requires passkeys" mark.
/// The requirement was turned off on another device; the server's lift, signed for the phone's
/// own request, repairs the copy, so the phone's password + code sign-in goes on instead of being
/// refused as a downgrade for good.
#[tokio::test]
async fn a_fresh_lift_repairs_a_policy_copy_the_device_cannot_read() {
    let h = Harness::start().await;
    let account = h.sign_up("unreadable-copy@bingx.test").await;
    let keyring: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let pm = h.password_manager();
    let phone = h.client_with(&h.base_url(), SecretStore::new(keyring.clone()), pm.clone());
    h.sign_in(&phone, &account, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &account).await.unwrap();
    flow.create_passkey(None).await.unwrap();
    phone.sign_in().sign_out().await.unwrap();

    Entry::new_in_store(&keyring, SERVICE, &format!("policy:{}", account.account_id))
        .unwrap()
        .set_secret(&[0xff, 0xfe, 0x00, 0x80])
        .unwrap();
    let laptop = h.client(pm.clone());
    laptop.sign_in().with_passkey().await.unwrap();
    laptop.passkeys().turn_off_requirement().await.unwrap();

    let step = phone
        .sign_in()
        .with_password(&account.email, &account.password, "phone", None)
        .await
        .expect("the fresh lift is the server's word, not a downgrade");
    let bingx_passkeys_core::SignInStep::CodeRequired { login_id, .. } = step else {
        panic!("{step:?}");
    };
    let code = h.code_for(&account.email, "login").await;
    phone
        .sign_in()
        .complete_with_code(&login_id, bingx_passkeys_core::Factor::Email, &code, false)
        .await
        .unwrap();
    assert_eq!(
        phone
            .sign_in()
            .check_path(bingx_passkeys_core::LoginPath::H5),
        Ok(())
    );
}

#[tokio::test]
async fn a_damaged_stored_session_signs_the_device_out_instead_of_failing_as_the_network() {
    // A session entry with a byte no HTTP header can carry would fail every request before it
    // is sent: reported as "network", retried for ever, never refused by the server, never
    // cleared. It is dropped instead, and the user signs in again.
    let h = Harness::start().await;
    let account = h.sign_up("damaged-session@bingx.test").await;
    let keyring: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let client = h.client_with(
        &h.base_url(),
        SecretStore::new(keyring.clone()),
        h.password_manager(),
    );
    h.sign_in(&client, &account, "phone").await.unwrap();
    Entry::new_in_store(&keyring, SERVICE, SESSION_TOKEN)
        .unwrap()
        .set_password("a-session\nwith-a-newline")
        .unwrap();

    let sent = client.requests_sent();
    assert_eq!(
        client.passkeys().list().await.unwrap_err(),
        PasskeysError::NotSignedIn
    );
    assert_eq!(client.requests_sent(), sent, "nothing was sent");
    assert!(!client.sign_in().is_signed_in().unwrap());
    h.sign_in(&client, &account, "phone").await.unwrap();
    client.passkeys().list().await.unwrap();
}
