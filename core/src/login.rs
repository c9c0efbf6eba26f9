//! Signing in (BRIEF §2 J2, J3, J4). The `LoginFlow` is the client's one sign-in attempt in
//! progress: password first, then whatever the server demands — a one-time code for an account
//! without passkeys, a passkey assertion for an account with them. It never offers or falls back
//! to a weaker factor: once a passkey is demanded, codes are refused on the device; once the device
//! knows an account needs passkeys, a server answer asking for less is refused as a downgrade.

use std::sync::MutexGuard;

use crate::api::{PasswordLogin, ServerCode, SignedIn};
use crate::ceremony;
use crate::client::{Inner, PasskeysClient, SignInStep};
use crate::error::PasskeyError;
use crate::policy::{self, LoginPath};
use crate::store::SessionToken;

/// The sign-in attempt in progress.
#[derive(Debug, Default)]
pub(crate) struct LoginFlow {
    pending: Option<PendingLogin>,
}

#[derive(Debug)]
struct PendingLogin {
    login_id: String,
    email: String,
    demands: Demand,
}

#[derive(Debug)]
enum Demand {
    Code,
    Passkey { options_json: String },
}

impl Inner {
    fn login(&self) -> MutexGuard<'_, LoginFlow> {
        self.login.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Is `email` the remembered account, and does the device know it needs passkeys (or can it
    /// not tell, because its cache is broken)?
    fn known_to_need_passkeys(&self, email: &str) -> bool {
        let remembered = self.store.account_email().ok().flatten();
        if !remembered.is_some_and(|r| r.eq_ignore_ascii_case(email)) {
            return false;
        }
        match policy::cached(self) {
            Ok(Some(p)) => p.passkey_required,
            Ok(None) => false,
            Err(_) => true,
        }
    }

    fn keep_session(&self, signed_in: &SignedIn, email: Option<&str>) -> Result<(), PasskeyError> {
        self.forget_policy_memo();
        self.store.set_session_token(&signed_in.session_token)?;
        self.store.set_account(&signed_in.account_id)?;
        if let Some(email) = email {
            self.store.set_account_email(email)?;
        }
        Ok(())
    }

    /// Turn a server answer to a password (or H5) login into the next step.
    fn after_password(
        &self,
        email: &str,
        answer: PasswordLogin,
    ) -> Result<SignInStep, PasskeyError> {
        let downgrade = self.known_to_need_passkeys(email);
        match answer {
            PasswordLogin::PasskeyRequired {
                login_id,
                options_json,
            } => {
                self.login().pending = Some(PendingLogin {
                    login_id: login_id.clone(),
                    email: email.to_owned(),
                    demands: Demand::Passkey { options_json },
                });
                Ok(SignInStep::PasskeyRequired { login_id })
            }
            _ if downgrade => {
                self.login().pending = None;
                Err(PasskeyError::DowngradeRefused)
            }
            PasswordLogin::CodeRequired { login_id, factors } => {
                self.login().pending = Some(PendingLogin {
                    login_id: login_id.clone(),
                    email: email.to_owned(),
                    demands: Demand::Code,
                });
                Ok(SignInStep::CodeRequired { login_id, factors })
            }
            PasswordLogin::SignedIn(signed_in) => {
                self.keep_session(&signed_in, Some(email))?;
                Ok(SignInStep::SignedIn {
                    account_id: signed_in.account_id,
                })
            }
        }
    }
}

/// Map a server refusal of a blocked path to the typed error, keeping the server's message.
fn blocked(error: PasskeyError, path: LoginPath) -> PasskeyError {
    match (&error, error.server_code()) {
        (
            PasskeyError::Api(crate::api::ApiError::Refused { message, .. }),
            Some(ServerCode::H5LoginBlocked | ServerCode::ThirdPartyLoginBlocked),
        ) => PasskeyError::PathBlocked {
            message: if message.is_empty() {
                path.blocked_message().to_owned()
            } else {
                message.clone()
            },
        },
        _ => error,
    }
}

impl PasskeysClient {
    /// Sign in with email and password; a trusted device passes its trust mark. The answer says
    /// what comes next: a code ([`PasskeysClient::complete_sign_in`]), a passkey
    /// ([`PasskeysClient::complete_sign_in_with_passkey`]), or nothing (signed in).
    pub async fn sign_in_with_password(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
        trust_token: Option<&SessionToken>,
    ) -> Result<SignInStep, PasskeyError> {
        let inner = self.inner();
        inner.login().pending = None;
        inner.count_request();
        let answer = inner
            .api
            .login_password(email, password, device_id, trust_token)
            .await?;
        inner.after_password(email, answer)
    }

    /// Finish a sign-in with a one-time code. Refused without a request when the server demanded
    /// a passkey for this attempt. With `trust_device`, returns the device's trust mark for the
    /// app to keep in its keystore.
    pub async fn complete_sign_in(
        &self,
        login_id: &str,
        factor: &str,
        code: &str,
        trust_device: bool,
    ) -> Result<Option<SessionToken>, PasskeyError> {
        let inner = self.inner();
        let email = {
            let flow = inner.login();
            match &flow.pending {
                Some(p) if p.login_id == login_id => match p.demands {
                    Demand::Passkey { .. } => return Err(PasskeyError::PasskeyRequired),
                    Demand::Code => p.email.clone(),
                },
                _ => return Err(PasskeyError::OutOfOrder("sign in with your password")),
            }
        };
        inner.count_request();
        let signed_in = inner
            .api
            .login_code(login_id, factor, code, trust_device)
            .await
            .map_err(PasskeyError::from)
            .map_err(|e| match e.server_code() {
                Some(ServerCode::PasskeyRequired) => PasskeyError::PasskeyRequired,
                _ => e,
            })?;
        inner.keep_session(&signed_in, Some(&email))?;
        inner.login().pending = None;
        Ok(signed_in.trust_token)
    }

    /// Finish a sign-in the server answered with "passkey required": the platform asks for the
    /// user's passkey, the core checks the answer, the server verifies it. Returns the account.
    pub async fn complete_sign_in_with_passkey(
        &self,
        login_id: &str,
    ) -> Result<String, PasskeyError> {
        let inner = self.inner();
        let Ok(_ceremony) = inner.ceremony.try_lock() else {
            return Err(PasskeyError::AlreadyInProgress);
        };
        let (email, options_json) = {
            let flow = inner.login();
            match &flow.pending {
                Some(PendingLogin {
                    login_id: id,
                    email,
                    demands: Demand::Passkey { options_json },
                }) if id == login_id => (email.clone(), options_json.clone()),
                _ => return Err(PasskeyError::OutOfOrder("sign in with your password")),
            }
        };
        let asserted = ceremony::get(inner, &options_json).await?;
        inner.count_request();
        let signed_in = inner.api.login_passkey(login_id, &asserted).await?;
        inner.keep_session(&signed_in, Some(&email))?;
        inner.login().pending = None;
        Ok(signed_in.account_id)
    }

    /// Sign in with a passkey, no username (BRIEF §2 J3): the password manager offers the
    /// account's passkeys, the server finds the account from the one the user picks.
    pub async fn sign_in_with_passkey(&self) -> Result<String, PasskeyError> {
        let inner = self.inner();
        let Ok(_ceremony) = inner.ceremony.try_lock() else {
            return Err(PasskeyError::AlreadyInProgress);
        };
        inner.count_request();
        let started = inner.api.discoverable_begin().await?;
        let asserted = ceremony::get(inner, &started.options_json).await?;
        inner.count_request();
        let signed_in = inner
            .api
            .discoverable_finish(&started.ceremony_id, &asserted)
            .await?;
        let remembered = inner.store.account()?;
        let email = inner.store.account_email()?;
        // Keep the remembered email only when it is the same account.
        let email = email.filter(|_| remembered.as_deref() == Some(signed_in.account_id.as_str()));
        inner.keep_session(&signed_in, email.as_deref())?;
        Ok(signed_in.account_id)
    }

    /// May the remembered account use `path`? For hiding or disabling login buttons: refuses
    /// where the device knows the account needs passkeys (or cannot verify its cached policy),
    /// answers yes where it knows nothing (the server still decides).
    pub fn check_login_path(&self, path: LoginPath) -> Result<(), PasskeyError> {
        policy::check_path(self.inner(), path)
    }

    /// Third-party login (Google, Apple, Telegram…) with the provider's id token. Refused on the
    /// device first where the account is known to need passkeys, then by the server.
    pub async fn sign_in_with_third_party(
        &self,
        provider: &str,
        id_token: &str,
    ) -> Result<String, PasskeyError> {
        let inner = self.inner();
        policy::check_path(inner, LoginPath::ThirdParty)?;
        inner.count_request();
        let signed_in = inner
            .api
            .login_third_party(provider, id_token)
            .await
            .map_err(|e| blocked(e.into(), LoginPath::ThirdParty))?;
        inner.keep_session(&signed_in, None)?;
        Ok(signed_in.account_id)
    }

    /// The H5 (web) login path, for the app's embedded web login. Refused on the device first
    /// where the account is known to need passkeys, then by the server.
    pub async fn sign_in_with_h5(
        &self,
        email: &str,
        password: &str,
        device_id: &str,
    ) -> Result<SignInStep, PasskeyError> {
        let inner = self.inner();
        let remembered = inner.store.account_email()?;
        if remembered.is_some_and(|r| r.eq_ignore_ascii_case(email)) {
            policy::check_path(inner, LoginPath::H5)?;
        }
        inner.login().pending = None;
        inner.count_request();
        let answer = inner
            .api
            .login_h5(email, password, device_id)
            .await
            .map_err(|e| blocked(e.into(), LoginPath::H5))?;
        inner.after_password(email, answer)
    }
}
