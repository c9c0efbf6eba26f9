//! Journey J1, Enable: device check → warning → step-up → ceremony → enabled.
//!
//! Each step is one async call that moves the flow to its next state; a step called out of order
//! is refused. A failure leaves a state the user can retry from: a ceremony whose result did not
//! reach the server is kept (in the keystore) and sent again, never run twice; two taps at once
//! never run two ceremonies. After step-up, Enable takes exactly two requests. Every state change
//! reaches the flow's subscribers ([`EnableFlow::subscribe`]), in order.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::api::{AddAuthorisation, RegistrationFinished, ServerCode};
use crate::ceremony;
use crate::client::Inner;
use crate::error::PasskeyError;
use crate::platform::Capabilities;
use crate::store::SessionToken;

/// Where an Enable journey stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnableState {
    /// Nothing done yet.
    NotStarted,
    /// The device has a password manager and the user can authenticate.
    DeviceChecked,
    /// The user saw and accepted the warning that H5 and third-party login become unavailable.
    Warned,
    /// A step-up code was sent; waiting for the user's password and code.
    SteppingUp,
    /// The user proved their current factors.
    SteppedUp,
    /// The platform ceremony or the server call is running.
    Ceremony,
    /// The passkey is stored and the flag is on.
    Enabled,
    /// The last step failed; `retryable` says whether repeating it may help as it is.
    Failed {
        /// Repeating the failed step may succeed.
        retryable: bool,
        /// What went wrong, fit to show.
        message: String,
    },
}

/// The warning shown before Enable (BRIEF §2 J1).
pub const ENABLE_WARNING: &str = "Once passkeys are required, every login and other important actions \
need a passkey from this device's password manager. H5 (web) login and third-party login (Google, \
Apple, Telegram and others) become unavailable for this account. Other devices will be signed out \
and \"trusted device\" marks removed. Keep a synced passkey or add a second one so you don't lose \
access when you change phones.";

/// What Enable produced: the Passkeys page and the new policy, without another request.
pub type EnableOutcome = RegistrationFinished;

#[derive(Serialize, Deserialize)]
struct PendingRegistration {
    ceremony_id: String,
    credential_json: String,
    credential_id: Vec<u8>,
    name: Option<String>,
}

struct Progress {
    state: EnableState,
    device_checked: bool,
    warned: bool,
    step_up_id: Option<String>,
    step_up_token: Option<SessionToken>,
    /// One channel per subscriber; closed ones are dropped at the next change.
    subscribers: Vec<mpsc::UnboundedSender<EnableState>>,
}

impl Progress {
    /// The one place the state changes: every subscriber gets the new state, in order.
    fn set_state(&mut self, state: EnableState) {
        self.subscribers.retain(|s| s.send(state.clone()).is_ok());
        self.state = state;
    }
}

/// One Enable journey. Cheap to create; create a new one for each attempt from the Passkeys
/// page, or keep one and retry failed steps on it.
pub struct EnableFlow {
    inner: Arc<Inner>,
    progress: Mutex<Progress>,
}

impl EnableFlow {
    pub(crate) fn new(inner: Arc<Inner>) -> Self {
        Self {
            inner,
            progress: Mutex::new(Progress {
                state: EnableState::NotStarted,
                device_checked: false,
                warned: false,
                step_up_id: None,
                step_up_token: None,
                subscribers: Vec::new(),
            }),
        }
    }

    fn progress(&self) -> MutexGuard<'_, Progress> {
        // A panic elsewhere cannot leave Progress half-written (every update is one assignment).
        self.progress.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fail(&self, error: PasskeyError) -> PasskeyError {
        let error = self.inner.on_error(error);
        self.progress().set_state(EnableState::Failed {
            retryable: error.is_retryable(),
            message: error.to_string(),
        });
        error
    }

    /// The current state.
    pub fn state(&self) -> EnableState {
        self.progress().state.clone()
    }

    /// Every state of this flow from now on, starting with the current one, in order (each
    /// change, none coalesced). The channel closes when the flow is dropped; dropping the
    /// receiver unsubscribes.
    pub fn subscribe(&self) -> mpsc::UnboundedReceiver<EnableState> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let mut p = self.progress();
        // Under the lock, so no change can fall between the current state and the next.
        let _ = sender.send(p.state.clone());
        p.subscribers.push(sender);
        receiver
    }

    /// Step 1: check the device (a password manager is there and the user can authenticate).
    pub async fn check_device(&self) -> Result<Capabilities, PasskeyError> {
        self.inner.session()?;
        let capabilities = self.inner.platform.capabilities().await;
        if let Some(reason) = capabilities.blocking_reason() {
            return Err(self.fail(PasskeyError::DeviceNotReady(reason)));
        }
        let mut p = self.progress();
        p.device_checked = true;
        p.set_state(EnableState::DeviceChecked);
        Ok(capabilities)
    }

    /// The warning to show before the user goes on.
    pub fn warning(&self) -> &'static str {
        ENABLE_WARNING
    }

    /// Step 2: the user accepted the warning.
    pub fn acknowledge_warning(&self) -> Result<(), PasskeyError> {
        let mut p = self.progress();
        if !p.device_checked {
            return Err(PasskeyError::OutOfOrder("check the device"));
        }
        p.warned = true;
        p.set_state(EnableState::Warned);
        Ok(())
    }

    /// Step 3a: ask the server for a step-up; it sends a code to the user's email/phone.
    /// Returns the factors the user may answer with (`email`, `sms`, `totp`).
    pub async fn start_step_up(&self) -> Result<Vec<String>, PasskeyError> {
        if !self.progress().warned {
            return Err(PasskeyError::OutOfOrder("accept the warning"));
        }
        let session = self.inner.session()?;
        self.inner.count_request();
        let started = self
            .inner
            .api
            .step_up_begin(&session)
            .await
            .map_err(|e| self.fail(e.into()))?;
        let mut p = self.progress();
        p.step_up_id = Some(started.step_up_id);
        p.set_state(EnableState::SteppingUp);
        Ok(started.factors)
    }

    /// Step 3b: the user's current password and one-time code.
    pub async fn finish_step_up(
        &self,
        password: &str,
        factor: &str,
        code: &str,
    ) -> Result<(), PasskeyError> {
        let step_up_id = self
            .progress()
            .step_up_id
            .clone()
            .ok_or(PasskeyError::OutOfOrder("request a verification code"))?;
        let session = self.inner.session()?;
        self.inner.count_request();
        let token = self
            .inner
            .api
            .step_up_finish(&session, &step_up_id, password, factor, code)
            .await
            .map_err(|e| self.fail(e.into()))?;
        let mut p = self.progress();
        p.step_up_token = Some(token);
        p.set_state(EnableState::SteppedUp);
        Ok(())
    }

    /// Step 4: create the passkey with the platform and turn the flag on. `name` is what the
    /// Passkeys page shows (the provider's name when `None`). Retry this step after a failure.
    pub async fn create_passkey(&self, name: Option<&str>) -> Result<EnableOutcome, PasskeyError> {
        let Ok(_ceremony) = self.inner.ceremony.try_lock() else {
            return Err(PasskeyError::AlreadyInProgress);
        };
        let session = self.inner.session()?;
        // A ceremony whose result never reached the server goes first, without a new ceremony.
        if let Some(outcome) = self.send_pending(&session).await? {
            return Ok(outcome);
        }
        let step_up = self
            .progress()
            .step_up_token
            .clone()
            .ok_or(PasskeyError::OutOfOrder("verify it's you"))?;
        self.progress().set_state(EnableState::Ceremony);
        let result = self.run_ceremony(&session, &step_up, name).await;
        result.map_err(|e| {
            if matches!(
                e.server_code(),
                Some(ServerCode::StepUpRequired | ServerCode::StepUpExpired)
            ) {
                // The step-up is gone: the user verifies again, then retries.
                let mut p = self.progress();
                p.step_up_token = None;
                p.step_up_id = None;
            }
            self.fail(e)
        })
    }

    async fn run_ceremony(
        &self,
        session: &SessionToken,
        step_up: &SessionToken,
        name: Option<&str>,
    ) -> Result<EnableOutcome, PasskeyError> {
        let outcome = register(
            &self.inner,
            session,
            AddAuthorisation::StepUp(step_up),
            name,
        )
        .await?;
        self.enabled();
        Ok(outcome)
    }

    fn enabled(&self) {
        let mut p = self.progress();
        p.set_state(EnableState::Enabled);
        p.step_up_token = None;
    }

    async fn send_pending(
        &self,
        session: &SessionToken,
    ) -> Result<Option<EnableOutcome>, PasskeyError> {
        if self.inner.store.pending_registration()?.is_none() {
            return Ok(None);
        }
        self.progress().set_state(EnableState::Ceremony);
        match send_pending_registration(&self.inner, session).await {
            Ok(outcome) => {
                if outcome.is_some() {
                    self.enabled();
                }
                Ok(outcome)
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// After a crash or a dropped connection: send a ceremony result the server may not have
    /// stored yet. Needs only the session. `None` when nothing was pending.
    pub async fn resume_pending(&self) -> Result<Option<EnableOutcome>, PasskeyError> {
        let Ok(_ceremony) = self.inner.ceremony.try_lock() else {
            return Err(PasskeyError::AlreadyInProgress);
        };
        let session = self.inner.session()?;
        self.send_pending(&session).await
    }
}

/// Register a passkey: begin (authorised by a step-up or a passkey proof) → ceremony → finish with
/// the flag on. The checked response is kept in the keystore until the server answers.
pub(crate) async fn register(
    inner: &Inner,
    session: &SessionToken,
    authorisation: AddAuthorisation<'_>,
    name: Option<&str>,
) -> Result<RegistrationFinished, PasskeyError> {
    inner.count_request();
    let started = inner.api.registration_begin(session, authorisation).await?;
    let created = ceremony::create(inner, &started.options_json).await?;
    let pending = PendingRegistration {
        ceremony_id: started.ceremony_id,
        credential_json: created.json,
        credential_id: created.checked.credential_id,
        name: name.map(str::to_owned),
    };
    // Kept until the server answers, so a crash or a dropped connection loses nothing.
    let serialized = serde_json::to_string(&pending)
        .map_err(|_| PasskeyError::Store(crate::store::StoreError::Corrupt))?;
    inner.store.set_pending_registration(&serialized)?;
    send_registration(inner, session, pending).await
}

/// Send a registration the server may not have stored yet. `None` when nothing was pending.
pub(crate) async fn send_pending_registration(
    inner: &Inner,
    session: &SessionToken,
) -> Result<Option<RegistrationFinished>, PasskeyError> {
    let Some(stored) = inner.store.pending_registration()? else {
        return Ok(None);
    };
    let Ok(pending) = serde_json::from_str::<PendingRegistration>(&stored) else {
        inner.store.clear_pending_registration()?;
        return Ok(None);
    };
    send_registration(inner, session, pending).await.map(Some)
}

async fn send_registration(
    inner: &Inner,
    session: &SessionToken,
    pending: PendingRegistration,
) -> Result<RegistrationFinished, PasskeyError> {
    inner.count_request();
    let result = inner
        .api
        .registration_finish(
            session,
            &pending.ceremony_id,
            &pending.credential_json,
            pending.name.as_deref(),
            true,
        )
        .await;
    match result {
        Ok(outcome) => {
            inner.store.clear_pending_registration()?;
            crate::policy::remember(inner, &outcome.policy)?;
            Ok(outcome)
        }
        // No answer: the server may or may not have stored it. Keep it and retry later.
        Err(e) if e.is_retryable() => Err(e.into()),
        // The server refused it for good: the password manager should forget the passkey.
        Err(e) => {
            inner.store.clear_pending_registration()?;
            if e.code() != Some(&ServerCode::Unauthenticated) {
                let _ = inner
                    .platform
                    .signal_unknown_credential(
                        inner.api.config().rp_id.clone(),
                        pending.credential_id,
                    )
                    .await;
            }
            Err(e.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::client::PasskeysClient;
    use crate::config::Config;
    use crate::platform::{CreateRequest, GetRequest, PlatformAuthenticator, PlatformError};
    use crate::store::SecretStore;

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
        async fn signal_unknown_credential(
            &self,
            _: String,
            _: Vec<u8>,
        ) -> Result<(), PlatformError> {
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
        let flow = client.enable_flow();
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
}
