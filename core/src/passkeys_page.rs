//! The Passkeys page and its changes (BRIEF §2 J5): list, rename, add another, delete, turn the
//! requirement off, the account's policy and security activity. Every change but listing needs a
//! fresh passkey verification bound to that one purpose (BRIEF §5 #5); the last passkey is never
//! deleted while passkeys are required. After a change the password manager is told which of the
//! user's passkeys the server still accepts (signals, where the platform supports them).

use crate::ceremony::Ceremonies;
use crate::error::PasskeysError;
use crate::http::{AddAuthorisation, Http};
use crate::policy::PolicyCache;
use crate::registration::Registrations;
use crate::session::Sessions;
use crate::verification::Verifications;
use crate::vocabulary::{Purpose, ServerCode};
use crate::wire::{
    PasskeyAdded, PasskeyHealth, PasskeyInfo, PasskeyProof, PasskeyUser, Policy, SecurityEvent,
};

/// The Passkeys page. Get it from [`crate::PasskeysClient::passkeys`].
#[derive(Clone)]
pub struct PasskeysPage {
    http: Http,
    ceremonies: Ceremonies,
    sessions: Sessions,
    policy: PolicyCache,
    registrations: Registrations,
    verifications: Verifications,
}

impl std::fmt::Debug for PasskeysPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasskeysPage").finish_non_exhaustive()
    }
}

impl PasskeysPage {
    pub(crate) fn new(
        http: Http,
        ceremonies: Ceremonies,
        sessions: Sessions,
        policy: PolicyCache,
        registrations: Registrations,
        verifications: Verifications,
    ) -> Self {
        Self {
            http,
            ceremonies,
            sessions,
            policy,
            registrations,
            verifications,
        }
    }

    /// The account's passkeys.
    pub async fn list(&self) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        self.sessions
            .run(async |session| Ok(self.http.passkeys(&session).await?.passkeys))
            .await
    }

    /// Whether one lost phone could lock the account out, the reason and the action, and whether
    /// to show the "add a second passkey" nudge (BRIEF §7). Informational: nothing is refused
    /// because of it.
    pub async fn health(&self) -> Result<PasskeyHealth, PasskeysError> {
        self.sessions
            .run(async |session| {
                self.http.passkeys(&session).await?.health.ok_or_else(|| {
                    PasskeysError::InvalidResponse {
                        detail: "the server's Passkeys page has no passkey health".to_owned(),
                    }
                })
            })
            .await
    }

    /// The user closed the nudge: it stays away for the server's snooze (7 days on the reference
    /// server) and comes back while the account is still at risk. Returns the health afterwards.
    pub async fn dismiss_nudge(&self) -> Result<PasskeyHealth, PasskeysError> {
        self.sessions
            .run(async |session| Ok(self.http.dismiss_nudge(&session).await?))
            .await
    }

    /// The account's policy, from the server; the device keeps the signed copy for offline
    /// checks.
    pub async fn policy(&self) -> Result<Policy, PasskeysError> {
        self.sessions
            .run(async |session| {
                let (policy, asked) = self.http.policy(&session).await?;
                self.policy.remember(&policy, asked.as_ref())?;
                Ok(policy)
            })
            .await
    }

    /// The account's recent security activity, newest first.
    pub async fn activity(&self) -> Result<Vec<SecurityEvent>, PasskeysError> {
        self.sessions
            .run(async |session| Ok(self.http.security_events(&session).await?))
            .await
    }

    /// Verify with a passkey for `purpose` and return the single-use proof, for account actions
    /// the app sends itself (e.g. a security-setting change).
    pub async fn verify(&self, purpose: Purpose) -> Result<PasskeyProof, PasskeysError> {
        let _turn = self.ceremonies.turn()?;
        self.sessions
            .run(async |session| self.verifications.for_purpose(&session, purpose).await)
            .await
    }

    /// Rename a passkey (after a passkey verification). Returns the Passkeys page. The name is
    /// sent as the server takes it (control characters and bidirectional embeddings, overrides
    /// and isolates dropped, trimmed, at most 64 characters); one with nothing left is
    /// [`PasskeysError::InvalidName`], before any verification.
    pub async fn rename(
        &self,
        credential_id: &[u8],
        name: &str,
    ) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        let name = crate::registration::passkey_name(name).ok_or(PasskeysError::InvalidName)?;
        if !could_be_credential_id(credential_id) {
            // What the server would answer after the verification, without the prompt.
            return Err(PasskeysError::refused_until(
                ServerCode::PasskeyNotFound,
                404,
                None,
            ));
        }
        let _turn = self.ceremonies.turn()?;
        self.sessions
            .run(async |session| {
                let proof = self
                    .verifications
                    .for_purpose(&session, Purpose::RenamePasskey)
                    .await?;
                let list = self
                    .http
                    .rename_passkey(&session, credential_id, &name, &proof.token)
                    .await?;
                self.tell(list.user.map(Into::into), &list.passkeys).await;
                Ok(list.passkeys)
            })
            .await
    }

    /// Delete a passkey (after a passkey verification) and tell the password manager. Refused
    /// before any ceremony when it is the last one while passkeys are required. Deleting one the
    /// server no longer has counts as done, so a retry after a dropped connection succeeds.
    pub async fn delete(&self, credential_id: &[u8]) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        if !could_be_credential_id(credential_id) {
            // No passkey has it, so there is nothing to delete, as after a delete whose answer
            // was lost: the list as it is, without a verification the user would sit through.
            return self.list().await;
        }
        let last = |p: &Policy| p.passkey_required && p.passkey_count <= 1;
        if matches!(self.policy.cached(), Ok(Some(p)) if last(&p)) {
            // The device's count may be behind (a passkey added on another device, or an
            // addition whose answer was lost): the account's policy, asked once, decides.
            if last(&self.policy().await?) {
                return Err(PasskeysError::LastPasskey);
            }
        }
        let _turn = self.ceremonies.turn()?;
        self.sessions
            .run(async |session| {
                let proof = self
                    .verifications
                    .for_purpose(&session, Purpose::DeletePasskey)
                    .await?;
                let (passkeys, user) = match self
                    .http
                    .delete_passkey(&session, credential_id, &proof.token)
                    .await
                {
                    Ok(answer) => {
                        self.policy
                            .remember(&answer.policy, answer.asked.as_ref())?;
                        (answer.passkeys, answer.user)
                    }
                    Err(e) if e.code() == Some(&ServerCode::PasskeyNotFound) => {
                        let list = self.http.passkeys(&session).await?;
                        (list.passkeys, list.user)
                    }
                    Err(e) => return Err(e.into()),
                };
                // Best effort: the password manager forgets it (where the platform supports it),
                // unless the server still lists it: a "no such passkey" the server did not mean
                // (a stale replica, a proxy) must not cost the user a passkey it still accepts.
                if !passkeys.iter().any(|p| p.credential_id == credential_id) {
                    self.ceremonies.forget(credential_id.to_vec()).await;
                }
                self.tell(user.map(Into::into), &passkeys).await;
                Ok(passkeys)
            })
            .await
    }

    /// Add another passkey (after a passkey verification). It never turns the requirement on:
    /// that is [`crate::EnableFlow`]'s, with its warning and its choice of the passkeys that
    /// stay. A result that did not reach the server is resent first, never created twice.
    pub async fn add(&self, name: Option<&str>) -> Result<PasskeyAdded, PasskeysError> {
        let _turn = self.ceremonies.turn()?;
        self.sessions
            .run(async |session| {
                if let Some(added) = self.registrations.send_pending(&session).await? {
                    return Ok(added);
                }
                let proof = self
                    .verifications
                    .for_purpose(&session, Purpose::AddPasskey)
                    .await?;
                self.registrations
                    .register(&session, AddAuthorisation::Proof(&proof.token), name, None)
                    .await
            })
            .await
    }

    /// Turn "Must verify using passkeys" off (after a passkey verification). H5 and third-party
    /// login open again; the passkeys stay.
    pub async fn turn_off_requirement(&self) -> Result<Policy, PasskeysError> {
        let _turn = self.ceremonies.turn()?;
        self.sessions
            .run(async |session| {
                let proof = self
                    .verifications
                    .for_purpose(&session, Purpose::DisablePasskeys)
                    .await?;
                let (policy, asked) = self.http.disable_flag(&session, &proof.token).await?;
                self.policy.remember(&policy, asked.as_ref())?;
                self.ceremonies
                    .tell_accepted_now(&self.http, &session)
                    .await;
                Ok(policy)
            })
            .await
    }

    async fn tell(&self, user: Option<PasskeyUser>, passkeys: &[PasskeyInfo]) {
        // An account that requires passkeys keeps one at least (the last cannot be deleted), so
        // an empty list then is no account's true state: told to the password manager, it would
        // hide (or, on Android, let the provider delete) every passkey of the user, the one the
        // account needs to sign in among them. It is never sent.
        let required = matches!(self.policy.cached(), Ok(Some(p)) if p.passkey_required);
        if passkeys.is_empty() && required {
            return;
        }
        if let Some(user) = user {
            let ids = passkeys.iter().map(|p| p.credential_id.clone()).collect();
            self.ceremonies.tell_accepted(&user, ids).await;
        }
    }
}

/// Whether `id` can be a credential id at all (1 to 1,023 bytes, as WebAuthn allows): an app
/// that passes anything else (nothing, or a base64url text's bytes far too long) is answered
/// before any passkey verification.
fn could_be_credential_id(id: &[u8]) -> bool {
    (1..=crate::webauthn::MAX_CREDENTIAL_ID_BYTES).contains(&id.len())
}
