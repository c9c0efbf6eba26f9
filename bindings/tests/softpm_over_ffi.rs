//! The `softpm` feature (QA builds): the exported software password manager runs J1 and J2
//! through the FFI surface as an emulator without a password manager would, with faults switched
//! on from the app. Run with `cargo test -p bingx-passkeys --features softpm`.

#![cfg(feature = "softpm")]

use std::sync::Arc;

use bingx_passkeys::{
    PasskeysClient, PasskeysConfig, PasskeysError, PlatformAuthenticator, SignInStep,
    SoftwareFault, SoftwarePasswordManager,
};
use bingx_passkeys_testkit::harness::{Harness, RP_ID};

fn qa_client(h: &Harness, pm: &Arc<SoftwarePasswordManager>) -> Arc<PasskeysClient> {
    let config = PasskeysConfig {
        base_url: h.base_url(),
        rp_id: RP_ID.to_owned(),
        android_apk_key_hashes: vec![],
        allow_insecure_loopback: true,
        policy_key: None,
    };
    PasskeysClient::new_with_in_memory_store(config, pm.clone().as_platform_authenticator())
        .unwrap()
}

#[tokio::test]
async fn a_qa_build_enables_and_signs_in_with_the_software_password_manager() {
    let h = Harness::start().await;
    let qa = h.sign_up("qa@softpm.ffi.test").await;
    let pm = SoftwarePasswordManager::new(format!("https://{RP_ID}")).unwrap();
    let app = qa_client(&h, &pm);
    let SignInStep::CodeRequired { login_id, .. } = app
        .sign_in_with_password(
            qa.email.clone(),
            qa.password.clone(),
            "emulator".into(),
            None,
        )
        .await
        .unwrap()
    else {
        panic!("a code first");
    };
    let code = h.code_for(&qa.email, "login").await;
    app.complete_sign_in(login_id, "email".into(), code, false)
        .await
        .unwrap();

    let flow = app.enable_flow();
    flow.check_device().await.unwrap();
    flow.acknowledge_warning().unwrap();
    flow.start_step_up().await.unwrap();
    let code = h.code_for(&qa.email, "step_up").await;
    flow.finish_step_up(qa.password.clone(), "email".into(), code)
        .await
        .unwrap();
    pm.set_fault(Some(SoftwareFault::Cancel));
    assert!(matches!(
        flow.create_passkey(None).await,
        Err(PasskeysError::Cancelled { .. })
    ));
    pm.set_fault(None);
    flow.create_passkey(None).await.unwrap();
    assert_eq!(pm.credential_ids(RP_ID.to_owned()).len(), 1);

    // Another emulator with the same (synced) password manager signs in with the passkey.
    let other = qa_client(&h, &pm);
    assert_eq!(other.sign_in_with_passkey().await.unwrap(), qa.account_id);
}

#[test]
fn a_bad_origin_is_a_config_error() {
    assert!(matches!(
        SoftwarePasswordManager::new("not a url".into()),
        Err(PasskeysError::InvalidConfig { .. })
    ));
}

#[test]
fn the_rust_password_manager_comes_back_from_the_foreign_side_as_itself() {
    // What Kotlin does with `PasskeysClient(config, pm.asPlatformAuthenticator(), store)`: the
    // handle it got is lowered back, and Rust finds its own object (no foreign round trip).
    use uniffi::{Lift, Lower};
    let pm = SoftwarePasswordManager::new(format!("https://{RP_ID}")).unwrap();
    let platform = pm.clone().as_platform_authenticator();
    let handle = <Arc<dyn PlatformAuthenticator> as Lower<bingx_passkeys::UniFfiTag>>::lower(
        platform.clone(),
    );
    let back =
        <Arc<dyn PlatformAuthenticator> as Lift<bingx_passkeys::UniFfiTag>>::try_lift(handle)
            .unwrap();
    assert_eq!(
        Arc::as_ptr(&back).cast::<()>(),
        Arc::as_ptr(&pm).cast::<()>()
    );
}
