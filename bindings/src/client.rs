//! The object an app holds, [`PasskeysClient`], and the parts it hands out, grouped as the app's
//! screens: [`SignIn`], [`PasskeysPage`], [`Scenarios`], [`crate::Recovery`] and, per attempt,
//! an [`crate::EnableFlow`].

use std::collections::HashMap;
use std::sync::Arc;

use bingx_passkeys_core as core;
use bingx_passkeys_core::{
    Factor, LoginPath, NewDeviceNotice, PasskeyAdded, PasskeyHealth, PasskeyInfo, PasskeysError,
    Policy, Purpose, Scenario, SecretStore, SecurityEvent,
};

use crate::config::PasskeysConfig;
use crate::enable::EnableFlow;
use crate::platform::{ForeignAuthenticator, PlatformAuthenticator};
use crate::recovery::Recovery;
use crate::secrets::{LoginId, PasskeyProof, TrustToken};
use crate::store::{ForeignKeystore, SecureStore};
use crate::types::SignInStep;

/// BingX Passkeys for one app install.
#[derive(Debug, uniffi::Object)]
pub struct PasskeysClient {
    inner: core::PasskeysClient,
}

impl PasskeysClient {
    fn build(
        config: PasskeysConfig,
        platform: Arc<dyn PlatformAuthenticator>,
        store: SecretStore,
    ) -> Result<Arc<Self>, PasskeysError> {
        let inner = core::PasskeysClient::new(
            config.try_into()?,
            store,
            Arc::new(ForeignAuthenticator(platform)),
        )?;
        Ok(Arc::new(Self { inner }))
    }
}

#[uniffi::export]
impl PasskeysClient {
    /// A client for `config`, running ceremonies on `platform` and keeping secrets in `store`
    /// (the app's Keystore/Keychain).
    ///
    /// Make **one per process** and share it (an `Application`, an app-wide object), never one
    /// per screen or `Activity`: a client keeps its own view of `store` in memory, so a second
    /// client over the same keystore would not see what the first wrote, such as the mark that
    /// the account now requires passkeys, until the process restarts.
    #[uniffi::constructor]
    pub fn new(
        config: PasskeysConfig,
        platform: Arc<dyn PlatformAuthenticator>,
        store: Arc<dyn SecureStore>,
    ) -> Result<Arc<Self>, PasskeysError> {
        Self::build(config, platform, ForeignKeystore::secret_store(store))
    }

    /// Signing in and out.
    pub fn sign_in(&self) -> Arc<SignIn> {
        Arc::new(SignIn(self.inner.sign_in().clone()))
    }

    /// The Passkeys page and its changes.
    pub fn passkeys(&self) -> Arc<PasskeysPage> {
        Arc::new(PasskeysPage(self.inner.passkeys().clone()))
    }

    /// Important scenarios (withdrawals, security settings, API keys…).
    pub fn scenarios(&self) -> Arc<Scenarios> {
        Arc::new(Scenarios(self.inner.scenarios().clone()))
    }

    /// "I lost my passkeys" (J8): ask for a support reset, follow it, cancel a pending one.
    pub fn recovery(&self) -> Arc<Recovery> {
        Arc::new(Recovery(self.inner.recovery().clone()))
    }

    /// A new Enable journey (J1).
    pub fn enable(&self) -> Arc<EnableFlow> {
        Arc::new(EnableFlow::new(self.inner.enable()))
    }

    /// Requests sent to the server so far by this client.
    pub fn requests_sent(&self) -> u64 {
        self.inner.requests_sent()
    }
}

#[cfg(feature = "softpm")]
#[uniffi::export]
impl PasskeysClient {
    /// QA and test builds only (the `softpm` feature, as the software password manager): a client
    /// whose secrets live in memory only. Never in an app: every restart would lose the session,
    /// the signed policy (so the device would no longer know the account needs passkeys) and a
    /// pending registration, which is why a release library does not export it.
    #[uniffi::constructor]
    pub fn new_with_in_memory_store(
        config: PasskeysConfig,
        platform: Arc<dyn PlatformAuthenticator>,
    ) -> Result<Arc<Self>, PasskeysError> {
        let store = SecretStore::in_memory().map_err(PasskeysError::from)?;
        Self::build(config, platform, store)
    }
}

/// Signing in (J2–J4) and out.
#[derive(Debug, uniffi::Object)]
pub struct SignIn(core::SignIn);

#[uniffi::export(async_runtime = "tokio")]
impl SignIn {
    /// Whether a session is stored.
    pub fn is_signed_in(&self) -> Result<bool, PasskeysError> {
        self.0.is_signed_in()
    }

    /// Sign in with email and password. `device_id` names this install (a random UUID made at the
    /// app's first start and kept with its data is best; the server shows other sessions only a
    /// hint of it). The library also sends its own install key from the keystore, by which the
    /// server keeps what this install begins apart once the account has signed in here: whoever
    /// holds only the password cannot end or use it up. A device trusted earlier
    /// passes the mark [`SignIn::complete_with_code`] returned.
    pub async fn with_password(
        &self,
        email: String,
        password: String,
        device_id: String,
        trust: Option<Arc<TrustToken>>,
    ) -> Result<SignInStep, PasskeysError> {
        let trust = trust.map(|t| t.0.clone());
        self.0
            .with_password(&email, &password, &device_id, trust.as_ref())
            .await
            .map(SignInStep::from)
    }

    /// Finish a sign-in with a one-time code (accounts without the passkey requirement). With
    /// `trust_device`, returns the mark to keep.
    pub async fn complete_with_code(
        &self,
        login_id: Arc<LoginId>,
        factor: Factor,
        code: String,
        trust_device: bool,
    ) -> Result<Option<Arc<TrustToken>>, PasskeysError> {
        let trust = self
            .0
            .complete_with_code(&login_id.0, factor, &code, trust_device)
            .await?;
        Ok(trust.map(|t| Arc::new(TrustToken(t))))
    }

    /// Finish a sign-in the server answered with "passkey required". Returns the account.
    pub async fn complete_with_passkey(
        &self,
        login_id: Arc<LoginId>,
    ) -> Result<String, PasskeysError> {
        self.0.complete_with_passkey(&login_id.0).await
    }

    /// Sign in with a passkey, no username (J3). Returns the account.
    pub async fn with_passkey(&self) -> Result<String, PasskeysError> {
        self.0.with_passkey().await
    }

    /// May the remembered account use `path`? For hiding or disabling login buttons.
    pub fn check_path(&self, path: LoginPath) -> Result<(), PasskeysError> {
        self.0.check_path(path)
    }

    /// Third-party login (Google, Apple, Telegram…) with the provider's id token.
    pub async fn with_third_party(
        &self,
        provider: String,
        id_token: String,
    ) -> Result<String, PasskeysError> {
        self.0.with_third_party(&provider, &id_token).await
    }

    /// The H5 (web) login path.
    pub async fn with_h5(
        &self,
        email: String,
        password: String,
        device_id: String,
    ) -> Result<SignInStep, PasskeysError> {
        self.0
            .with_h5(&email, &password, &device_id)
            .await
            .map(SignInStep::from)
    }

    /// Before a device change: the passkey health to warn with before signing out, when every
    /// passkey of the account is device-bound (show `health.sign_out_warning`); `None` when no
    /// warning is needed. Never blocks the sign-out.
    pub async fn sign_out_warning(&self) -> Result<Option<PasskeyHealth>, PasskeysError> {
        self.0.sign_out_warning().await
    }

    /// Before a device change: the notice of this client's last completed sign-in when it came
    /// from a device model or OS the account had not used before (show `new_device_notice_text`
    /// with the health); `None` otherwise, from the next sign-in on, and after signing out.
    /// Needs `PasskeysConfig.device`.
    pub fn new_device_notice(&self) -> Option<NewDeviceNotice> {
        self.0.new_device_notice()
    }

    /// Lost passkeys (J8): the account's reset that was waiting for support when this client's
    /// sign-in completed, until it is cancelled (`Recovery.cancel`) or the session ends; `None`
    /// when there was none. Show it right after the sign-in with `pending_reset_notice_text` and
    /// a button that cancels it: someone holding the password and a code may have asked.
    /// `Recovery.account_state` refreshes it: an app that keeps its session calls it when it
    /// opens, so that a reset asked for meanwhile shows without a new sign-in.
    pub fn pending_reset(&self) -> Option<core::ResetStatus> {
        self.0.pending_reset()
    }

    /// Sign out: the server ends the session, the keystore forgets it.
    pub async fn sign_out(&self) -> Result<(), PasskeysError> {
        self.0.sign_out().await
    }
}

/// The Passkeys page (J5): every change needs a fresh passkey verification.
#[derive(Debug, uniffi::Object)]
pub struct PasskeysPage(core::PasskeysPage);

#[uniffi::export(async_runtime = "tokio")]
impl PasskeysPage {
    /// The account's passkeys.
    pub async fn list(&self) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        self.0.list().await
    }

    /// Whether one lost phone could lock the account out, the reason, the action, and whether to
    /// show the "add a second passkey" nudge. Informational: nothing is refused because of it.
    pub async fn health(&self) -> Result<PasskeyHealth, PasskeysError> {
        self.0.health().await
    }

    /// The user closed the nudge: it stays away for a while (the server's snooze) and comes back
    /// while the account is still at risk. Returns the health afterwards.
    pub async fn dismiss_nudge(&self) -> Result<PasskeyHealth, PasskeysError> {
        self.0.dismiss_nudge().await
    }

    /// The account's policy (the device keeps the signed copy for offline checks).
    pub async fn policy(&self) -> Result<Policy, PasskeysError> {
        self.0.policy().await
    }

    /// The account's recent security activity, newest first.
    pub async fn activity(&self) -> Result<Vec<SecurityEvent>, PasskeysError> {
        self.0.activity().await
    }

    /// A passkey proof for `purpose`, for account actions the app sends itself.
    pub async fn verify(&self, purpose: Purpose) -> Result<Arc<PasskeyProof>, PasskeysError> {
        Ok(Arc::new(PasskeyProof(self.0.verify(purpose).await?)))
    }

    /// Rename a passkey. Returns the Passkeys page.
    pub async fn rename(
        &self,
        credential_id: Vec<u8>,
        name: String,
    ) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        self.0.rename(&credential_id, &name).await
    }

    /// Delete a passkey (never the last one while passkeys are required). Returns the page.
    pub async fn delete(&self, credential_id: Vec<u8>) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        self.0.delete(&credential_id).await
    }

    /// Add another passkey while passkeys are required.
    pub async fn add(&self, name: Option<String>) -> Result<PasskeyAdded, PasskeysError> {
        self.0.add(name.as_deref()).await
    }

    /// Turn "Must verify using passkeys" off. The passkeys stay.
    pub async fn turn_off_requirement(&self) -> Result<Policy, PasskeysError> {
        self.0.turn_off_requirement().await
    }
}

/// Important scenarios (J6).
#[derive(Debug, uniffi::Object)]
pub struct Scenarios(core::Scenarios);

#[uniffi::export(async_runtime = "tokio")]
impl Scenarios {
    /// Does `scenario` need a passkey for the signed-in account? Fails closed.
    pub fn needs_passkey(&self, scenario: Scenario) -> bool {
        self.0.needs_passkey(&scenario)
    }

    /// A passkey proof for `scenario` and the operation's `params` (e.g. a withdrawal's asset,
    /// address and amount); the server accepts it once, for exactly these.
    pub async fn verify(
        &self,
        scenario: Scenario,
        params: HashMap<String, String>,
    ) -> Result<Arc<PasskeyProof>, PasskeysError> {
        let params = params.into_iter().collect();
        Ok(Arc::new(PasskeyProof(
            self.0.verify(&scenario, &params).await?,
        )))
    }
}
