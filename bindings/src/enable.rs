//! Journey J1, Enable (BRIEF §2): device check → warning → step-up → passkey → enabled.

use std::sync::Arc;

use bingx_passkeys_core as core;
use bingx_passkeys_core::{
    Capabilities, EnableState, Factor, PasskeyAdded, PasskeyInfo, PasskeysError, PasskeysText,
};

use crate::observer::ObserverHandle;
use crate::runtime;

/// Told every state of an [`EnableFlow`], in order, until its [`ObserverHandle`] is dropped or
/// cancelled. Called on a background thread of the library, one call at a time: hop to the UI
/// thread yourself. Do not throw: a throw ends the subscription.
#[uniffi::export(foreign)]
pub trait EnableObserver: Send + Sync {
    /// The flow's new state.
    fn on_state(&self, state: EnableState);
}

/// One Enable journey: one async call per step; a step called out of order is refused with
/// `NotAllowedInThisState`. Create a new one for each attempt, or retry failed steps on it.
#[derive(Debug, uniffi::Object)]
pub struct EnableFlow {
    inner: core::EnableFlow,
}

impl EnableFlow {
    pub(crate) fn new(inner: core::EnableFlow) -> Self {
        Self { inner }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl EnableFlow {
    /// The current state.
    pub fn state(&self) -> EnableState {
        self.inner.state()
    }

    /// Tell `observer` the current state and every later one, in order, until the handle is
    /// dropped. Each call is made on a thread of the runtime's blocking pool, one at a time: an
    /// `on_state` that takes its time (a hop to a busy UI thread) holds up its own later states
    /// only, never the runtime thread that drives every request's I/O and time-outs.
    pub fn observe(&self, observer: Arc<dyn EnableObserver>) -> Arc<ObserverHandle> {
        let mut states = self.inner.subscribe();
        let task = runtime::handle().spawn(async move {
            while let Some(state) = states.recv().await {
                let observer = observer.clone();
                // An `on_state` that throws ends the subscription (uniffi panics on it, in the
                // blocking thread); the runtime goes on.
                if tokio::task::spawn_blocking(move || observer.on_state(state))
                    .await
                    .is_err()
                {
                    break;
                }
            }
        });
        Arc::new(ObserverHandle::new(task))
    }

    /// Step 1: a password manager is there and the user can authenticate.
    pub async fn check_device(&self) -> Result<Capabilities, PasskeysError> {
        self.inner.check_device().await
    }

    /// The warning to show before the user goes on.
    pub fn warning(&self) -> PasskeysText {
        self.inner.warning()
    }

    /// The passkeys the account already has, for the user to choose which stay
    /// (`keep_passkeys`). Enable removes every one not kept.
    pub async fn existing_passkeys(&self) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        self.inner.existing_passkeys().await
    }

    /// Which existing passkeys stay when the flag goes on, by credential id (replaces the last
    /// choice; without a call none stays).
    pub fn keep_passkeys(&self, credential_ids: Vec<Vec<u8>>) {
        self.inner.keep_passkeys(credential_ids)
    }

    /// Step 2: the user accepted the warning.
    pub fn acknowledge_warning(&self) -> Result<(), PasskeysError> {
        self.inner.acknowledge_warning()
    }

    /// Step 3a: the server sends a code; returns the factors the user may answer with.
    pub async fn start_step_up(&self) -> Result<Vec<Factor>, PasskeysError> {
        self.inner.start_step_up().await
    }

    /// Step 3b: the user's current password and one-time code. After a retryable network error,
    /// call it again with the same code (the server answers a finish whose answer was lost).
    pub async fn finish_step_up(
        &self,
        password: String,
        factor: Factor,
        code: String,
    ) -> Result<(), PasskeysError> {
        self.inner.finish_step_up(&password, factor, &code).await
    }

    /// Step 4: create the passkey with the platform and turn the flag on. Retry this step after
    /// a failure; a result that did not reach the server is resent, never created twice.
    pub async fn create_passkey(
        &self,
        name: Option<String>,
    ) -> Result<PasskeyAdded, PasskeysError> {
        self.inner.create_passkey(name.as_deref()).await
    }

    /// After a crash or a dropped connection: send a ceremony result the server may not have
    /// stored yet. `None` when nothing was pending.
    pub async fn resume_pending(&self) -> Result<Option<PasskeyAdded>, PasskeysError> {
        self.inner.resume_pending().await
    }
}
