//! The object an app holds: configuration, the server client, the keystore and the platform, plus
//! the sign-in with the user's current factors that comes before any passkey exists.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::api::{Api, PasskeyInfo, Policy, ServerCode};
use crate::config::Config;
use crate::enable::EnableFlow;
use crate::error::PasskeyError;
use crate::login::LoginFlow;
use crate::platform::PlatformAuthenticator;
use crate::policy::PolicyMemo;
use crate::store::{SecretStore, SessionToken};

/// What a password sign-in needs next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Enter a one-time code; then call [`PasskeysClient::complete_sign_in`].
    CodeRequired {
        /// The attempt.
        login_id: String,
        /// Accepted factors (`email`, `sms`, `totp`).
        factors: Vec<String>,
    },
    /// Signed in; the session is in the keystore.
    SignedIn {
        /// The account.
        account_id: String,
    },
    /// The account needs a passkey: call [`PasskeysClient::complete_sign_in_with_passkey`].
    /// No code was sent, and none will be accepted.
    PasskeyRequired {
        /// The attempt.
        login_id: String,
    },
}

pub(crate) struct Inner {
    pub(crate) api: Api,
    pub(crate) store: SecretStore,
    pub(crate) platform: Arc<dyn PlatformAuthenticator>,
    /// Held while a passkey ceremony runs: two taps never run two ceremonies.
    pub(crate) ceremony: tokio::sync::Mutex<()>,
    /// The sign-in attempt in progress.
    pub(crate) login: std::sync::Mutex<LoginFlow>,
    /// The verified policy, held in memory after one keystore read.
    pub(crate) policy_memo: std::sync::Mutex<PolicyMemo>,
    requests: AtomicU64,
}

impl Inner {
    /// The signed-in session, or [`PasskeyError::NotSignedIn`].
    pub(crate) fn session(&self) -> Result<SessionToken, PasskeyError> {
        self.store.session_token()?.ok_or(PasskeyError::NotSignedIn)
    }

    /// Count one request to the server (the round-trip budgets of BRIEF §6 are tested on it).
    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// The server said the session is gone: forget it, so the app shows sign-in.
    pub(crate) fn on_error(&self, error: PasskeyError) -> PasskeyError {
        if error.server_code() == Some(&ServerCode::Unauthenticated) {
            let _ = self.store.clear_session_token();
            return PasskeyError::NotSignedIn;
        }
        error
    }
}

/// BingX Passkeys for one app install.
#[derive(Clone)]
pub struct PasskeysClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for PasskeysClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasskeysClient")
            .field("config", self.inner.api.config())
            .finish_non_exhaustive()
    }
}

impl PasskeysClient {
    /// A client for `config`, keeping secrets in `store` and running ceremonies on `platform`.
    pub fn new(
        config: Config,
        store: SecretStore,
        platform: Arc<dyn PlatformAuthenticator>,
    ) -> Result<Self, PasskeyError> {
        Ok(Self {
            inner: Arc::new(Inner {
                api: Api::new(config)?,
                store,
                platform,
                ceremony: tokio::sync::Mutex::new(()),
                login: std::sync::Mutex::new(LoginFlow::default()),
                policy_memo: std::sync::Mutex::new(PolicyMemo::default()),
                requests: AtomicU64::new(0),
            }),
        })
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// Requests sent to the server so far by this client.
    pub fn requests_sent(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// Whether a session is stored.
    pub fn is_signed_in(&self) -> Result<bool, PasskeyError> {
        Ok(self.inner.store.session_token()?.is_some())
    }

    /// Sign out: the server ends the session, the keystore forgets it.
    pub async fn sign_out(&self) -> Result<(), PasskeyError> {
        let session = self.inner.session()?;
        self.inner.count_request();
        let result = self.inner.api.logout(&session).await;
        self.inner.store.clear_session_token()?;
        match result {
            Err(e) if e.code() != Some(&ServerCode::Unauthenticated) => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// The Passkeys page.
    pub async fn passkeys(&self) -> Result<Vec<PasskeyInfo>, PasskeyError> {
        let session = self.inner.session()?;
        self.inner.count_request();
        self.inner
            .api
            .passkeys(&session)
            .await
            .map_err(|e| self.inner.on_error(e.into()))
    }

    /// The account's policy, from the server; the device keeps the signed copy for offline checks.
    pub async fn policy(&self) -> Result<Policy, PasskeyError> {
        let session = self.inner.session()?;
        self.inner.count_request();
        let policy = self
            .inner
            .api
            .policy(&session)
            .await
            .map_err(|e| self.inner.on_error(e.into()))?;
        crate::policy::remember(&self.inner, &policy)?;
        Ok(policy)
    }

    /// Start the Enable journey (BRIEF §2 J1).
    pub fn enable_flow(&self) -> EnableFlow {
        EnableFlow::new(self.inner.clone())
    }
}
