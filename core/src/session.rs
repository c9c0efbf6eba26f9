//! The session on this device, and the one prologue every signed-in action shares: read the
//! session (or refuse with [`PasskeysError::NotSignedIn`]), run the action, and forget the session
//! when the server says it is gone, so the app shows sign-in.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::PasskeysError;
use crate::http::SignedIn;
use crate::policy::PolicyCache;
use crate::secret::{InstallKey, SessionToken};
use crate::store::SecretStore;
use crate::wire::ResetStatus;

/// The signed-in session in the keystore.
#[derive(Clone)]
pub(crate) struct Sessions {
    store: SecretStore,
    policy: PolicyCache,
    /// The reset waiting for support that the answer of the sign-in that opened the session
    /// named (in memory only: after a restart, `GET /v1/recovery` tells).
    pending_reset: Arc<Mutex<Option<ResetStatus>>>,
    /// This install's key once read or made: one lock, so that two first sign-ins at once on a
    /// fresh install cannot each make (and send) a different one.
    install_key: Arc<Mutex<Option<InstallKey>>>,
}

impl Sessions {
    pub(crate) fn new(store: SecretStore, policy: PolicyCache) -> Self {
        Self {
            store,
            policy,
            pending_reset: Arc::new(Mutex::new(None)),
            install_key: Arc::new(Mutex::new(None)),
        }
    }

    /// This install's key, for the requests that begin a sign-in or a reset request; none when
    /// the keystore cannot read or keep it (the server then treats the device as one the
    /// account has not signed in from, which costs nothing but that protection).
    pub(crate) fn install_key(&self) -> Option<InstallKey> {
        let mut held = self.install_key.lock().unwrap_or_else(|e| e.into_inner());
        if held.is_none() {
            *held = self.store.install_key().ok();
        }
        held.clone()
    }

    fn reset_slot(&self) -> MutexGuard<'_, Option<ResetStatus>> {
        self.pending_reset.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The account's reset that was waiting for support when the session was opened, until it
    /// is cancelled here or the session ends.
    pub(crate) fn pending_reset(&self) -> Option<ResetStatus> {
        self.reset_slot().clone()
    }

    /// What the server said last about the account's pending reset: none (cancelled here, or
    /// none is pending) or the one it shows.
    pub(crate) fn note_reset(&self, pending: Option<ResetStatus>) {
        *self.reset_slot() = pending;
    }

    /// [`Sessions::note_reset`] for an answer to a request made with `session`: kept only while
    /// `session` is still the stored one, so that an answer arriving after a sign-in to another
    /// account never overwrites (or clears) that account's notice. [`Sessions::keep`] writes
    /// the session before the slot, so whichever order the two take, the newer session's wins.
    pub(crate) fn note_reset_for(&self, session: &SessionToken, pending: Option<ResetStatus>) {
        let mut slot = self.reset_slot();
        if self.store.session_token().ok().flatten().as_ref() == Some(session) {
            *slot = pending;
        }
    }

    /// The signed-in session, or [`PasskeysError::NotSignedIn`].
    pub(crate) fn current(&self) -> Result<SessionToken, PasskeysError> {
        self.store
            .session_token()?
            .ok_or(PasskeysError::NotSignedIn)
    }

    /// Whether a session is stored.
    pub(crate) fn is_signed_in(&self) -> Result<bool, PasskeysError> {
        Ok(self.store.session_token()?.is_some())
    }

    /// The prologue: run `action` with the session; if the server ended the session, forget it.
    pub(crate) async fn run<T>(
        &self,
        action: impl AsyncFnOnce(SessionToken) -> Result<T, PasskeysError>,
    ) -> Result<T, PasskeysError> {
        let session = self.current()?;
        let used = session.clone();
        action(session).await.map_err(|e| self.after(&used, e))
    }

    /// A refusal that says the session `used` is gone clears it — only while it is still the
    /// stored one: a late refusal of a session a sign-in has since replaced (a slow request of a
    /// revoked session, answered after the user signed in again) never signs the new one out.
    /// Compared and cleared in the turn a sign-in keeps its session in.
    pub(crate) fn after(&self, used: &SessionToken, error: PasskeysError) -> PasskeysError {
        if error == PasskeysError::NotSignedIn {
            let _turn = self.policy.turn();
            match self.store.session_token() {
                Ok(Some(stored)) if stored != *used => {}
                Ok(None) => {}
                // The same session, or one that cannot be read: cleared as before.
                _ => {
                    self.note_reset(None);
                    let _ = self.store.clear_session_token();
                }
            }
        }
        error
    }

    /// Keep the session a sign-in opened (and the account's email, when the sign-in named it).
    pub(crate) fn keep(
        &self,
        signed_in: &SignedIn,
        email: Option<&str>,
    ) -> Result<(), PasskeysError> {
        // No policy is kept meanwhile: it would be memoised for the account it names while
        // another is remembered.
        let _turn = self.policy.turn();
        self.note_reset(None);
        // Dropped before the writes and again after them: a check that ran in between (the UI
        // asking about a login button) may have memoised the previous account's policy.
        self.policy.forget_memo();
        // Unreadable (a lost keystore key): treated as another account, the email is forgotten.
        let previous = self.store.account().ok().flatten();
        let same_account = previous.as_deref() == Some(signed_in.account_id.as_str());
        // The session is written last, and the previous one dropped first: a write that fails
        // half-way (a locked keystore) leaves no session at all, never this session read with
        // the previous account's policy (or its email paired with this account, which the
        // downgrade check would read this account's policy for).
        self.store.clear_session_token()?;
        if !same_account || email.is_some() {
            self.store.clear_account_email()?;
        }
        self.store.set_account(&signed_in.account_id)?;
        if let Some(email) = email {
            self.store.set_account_email(email)?;
        }
        self.store.set_session_token(&signed_in.session_token)?;
        self.policy.forget_memo();
        self.note_reset(signed_in.pending_reset.clone());
        Ok(())
    }

    /// Forget the session (sign-out).
    pub(crate) fn forget(&self) -> Result<(), PasskeysError> {
        self.note_reset(None);
        Ok(self.store.clear_session_token()?)
    }

    /// The remembered account and its email, if any.
    pub(crate) fn remembered(&self) -> Result<(Option<String>, Option<String>), PasskeysError> {
        Ok((self.store.account()?, self.store.account_email()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ResetState;

    fn reset() -> ResetStatus {
        ResetStatus {
            reset_id: "r1".into(),
            state: ResetState::Pending,
            requested_at: 1,
            approvable_at: 2,
            hold_until: None,
        }
    }

    /// Signed in with `current` (its pending reset noted) after `earlier`, whose requests may
    /// still be answered.
    fn signed_in_again() -> (SecretStore, Sessions, SessionToken, SessionToken) {
        let store = SecretStore::in_memory().unwrap();
        let sessions = Sessions::new(store.clone(), PolicyCache::new(store.clone(), None));
        let earlier = SessionToken::new("earlier".into());
        let current = SessionToken::new("current".into());
        store.set_session_token(&current).unwrap();
        sessions.note_reset(Some(reset()));
        (store, sessions, earlier, current)
    }

    #[test]
    fn an_answer_for_an_earlier_session_leaves_the_notice_of_the_current_one() {
        let (_, sessions, earlier, current) = signed_in_again();
        // An account_state or cancel begun with the earlier session, answered after the sign-in.
        sessions.note_reset_for(&earlier, None);
        assert_eq!(sessions.pending_reset(), Some(reset()));
        sessions.note_reset_for(&current, None);
        assert_eq!(sessions.pending_reset(), None);
        sessions.note_reset_for(&current, Some(reset()));
        assert_eq!(sessions.pending_reset(), Some(reset()));
    }

    #[test]
    fn a_late_refusal_of_an_earlier_session_never_signs_the_current_one_out() {
        let (store, sessions, earlier, current) = signed_in_again();
        // A request of the revoked earlier session, answered 401 after the user signed in again.
        let error = sessions.after(&earlier, PasskeysError::NotSignedIn);
        assert_eq!(error, PasskeysError::NotSignedIn);
        assert_eq!(store.session_token().unwrap(), Some(current.clone()));
        assert_eq!(sessions.pending_reset(), Some(reset()));
        // Other refusals never sign out; the current session's own 401 does.
        sessions.after(&current, PasskeysError::Network);
        assert_eq!(store.session_token().unwrap(), Some(current.clone()));
        sessions.after(&current, PasskeysError::NotSignedIn);
        assert_eq!(store.session_token().unwrap(), None);
        assert_eq!(sessions.pending_reset(), None);
    }
}
