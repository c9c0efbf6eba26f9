//! The object an app holds: [`PasskeysClient`], one per app install. Its methods live next to the
//! journey they belong to, as in the core: sign-in in `login.rs`, the Passkeys page in
//! `manage.rs`, later scenarios in `scenario.rs`, Enable in `enable.rs`.

use std::sync::Arc;

use bingx_passkeys_core as passkeys_core;
use bingx_passkeys_core::SecretStore;

use crate::account::{PasskeyInfo, Policy};
use crate::config::PasskeysConfig;
use crate::enable::EnableFlow;
use crate::error::PasskeysError;
use crate::platform::{ForeignAuthenticator, PlatformAuthenticator};
use crate::store::{ForeignKeystore, SecureStore};

/// BingX Passkeys for one app install: configuration, the server, the keystore and the
/// platform authenticator.
#[derive(Debug, uniffi::Object)]
pub struct PasskeysClient {
    pub(crate) inner: passkeys_core::PasskeysClient,
}

impl PasskeysClient {
    fn build(
        config: PasskeysConfig,
        platform: Arc<dyn PlatformAuthenticator>,
        store: SecretStore,
    ) -> Result<Arc<Self>, PasskeysError> {
        let inner = passkeys_core::PasskeysClient::new(
            config.try_into()?,
            store,
            Arc::new(ForeignAuthenticator(platform)),
        )?;
        Ok(Arc::new(Self { inner }))
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl PasskeysClient {
    /// A client whose secrets (session, cached policy, pending registration) live in `store`,
    /// the app's keystore: EncryptedSharedPreferences over the Android Keystore, or the Apple
    /// Keychain (see [`SecureStore`]).
    #[uniffi::constructor]
    pub fn new(
        config: PasskeysConfig,
        platform: Arc<dyn PlatformAuthenticator>,
        store: Arc<dyn SecureStore>,
    ) -> Result<Arc<Self>, PasskeysError> {
        Self::build(config, platform, ForeignKeystore::secret_store(store))
    }

    /// A client whose secrets live in memory only: they are gone when the process ends. For
    /// tests, the demo and QA builds.
    #[uniffi::constructor]
    pub fn new_with_in_memory_store(
        config: PasskeysConfig,
        platform: Arc<dyn PlatformAuthenticator>,
    ) -> Result<Arc<Self>, PasskeysError> {
        let store = SecretStore::in_memory().map_err(passkeys_core::PasskeyError::from)?;
        Self::build(config, platform, store)
    }

    /// Whether a session is stored on this device.
    pub fn is_signed_in(&self) -> Result<bool, PasskeysError> {
        Ok(self.inner.is_signed_in()?)
    }

    /// Requests this client sent to the server so far (the round-trip budgets of BRIEF §6 are
    /// counted on it).
    pub fn requests_sent(&self) -> u64 {
        self.inner.requests_sent()
    }

    /// Sign out: the server ends the session and the keystore forgets it.
    pub async fn sign_out(&self) -> Result<(), PasskeysError> {
        Ok(self.inner.sign_out().await?)
    }

    /// The account's passkeys (the Passkeys page).
    pub async fn passkeys(&self) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        let passkeys = self.inner.passkeys().await?;
        Ok(passkeys.into_iter().map(Into::into).collect())
    }

    /// The account's policy, from the server; the device keeps the signed copy for its own
    /// checks ([`PasskeysClient::check_login_path`], [`PasskeysClient::scenario_needs_passkey`]).
    pub async fn policy(&self) -> Result<Policy, PasskeysError> {
        Ok(self.inner.policy().await?.into())
    }

    /// Start the Enable journey (BRIEF §2 J1). Create one per attempt from the Passkeys page.
    pub fn enable_flow(&self) -> Arc<EnableFlow> {
        Arc::new(EnableFlow::new(self.inner.enable_flow()))
    }
}
