//! "I lost my passkeys" (J8, BRIEF §7 "No lock-out"): the screen that asks for a support reset
//! without a passkey, follows it, and — for an owner who still has a passkey — cancels it.
//!
//! Asking needs the password and a code sent to the account's email or phone; it never acts. The
//! back office approves a pending reset, not before its cooling-off period: the approval removes
//! the passkeys, turns the requirement off, signs out every session and puts withdrawals and
//! security changes on hold for a while ([`crate::PasskeysError::AccountOnHold`]). Until then the
//! owner's passkey cancels it. The reset token that follows the request from this device is a
//! secret kept in the keystore, so the status survives an app restart.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::ceremony::Ceremonies;
use crate::error::{PasskeysError, Step};
use crate::http::Http;
use crate::policy::PolicyCache;
use crate::secret::RecoveryId;
use crate::session::Sessions;
use crate::store::SecretStore;
use crate::verification::Verifications;
use crate::vocabulary::{Factor, Purpose, ServerCode};
use crate::wire::{RecoveryCodeSent, RecoveryState, ResetState, ResetStatus};

/// A reset request whose code is not entered yet (in memory only, like a sign-in's attempt).
#[derive(Debug)]
struct PendingRequest {
    recovery_id: RecoveryId,
}

/// The "I lost my passkeys" screen. Get it from [`crate::PasskeysClient::recovery`].
#[derive(Clone)]
pub struct Recovery {
    http: Http,
    ceremonies: Ceremonies,
    sessions: Sessions,
    verifications: Verifications,
    store: SecretStore,
    policy: PolicyCache,
    attempt: Arc<Mutex<Option<PendingRequest>>>,
}

impl std::fmt::Debug for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recovery").finish_non_exhaustive()
    }
}

impl Recovery {
    pub(crate) fn new(
        http: Http,
        ceremonies: Ceremonies,
        sessions: Sessions,
        verifications: Verifications,
        store: SecretStore,
        policy: PolicyCache,
    ) -> Self {
        Self {
            http,
            ceremonies,
            sessions,
            verifications,
            store,
            policy,
            attempt: Arc::new(Mutex::new(None)),
        }
    }

    fn attempt(&self) -> MutexGuard<'_, Option<PendingRequest>> {
        self.attempt.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ask for a reset of the account's passkeys with its email and password; `device_id`
    /// identifies this install (as for a sign-in). A code goes to the account's email and phone:
    /// enter it with [`Recovery::confirm`]. A wrong password and an unknown email are refused
    /// alike ([`ServerCode::InvalidCredentials`]); an account that does not require a passkey
    /// gets [`PasskeysError::ResetNotNeeded`] (sign in with the password and a code instead).
    pub async fn request(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
    ) -> Result<RecoveryCodeSent, PasskeysError> {
        *self.attempt() = None;
        let started = self
            .http
            .recovery_begin(
                email,
                password,
                device_id,
                self.sessions.install_key().as_ref(),
            )
            .await?;
        *self.attempt() = Some(PendingRequest {
            recovery_id: started.recovery_id,
        });
        Ok(started.sent)
    }

    /// Enter the code [`Recovery::request`] sent. Files the reset — or, when one is already
    /// pending for the account, returns that one unchanged (its cooling-off is never restarted)
    /// — and keeps its token in the keystore for [`Recovery::status`]. A wrong code may be
    /// entered again until the server ends the attempt ([`ServerCode::LoginExpired`]: ask again).
    pub async fn confirm(&self, factor: Factor, code: &str) -> Result<ResetStatus, PasskeysError> {
        let recovery_id = match &*self.attempt() {
            Some(p) => p.recovery_id.clone(),
            None => {
                return Err(PasskeysError::NotAllowedInThisState {
                    needs: Step::RequestRecoveryCode,
                });
            }
        };
        let filed = match self.http.recovery_finish(&recovery_id, factor, code).await {
            Ok(filed) => filed,
            Err(e) => {
                if matches!(
                    e.code(),
                    Some(ServerCode::LoginExpired | ServerCode::ResetNotNeeded)
                ) {
                    self.forget_attempt(&recovery_id);
                }
                return Err(e.into());
            }
        };
        // The token first: a keystore that cannot keep it leaves the attempt, and the retry's
        // repeated finish is answered with the same reset and a token of its own.
        self.store.set_reset_token(&filed.token)?;
        self.forget_attempt(&recovery_id);
        Ok(filed.reset)
    }

    /// Ends the attempt `recovery_id`, unless a newer request replaced it meanwhile.
    fn forget_attempt(&self, recovery_id: &RecoveryId) {
        let mut attempt = self.attempt();
        if attempt
            .as_ref()
            .is_some_and(|p| p.recovery_id == *recovery_id)
        {
            *attempt = None;
        }
    }

    /// Where the reset this device asked for stands (no session needed), or `None` when this
    /// device follows none — never asked, forgotten, or no longer known to the server (its token
    /// is then dropped from the keystore).
    pub async fn status(&self) -> Result<Option<ResetStatus>, PasskeysError> {
        let Some(token) = self.store.reset_token()? else {
            return Ok(None);
        };
        match self.http.recovery_status(&token).await {
            Ok(followed) => {
                // An approved reset turned the requirement off: the account's signed policy
                // lifts this device's "requires passkeys" mark (kept only if its signature
                // verifies), so the password + code sign-in the reset allows is not refused here
                // as a downgrade.
                if followed.reset.state == ResetState::Approved
                    && let Some(policy) = &followed.policy
                {
                    self.policy.remember(policy, followed.asked.as_ref())?;
                }
                Ok(Some(followed.reset))
            }
            Err(e) if e.code() == Some(&ServerCode::ResetNotFound) => {
                self.store.clear_reset_token()?;
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Stop following the reset this device asked for (the app is done showing it). The reset
    /// itself is unchanged.
    pub fn forget(&self) -> Result<(), PasskeysError> {
        *self.attempt() = None;
        Ok(self.store.clear_reset_token()?)
    }

    /// What the signed-in owner sees: a pending reset to cancel, and the withdrawal hold in force.
    /// The signed-in client's [`crate::SignIn::pending_reset`] follows it.
    pub async fn account_state(&self) -> Result<RecoveryState, PasskeysError> {
        self.sessions
            .run(async |session| {
                let state = self.http.recovery_overview(&session).await?;
                self.sessions
                    .note_reset_for(&session, state.pending_reset.clone());
                Ok(state)
            })
            .await
    }

    /// Cancel the account's pending reset with a passkey (a verification for
    /// [`Purpose::CancelReset`]): whoever asked, the owner's passkey wins. Returns the cancelled
    /// reset; [`ServerCode::ResetNotPending`] when none is pending.
    pub async fn cancel(&self) -> Result<ResetStatus, PasskeysError> {
        let _turn = self.ceremonies.turn()?;
        self.sessions
            .run(async |session| {
                let proof = self
                    .verifications
                    .for_purpose(&session, Purpose::CancelReset)
                    .await?;
                let cancelled = self.http.recovery_cancel(&session, &proof.token).await;
                // Cancelled, or none was pending: the sign-in's notice of it is over.
                match &cancelled {
                    Err(e) if e.code() != Some(&ServerCode::ResetNotPending) => {}
                    _ => self.sessions.note_reset_for(&session, None),
                }
                Ok(cancelled?)
            })
            .await
    }
}
