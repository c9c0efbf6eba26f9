//! Journey J1, Enable: device check → warning → step-up → ceremony → enabled.
//!
//! Each step is one async call that moves the flow to its next state; a step called out of order
//! is refused. A failure leaves a state the user can retry from: a ceremony whose result did not
//! reach the server is kept (in the keystore) and sent again, never run twice; two taps at once
//! never run two ceremonies. After step-up, Enable takes exactly two requests. Every state change
//! reaches the flow's subscribers ([`EnableFlow::subscribe`]), in order.
//!
//! Enable removes the passkeys the account already had, except those the user keeps
//! ([`EnableFlow::existing_passkeys`], [`EnableFlow::keep_passkeys`]): a passkey someone else
//! added while the requirement was off would otherwise go on signing in once it is on.

use std::sync::{Mutex, MutexGuard};

use tokio::sync::mpsc;

use crate::ceremony::Ceremonies;
use crate::error::{PasskeysError, Step};
use crate::http::{AddAuthorisation, Http};
use crate::platform::Capabilities;
use crate::registration::Registrations;
use crate::secret::{SessionToken, StepUpId, StepUpToken};
use crate::session::Sessions;
use crate::text::PasskeysText;
use crate::vocabulary::Factor;
use crate::wire::{PasskeyAdded, PasskeyInfo};

/// Where an Enable journey stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnableState {
    /// Nothing done yet.
    NotStarted,
    /// The device has a password manager and the user can authenticate.
    DeviceChecked,
    /// The user saw and accepted the warning that H5 and third-party login become unavailable.
    Warned,
    /// A step-up code was sent; waiting for the user's password and code.
    SteppingUp,
    /// The user proved their current factors.
    SteppedUp,
    /// The platform ceremony or the server call is running.
    Ceremony,
    /// The passkey is stored and the flag is on.
    Enabled,
    /// The last step failed; `retryable` says whether repeating it may help as it is.
    Failed {
        /// Repeating the failed step may succeed.
        retryable: bool,
        /// What went wrong, as a text to show.
        text: PasskeysText,
    },
}

struct Progress {
    state: EnableState,
    device_checked: bool,
    warned: bool,
    step_up_id: Option<StepUpId>,
    step_up_token: Option<StepUpToken>,
    /// Step-ups finished by this flow so far: a finish that waited for another of the same
    /// step-up (two taps on Verify) sees it changed.
    step_ups_done: u64,
    /// Credential ids of the account's passkeys that stay when the flag goes on.
    keep: Vec<Vec<u8>>,
    /// One channel per subscriber; closed ones are dropped at the next change.
    subscribers: Vec<mpsc::UnboundedSender<EnableState>>,
}

impl Progress {
    /// The one place the state changes: every subscriber gets the new state, in order.
    fn set_state(&mut self, state: EnableState) {
        self.subscribers.retain(|s| s.send(state.clone()).is_ok());
        self.state = state;
    }
}

/// One Enable journey. Cheap to create; create a new one for each attempt from the Passkeys
/// page, or keep one and retry failed steps on it.
pub struct EnableFlow {
    http: Http,
    ceremonies: Ceremonies,
    sessions: Sessions,
    registrations: Registrations,
    progress: Mutex<Progress>,
    /// Held by a step-up finish while it runs: a second one (two taps on Verify) waits for it,
    /// and then has nothing to send. (The server answers a repeat with a new token that ends
    /// the first, so two finishes in flight could leave the flow holding the ended one, were
    /// their answers read in the other order.)
    finishing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for EnableFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnableFlow")
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

impl EnableFlow {
    pub(crate) fn new(
        http: Http,
        ceremonies: Ceremonies,
        sessions: Sessions,
        registrations: Registrations,
    ) -> Self {
        Self {
            http,
            ceremonies,
            sessions,
            registrations,
            progress: Mutex::new(Progress {
                state: EnableState::NotStarted,
                device_checked: false,
                warned: false,
                step_up_id: None,
                step_up_token: None,
                step_ups_done: 0,
                keep: Vec::new(),
                subscribers: Vec::new(),
            }),
            finishing: tokio::sync::Mutex::new(()),
        }
    }

    fn progress(&self) -> MutexGuard<'_, Progress> {
        // A panic elsewhere cannot leave Progress half-written (every update is one assignment).
        self.progress.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Shows [`EnableState::Ceremony`] until the returned guard drops; then, if nothing settled
    /// the state meanwhile (enabled, failed), the state before comes back. So an app that cancels
    /// the call (a coroutine or a Task cancelled, the user leaving the screen: uniffi drops the
    /// future) or a step that ends without a result of its own never leaves the flow saying a
    /// ceremony runs.
    fn in_ceremony(&self) -> InCeremony<'_> {
        let mut p = self.progress();
        let before = p.state.clone();
        p.set_state(EnableState::Ceremony);
        InCeremony { flow: self, before }
    }

    /// The flow fails with `error`; a refusal that says `session` is gone forgets it.
    fn fail(&self, session: Option<&SessionToken>, error: PasskeysError) -> PasskeysError {
        let error = match session {
            Some(session) => self.sessions.after(session, error),
            None => error,
        };
        self.progress().set_state(EnableState::Failed {
            retryable: error.is_retryable(),
            text: error.text(),
        });
        error
    }

    /// The current state.
    pub fn state(&self) -> EnableState {
        self.progress().state.clone()
    }

    /// Every state of this flow from now on, starting with the current one, in order (each
    /// change, none coalesced). The channel closes when the flow is dropped; dropping the
    /// receiver unsubscribes.
    pub fn subscribe(&self) -> mpsc::UnboundedReceiver<EnableState> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let mut p = self.progress();
        // Under the lock, so no change can fall between the current state and the next.
        let _ = sender.send(p.state.clone());
        p.subscribers.push(sender);
        receiver
    }

    /// Step 1: check the device (a password manager is there and the user can authenticate).
    pub async fn check_device(&self) -> Result<Capabilities, PasskeysError> {
        self.sessions.current()?;
        let capabilities = self
            .ceremonies
            .capabilities()
            .await
            .map_err(|e| self.fail(None, e))?;
        if let Some(reason) = capabilities.blocking_reason() {
            return Err(self.fail(None, PasskeysError::DeviceNotReady { reason }));
        }
        let mut p = self.progress();
        p.device_checked = true;
        p.set_state(EnableState::DeviceChecked);
        Ok(capabilities)
    }

    /// The warning to show before the user goes on (H5 and third-party login become
    /// unavailable, other devices are signed out, keep a second passkey).
    pub fn warning(&self) -> PasskeysText {
        PasskeysText::new("enable.warning")
    }

    /// The passkeys the account already has (one request), for the user to choose which stay
    /// ([`EnableFlow::keep_passkeys`]). Enable removes every one not kept: one the user does not
    /// recognise may have been added by someone who once had their password and a code.
    pub async fn existing_passkeys(&self) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        self.sessions
            .run(async |session| Ok(self.http.passkeys(&session).await?.passkeys))
            .await
    }

    /// Which of [`EnableFlow::existing_passkeys`] stay when the flag goes on, by credential id;
    /// each call replaces the last choice. Without a call none stays. Takes effect at
    /// [`EnableFlow::create_passkey`] (a ceremony already begun keeps the choice it began with).
    pub fn keep_passkeys(&self, credential_ids: Vec<Vec<u8>>) {
        self.progress().keep = credential_ids;
    }

    /// Step 2: the user accepted the warning.
    pub fn acknowledge_warning(&self) -> Result<(), PasskeysError> {
        let mut p = self.progress();
        if !p.device_checked {
            return Err(PasskeysError::NotAllowedInThisState {
                needs: Step::CheckDevice,
            });
        }
        p.warned = true;
        p.set_state(EnableState::Warned);
        Ok(())
    }

    /// Step 3a: ask the server for a step-up; it sends a code to the user's email/phone.
    /// Returns the factors the user may answer with.
    pub async fn start_step_up(&self) -> Result<Vec<Factor>, PasskeysError> {
        if !self.progress().warned {
            return Err(PasskeysError::NotAllowedInThisState {
                needs: Step::AcceptWarning,
            });
        }
        let session = self.sessions.current()?;
        let started = self
            .http
            .step_up_begin(&session, self.sessions.install_key().as_ref())
            .await
            .map_err(|e| self.fail(Some(&session), e.into()))?;
        let mut p = self.progress();
        p.step_up_id = Some(started.step_up_id);
        p.set_state(EnableState::SteppingUp);
        Ok(Factor::parse_all(&started.factors))
    }

    /// Step 3b: the user's current password and one-time code. Two calls at once for the same
    /// step-up (two taps on Verify) both succeed when one does: the second waits for the first,
    /// and then sends nothing. After a `Network` error call it again with the same code:
    /// if the server had finished the step-up and only its answer was lost, the repeat is
    /// answered with a new token, and no new code is needed.
    pub async fn finish_step_up(
        &self,
        password: &str,
        factor: Factor,
        code: &str,
    ) -> Result<(), PasskeysError> {
        let (requested, done_before) = {
            let p = self.progress();
            (p.step_up_id.clone(), p.step_ups_done)
        };
        let _finishing = self.finishing.lock().await;
        let step_up_id = {
            let p = self.progress();
            let id = p
                .step_up_id
                .clone()
                .ok_or(PasskeysError::NotAllowedInThisState {
                    needs: Step::RequestCode,
                })?;
            if p.step_ups_done != done_before
                && p.step_up_token.is_some()
                && requested.as_ref() == Some(&id)
            {
                // The call this one waited for finished this same step-up (two taps on Verify):
                // the flow holds its token, and there is nothing left to send.
                return Ok(());
            }
            id
        };
        let session = self.sessions.current()?;
        match self
            .http
            .step_up_finish(&session, &step_up_id, password, factor, code)
            .await
        {
            Ok(token) => {
                let mut p = self.progress();
                p.step_up_token = Some(token);
                p.step_ups_done += 1;
                p.set_state(EnableState::SteppedUp);
                Ok(())
            }
            Err(e) => Err(self.fail(Some(&session), e.into())),
        }
    }

    /// Step 4: create the passkey with the platform and turn the flag on. `name` is what the
    /// Passkeys page shows (the provider's name when `None`). Retry this step after a failure.
    pub async fn create_passkey(&self, name: Option<&str>) -> Result<PasskeyAdded, PasskeysError> {
        let _turn = self.ceremonies.turn()?;
        let session = self.sessions.current()?;
        // A ceremony whose result never reached the server goes first, without a new ceremony.
        // One the Passkeys page kept (an addition, which never turns the requirement on) is sent,
        // and this Enable goes on with its own ceremony, keeping it: the user made it here, and
        // the list they chose from could not show it yet.
        if let Some(outcome) = self.send_pending(&session).await? {
            if outcome.policy.passkey_required {
                return Ok(outcome);
            }
            self.progress()
                .keep
                .push(outcome.passkey.credential_id.clone());
        }
        let step_up =
            self.progress()
                .step_up_token
                .clone()
                .ok_or(PasskeysError::NotAllowedInThisState {
                    needs: Step::VerifyStepUp,
                })?;
        let _shown = self.in_ceremony();
        let result = self.run_ceremony(&session, &step_up, name).await;
        result.map_err(|e| {
            if e == PasskeysError::StepUpRequired {
                // The step-up is gone: the user verifies again, then retries.
                let mut p = self.progress();
                p.step_up_token = None;
                p.step_up_id = None;
            }
            self.fail(Some(&session), e)
        })
    }

    async fn run_ceremony(
        &self,
        session: &SessionToken,
        step_up: &StepUpToken,
        name: Option<&str>,
    ) -> Result<PasskeyAdded, PasskeysError> {
        let keep = self.progress().keep.clone();
        let outcome = self
            .registrations
            .register(
                session,
                AddAuthorisation::StepUp(step_up),
                name,
                Some(&keep),
            )
            .await?;
        if !outcome.policy.passkey_required {
            // The passkey was added, but the answer says the requirement is still off: never
            // shown as on (BRIEF §5 #19); the user can turn it on again from here.
            return Err(PasskeysError::InvalidResponse {
                detail: "the passkey was added but the requirement is still off".into(),
            });
        }
        self.enabled(session, &outcome).await;
        Ok(outcome)
    }

    async fn enabled(&self, session: &SessionToken, outcome: &PasskeyAdded) {
        // Settled before the password manager is told (up to a request and two signals of 10 s
        // each): an app that gives up meanwhile (uniffi drops the future) must find the flow
        // Enabled, not back at SteppedUp with a step-up the finish has spent, whose every retry
        // the server, now requiring passkeys, would refuse.
        {
            let mut p = self.progress();
            p.set_state(EnableState::Enabled);
            p.step_up_token = None;
        }
        if outcome.removed_passkeys > 0 {
            // The password manager hides what the server no longer accepts.
            self.ceremonies.tell_accepted_now(&self.http, session).await;
        }
    }

    async fn send_pending(
        &self,
        session: &SessionToken,
    ) -> Result<Option<PasskeyAdded>, PasskeysError> {
        if !self.registrations.has_pending(session)? {
            return Ok(None);
        }
        let _shown = self.in_ceremony();
        match self.registrations.send_pending(session).await {
            Ok(outcome) => {
                if let Some(enabled) = outcome.as_ref().filter(|o| o.policy.passkey_required) {
                    self.enabled(session, enabled).await;
                }
                Ok(outcome)
            }
            Err(e) => Err(self.fail(Some(session), e)),
        }
    }

    /// After a crash or a dropped connection: send a ceremony result the server may not have
    /// stored yet. Needs only the session. `None` when nothing was pending.
    pub async fn resume_pending(&self) -> Result<Option<PasskeyAdded>, PasskeysError> {
        let _turn = self.ceremonies.turn()?;
        let session = self.sessions.current()?;
        self.send_pending(&session).await
    }
}

/// See [`EnableFlow::in_ceremony`].
struct InCeremony<'a> {
    flow: &'a EnableFlow,
    before: EnableState,
}

impl Drop for InCeremony<'_> {
    fn drop(&mut self) {
        let mut p = self.flow.progress();
        if p.state == EnableState::Ceremony {
            p.set_state(std::mem::replace(&mut self.before, EnableState::NotStarted));
        }
    }
}
