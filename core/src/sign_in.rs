//! Signing in (BRIEF §2 J2, J3, J4): the sign-in screen's part of the client. The attempt in
//! progress is password first, then whatever the server demands — a one-time code for an account
//! without passkeys, a passkey assertion for an account with them. It never offers or falls back
//! to a weaker factor: once a passkey is demanded, codes are refused on the device; once the device
//! knows an account needs passkeys, a server answer asking for less is refused as a downgrade.
//!
//! Before a device change (BRIEF §7): with a device description in the configuration, a sign-in
//! from a model or OS the account has not used before comes back with a notice
//! ([`SignIn::new_device_notice`]) for the app to warn with, next to the passkey health.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::ceremony::Ceremonies;
use crate::error::{PasskeysError, Step};
use crate::http::{Http, PasswordLogin, SignedIn};
use crate::policy::PolicyCache;
use crate::secret::{LoginId, TrustToken};
use crate::session::Sessions;
use crate::vocabulary::{Factor, LoginPath, ServerCode};
use crate::wire::{HealthReason, NewDeviceNotice, PasskeyHealth, ResetStatus};

/// What a password sign-in needs next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Enter a one-time code; then call [`SignIn::complete_with_code`].
    CodeRequired {
        /// The attempt, to pass back (its `Debug` never shows it).
        login_id: LoginId,
        /// The factors the server accepts (unknown ones left out).
        factors: Vec<Factor>,
    },
    /// Signed in; the session is in the keystore.
    SignedIn {
        /// The account.
        account_id: String,
    },
    /// The account needs a passkey: call [`SignIn::complete_with_passkey`]. No code was sent,
    /// and none will be accepted.
    PasskeyRequired {
        /// The attempt, to pass back (its `Debug` never shows it).
        login_id: LoginId,
    },
}

#[derive(Debug)]
struct PendingLogin {
    login_id: LoginId,
    email: String,
    demands: Demand,
    /// The account the server signed this attempt is for (see `PolicyCache::account_of`): the
    /// session that completes it must name the same one.
    account: Option<String>,
}

#[derive(Debug)]
enum Demand {
    Code,
    Passkey { options_json: String },
}

/// Signing in and out. Get it from [`crate::PasskeysClient::sign_in`].
#[derive(Clone)]
pub struct SignIn {
    http: Http,
    ceremonies: Ceremonies,
    sessions: Sessions,
    policy: PolicyCache,
    attempt: Arc<Mutex<Option<PendingLogin>>>,
    new_device: Arc<Mutex<Option<NewDeviceNotice>>>,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn").finish_non_exhaustive()
    }
}

impl SignIn {
    pub(crate) fn new(
        http: Http,
        ceremonies: Ceremonies,
        sessions: Sessions,
        policy: PolicyCache,
    ) -> Self {
        Self {
            http,
            ceremonies,
            sessions,
            policy,
            attempt: Arc::new(Mutex::new(None)),
            new_device: Arc::new(Mutex::new(None)),
        }
    }

    fn attempt(&self) -> MutexGuard<'_, Option<PendingLogin>> {
        self.attempt.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn notice(&self) -> MutexGuard<'_, Option<NewDeviceNotice>> {
        self.new_device.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps a session the server handed out, and the new-device notice that came with it.
    fn signed_in(&self, signed_in: &SignedIn, email: Option<&str>) -> Result<(), PasskeysError> {
        self.sessions.keep(signed_in, email)?;
        *self.notice() = signed_in.new_device.clone();
        Ok(())
    }

    /// Keeps a session a passkey opened, and the account's policy that came with it: a fresh
    /// phone learns from the sign-in itself that the account needs passkeys (its mark and signed
    /// copy), so a later answer offering it a code is refused as a downgrade. Best effort: a
    /// policy that cannot be kept leaves the device as it was (the server still decides).
    fn signed_in_with_passkey(
        &self,
        signed_in: &SignedIn,
        email: Option<&str>,
    ) -> Result<(), PasskeysError> {
        self.signed_in(signed_in, email)?;
        if let Some(policy) = signed_in
            .policy
            .as_ref()
            .filter(|p| p.account_id == signed_in.account_id)
        {
            let _ = self.policy.remember(policy, signed_in.asked.as_ref());
        }
        Ok(())
    }

    /// Keeps a session a weaker factor than a passkey opened (a code, a password alone, H5,
    /// third-party) — unless the device has marked the account it names as needing passkeys,
    /// whichever account is remembered: then it is refused with `refusal` and not kept. The
    /// checks before the request know only the remembered account; the answer names the one
    /// signed in (another account signed in since, or a keystore that lost the remembered one).
    /// The answer's own signed policy, made for this request, can say otherwise: it lifted the
    /// requirement, or (for a refused path) a later phase of the server's policy reopened that
    /// path while passkeys stay required.
    ///
    /// A refused session is ended on the server too (best effort), so that a session the device
    /// will not use does not stay open there until it expires.
    async fn signed_in_without_passkey(
        &self,
        signed_in: &SignedIn,
        email: Option<&str>,
        refusal: PasskeysError,
    ) -> Result<(), PasskeysError> {
        if self.policy.marked(&signed_in.account_id) {
            // The answer's signed policy, newer than the device's and lifting the requirement
            // (turned off on another device, or by a support reset), lifts the mark first.
            let asked = signed_in.asked.as_ref();
            let lifted = match &signed_in.policy {
                Some(offered) => self.policy.lift_with(offered, asked)?,
                None => None,
            };
            let reopened = match (&signed_in.policy, &refusal) {
                (Some(offered), PasskeysError::PathBlocked { path }) if lifted.is_none() => {
                    let account = &signed_in.account_id;
                    self.policy.reopens(offered, asked, account, *path)?
                }
                _ => false,
            };
            if lifted.as_deref() != Some(signed_in.account_id.as_str()) && !reopened {
                return Err(self.refuse(signed_in, refusal).await);
            }
        }
        self.signed_in(signed_in, email)
    }

    /// Refuses a session the server opened: it is logged out there first, whatever the answer
    /// (a server that will not end it, or cannot be reached, changes nothing on the device: the
    /// session is not kept either way). The logout carries only the token the answer gave.
    async fn refuse(&self, signed_in: &SignedIn, refusal: PasskeysError) -> PasskeysError {
        let _ = self.http.logout(&signed_in.session_token).await;
        refusal
    }

    /// Before a device change (BRIEF §7): the notice of this client's last completed sign-in
    /// when it came from a device model or OS the account had not used before (the
    /// configuration's [`crate::config::DeviceDescription`]); `None` otherwise, and from the start
    /// of the next sign-in and after signing out. The app shows [`NewDeviceNotice::text`]
    /// (`health.new_device_warning`) with the health's headline and action; the server has
    /// recorded the sign-in as `new_device_login` in the security activity.
    pub fn new_device_notice(&self) -> Option<NewDeviceNotice> {
        self.notice().clone()
    }

    /// The account's reset of its passkeys that was waiting for support when this client's
    /// sign-in completed (J8), until it is cancelled ([`crate::Recovery::cancel`]) or the session
    /// ends; `None` when there was none. Whoever asked for it (the owner from a new phone, or
    /// someone holding the password and a code), the app shows it right after the sign-in with
    /// [`ResetStatus::notice_text`] and offers to cancel it with a passkey:
    /// an owner who did not ask must not learn of it only when support has approved it.
    /// [`crate::Recovery::account_state`] refreshes it: an app that keeps its session for weeks
    /// calls it when it opens (as the samples do), so that a reset asked for meanwhile shows
    /// without a new sign-in.
    pub fn pending_reset(&self) -> Option<ResetStatus> {
        self.sessions.pending_reset()
    }

    /// Whether a session is stored.
    pub fn is_signed_in(&self) -> Result<bool, PasskeysError> {
        self.sessions.is_signed_in()
    }

    /// Sign in with email and password from the install `device_id` (sent with this install's
    /// key, by which the server keeps what the install begins apart once the account has signed
    /// in from it); a trusted device passes its trust mark. The answer says what comes next: a code ([`SignIn::complete_with_code`]), a passkey
    /// ([`SignIn::complete_with_passkey`]), or nothing (signed in).
    pub async fn with_password(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
        trust: Option<&TrustToken>,
    ) -> Result<SignInStep, PasskeysError> {
        *self.attempt() = None;
        *self.notice() = None;
        let answer = self
            .http
            .login_password(
                email,
                password,
                device_id,
                trust,
                self.sessions.install_key().as_ref(),
            )
            .await?;
        self.after_password(email, answer).await
    }

    /// Turn a server answer to a password (or H5) login into the next step.
    async fn after_password(
        &self,
        email: &str,
        answer: PasswordLogin,
    ) -> Result<SignInStep, PasskeysError> {
        let mut downgrade = self.policy.known_to_need_passkeys(email);
        // A code (or a trusted device's session) offered with the account's signed policy, newer
        // than the device's and lifting the requirement (a support reset or another device
        // turned it off), is the truth, not a downgrade: the mark of the account it names is
        // lifted — the remembered one, or another one the device marked (whose session would be
        // refused otherwise). A proxy cannot sign one; an older one (replayed) changes nothing.
        // (A session's own lift for an account that is not remembered happens as it is kept,
        // in `signed_in_without_passkey`; here only the remembered account's downgrade is at
        // stake.)
        let offered = match &answer {
            PasswordLogin::CodeRequired { policy, asked, .. } => policy
                .as_ref()
                .filter(|p| downgrade || self.policy.marked(&p.account_id))
                .map(|p| (p, asked)),
            PasswordLogin::SignedIn(signed_in) if downgrade => {
                signed_in.policy.as_ref().map(|p| (p, &signed_in.asked))
            }
            _ => None,
        };
        if let Some((offered, asked)) = offered
            && let Some(lifted) = self.policy.lift_with(offered, asked.as_ref())?
        {
            let remembered = self.sessions.remembered().ok().and_then(|(a, _)| a);
            if remembered.as_deref() == Some(lifted.as_str()) {
                downgrade = false;
            }
        }
        // The account a weaker factor is offered for, as the server signed it for this request
        // and this email (a proxy can neither forge nor replay that, nor relay the policy of a
        // sign-in of its own account): one the device has marked, and no lift
        // above cleared, is a downgrade whatever email was typed; one it has not is the truth,
        // whatever the remembered email says. Without it, where the device has marked the
        // remembered account without knowing its email (after a usernameless sign-in), the
        // typed email may be that account's: a weaker factor is a downgrade.
        let named = match &answer {
            PasswordLogin::CodeRequired { policy, asked, .. } => policy
                .as_ref()
                .and_then(|p| self.policy.account_of(p, asked.as_ref(), email)),
            PasswordLogin::SignedIn(signed_in) => signed_in
                .policy
                .as_ref()
                .and_then(|p| self.policy.account_of(p, signed_in.asked.as_ref(), email)),
            PasswordLogin::PasskeyRequired { .. } => None,
        };
        downgrade = match &named {
            Some(account) => self.policy.marked(account),
            None => downgrade || self.policy.marked_without_email(),
        };
        if let (PasswordLogin::SignedIn(signed_in), Some(account)) = (&answer, &named)
            && signed_in.account_id != *account
        {
            // A session for another account than the one the server signed this request for.
            downgrade = true;
        }
        let (pending, step) = match answer {
            PasswordLogin::PasskeyRequired {
                login_id,
                options_json,
            } => (
                Some(Demand::Passkey { options_json }),
                SignInStep::PasskeyRequired { login_id },
            ),
            PasswordLogin::SignedIn(signed_in) if downgrade => {
                *self.attempt() = None;
                return Err(self
                    .refuse(&signed_in, PasskeysError::DowngradeRefused)
                    .await);
            }
            _ if downgrade => {
                *self.attempt() = None;
                return Err(PasskeysError::DowngradeRefused);
            }
            PasswordLogin::CodeRequired {
                login_id, factors, ..
            } => (
                Some(Demand::Code),
                SignInStep::CodeRequired {
                    login_id,
                    factors: Factor::parse_all(&factors),
                },
            ),
            PasswordLogin::SignedIn(signed_in) => {
                self.signed_in_without_passkey(
                    &signed_in,
                    Some(email),
                    PasskeysError::DowngradeRefused,
                )
                .await?;
                return Ok(SignInStep::SignedIn {
                    account_id: signed_in.account_id,
                });
            }
        };
        if let (
            Some(demands),
            SignInStep::CodeRequired { login_id, .. } | SignInStep::PasskeyRequired { login_id },
        ) = (pending, &step)
        {
            *self.attempt() = Some(PendingLogin {
                login_id: login_id.clone(),
                email: email.to_owned(),
                demands,
                account: named,
            });
        }
        Ok(step)
    }

    /// Finish a sign-in with a one-time code. Refused without a request when the server demanded
    /// a passkey for this attempt. With `trust_device`, returns the device's trust mark for the
    /// app to keep in its keystore.
    pub async fn complete_with_code(
        &self,
        login_id: &LoginId,
        factor: Factor,
        code: &str,
        trust_device: bool,
    ) -> Result<Option<TrustToken>, PasskeysError> {
        let (email, account) = match &*self.attempt() {
            Some(p) if p.login_id == *login_id => match p.demands {
                Demand::Passkey { .. } => return Err(PasskeysError::PasskeyRequired),
                Demand::Code => (p.email.clone(), p.account.clone()),
            },
            _ => return Err(not_started()),
        };
        let signed_in = self
            .http
            .login_code(login_id.expose_secret(), factor, code, trust_device)
            .await?;
        *self.attempt() = None;
        if account.is_some_and(|a| a != signed_in.account_id) {
            // The code was offered for one account and the session names another: the marks
            // and the remembered email would be read for the wrong account from now on.
            return Err(self
                .refuse(&signed_in, PasskeysError::DowngradeRefused)
                .await);
        }
        self.signed_in_without_passkey(&signed_in, Some(&email), PasskeysError::DowngradeRefused)
            .await?;
        Ok(signed_in.trust_token)
    }

    /// Finish a sign-in the server answered with "passkey required": the platform asks for the
    /// user's passkey, the core checks the answer, the server verifies it. Returns the account.
    pub async fn complete_with_passkey(&self, login_id: &LoginId) -> Result<String, PasskeysError> {
        let _turn = self.ceremonies.turn()?;
        let (email, options_json) = match &*self.attempt() {
            Some(PendingLogin {
                login_id: id,
                email,
                demands: Demand::Passkey { options_json },
                ..
            }) if id == login_id => (email.clone(), options_json.clone()),
            _ => return Err(not_started()),
        };
        let asserted = self.ceremonies.get(&options_json).await?;
        let signed_in = self
            .http
            .login_passkey(login_id.expose_secret(), &asserted)
            .await?;
        self.signed_in_with_passkey(&signed_in, Some(&email))?;
        *self.attempt() = None;
        Ok(signed_in.account_id)
    }

    /// Sign in with a passkey, no username (BRIEF §2 J3): the password manager offers the
    /// account's passkeys, the server finds the account from the one the user picks.
    pub async fn with_passkey(&self) -> Result<String, PasskeysError> {
        let _turn = self.ceremonies.turn()?;
        *self.notice() = None;
        let started = self
            .http
            .discoverable_begin(self.sessions.install_key().as_ref())
            .await?;
        let asserted = self.ceremonies.get(&started.options_json).await?;
        let signed_in = self
            .http
            .discoverable_finish(&started.ceremony_id, &asserted)
            .await?;
        let (remembered, email) = self.sessions.remembered()?;
        // Keep the remembered email only when it is the same account.
        let email = email.filter(|_| remembered.as_deref() == Some(signed_in.account_id.as_str()));
        self.signed_in_with_passkey(&signed_in, email.as_deref())?;
        Ok(signed_in.account_id)
    }

    /// May the remembered account use `path`? For hiding or disabling login buttons: refuses
    /// where the device knows the account needs passkeys (or cannot verify its cached policy),
    /// answers yes where it knows nothing (the server still decides).
    pub fn check_path(&self, path: LoginPath) -> Result<(), PasskeysError> {
        self.policy.check_path(path)
    }

    /// Third-party login (Google, Apple, Telegram…) with the provider's id token. Refused on the
    /// device first where the account is known to need passkeys, then by the server.
    pub async fn with_third_party(
        &self,
        provider: &str,
        id_token: &str,
    ) -> Result<String, PasskeysError> {
        *self.notice() = None;
        self.policy.check_path(LoginPath::ThirdParty)?;
        let signed_in = self
            .http
            .login_third_party(provider, id_token, self.sessions.install_key().as_ref())
            .await?;
        self.signed_in_without_passkey(
            &signed_in,
            None,
            PasskeysError::PathBlocked {
                path: LoginPath::ThirdParty,
            },
        )
        .await?;
        Ok(signed_in.account_id)
    }

    /// The H5 (web) login path, for the app's embedded web login. Refused on the device first
    /// where the account is known to need passkeys, then by the server.
    pub async fn with_h5(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
    ) -> Result<SignInStep, PasskeysError> {
        *self.notice() = None;
        let (_, remembered) = self.sessions.remembered()?;
        if remembered.is_some_and(|r| crate::policy::same_email(&r, email)) {
            self.policy.check_path(LoginPath::H5)?;
        }
        *self.attempt() = None;
        let answer = self
            .http
            .login_h5(
                email,
                password,
                device_id,
                self.sessions.install_key().as_ref(),
            )
            .await?;
        self.after_password(email, answer).await
    }

    /// Before a device change (BRIEF §7): the passkey health to show with a warning before the
    /// user signs out, when every passkey of the account is bound to a device (a lost, reset or
    /// replaced phone takes them all); `None` when no warning is needed. The app shows
    /// `health.sign_out_warning` with the health's action and lets the user go on or add a synced
    /// passkey first; it never blocks the sign-out. The server records such a sign-out in the
    /// security activity.
    pub async fn sign_out_warning(&self) -> Result<Option<PasskeyHealth>, PasskeysError> {
        self.sessions
            .run(async |session| {
                let health = self.http.passkeys(&session).await?.health;
                Ok(health.filter(|h| h.reasons.contains(&HealthReason::DeviceBoundOnly)))
            })
            .await
    }

    /// Sign out: the server ends the session, the keystore forgets it (also when the server
    /// cannot be reached).
    pub async fn sign_out(&self) -> Result<(), PasskeysError> {
        *self.notice() = None;
        let session = self.sessions.current()?;
        let result = self.http.logout(&session).await;
        self.sessions.forget()?;
        match result {
            Err(e) if e.code() != Some(&ServerCode::Unauthenticated) => Err(e.into()),
            _ => Ok(()),
        }
    }
}

fn not_started() -> PasskeysError {
    PasskeysError::NotAllowedInThisState {
        needs: Step::SignInWithPassword,
    }
}
