//! The new-device notice through the FFI surface (issue 10, item 2): `PasskeysConfig.device`
//! crosses as a record, a sign-in on a model the account has not used comes back as
//! `SignIn.new_device_notice()`, and a bad description is `InvalidConfig` when the client is
//! built.

mod common;

use std::sync::Arc;

use bingx_passkeys::{PasskeysClient, PasskeysConfig, SignInStep};
use bingx_passkeys_core::{DeviceDescription, Factor, PasskeysError};
use bingx_passkeys_testkit::harness::{Harness, TestAccount};
use common::Shell;

fn described(h: &Harness, model: &str, os: &str) -> PasskeysConfig {
    PasskeysConfig {
        device: Some(DeviceDescription {
            model: model.to_owned(),
            os: os.to_owned(),
        }),
        ..common::config(h, None)
    }
}

async fn sign_in_with_code(h: &Harness, client: &PasskeysClient, account: &TestAccount) {
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
    let SignInStep::CodeRequired { login_id, .. } = step else {
        panic!("a code: {step:?}")
    };
    let code = h.code_for(&account.email, "login").await;
    sign_in
        .complete_with_code(login_id, Factor::Email, code, false)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_new_phone_gets_the_notice_over_the_ffi() {
    let h = Harness::start().await;
    let account = h.sign_up("ffi-new-device@bingx.test").await;
    let pm = h.password_manager();
    let client = |model: &str, os: &str| {
        PasskeysClient::new(
            described(&h, model, os),
            Arc::new(Shell(pm.clone())),
            Arc::new(common::Keystore::default()),
        )
        .unwrap()
    };
    let old = client("Pixel 8", "Android 15");
    sign_in_with_code(&h, &old, &account).await;
    assert_eq!(old.sign_in().new_device_notice(), None, "the first device");

    let new = client("Pixel 9", "Android 16");
    sign_in_with_code(&h, &new, &account).await;
    let notice = new.sign_in().new_device_notice().expect("a new device");
    assert_eq!(
        (notice.model.as_str(), notice.os.as_str()),
        ("Pixel 9", "Android 16")
    );
    assert!(!notice.health.at_risk, "no passkey yet: nothing at risk");
    let shown = common::english_text(&notice.text());
    assert!(
        shown.contains("Pixel 9") && shown.contains("Android 16"),
        "{shown}"
    );
    assert!(
        new.passkeys()
            .activity()
            .await
            .unwrap()
            .iter()
            .any(|e| e.kind == "new_device_login")
    );
    new.sign_in().sign_out().await.unwrap();
    assert_eq!(
        new.sign_in().new_device_notice(),
        None,
        "cleared at sign-out"
    );
}

#[tokio::test]
async fn a_bad_description_is_an_invalid_configuration() {
    let h = Harness::start().await;
    for (model, os) in [("", "Android 15"), ("Pixel 8", "Android\u{0}15")] {
        let built = PasskeysClient::new(
            described(&h, model, os),
            Arc::new(Shell(h.password_manager())),
            Arc::new(common::Keystore::default()),
        );
        assert!(
            matches!(built, Err(PasskeysError::InvalidConfig { .. })),
            "{model:?} {os:?}"
        );
    }
}
