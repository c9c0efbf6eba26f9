//! Signals (issue: "signals used"): after a passkey is deleted or renamed here, or the passkey
//! requirement is turned off, the core tells the password manager which of the user's passkeys
//! the server still accepts and the user's current names, where the platform supports it; where
//! it does not, nothing is sent. The software password manager records what it was told.

use std::sync::Arc;

use bingx_passkeys_core::{Capabilities, PasskeysClient, SecretStore};
use bingx_passkeys_testkit::harness::{Harness, RP_ID, TestAccount, TwoPasswordManagers};
use bingx_passkeys_testkit::netcut::NetCut;
use bingx_passkeys_testkit::softpm::{Signal, SoftPasswordManager};

/// An account with passkeys required and two passkeys (one in each of two password managers on
/// the phone), signed in. Returns the first manager (every signal reaches both) and both ids.
async fn two_passkeys(
    h: &Harness,
    email: &str,
) -> (
    TestAccount,
    PasskeysClient,
    Arc<SoftPasswordManager>,
    Vec<Vec<u8>>,
) {
    two_passkeys_via(h, email, &h.base_url()).await
}

/// [`two_passkeys`] with the client talking to `base_url` (a proxy in front of the server).
async fn two_passkeys_via(
    h: &Harness,
    email: &str,
    base_url: &str,
) -> (
    TestAccount,
    PasskeysClient,
    Arc<SoftPasswordManager>,
    Vec<Vec<u8>>,
) {
    let account = h.sign_up(email).await;
    let first = h.password_manager();
    let second = h.password_manager();
    let phone = Arc::new(TwoPasswordManagers {
        first: first.clone(),
        second: second.clone(),
    });
    let client = h.client_with(base_url, SecretStore::in_memory().unwrap(), phone);
    h.sign_in(&client, &account, "phone").await.unwrap();
    let flow = client.enable();
    h.step_up(&flow, &account).await.unwrap();
    flow.create_passkey(Some("first")).await.unwrap();
    client.passkeys().add(Some("second")).await.unwrap();
    let ids = [first.credential_ids(RP_ID), second.credential_ids(RP_ID)].concat();
    assert_eq!(ids.len(), 2);
    (account, client, first, ids)
}

fn all_accepted(signals: &[Signal]) -> Vec<(Vec<u8>, Vec<Vec<u8>>)> {
    signals
        .iter()
        .filter_map(|s| match s {
            Signal::AllAccepted {
                rp_id,
                user_id,
                credential_ids,
            } if rp_id == RP_ID => Some((user_id.clone(), credential_ids.clone())),
            _ => None,
        })
        .collect()
}

fn user_details(signals: &[Signal]) -> Vec<(Vec<u8>, String, String)> {
    signals
        .iter()
        .filter_map(|s| match s {
            Signal::CurrentUserDetails {
                rp_id,
                user_id,
                name,
                display_name,
            } if rp_id == RP_ID => Some((user_id.clone(), name.clone(), display_name.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn after_a_delete_the_password_manager_learns_exactly_the_passkeys_still_accepted() {
    let h = Harness::start().await;
    let (account, client, pm, ids) = two_passkeys(&h, "signals-delete@bingx.test").await;
    let before = pm.signals().len();

    let page = client.passkeys().delete(&ids[0]).await.unwrap();
    let remaining: Vec<Vec<u8>> = page.iter().map(|p| p.credential_id.clone()).collect();
    assert_eq!(remaining, vec![ids[1].clone()]);

    let told = pm.signals()[before..].to_vec();
    assert!(
        told.contains(&Signal::Unknown {
            rp_id: RP_ID.to_owned(),
            credential_id: ids[0].clone()
        }),
        "{told:?}"
    );
    let accepted = all_accepted(&told);
    assert_eq!(accepted.len(), 1, "{told:?}");
    assert_eq!(
        accepted[0].1, remaining,
        "exactly the passkeys still accepted"
    );
    // The first manager held the deleted passkey: it forgot it.
    assert!(pm.credential_ids(RP_ID).is_empty());
    let details = user_details(&told);
    assert_eq!(
        details,
        vec![(
            accepted[0].0.clone(),
            account.email.clone(),
            account.email.clone()
        )]
    );
    h.shutdown().await;
}

#[tokio::test]
async fn after_a_rename_and_turning_the_requirement_off_the_current_details_are_told() {
    let h = Harness::start().await;
    let (account, client, pm, ids) = two_passkeys(&h, "signals-rename@bingx.test").await;

    let before = pm.signals().len();
    client
        .passkeys()
        .rename(&ids[1], "work phone")
        .await
        .unwrap();
    let told = pm.signals()[before..].to_vec();
    assert_eq!(all_accepted(&told).len(), 1, "{told:?}");
    assert_eq!(
        all_accepted(&told)[0].1,
        ids,
        "both passkeys still accepted"
    );
    assert_eq!(user_details(&told).len(), 1, "{told:?}");
    assert_eq!(user_details(&told)[0].1, account.email);

    let before = pm.signals().len();
    client.passkeys().turn_off_requirement().await.unwrap();
    let told = pm.signals()[before..].to_vec();
    assert_eq!(all_accepted(&told).len(), 1, "{told:?}");
    assert_eq!(all_accepted(&told)[0].1, ids);
    assert_eq!(user_details(&told).len(), 1);
    h.shutdown().await;
}

#[tokio::test]
async fn an_empty_list_while_passkeys_are_required_is_never_told_to_the_password_manager() {
    // A broken or hostile backend answers a rename with no passkeys at all. Told to the password
    // manager, that list would hide (or let the provider delete) every passkey of the user,
    // although the account still requires one to sign in.
    let h = Harness::start().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let (account, client, pm, ids) =
        two_passkeys_via(&h, "signals-empty@bingx.test", &proxy.base_url()).await;
    // A first rename, answered by the server, tells the user handle the forged answer reuses.
    client.passkeys().rename(&ids[1], "phone").await.unwrap();
    let user_id = all_accepted(&pm.signals())[0].0.clone();
    let empty = serde_json::json!({
        "passkeys": [],
        "user": {
            "id": data_encoding::BASE64URL_NOPAD.encode(&user_id),
            "name": account.email,
            "display_name": account.email,
        },
    });
    let path = format!(
        "/v1/passkeys/{}",
        data_encoding::BASE64URL_NOPAD.encode(&ids[1])
    );
    proxy.answer(&path, &empty.to_string(), 1);
    let before = pm.signals().len();
    let page = client
        .passkeys()
        .rename(&ids[1], "work phone")
        .await
        .unwrap();
    assert!(page.is_empty(), "the (forged) answer reached the app");
    let told = pm.signals()[before..].to_vec();
    assert!(all_accepted(&told).is_empty(), "{told:?}");
    assert!(user_details(&told).is_empty(), "{told:?}");
    assert_eq!(pm.credential_ids(RP_ID).len(), 1, "the passkey stays");
    h.shutdown().await;
}

#[tokio::test]
async fn a_passkey_the_server_still_lists_is_never_forgotten_after_a_delete_it_says_it_lacks() {
    // The delete is answered "no such passkey" (a stale replica, a proxy), so the core reads the
    // list to show; the passkey is still on it. Forgetting it would take from the user a passkey
    // the server still accepts (for a flagged account with one left, a lock-out).
    let h = Harness::start().await;
    let proxy = NetCut::start(h.server().addr()).await.unwrap();
    let (_account, client, pm, ids) =
        two_passkeys_via(&h, "signals-not-found@bingx.test", &proxy.base_url()).await;
    let path = format!(
        "/v1/passkeys/{}",
        data_encoding::BASE64URL_NOPAD.encode(&ids[0])
    );
    let not_found = serde_json::json!({
        "error": { "code": "PASSKEY_NOT_FOUND", "message": "There is no such passkey on this account." }
    });
    proxy.answer_with(&path, 404, &not_found.to_string(), 1);
    let before = pm.signals().len();

    let page = client.passkeys().delete(&ids[0]).await.unwrap();

    let shown: Vec<Vec<u8>> = page.iter().map(|p| p.credential_id.clone()).collect();
    assert!(shown.contains(&ids[0]), "the server still lists it");
    let told = pm.signals()[before..].to_vec();
    assert!(
        !told.iter().any(|s| matches!(s, Signal::Unknown { .. })),
        "{told:?}"
    );
    assert_eq!(pm.credential_ids(RP_ID), vec![ids[0].clone()], "kept");
    h.shutdown().await;
}

#[tokio::test]
async fn an_enable_that_removes_passkeys_tells_the_password_manager_which_stay() {
    let h = Harness::start().await;
    let account = h.sign_up("signals-enable@bingx.test").await;
    // A passkey from before (the requirement was on, then turned off), on a tablet.
    let tablet = h.client(h.password_manager());
    h.sign_in(&tablet, &account, "tablet").await.unwrap();
    let flow = tablet.enable();
    h.step_up(&flow, &account).await.unwrap();
    flow.create_passkey(Some("tablet")).await.unwrap();
    tablet.passkeys().turn_off_requirement().await.unwrap();

    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &account, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &account).await.unwrap();
    let added = flow.create_passkey(Some("phone")).await.unwrap();
    assert_eq!(added.removed_passkeys, 1);
    let accepted = all_accepted(&pm.signals());
    assert_eq!(accepted.len(), 1, "{:?}", pm.signals());
    assert_eq!(accepted[0].1, vec![added.passkey.credential_id.clone()]);

    // An Enable that removes nothing tells nothing (its answer changes nothing a manager holds).
    let other = h.sign_up("signals-enable-2@bingx.test").await;
    let pm = h.password_manager();
    let phone = h.client(pm.clone());
    h.sign_in(&phone, &other, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &other).await.unwrap();
    flow.create_passkey(None).await.unwrap();
    assert!(all_accepted(&pm.signals()).is_empty(), "{:?}", pm.signals());
    h.shutdown().await;
}

#[tokio::test]
async fn without_signal_support_nothing_is_told_and_the_change_still_succeeds() {
    let h = Harness::start().await;
    let (_account, client, pm, ids) = two_passkeys(&h, "signals-none@bingx.test").await;
    // The phone's capabilities are the first manager's.
    pm.set_capabilities(Capabilities {
        supports_signals: false,
        ..Capabilities::ready_device()
    });
    let before = pm.signals().len();
    let requests = client.requests_sent();

    client.passkeys().rename(&ids[0], "renamed").await.unwrap();
    client.passkeys().turn_off_requirement().await.unwrap();

    assert!(all_accepted(&pm.signals()[before..]).is_empty());
    assert!(user_details(&pm.signals()[before..]).is_empty());
    // Rename: verify begin + finish + PATCH; turn off: verify begin + finish + disable. No
    // extra list request for signals the platform cannot take.
    assert_eq!(client.requests_sent() - requests, 6);
    h.shutdown().await;
}
