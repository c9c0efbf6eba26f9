//! The Enable flow's states as its subscribers see them: every state, in order, from the one
//! current when they subscribed, until they leave or the flow is dropped.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bingx_passkeys_core::{
    Capabilities, Config, CreateRequest, EnableState, GetRequest, PasskeysClient, PasskeysError,
    PlatformAuthenticator, PlatformError, SecretStore, SessionToken, UnavailableReason,
};

/// A device whose screen lock can be switched on; it never runs a ceremony. `check` says how its
/// capability check answers.
struct Device {
    screen_lock: AtomicBool,
    check: Check,
}

/// How a [`Device`]'s capability check answers.
enum Check {
    /// With what the device can do.
    Answers,
    /// Never (a provider query that hangs).
    NeverAnswers,
    /// That it cannot, in the platform's own words.
    CannotBecause(&'static str),
}

#[async_trait::async_trait]
impl PlatformAuthenticator for Device {
    async fn capabilities(&self) -> Capabilities {
        match self.check {
            Check::Answers => Capabilities {
                user_can_authenticate: self.screen_lock.load(Ordering::SeqCst),
                ..Capabilities::ready_device()
            },
            Check::NeverAnswers => std::future::pending().await,
            Check::CannotBecause(words) => Capabilities {
                password_manager_available: false,
                unavailable_reason: Some(UnavailableReason::Other {
                    detail: words.to_owned(),
                }),
                ..Capabilities::ready_device()
            },
        }
    }
    async fn create(&self, _: CreateRequest) -> Result<String, PlatformError> {
        Err(PlatformError::Cancelled)
    }
    async fn get(&self, _: GetRequest) -> Result<String, PlatformError> {
        Err(PlatformError::Cancelled)
    }
    async fn signal_unknown_credential(&self, _: String, _: Vec<u8>) -> Result<(), PlatformError> {
        Ok(())
    }
    async fn signal_all_accepted_credentials(
        &self,
        _: String,
        _: Vec<u8>,
        _: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError> {
        Ok(())
    }
    async fn signal_current_user_details(
        &self,
        _: String,
        _: Vec<u8>,
        _: String,
        _: String,
    ) -> Result<(), PlatformError> {
        Ok(())
    }
}

#[tokio::test]
async fn subscribers_see_every_state_in_order_until_they_leave() {
    let store = SecretStore::in_memory().unwrap();
    store
        .set_session_token(&SessionToken::new("session".into()))
        .unwrap();
    let device = Arc::new(Device {
        screen_lock: AtomicBool::new(false),
        check: Check::Answers,
    });
    let config = Config::for_loopback_test_server("http://127.0.0.1:9", "bingx.test").unwrap();
    let client = PasskeysClient::new(config, store, device.clone()).unwrap();
    let flow = client.enable();
    let mut early = flow.subscribe();

    assert!(flow.check_device().await.is_err());
    device.screen_lock.store(true, Ordering::SeqCst);
    flow.check_device().await.unwrap();
    let mut late = flow.subscribe();
    flow.acknowledge_warning().unwrap();

    let mut seen = Vec::new();
    while let Ok(state) = early.try_recv() {
        seen.push(state);
    }
    assert!(matches!(
        seen.as_slice(),
        [
            EnableState::NotStarted,
            EnableState::Failed {
                retryable: false,
                ..
            },
            EnableState::DeviceChecked,
            EnableState::Warned,
        ]
    ));
    assert_eq!(late.try_recv(), Ok(EnableState::DeviceChecked));
    assert_eq!(late.try_recv(), Ok(EnableState::Warned));
    drop(late);
    drop(flow);
    assert!(early.try_recv().is_err(), "closed with the flow");
}

/// A signed-in client (a stored session; no server is reached) on `device`.
fn signed_in_on(device: Device) -> PasskeysClient {
    let store = SecretStore::in_memory().unwrap();
    store
        .set_session_token(&SessionToken::new("session".into()))
        .unwrap();
    let config = Config::for_loopback_test_server("http://127.0.0.1:9", "bingx.test").unwrap();
    PasskeysClient::new(config, store, Arc::new(device)).unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_capability_check_that_never_answers_ends_as_timed_out() {
    let client = signed_in_on(Device {
        screen_lock: AtomicBool::new(true),
        check: Check::NeverAnswers,
    });
    let flow = client.enable();
    let checked = tokio::time::timeout(std::time::Duration::from_secs(3600), flow.check_device())
        .await
        .expect("check_device gave up on the platform");
    assert_eq!(checked, Err(PasskeysError::TimedOut));
    assert!(
        matches!(
            flow.state(),
            EnableState::Failed {
                retryable: true,
                ..
            }
        ),
        "{:?}",
        flow.state()
    );
}

#[tokio::test]
async fn the_platforms_words_for_a_reason_are_kept_as_they_may_be_shown() {
    // A provider's message with a right-to-left override and a newline, and far too long.
    let words: &'static str =
        Box::leak(format!("gone\u{202E}\n{}", "x".repeat(1 << 20)).into_boxed_str());
    let client = signed_in_on(Device {
        screen_lock: AtomicBool::new(true),
        check: Check::CannotBecause(words),
    });
    let refused = client.enable().check_device().await.unwrap_err();
    let PasskeysError::DeviceNotReady {
        reason: UnavailableReason::Other { detail },
    } = &refused
    else {
        panic!("{refused:?}");
    };
    assert!(detail.starts_with("gonex"), "{:?}", &detail[..10]);
    assert!(detail.chars().count() <= 200);
    let shown = &refused.text().args[0].value;
    assert!(!shown.contains('\u{202E}') && !shown.contains('\n'));
    assert!(shown.chars().count() <= 200);
}
