//! The Enable flow's states as its subscribers see them: every state, in order, from the one
//! current when they subscribed, until they leave or the flow is dropped.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bingx_passkeys_core::{
    Capabilities, Config, CreateRequest, EnableState, GetRequest, PasskeysClient,
    PlatformAuthenticator, PlatformError, SecretStore, SessionToken,
};

/// A device whose screen lock can be switched on; it never runs a ceremony.
struct Device {
    screen_lock: AtomicBool,
}

#[async_trait::async_trait]
impl PlatformAuthenticator for Device {
    async fn capabilities(&self) -> Capabilities {
        Capabilities {
            user_can_authenticate: self.screen_lock.load(Ordering::SeqCst),
            ..Capabilities::ready_device()
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
