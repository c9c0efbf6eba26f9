//! Journey J1, Enable (BRIEF §2): device check → warning → step-up → passkey → enabled.

use std::sync::Arc;

use bingx_passkeys_core as passkeys_core;

use crate::account::{PasskeyInfo, Policy};
use crate::error::{PasskeysError, sentence};
use crate::observer::ObserverHandle;
use crate::platform::Capabilities;
use crate::runtime;

/// Where an Enable journey stands.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum EnableState {
    /// Nothing done yet.
    NotStarted,
    /// The device has a password manager and the user can authenticate.
    DeviceChecked,
    /// The user accepted the warning.
    Warned,
    /// A step-up code was sent; waiting for the user's password and code.
    SteppingUp,
    /// The user proved their current factors.
    SteppedUp,
    /// The platform ceremony or the server call is running.
    Ceremony,
    /// The passkey is stored and the flag is on.
    Enabled,
    /// The last step failed; the flow stays usable for a retry.
    Failed {
        /// Repeating the failed step may succeed as it is.
        retryable: bool,
        /// What went wrong, fit to show.
        message: String,
    },
}

/// What Enable produced: the new passkey, the Passkeys page and the new policy, with no further
/// request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EnableOutcome {
    /// The new passkey.
    pub passkey: PasskeyInfo,
    /// Every passkey of the account.
    pub passkeys: Vec<PasskeyInfo>,
    /// The account's policy afterwards (`passkey_required` is on).
    pub policy: Policy,
    /// Other sessions signed out.
    pub revoked_sessions: u32,
    /// "Trusted device" marks cleared.
    pub revoked_trusted_devices: u32,
}

/// Told every state of an Enable journey, in order (the app's view model implements it).
///
/// Called on the library's runtime thread, never the UI thread: hand the state over to the UI
/// (e.g. a `MutableStateFlow`, or `Task { @MainActor in … }`) and return at once.
#[uniffi::export(foreign)]
pub trait EnableObserver: Send + Sync {
    /// The flow moved to `state` (the first call brings the state at subscription).
    fn on_state(&self, state: EnableState);
}

/// One Enable journey. Each step is one call that moves the flow on; a step called out of order
/// fails with [`PasskeysError::NotAllowedInThisState`]. After a failure, retry the failed step
/// on the same flow.
#[derive(uniffi::Object)]
pub struct EnableFlow {
    inner: passkeys_core::EnableFlow,
}

impl EnableFlow {
    pub(crate) fn new(inner: passkeys_core::EnableFlow) -> Self {
        Self { inner }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl EnableFlow {
    /// The current state.
    pub fn state(&self) -> EnableState {
        self.inner.state().into()
    }

    /// Tell `observer` the current state, then every change, in order, until the returned
    /// handle is dropped or cancelled (or the flow is gone).
    pub fn observe(&self, observer: Arc<dyn EnableObserver>) -> Arc<ObserverHandle> {
        let mut states = self.inner.subscribe();
        let task = runtime::handle().spawn(async move {
            while let Some(state) = states.recv().await {
                observer.on_state(state.into());
            }
        });
        Arc::new(ObserverHandle::new(task))
    }

    /// Step 1: check the device (a password manager is there, the user can authenticate).
    /// Fails with [`PasskeysError::DeviceNotReady`], saying why, when it is not ready.
    pub async fn check_device(&self) -> Result<Capabilities, PasskeysError> {
        Ok(self.inner.check_device().await?.into())
    }

    /// The warning to show before step 2: H5 and third-party login become unavailable.
    pub fn warning(&self) -> String {
        self.inner.warning().to_owned()
    }

    /// Step 2: the user accepted the warning.
    pub fn acknowledge_warning(&self) -> Result<(), PasskeysError> {
        Ok(self.inner.acknowledge_warning()?)
    }

    /// Step 3a: the server sends a one-time code; returns the factors the user may answer with
    /// (`email`, `sms`, `totp`).
    pub async fn start_step_up(&self) -> Result<Vec<String>, PasskeysError> {
        Ok(self.inner.start_step_up().await?)
    }

    /// Step 3b: the user's current password and one-time code.
    pub async fn finish_step_up(
        &self,
        password: String,
        factor: String,
        code: String,
    ) -> Result<(), PasskeysError> {
        Ok(self.inner.finish_step_up(&password, &factor, &code).await?)
    }

    /// Step 4: create the passkey with the platform authenticator and turn the flag on. `name`
    /// is what the Passkeys page shows (the provider's name when absent).
    pub async fn create_passkey(
        &self,
        name: Option<String>,
    ) -> Result<EnableOutcome, PasskeysError> {
        Ok(self.inner.create_passkey(name.as_deref()).await?.into())
    }

    /// After a crash or a dropped connection: send a passkey the platform created but the server
    /// may not have stored. Needs only the session; `None` when nothing was pending.
    pub async fn resume_pending(&self) -> Result<Option<EnableOutcome>, PasskeysError> {
        Ok(self.inner.resume_pending().await?.map(Into::into))
    }
}

impl From<passkeys_core::EnableState> for EnableState {
    fn from(state: passkeys_core::EnableState) -> Self {
        use passkeys_core::EnableState as S;
        match state {
            S::NotStarted => Self::NotStarted,
            S::DeviceChecked => Self::DeviceChecked,
            S::Warned => Self::Warned,
            S::SteppingUp => Self::SteppingUp,
            S::SteppedUp => Self::SteppedUp,
            S::Ceremony => Self::Ceremony,
            S::Enabled => Self::Enabled,
            S::Failed { retryable, message } => Self::Failed {
                retryable,
                message: sentence(&message),
            },
        }
    }
}

impl From<passkeys_core::EnableOutcome> for EnableOutcome {
    fn from(o: passkeys_core::EnableOutcome) -> Self {
        Self {
            passkey: o.passkey.into(),
            passkeys: o.passkeys.into_iter().map(Into::into).collect(),
            policy: o.policy.into(),
            revoked_sessions: o.revoked_sessions,
            revoked_trusted_devices: o.revoked_trusted_devices,
        }
    }
}
