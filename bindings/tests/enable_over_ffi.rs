//! Journey J1 (Enable) and J7 failures through the FFI surface, against the reference server:
//! the app's calls use the exported objects, records and `PasskeysError`, and the platform is a
//! foreign-style [`PlatformAuthenticator`] (the testkit's software password manager behind the
//! FFI records), so the adapter runs both ways exactly as it does under Kotlin or Swift.

use std::sync::Arc;

use bingx_passkeys::{
    Capabilities, CreateRequest, EnableState, GetRequest, PasskeysClient, PasskeysConfig,
    PasskeysError, PlatformAuthenticator, PlatformAuthenticatorError, SignInStep,
    UnavailableReason,
};
use bingx_passkeys_core::platform as core_platform;
use bingx_passkeys_core::platform::PlatformAuthenticator as _;
use bingx_passkeys_testkit::harness::{Harness, RP_ID, TestAccount};
use bingx_passkeys_testkit::softpm::{Fault, SoftPasswordManager};

/// What a Kotlin or Swift shell would be: it only sees the FFI records and error.
struct Shell(Arc<SoftPasswordManager>);

#[async_trait::async_trait]
impl PlatformAuthenticator for Shell {
    async fn capabilities(&self) -> Result<Capabilities, PlatformAuthenticatorError> {
        Ok(self.0.capabilities().await.into())
    }

    async fn create(&self, r: CreateRequest) -> Result<String, PlatformAuthenticatorError> {
        let request = core_platform::CreateRequest {
            request_json: r.request_json,
            rp_id: r.rp_id,
            challenge: r.challenge,
            user_id: r.user_id,
            user_name: r.user_name,
            user_display_name: r.user_display_name,
            exclude_credential_ids: r.exclude_credential_ids,
            timeout_ms: r.timeout_ms,
        };
        self.0.create(request).await.map_err(shell_error)
    }

    async fn get(&self, r: GetRequest) -> Result<String, PlatformAuthenticatorError> {
        let request = core_platform::GetRequest {
            request_json: r.request_json,
            rp_id: r.rp_id,
            challenge: r.challenge,
            allow_credential_ids: r.allow_credential_ids,
            timeout_ms: r.timeout_ms,
        };
        self.0.get(request).await.map_err(shell_error)
    }

    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformAuthenticatorError> {
        let signal = self.0.signal_unknown_credential(rp_id, credential_id);
        signal.await.map_err(shell_error)
    }

    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformAuthenticatorError> {
        let signal = self
            .0
            .signal_all_accepted_credentials(rp_id, user_id, credential_ids);
        signal.await.map_err(shell_error)
    }
}

/// The mapping a shell does from its platform's errors.
fn shell_error(e: core_platform::PlatformError) -> PlatformAuthenticatorError {
    use core_platform::PlatformError as P;
    match e {
        P::Cancelled => PlatformAuthenticatorError::Cancelled,
        P::NoCredential => PlatformAuthenticatorError::NoCredential,
        P::NoPasswordManager { detail } => PlatformAuthenticatorError::NoPasswordManager { detail },
        P::AlreadyRegistered => PlatformAuthenticatorError::AlreadyRegistered,
        P::DomainNotAssociated { detail } => {
            PlatformAuthenticatorError::DomainNotAssociated { detail }
        }
        P::Interrupted { detail } => PlatformAuthenticatorError::Interrupted { detail },
        P::TimedOut => PlatformAuthenticatorError::TimedOut,
        P::Other { kind, message } => PlatformAuthenticatorError::Other {
            kind,
            detail: message,
        },
    }
}

fn new_client(h: &Harness, pm: Arc<SoftPasswordManager>) -> Arc<PasskeysClient> {
    let config = PasskeysConfig {
        base_url: h.base_url(),
        rp_id: RP_ID.to_owned(),
        android_apk_key_hashes: vec![],
        allow_insecure_loopback: true,
        policy_key: None,
    };
    PasskeysClient::new_with_in_memory_store(config, Arc::new(Shell(pm))).unwrap()
}

/// Sign in on the device "phone" with password and emailed code, asking to trust the device;
/// returns the client and the trust token.
async fn signed_in_client(
    h: &Harness,
    pm: Arc<SoftPasswordManager>,
    account: &TestAccount,
) -> (Arc<PasskeysClient>, String) {
    let client = new_client(h, pm);
    assert!(!client.is_signed_in().unwrap());
    let step = client
        .sign_in_with_password(
            account.email.clone(),
            account.password.clone(),
            "phone".to_owned(),
            None,
        )
        .await
        .unwrap();
    let SignInStep::CodeRequired { login_id, factors } = step else {
        panic!("a new device needs a code: {step:?}");
    };
    assert!(factors.contains(&"email".to_owned()));
    let code = h.code_for(&account.email, "login").await;
    let trust = client
        .complete_sign_in(login_id, "email".to_owned(), code, true)
        .await
        .unwrap()
        .expect("a trust token when asked for");
    assert!(client.is_signed_in().unwrap());
    (client, trust)
}

async fn sign_in_trusted(h: &Harness, account: &TestAccount, trust: &str) -> SignInStep {
    new_client(h, h.password_manager())
        .sign_in_with_password(
            account.email.clone(),
            account.password.clone(),
            "phone".to_owned(),
            Some(trust.to_owned()),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn j1_enable_through_the_ffi_surface() {
    let h = Harness::start().await;
    let alice = h.sign_up("alice@ffi.test").await;
    let (client, trust) = signed_in_client(&h, h.password_manager(), &alice).await;
    // The trust token the app kept in its keystore skips the code on the next launch.
    assert!(matches!(
        sign_in_trusted(&h, &alice, &trust).await,
        SignInStep::SignedIn { .. }
    ));

    let flow = client.enable_flow();
    assert_eq!(flow.state(), EnableState::NotStarted);
    assert!(matches!(
        flow.create_passkey(None).await,
        Err(PasskeysError::NotAllowedInThisState { .. })
    ));
    assert!(
        flow.check_device()
            .await
            .unwrap()
            .password_manager_available
    );
    assert!(flow.warning().contains("third-party"));
    flow.acknowledge_warning().unwrap();
    let factors = flow.start_step_up().await.unwrap();
    assert!(factors.contains(&"email".to_owned()));
    let code = h.code_for(&alice.email, "step_up").await;
    flow.finish_step_up(alice.password.clone(), "email".to_owned(), code)
        .await
        .unwrap();
    assert_eq!(flow.state(), EnableState::SteppedUp);

    let outcome = flow
        .create_passkey(Some("My phone".to_owned()))
        .await
        .unwrap();
    assert_eq!(flow.state(), EnableState::Enabled);
    assert!(outcome.policy.passkey_required);
    assert_eq!(outcome.passkey.name, "My phone");
    assert_eq!(client.passkeys().await.unwrap(), outcome.passkeys);
    assert_eq!(client.policy().await.unwrap(), outcome.policy);
    assert_eq!(flow.resume_pending().await.unwrap(), None);

    client.sign_out().await.unwrap();
    assert!(!client.is_signed_in().unwrap());
    assert!(matches!(
        client.passkeys().await,
        Err(PasskeysError::NotSignedIn { .. })
    ));
}

#[tokio::test]
async fn j7_failures_arrive_as_errors_a_ui_can_switch_on() {
    let h = Harness::start().await;
    let bob = h.sign_up("bob@ffi.test").await;
    let pm = h.password_manager();
    let (client, _) = signed_in_client(&h, pm.clone(), &bob).await;

    // No screen lock: the device check says why, in words fit to show.
    pm.set_capabilities(core_platform::Capabilities {
        user_can_authenticate: false,
        unavailable_reason: Some(core_platform::UnavailableReason::NoScreenLock),
        ..core_platform::Capabilities::ready_device()
    });
    let flow = client.enable_flow();
    let Err(PasskeysError::DeviceNotReady { reason, msg }) = flow.check_device().await else {
        panic!("the device is not ready");
    };
    assert_eq!(reason, UnavailableReason::NoScreenLock);
    assert!(msg.contains("screen lock"), "{msg}");
    pm.set_capabilities(core_platform::Capabilities::ready_device());

    // A wrong one-time code is the server's refusal, with its stable code; the right one works.
    flow.check_device().await.unwrap();
    flow.acknowledge_warning().unwrap();
    flow.start_step_up().await.unwrap();
    let code = h.code_for(&bob.email, "step_up").await;
    let wrong: String = code
        .chars()
        .map(|c| {
            if c == '9' {
                '0'
            } else {
                char::from(c as u8 + 1)
            }
        })
        .collect();
    let refused = flow
        .finish_step_up(bob.password.clone(), "email".to_owned(), wrong)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, PasskeysError::ServerRefused { code, retryable: false, .. } if code == "CODE_INVALID"),
        "{refused:?}"
    );
    flow.finish_step_up(bob.password.clone(), "email".to_owned(), code)
        .await
        .unwrap();

    // The user cancels the sheet: a typed error, and the same step can simply be retried.
    pm.set_fault(Some(Fault::Cancel));
    assert!(matches!(
        flow.create_passkey(None).await,
        Err(PasskeysError::Cancelled { .. })
    ));
    assert!(matches!(
        flow.state(),
        EnableState::Failed {
            retryable: true,
            ..
        }
    ));
    pm.set_fault(None);
    let outcome = flow.create_passkey(None).await.unwrap();
    assert_eq!(outcome.policy.passkey_count, 1);

    // With the flag on, password + code no longer pass for a step-up (no downgrade).
    let again = client.enable_flow();
    again.check_device().await.unwrap();
    again.acknowledge_warning().unwrap();
    let refused = again.start_step_up().await.unwrap_err();
    assert!(
        matches!(refused, PasskeysError::PasskeyRequired { .. }),
        "{refused:?}"
    );
}
