//! Managing passkeys (BRIEF §2 J5): list, rename, add another, delete, turn the requirement off,
//! and the account's security activity. Every change but listing needs a fresh passkey
//! verification bound to that one purpose (BRIEF §5 #5); the last passkey is never deleted while
//! passkeys are required.

use crate::api::{AddAuthorisation, PasskeyInfo, Policy, Proof, SecurityEvent, ServerCode};
use crate::ceremony;
use crate::client::{Inner, PasskeysClient};
use crate::enable::{self, EnableOutcome};
use crate::error::PasskeyError;
use crate::policy;
use crate::store::SessionToken;

/// What a passkey verification is for (BRIEF §5 #5): the server binds the proof to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Add another passkey while passkeys are required.
    AddPasskey,
    /// Rename a passkey.
    RenamePasskey,
    /// Delete a passkey.
    DeletePasskey,
    /// Turn the passkey requirement off.
    DisablePasskeys,
    /// Change a security setting.
    SecuritySettings,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::AddPasskey => "add_passkey",
            Self::RenamePasskey => "rename_passkey",
            Self::DeletePasskey => "delete_passkey",
            Self::DisablePasskeys => "disable_passkeys",
            Self::SecuritySettings => "security_settings",
        }
    }
}

impl Inner {
    /// A fresh passkey verification for `purpose`: begin → ceremony → finish (two requests).
    pub(crate) async fn verify_with_passkey(
        &self,
        session: &SessionToken,
        purpose: Purpose,
    ) -> Result<Proof, PasskeyError> {
        self.count_request();
        let started = self.api.verify_begin(session, purpose.as_str()).await?;
        let asserted = ceremony::get(self, &started.options_json).await?;
        self.count_request();
        Ok(self
            .api
            .verify_finish(session, &started.ceremony_id, &asserted)
            .await?)
    }
}

impl PasskeysClient {
    /// Verify with a passkey for `purpose` and return the single-use proof, for account actions
    /// the app sends itself (e.g. a security-setting change).
    pub async fn verify_with_passkey(&self, purpose: Purpose) -> Result<Proof, PasskeyError> {
        let inner = self.inner();
        let session = inner.session()?;
        let Ok(_ceremony) = inner.ceremony.try_lock() else {
            return Err(PasskeyError::AlreadyInProgress);
        };
        inner
            .verify_with_passkey(&session, purpose)
            .await
            .map_err(|e| inner.on_error(e))
    }

    /// Rename a passkey (after a passkey verification). Returns the Passkeys page.
    pub async fn rename_passkey(
        &self,
        credential_id: &[u8],
        name: &str,
    ) -> Result<Vec<PasskeyInfo>, PasskeyError> {
        let inner = self.inner();
        let session = inner.session()?;
        let Ok(_ceremony) = inner.ceremony.try_lock() else {
            return Err(PasskeyError::AlreadyInProgress);
        };
        let run = async {
            let proof = inner
                .verify_with_passkey(&session, Purpose::RenamePasskey)
                .await?;
            inner.count_request();
            Ok(inner
                .api
                .rename_passkey(&session, credential_id, name, &proof.token)
                .await?)
        };
        run.await.map_err(|e| inner.on_error(e))
    }

    /// Delete a passkey (after a passkey verification) and tell the password manager. Refused
    /// before any ceremony when it is the last one while passkeys are required. Deleting one the
    /// server no longer has counts as done, so a retry after a dropped connection succeeds.
    pub async fn delete_passkey(
        &self,
        credential_id: &[u8],
    ) -> Result<Vec<PasskeyInfo>, PasskeyError> {
        let inner = self.inner();
        let session = inner.session()?;
        if let Ok(Some(p)) = policy::cached(inner)
            && p.passkey_required
            && p.passkey_count <= 1
        {
            return Err(PasskeyError::LastPasskey);
        }
        let Ok(_ceremony) = inner.ceremony.try_lock() else {
            return Err(PasskeyError::AlreadyInProgress);
        };
        let run = async {
            let proof = inner
                .verify_with_passkey(&session, Purpose::DeletePasskey)
                .await?;
            inner.count_request();
            let passkeys = match inner
                .api
                .delete_passkey(&session, credential_id, &proof.token)
                .await
            {
                Ok((passkeys, policy)) => {
                    policy::remember(inner, &policy)?;
                    passkeys
                }
                Err(e) if e.code() == Some(&ServerCode::PasskeyNotFound) => {
                    inner.count_request();
                    inner.api.passkeys(&session).await?
                }
                Err(e) if e.code() == Some(&ServerCode::LastPasskey) => {
                    return Err(PasskeyError::LastPasskey);
                }
                Err(e) => return Err(e.into()),
            };
            // Best effort: the password manager forgets it (where the platform supports it).
            let _ = inner
                .platform
                .signal_unknown_credential(inner.api.config().rp_id.clone(), credential_id.to_vec())
                .await;
            Ok(passkeys)
        };
        run.await.map_err(|e| inner.on_error(e))
    }

    /// Add another passkey while passkeys are required (after a passkey verification). A result
    /// that did not reach the server is resent first, never created twice.
    pub async fn add_passkey(&self, name: Option<&str>) -> Result<EnableOutcome, PasskeyError> {
        let inner = self.inner();
        let session = inner.session()?;
        let Ok(_ceremony) = inner.ceremony.try_lock() else {
            return Err(PasskeyError::AlreadyInProgress);
        };
        let run = async {
            if let Some(outcome) = enable::send_pending_registration(inner, &session).await? {
                return Ok(outcome);
            }
            let proof = inner
                .verify_with_passkey(&session, Purpose::AddPasskey)
                .await?;
            enable::register(inner, &session, AddAuthorisation::Proof(&proof.token), name).await
        };
        run.await.map_err(|e| inner.on_error(e))
    }

    /// Turn "Must verify using passkeys" off (after a passkey verification). H5 and third-party
    /// login open again; the passkeys stay.
    pub async fn disable_passkey_requirement(&self) -> Result<Policy, PasskeyError> {
        let inner = self.inner();
        let session = inner.session()?;
        let Ok(_ceremony) = inner.ceremony.try_lock() else {
            return Err(PasskeyError::AlreadyInProgress);
        };
        let run = async {
            let proof = inner
                .verify_with_passkey(&session, Purpose::DisablePasskeys)
                .await?;
            inner.count_request();
            let policy = inner.api.disable_flag(&session, &proof.token).await?;
            policy::remember(inner, &policy)?;
            Ok(policy)
        };
        run.await.map_err(|e| inner.on_error(e))
    }

    /// The account's recent security activity, newest first.
    pub async fn security_events(&self) -> Result<Vec<SecurityEvent>, PasskeyError> {
        let inner = self.inner();
        let session = inner.session()?;
        inner.count_request();
        inner
            .api
            .security_events(&session)
            .await
            .map_err(|e| inner.on_error(e.into()))
    }
}
