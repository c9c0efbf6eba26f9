//! The object an app holds: [`PasskeysClient`], one per app install.

use std::sync::Arc;

use bingx_passkeys_core as passkeys_core;
use bingx_passkeys_core::{SecretStore, SessionToken};

use crate::account::{PasskeyInfo, Policy};
use crate::config::PasskeysConfig;
use crate::enable::EnableFlow;
use crate::error::PasskeysError;
use crate::platform::{ForeignAuthenticator, PlatformAuthenticator};

/// What a password sign-in needs next.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SignInStep {
    /// Ask for a one-time code, then call [`PasskeysClient::complete_sign_in`].
    CodeRequired {
        /// The sign-in attempt, for [`PasskeysClient::complete_sign_in`].
        login_id: String,
        /// Accepted factors (`email`, `sms`, `totp`).
        factors: Vec<String>,
    },
    /// Signed in; the session is in the keystore.
    SignedIn {
        /// The account.
        account_id: String,
    },
    /// The account needs its passkey: call [`PasskeysClient::complete_sign_in_with_passkey`].
    /// No code was sent, and none will be accepted.
    PasskeyRequired {
        /// The sign-in attempt.
        login_id: String,
    },
}

/// BingX Passkeys for one app install: configuration, the server, the keystore and the
/// platform authenticator.
#[derive(Debug, uniffi::Object)]
pub struct PasskeysClient {
    inner: passkeys_core::PasskeysClient,
}

#[uniffi::export(async_runtime = "tokio")]
impl PasskeysClient {
    /// A client whose secrets (session, pending registration) live in memory only: they are
    /// gone when the process ends. For tests, the demo and QA builds; the Android Keystore and
    /// Apple Keychain stores (keyring-core's native stores) are wired in a later issue.
    #[uniffi::constructor]
    pub fn new_with_in_memory_store(
        config: PasskeysConfig,
        platform: Arc<dyn PlatformAuthenticator>,
    ) -> Result<Arc<Self>, PasskeysError> {
        let store = SecretStore::in_memory().map_err(passkeys_core::PasskeyError::from)?;
        let inner = passkeys_core::PasskeysClient::new(
            config.try_into()?,
            store,
            Arc::new(ForeignAuthenticator(platform)),
        )?;
        Ok(Arc::new(Self { inner }))
    }

    /// Whether a session is stored on this device.
    pub fn is_signed_in(&self) -> Result<bool, PasskeysError> {
        Ok(self.inner.is_signed_in()?)
    }

    /// Sign in with email and password. `device_id` identifies this install; a device trusted
    /// earlier passes the trust token [`PasskeysClient::complete_sign_in`] returned.
    pub async fn sign_in_with_password(
        &self,
        email: String,
        password: String,
        device_id: String,
        trust_token: Option<String>,
    ) -> Result<SignInStep, PasskeysError> {
        let trust = trust_token.map(SessionToken::new);
        let step = self
            .inner
            .sign_in_with_password(&email, &password, &device_id, trust.as_ref())
            .await?;
        Ok(step.into())
    }

    /// Finish a sign-in with a one-time code. With `trust_device`, returns this device's "trust
    /// this device" token: a secret the app must keep in its keystore (Android Keystore, Apple
    /// Keychain), never log, and pass to later [`PasskeysClient::sign_in_with_password`] calls.
    pub async fn complete_sign_in(
        &self,
        login_id: String,
        factor: String,
        code: String,
        trust_device: bool,
    ) -> Result<Option<String>, PasskeysError> {
        let trust = self
            .inner
            .complete_sign_in(&login_id, &factor, &code, trust_device)
            .await?;
        Ok(trust.map(|token| token.expose_secret().to_owned()))
    }

    /// Finish a sign-in answered with [`SignInStep::PasskeyRequired`]: the platform asks for
    /// the user's passkey, the server verifies it. Returns the account.
    pub async fn complete_sign_in_with_passkey(
        &self,
        login_id: String,
    ) -> Result<String, PasskeysError> {
        Ok(self.inner.complete_sign_in_with_passkey(&login_id).await?)
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

    /// The account's policy, from the server.
    pub async fn policy(&self) -> Result<Policy, PasskeysError> {
        Ok(self.inner.policy().await?.into())
    }

    /// Start the Enable journey (BRIEF §2 J1). Create one per attempt from the Passkeys page.
    pub fn enable_flow(&self) -> Arc<EnableFlow> {
        Arc::new(EnableFlow::new(self.inner.enable_flow()))
    }
}

impl From<passkeys_core::SignInStep> for SignInStep {
    fn from(step: passkeys_core::SignInStep) -> Self {
        match step {
            passkeys_core::SignInStep::CodeRequired { login_id, factors } => {
                Self::CodeRequired { login_id, factors }
            }
            passkeys_core::SignInStep::SignedIn { account_id } => Self::SignedIn { account_id },
            passkeys_core::SignInStep::PasskeyRequired { login_id } => {
                Self::PasskeyRequired { login_id }
            }
        }
    }
}
