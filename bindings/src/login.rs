//! Signing in (BRIEF §2 J2, J3, J4): password first, then a one-time code or the passkey, as the
//! server demands; usernameless passkey sign-in; H5 and third-party login, refused for accounts
//! that require passkeys.

use bingx_passkeys_core as passkeys_core;
use bingx_passkeys_core::SessionToken;

use crate::client::PasskeysClient;
use crate::error::PasskeysError;

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

/// A way to sign in, as the app offers it (for [`PasskeysClient::check_login_path`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LoginPath {
    /// Email and password in the app (then a code, or the passkey when required).
    Password,
    /// Sign in with a passkey, no username; always allowed.
    Passkey,
    /// H5 (web) login.
    H5,
    /// Third-party login (Google, Apple, Telegram…).
    ThirdParty,
}

#[uniffi::export(async_runtime = "tokio")]
impl PasskeysClient {
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
    /// Refused with [`PasskeysError::PasskeyRequired`], without a request, when the server
    /// demanded the passkey for this attempt.
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

    /// Finish a sign-in answered with [`SignInStep::PasskeyRequired`] (J2): the platform asks
    /// for the user's passkey, the server verifies it. Returns the account.
    pub async fn complete_sign_in_with_passkey(
        &self,
        login_id: String,
    ) -> Result<String, PasskeysError> {
        Ok(self.inner.complete_sign_in_with_passkey(&login_id).await?)
    }

    /// Sign in with a passkey, no username (J3): the password manager offers the passkeys it
    /// holds for BingX, the server finds the account from the one the user picks. Always
    /// allowed. Returns the account.
    pub async fn sign_in_with_passkey(&self) -> Result<String, PasskeysError> {
        Ok(self.inner.sign_in_with_passkey().await?)
    }

    /// Third-party login (J4) with the provider's id token (`google`, `apple`, `telegram`…).
    /// Refused with [`PasskeysError::PathBlocked`] for an account that requires passkeys: on the
    /// device first where it knows the account, then by the server. Returns the account.
    pub async fn sign_in_with_third_party(
        &self,
        provider: String,
        id_token: String,
    ) -> Result<String, PasskeysError> {
        Ok(self
            .inner
            .sign_in_with_third_party(&provider, &id_token)
            .await?)
    }

    /// The H5 (web) login path (J4), for the app's embedded web login. Refused with
    /// [`PasskeysError::PathBlocked`] for an account that requires passkeys: on the device first
    /// where it knows the account, then by the server.
    pub async fn sign_in_with_h5(
        &self,
        email: String,
        password: String,
        device_id: String,
    ) -> Result<SignInStep, PasskeysError> {
        let step = self
            .inner
            .sign_in_with_h5(&email, &password, &device_id)
            .await?;
        Ok(step.into())
    }
}

// Plain synchronous calls: answered from the device's verified copy of the policy, no request and
// no runtime hop.
#[uniffi::export]
impl PasskeysClient {
    /// May the remembered account use `path`? For hiding or disabling login buttons (J4). Fails
    /// with [`PasskeysError::PathBlocked`] (a message fit to show) where the device knows the
    /// account requires passkeys, with [`PasskeysError::PolicyUnavailable`] where it cannot
    /// verify its copy of the policy; succeeds where it knows nothing (the server still decides).
    pub fn check_login_path(&self, path: LoginPath) -> Result<(), PasskeysError> {
        Ok(self.inner.check_login_path(path.into())?)
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

impl From<LoginPath> for passkeys_core::LoginPath {
    fn from(path: LoginPath) -> Self {
        match path {
            LoginPath::Password => Self::Password,
            LoginPath::Passkey => Self::Passkey,
            LoginPath::H5 => Self::H5,
            LoginPath::ThirdParty => Self::ThirdParty,
        }
    }
}
