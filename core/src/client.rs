//! The object an app holds. It builds the services once (the HTTP client, the ceremony service
//! with the platform and its one turn, the policy cache, the session, registrations and
//! verifications) and hands out the parts of the app it serves, grouped as the app's screens:
//! [`SignIn`], the [`PasskeysPage`], [`Scenarios`], [`Recovery`] and, per attempt, an
//! [`EnableFlow`].

use std::sync::Arc;

use crate::ceremony::Ceremonies;
use crate::config::Config;
use crate::enable::EnableFlow;
use crate::error::PasskeysError;
use crate::http::Http;
use crate::passkeys_page::PasskeysPage;
use crate::platform::PlatformAuthenticator;
use crate::policy::PolicyCache;
use crate::recovery::Recovery;
use crate::registration::Registrations;
use crate::scenarios::Scenarios;
use crate::session::Sessions;
use crate::sign_in::SignIn;
use crate::store::SecretStore;
use crate::verification::Verifications;

/// BingX Passkeys for one app install. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct PasskeysClient {
    http: Http,
    ceremonies: Ceremonies,
    sessions: Sessions,
    registrations: Registrations,
    sign_in: SignIn,
    passkeys: PasskeysPage,
    scenarios: Scenarios,
    recovery: Recovery,
}

impl std::fmt::Debug for PasskeysClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasskeysClient")
            .field("config", self.http.config())
            .finish_non_exhaustive()
    }
}

impl PasskeysClient {
    /// A client for `config`, keeping secrets in `store` and running ceremonies on `platform`.
    pub fn new(
        config: Config,
        store: SecretStore,
        platform: Arc<dyn PlatformAuthenticator>,
    ) -> Result<Self, PasskeysError> {
        let policy = PolicyCache::new(store.clone(), config.policy_key.clone());
        let config = Arc::new(config);
        let http = Http::new(config.clone())?;
        let ceremonies = Ceremonies::new(platform, config);
        let sessions = Sessions::new(store.clone(), policy.clone());
        let registrations = Registrations::new(
            http.clone(),
            ceremonies.clone(),
            store.clone(),
            policy.clone(),
        );
        let verifications = Verifications::new(http.clone(), ceremonies.clone());
        Ok(Self {
            recovery: Recovery::new(
                http.clone(),
                ceremonies.clone(),
                sessions.clone(),
                verifications.clone(),
                store,
                policy.clone(),
            ),
            sign_in: SignIn::new(
                http.clone(),
                ceremonies.clone(),
                sessions.clone(),
                policy.clone(),
            ),
            passkeys: PasskeysPage::new(
                http.clone(),
                ceremonies.clone(),
                sessions.clone(),
                policy.clone(),
                registrations.clone(),
                verifications.clone(),
            ),
            scenarios: Scenarios::new(ceremonies.clone(), sessions.clone(), policy, verifications),
            http,
            ceremonies,
            sessions,
            registrations,
        })
    }

    /// Signing in and out.
    pub fn sign_in(&self) -> &SignIn {
        &self.sign_in
    }

    /// The Passkeys page: list, rename, add, delete, turn the requirement off, activity.
    pub fn passkeys(&self) -> &PasskeysPage {
        &self.passkeys
    }

    /// Important scenarios: which need a passkey, and the proof for one.
    pub fn scenarios(&self) -> &Scenarios {
        &self.scenarios
    }

    /// "I lost my passkeys": ask for a support reset without a passkey, follow it, and cancel
    /// a pending one with a passkey (J8).
    pub fn recovery(&self) -> &Recovery {
        &self.recovery
    }

    /// Start an Enable journey (BRIEF §2 J1).
    pub fn enable(&self) -> EnableFlow {
        EnableFlow::new(
            self.http.clone(),
            self.ceremonies.clone(),
            self.sessions.clone(),
            self.registrations.clone(),
        )
    }

    /// Requests sent to the server so far by this client (the round-trip budgets of BRIEF §6
    /// are tested on it).
    pub fn requests_sent(&self) -> u64 {
        self.http.requests_sent()
    }
}
