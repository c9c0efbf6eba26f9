//! Adding a passkey, the mechanism both Enable and the Passkeys page use: begin (authorised by a
//! step-up or a passkey proof) → ceremony → finish with the flag on. The checked response is kept
//! in the keystore until the server answers, so a crash or a dropped connection loses nothing and
//! the retry resends it rather than running a second ceremony.

use serde::{Deserialize, Serialize};

use crate::ceremony::Ceremonies;
use crate::error::PasskeysError;
use crate::http::{AddAuthorisation, Http};
use crate::policy::PolicyCache;
use crate::secret::SessionToken;
use crate::store::{SecretStore, StoreError};
use crate::wire::PasskeyAdded;

#[derive(Serialize, Deserialize)]
struct PendingRegistration {
    ceremony_id: String,
    credential_json: String,
    credential_id: Vec<u8>,
    name: Option<String>,
}

/// Registrations of new passkeys.
#[derive(Clone)]
pub(crate) struct Registrations {
    http: Http,
    ceremonies: Ceremonies,
    store: SecretStore,
    policy: PolicyCache,
}

impl Registrations {
    pub(crate) fn new(
        http: Http,
        ceremonies: Ceremonies,
        store: SecretStore,
        policy: PolicyCache,
    ) -> Self {
        Self {
            http,
            ceremonies,
            store,
            policy,
        }
    }

    /// Whether a ceremony result waits to be sent.
    pub(crate) fn has_pending(&self) -> Result<bool, PasskeysError> {
        Ok(self.pending()?.is_some())
    }

    /// The stored ceremony result, if any. One the keystore can no longer read (its key was lost,
    /// the entry corrupted) is dropped, as one that no longer parses is: it can never be sent,
    /// and keeping it would refuse every later Enable (a lock-out). Nothing is lost that the
    /// server relies on: its ceremony expires, and a passkey the password manager made for it is
    /// unknown to the server (the next signal tells the password manager).
    fn pending(&self) -> Result<Option<String>, PasskeysError> {
        match self.store.pending_registration() {
            Err(StoreError::Corrupt) => {
                self.store.clear_pending_registration()?;
                Ok(None)
            }
            other => Ok(other?),
        }
    }

    /// Register a passkey. The caller holds the ceremony turn.
    pub(crate) async fn register(
        &self,
        session: &SessionToken,
        authorisation: AddAuthorisation<'_>,
        name: Option<&str>,
    ) -> Result<PasskeyAdded, PasskeysError> {
        let started = self.http.registration_begin(session, authorisation).await?;
        let created = self.ceremonies.create(&started.options_json).await?;
        let pending = PendingRegistration {
            ceremony_id: started.ceremony_id,
            credential_json: created.json,
            credential_id: created.checked.credential_id,
            name: name.map(str::to_owned),
        };
        // Kept until the server answers, so a crash or a dropped connection loses nothing.
        let serialized = serde_json::to_string(&pending).map_err(|_| StoreError::Corrupt)?;
        self.store.set_pending_registration(&serialized)?;
        self.send(session, pending).await
    }

    /// Send a registration the server may not have stored yet. `None` when nothing was pending.
    pub(crate) async fn send_pending(
        &self,
        session: &SessionToken,
    ) -> Result<Option<PasskeyAdded>, PasskeysError> {
        let Some(stored) = self.pending()? else {
            return Ok(None);
        };
        let Ok(pending) = serde_json::from_slice::<PendingRegistration>(stored.as_bytes()) else {
            self.store.clear_pending_registration()?;
            return Ok(None);
        };
        self.send(session, pending).await.map(Some)
    }

    async fn send(
        &self,
        session: &SessionToken,
        pending: PendingRegistration,
    ) -> Result<PasskeyAdded, PasskeysError> {
        let result = self
            .http
            .registration_finish(
                session,
                &pending.ceremony_id,
                &pending.credential_json,
                pending.name.as_deref(),
                true,
            )
            .await;
        match result {
            Ok(added) => {
                self.store.clear_pending_registration()?;
                self.policy.remember(&added.policy)?;
                Ok(added)
            }
            // No answer: the server may or may not have stored it. Keep it and retry later.
            Err(e) if e.is_retryable() => Err(e.into()),
            // The server refused it for good: the password manager should forget the passkey.
            Err(e) => {
                self.store.clear_pending_registration()?;
                let error = PasskeysError::from(e);
                if error != PasskeysError::NotSignedIn {
                    self.ceremonies.forget(pending.credential_id).await;
                }
                Err(error)
            }
        }
    }
}
