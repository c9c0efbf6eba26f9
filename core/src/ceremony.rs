//! One ceremony, the same way every time: check the server's options → hand the platform a request
//! shaped for it → check the platform's answer → only then let it leave the device. The service
//! also holds the app's one ceremony turn (two taps never run two ceremonies) and tells the
//! password manager what the relying party knows (signals), where the platform supports it.

use std::sync::Arc;

use tokio::sync::{Mutex, MutexGuard};

use crate::config::Config;
use crate::error::PasskeysError;
use crate::http::Http;
use crate::platform::{Capabilities, PlatformAuthenticator};
use crate::secret::SessionToken;
use crate::webauthn::{
    CheckedRegistration, Expected, check_assertion, check_registration, prepare_create, prepare_get,
};
use crate::wire::PasskeyUser;

/// A checked registration response, ready to send.
pub(crate) struct Created {
    /// `RegistrationResponseJSON` exactly as the platform produced it.
    pub(crate) json: String,
    /// What the core checked.
    pub(crate) checked: CheckedRegistration,
}

/// Ceremonies on the platform, one at a time.
#[derive(Clone)]
pub(crate) struct Ceremonies {
    platform: Arc<dyn PlatformAuthenticator>,
    config: Arc<Config>,
    turn: Arc<Mutex<()>>,
}

impl Ceremonies {
    pub(crate) fn new(platform: Arc<dyn PlatformAuthenticator>, config: Arc<Config>) -> Self {
        Self {
            platform,
            config,
            turn: Arc::new(Mutex::new(())),
        }
    }

    /// The app's one ceremony turn, held while a flow runs its ceremony and the requests around
    /// it; [`PasskeysError::InProgress`] when another flow holds it.
    pub(crate) fn turn(&self) -> Result<MutexGuard<'_, ()>, PasskeysError> {
        self.turn.try_lock().map_err(|_| PasskeysError::InProgress)
    }

    /// What the device can do right now.
    pub(crate) async fn capabilities(&self) -> Capabilities {
        self.platform.capabilities().await
    }

    fn expected<'a>(&'a self, challenge: &'a [u8]) -> Expected<'a> {
        Expected {
            rp_id: &self.config.rp_id,
            origins: &self.config.allowed_origins,
            challenge,
        }
    }

    /// Run a registration ceremony for `options_json`.
    pub(crate) async fn create(&self, options_json: &str) -> Result<Created, PasskeysError> {
        let request = prepare_create(options_json, &self.config.rp_id)?;
        let challenge = request.challenge.clone();
        let json = self.platform.create(request).await?;
        let checked = check_registration(&json, &self.expected(&challenge))?;
        Ok(Created { json, checked })
    }

    /// Run an assertion ceremony for `options_json`; returns `AuthenticationResponseJSON`
    /// exactly as the platform produced it, once checked.
    pub(crate) async fn get(&self, options_json: &str) -> Result<String, PasskeysError> {
        let request = prepare_get(options_json, &self.config.rp_id)?;
        let challenge = request.challenge.clone();
        let allowed = request.allow_credential_ids.clone();
        let json = self.platform.get(request).await?;
        check_assertion(&json, &self.expected(&challenge), &allowed)?;
        Ok(json)
    }

    /// Best effort: the password manager forgets a credential the server does not know.
    pub(crate) async fn forget(&self, credential_id: Vec<u8>) {
        let _ = self
            .platform
            .signal_unknown_credential(self.config.rp_id.clone(), credential_id)
            .await;
    }

    /// Best effort, where the platform supports signals: tell the password manager which of the
    /// user's credentials the server still accepts and the user's current names, so it hides
    /// deleted passkeys and shows renamed accounts. Returns whether the signals were sent.
    pub(crate) async fn tell_accepted(
        &self,
        user: &PasskeyUser,
        credential_ids: Vec<Vec<u8>>,
    ) -> bool {
        if !self.platform.capabilities().await.supports_signals {
            return false;
        }
        let rp_id = self.config.rp_id.clone();
        let accepted = self
            .platform
            .signal_all_accepted_credentials(rp_id.clone(), user.id.clone(), credential_ids)
            .await;
        let details = self
            .platform
            .signal_current_user_details(
                rp_id,
                user.id.clone(),
                user.name.clone(),
                user.display_name.clone(),
            )
            .await;
        accepted.is_ok() && details.is_ok()
    }

    /// Signals after a change whose answer does not name the user: the account's passkeys are
    /// read first (one request, made only where the platform takes signals). Best effort.
    pub(crate) async fn tell_accepted_now(&self, http: &Http, session: &SessionToken) {
        if !self.platform.capabilities().await.supports_signals {
            return;
        }
        if let Ok(list) = http.passkeys(session).await
            && let Some(user) = list.user
        {
            let ids = list
                .passkeys
                .iter()
                .map(|p| p.credential_id.clone())
                .collect();
            self.tell_accepted(&user.into(), ids).await;
        }
    }
}
