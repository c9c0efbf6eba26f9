//! The one error of the passkey flows, as the app sees it: what happened, as a typed value with
//! the data a message needs, never a sentence. [`PasskeysError::text`] names the text to show
//! (`crate::text`); [`PasskeysError::is_retryable`] says whether the same step may succeed again
//! as it is. Never carries a secret (BRIEF §5 #17).
//!
//! The lower parts have their own errors (the HTTP client's, the platform's, the keystore's, the
//! response checks'); each turns into this one in its own module, at the edge of the core.

use crate::text::{PasskeysText, utc_text};
use crate::vocabulary::{LoginPath, ServerCode, UnavailableReason};

/// A step of a flow, named when a later step is called before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Enable: check the device first.
    CheckDevice,
    /// Enable: accept the warning first.
    AcceptWarning,
    /// Enable: request a verification code first.
    RequestCode,
    /// Enable: verify with the current factors first.
    VerifyStepUp,
    /// Sign-in: sign in with the password first.
    SignInWithPassword,
    /// Lost passkeys: ask for a reset (password, then the code sent) first.
    RequestRecoveryCode,
}

impl Step {
    fn key(self) -> &'static str {
        match self {
            Self::CheckDevice => "error.not_allowed_in_this_state.check_device",
            Self::AcceptWarning => "error.not_allowed_in_this_state.accept_warning",
            Self::RequestCode => "error.not_allowed_in_this_state.request_code",
            Self::VerifyStepUp => "error.not_allowed_in_this_state.verify_step_up",
            Self::SignInWithPassword => "error.not_allowed_in_this_state.sign_in_with_password",
            Self::RequestRecoveryCode => "error.not_allowed_in_this_state.request_recovery_code",
        }
    }
}

/// Why a passkey flow stopped. Kotlin sees `PasskeysException`, Swift `PasskeysError`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasskeysError {
    /// No session on this device (or the server ended it): show sign-in.
    #[error("not signed in")]
    NotSignedIn,
    /// The device cannot run a passkey ceremony.
    #[error("device not ready for passkeys: {reason:?}")]
    DeviceNotReady {
        /// Why.
        reason: UnavailableReason,
    },
    /// The user dismissed the passkey sheet or the screen-lock prompt.
    #[error("cancelled by the user")]
    Cancelled,
    /// No passkey on this device (or reachable from it) matches.
    #[error("no matching passkey on this device")]
    NoCredential,
    /// This passkey is already registered (in this password manager, or on the server).
    #[error("passkey already registered")]
    AlreadyRegistered,
    /// The app is not associated with the passkey domain (assetlinks.json /
    /// apple-app-site-association): a build or deployment problem, not the user's.
    #[error("app not associated with the passkey domain: {detail}")]
    DomainNotAssociated {
        /// The platform's own words, for developers and support.
        detail: String,
    },
    /// The ceremony was interrupted (the app went to the background, …); try again.
    #[error("passkey request interrupted: {detail}")]
    Interrupted {
        /// The platform's own words.
        detail: String,
    },
    /// The ceremony timed out; try again.
    #[error("passkey request timed out")]
    TimedOut,
    /// The password manager failed in another way.
    #[error("password manager failed: {kind}")]
    PasswordManagerFailed {
        /// The platform's error type, e.g. `androidx.credentials.TYPE_UNKNOWN_ERROR` or
        /// `ASAuthorizationError 1004`, for logs and support.
        kind: String,
    },
    /// The action needs a fresh verification (a step-up with the current factors, or a passkey
    /// where the account has one): verify again, then retry.
    #[error("a fresh verification is required")]
    StepUpRequired,
    /// This account signs in with a passkey only: one-time codes are not accepted.
    #[error("this account requires a passkey")]
    PasskeyRequired,
    /// The server offered a weaker way to sign in than this account allows on this device (a
    /// downgrade, e.g. a phishing proxy asking for an SMS code). Nothing was sent.
    #[error("downgrade refused")]
    DowngradeRefused,
    /// This login path is turned off for the account (H5 or third-party login).
    #[error("login path blocked: {path:?}")]
    PathBlocked {
        /// The path.
        path: LoginPath,
    },
    /// Another passkey ceremony of this app is already running (two taps at once).
    #[error("a passkey request is already in progress")]
    InProgress,
    /// BingX could not be reached (no connection, timeout, dropped connection).
    #[error("network unavailable")]
    Network,
    /// The server's certificate was refused: it does not verify against the trust store, or it
    /// carries none of the pinned keys (`pin_mismatch`). Nothing was sent. Not retryable: a
    /// network that intercepts TLS, or a misconfigured server.
    #[error("the server's certificate was refused (pin mismatch: {pin_mismatch})")]
    UntrustedServer {
        /// The chain verified but no certificate in it has a pinned key.
        pin_mismatch: bool,
    },
    /// Android: the library's TLS was not initialised (`initialize(context)` in the shell) before
    /// the first request. A developer error; nothing was sent.
    #[error("TLS not initialised: call initialize(context) first")]
    NotInitialized,
    /// The server refused, with its stable code (`docs/openapi.yaml`).
    #[error("server refused: {} (HTTP {status})", code.as_str())]
    ServerRefused {
        /// The stable code.
        code: ServerCode,
        /// The HTTP status.
        status: u16,
    },
    /// The server's answer or options, or the password manager's response, failed the core's
    /// checks; nothing was sent on.
    #[error("invalid response: {detail}")]
    InvalidResponse {
        /// Which check, for developers and support.
        detail: String,
    },
    /// A step was called before the one it needs.
    #[error("not allowed in this state: {needs:?} first")]
    NotAllowedInThisState {
        /// The step to do first.
        needs: Step,
    },
    /// The last passkey cannot be deleted while passkeys are required.
    #[error("last passkey")]
    LastPasskey,
    /// The passkey name has nothing left to show once control characters and bidirectional
    /// overrides are dropped and it is trimmed: refused before any passkey verification.
    #[error("invalid passkey name")]
    InvalidName,
    /// The device's copy of the account's security settings is unreadable, tampered with, or
    /// missing for an account known to need passkeys: fail closed.
    #[error("policy unavailable")]
    PolicyUnavailable,
    /// BingX does not offer this action (e.g. a scenario the server does not know).
    #[error("not supported by the server")]
    NotSupported,
    /// The configuration was refused (bad URL, plain http, bad rp id, origin or policy key).
    #[error("invalid configuration: {detail}")]
    InvalidConfig {
        /// What is wrong, for the developer.
        detail: String,
    },
    /// The device keystore failed (locked, or a value unreadable).
    #[error("keystore failed")]
    KeystoreFailed {
        /// The keystore may open on a later try (it was locked rather than corrupt).
        retryable: bool,
    },
    /// After a support reset of the account's passkeys, withdrawals and security changes
    /// (deleting a passkey, turning the requirement off, verifying for a scenario) are on hold
    /// until `until`, whatever journey asked. Signing in, listing, renaming and adding a passkey
    /// still work. Nothing the user does shortens the hold.
    #[error("account on hold until {until}")]
    AccountOnHold {
        /// When the hold ends (unix seconds).
        until: i64,
    },
    /// A reset was asked for an account that does not require a passkey: the password was right,
    /// so sign in with the password and a code instead.
    #[error("no reset needed: the account does not require a passkey")]
    ResetNotNeeded,
}

impl PasskeysError {
    /// A server refusal without a time (the tests' shorthand).
    #[cfg(test)]
    pub(crate) fn refused(code: ServerCode, status: u16) -> Self {
        Self::refused_until(code, status, None)
    }

    /// A server refusal whose envelope may name a time (`until`, unix seconds).
    pub(crate) fn refused_until(code: ServerCode, status: u16, until: Option<i64>) -> Self {
        match code {
            // A hold without its end stays a plain refusal: the app has no time to show.
            ServerCode::AccountOnHold if until.is_some() => Self::AccountOnHold {
                until: until.unwrap_or_default(),
            },
            ServerCode::ResetNotNeeded => Self::ResetNotNeeded,
            ServerCode::Unauthenticated => Self::NotSignedIn,
            ServerCode::StepUpRequired
            | ServerCode::StepUpExpired
            | ServerCode::PasskeyVerificationRequired => Self::StepUpRequired,
            ServerCode::CredentialAlreadyRegistered => Self::AlreadyRegistered,
            ServerCode::PasskeyRequired => Self::PasskeyRequired,
            ServerCode::H5LoginBlocked => Self::PathBlocked {
                path: LoginPath::H5,
            },
            ServerCode::ThirdPartyLoginBlocked => Self::PathBlocked {
                path: LoginPath::ThirdParty,
            },
            ServerCode::LastPasskey => Self::LastPasskey,
            ServerCode::ScenarioUnknown => Self::NotSupported,
            code => Self::ServerRefused { code, status },
        }
    }

    /// The server's refusal code, where the server refused with one the app has no variant for.
    pub fn server_code(&self) -> Option<&ServerCode> {
        match self {
            Self::ServerRefused { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether trying the same step again may succeed without the user changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Cancelled
            | Self::Interrupted { .. }
            | Self::TimedOut
            | Self::PasswordManagerFailed { .. }
            | Self::InProgress
            | Self::Network
            | Self::PolicyUnavailable => true,
            Self::KeystoreFailed { retryable } => *retryable,
            Self::ServerRefused { code, status } => {
                *status >= 500
                    || matches!(
                        code,
                        ServerCode::CeremonyExpired | ServerCode::CeremonyNotFound
                    )
            }
            _ => false,
        }
    }

    /// The text to show for it (a key of the string tables and its values).
    pub fn text(&self) -> PasskeysText {
        match self {
            Self::NotSignedIn => PasskeysText::new("error.not_signed_in"),
            Self::DeviceNotReady { reason } => match reason {
                UnavailableReason::NoPasswordManager => {
                    PasskeysText::new("error.device_not_ready.no_password_manager")
                }
                UnavailableReason::NoScreenLock => {
                    PasskeysText::new("error.device_not_ready.no_screen_lock")
                }
                UnavailableReason::OsTooOld => {
                    PasskeysText::new("error.device_not_ready.os_too_old")
                }
                UnavailableReason::AccountMissing => {
                    PasskeysText::new("error.device_not_ready.account_missing")
                }
                UnavailableReason::Other { detail } => {
                    PasskeysText::new("error.device_not_ready.other")
                        .with("detail", crate::text::shown(detail, 200))
                }
            },
            Self::Cancelled => PasskeysText::new("error.cancelled"),
            Self::NoCredential => PasskeysText::new("error.no_credential"),
            Self::AlreadyRegistered => PasskeysText::new("error.already_registered"),
            Self::DomainNotAssociated { .. } => PasskeysText::new("error.domain_not_associated"),
            Self::Interrupted { .. } => PasskeysText::new("error.interrupted"),
            Self::TimedOut => PasskeysText::new("error.timed_out"),
            Self::PasswordManagerFailed { .. } => {
                PasskeysText::new("error.password_manager_failed")
            }
            Self::StepUpRequired => PasskeysText::new("error.step_up_required"),
            Self::PasskeyRequired => PasskeysText::new("error.passkey_required"),
            Self::DowngradeRefused => PasskeysText::new("error.downgrade_refused"),
            Self::PathBlocked { path } => match path {
                LoginPath::H5 => PasskeysText::new("error.path_blocked.h5"),
                _ => PasskeysText::new("error.path_blocked.third_party"),
            },
            Self::InProgress => PasskeysText::new("error.in_progress"),
            Self::Network => PasskeysText::new("error.network"),
            Self::UntrustedServer { .. } => PasskeysText::new("error.untrusted_server"),
            Self::NotInitialized => PasskeysText::new("error.not_initialized"),
            Self::ServerRefused { code, .. } => server_text(code),
            Self::InvalidResponse { .. } => PasskeysText::new("error.invalid_response"),
            Self::NotAllowedInThisState { needs } => PasskeysText::new(needs.key()),
            Self::LastPasskey => PasskeysText::new("error.last_passkey"),
            Self::InvalidName => PasskeysText::new("error.invalid_name"),
            Self::PolicyUnavailable => PasskeysText::new("error.policy_unavailable"),
            Self::NotSupported => PasskeysText::new("error.not_supported"),
            Self::InvalidConfig { detail } => {
                PasskeysText::new("error.invalid_config").with("detail", detail.clone())
            }
            Self::KeystoreFailed { .. } => PasskeysText::new("error.keystore_failed"),
            Self::AccountOnHold { until } => {
                PasskeysText::new("error.account_on_hold").with("until", utc_text(*until))
            }
            Self::ResetNotNeeded => PasskeysText::new("error.reset_not_needed"),
        }
    }
}

fn server_text(code: &ServerCode) -> PasskeysText {
    use ServerCode as C;
    let key = match code {
        C::InvalidCredentials => "error.server.invalid_credentials",
        C::CodeInvalid => "error.server.code_invalid",
        C::LoginExpired => "error.server.login_expired",
        C::CeremonyExpired | C::CeremonyNotFound | C::CeremonyUsed | C::CeremonyMismatch => {
            "error.server.ceremony_expired"
        }
        C::AccountExists => "error.server.account_exists",
        C::ServerBusy => "error.server.busy",
        C::PasskeyNotFound => "error.server.passkey_not_found",
        C::CounterRegression => "error.server.counter_regression",
        C::IdTokenInvalid => "error.server.id_token_invalid",
        C::AssertionRejected | C::CredentialNotAllowed | C::UserHandleMismatch => {
            "error.server.passkey_not_accepted"
        }
        C::RegistrationRejected => "error.server.registration_rejected",
        C::AccountOnHold => "error.server.account_on_hold",
        C::ResetNotFound => "error.server.reset_not_found",
        C::ResetNotPending => "error.server.reset_not_pending",
        C::ResetCoolingOff => "error.server.reset_cooling_off",
        C::AdminRequired => "error.server.admin_required",
        C::PasskeyLimit => "error.server.passkey_limit",
        C::TooManyAttempts => "error.server.too_many_attempts",
        C::TooManyCodes => "error.server.too_many_codes",
        other => return PasskeysText::new("error.server.other").with("code", other.as_str()),
    };
    PasskeysText::new(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::placeholders;

    fn every_error() -> Vec<PasskeysError> {
        use PasskeysError as E;
        let mut all = vec![
            E::NotSignedIn,
            E::Cancelled,
            E::NoCredential,
            E::AlreadyRegistered,
            E::DomainNotAssociated { detail: "d".into() },
            E::Interrupted { detail: "d".into() },
            E::TimedOut,
            E::PasswordManagerFailed { kind: "k".into() },
            E::StepUpRequired,
            E::PasskeyRequired,
            E::DowngradeRefused,
            E::PathBlocked {
                path: LoginPath::H5,
            },
            E::PathBlocked {
                path: LoginPath::ThirdParty,
            },
            E::InProgress,
            E::Network,
            E::UntrustedServer { pin_mismatch: true },
            E::NotInitialized,
            E::InvalidResponse { detail: "d".into() },
            E::LastPasskey,
            E::InvalidName,
            E::PolicyUnavailable,
            E::NotSupported,
            E::InvalidConfig { detail: "d".into() },
            E::KeystoreFailed { retryable: true },
            E::AccountOnHold {
                until: 1_800_000_000,
            },
            E::ResetNotNeeded,
        ];
        for reason in [
            UnavailableReason::NoPasswordManager,
            UnavailableReason::NoScreenLock,
            UnavailableReason::OsTooOld,
            UnavailableReason::AccountMissing,
            UnavailableReason::Other { detail: "x".into() },
        ] {
            all.push(E::DeviceNotReady { reason });
        }
        for needs in [
            Step::CheckDevice,
            Step::AcceptWarning,
            Step::RequestCode,
            Step::VerifyStepUp,
            Step::SignInWithPassword,
            Step::RequestRecoveryCode,
        ] {
            all.push(E::NotAllowedInThisState { needs });
        }
        for (name, _) in crate::vocabulary::SERVER_CODES {
            all.push(E::refused(ServerCode::parse(name), 400));
        }
        all.push(E::refused(ServerCode::Other { code: "NEW".into() }, 400));
        all.push(E::refused_until(ServerCode::AccountOnHold, 403, Some(0)));
        all
    }

    #[test]
    fn every_error_names_a_known_text_with_exactly_its_placeholders() {
        for error in every_error() {
            let text = error.text();
            let expected = placeholders(&text.key)
                .unwrap_or_else(|| panic!("{error:?} names an unknown key {}", text.key));
            let given: Vec<&str> = text.args.iter().map(|a| a.name.as_str()).collect();
            assert_eq!(given, expected, "{error:?}");
        }
    }

    #[test]
    fn messages_for_logs_carry_no_sentence_for_users_and_refusals_map_to_what_a_ui_switches_on() {
        assert_eq!(
            PasskeysError::refused(ServerCode::ThirdPartyLoginBlocked, 403),
            PasskeysError::PathBlocked {
                path: LoginPath::ThirdParty
            }
        );
        assert_eq!(
            PasskeysError::refused(ServerCode::Unauthenticated, 401),
            PasskeysError::NotSignedIn
        );
        let busy = PasskeysError::refused(ServerCode::ServerBusy, 503);
        assert!(busy.is_retryable());
        assert_eq!(busy.server_code(), Some(&ServerCode::ServerBusy));
        assert!(!PasskeysError::refused(ServerCode::InvalidCredentials, 401).is_retryable());
        assert!(PasskeysError::refused(ServerCode::CeremonyExpired, 410).is_retryable());
    }

    #[test]
    fn a_hold_names_its_end_and_is_not_retried() {
        let until = 1_796_400_000; // 2026-12-04 16:00 UTC
        let held = PasskeysError::refused_until(ServerCode::AccountOnHold, 403, Some(until));
        assert_eq!(held, PasskeysError::AccountOnHold { until });
        assert!(!held.is_retryable());
        let text = held.text();
        assert_eq!(text.key, "error.account_on_hold");
        assert_eq!(text.args[0].value, "2026-12-04 16:00 UTC");
        // A hold without its end: a plain refusal, with a text that names no time.
        let unnamed = PasskeysError::refused(ServerCode::AccountOnHold, 403);
        assert_eq!(unnamed.server_code(), Some(&ServerCode::AccountOnHold));
        assert_eq!(unnamed.text().key, "error.server.account_on_hold");
        assert!(!unnamed.is_retryable());
        // `until` means nothing on other codes.
        assert_eq!(
            PasskeysError::refused_until(ServerCode::ResetCoolingOff, 409, Some(until))
                .server_code(),
            Some(&ServerCode::ResetCoolingOff)
        );
        let not_needed = PasskeysError::refused(ServerCode::ResetNotNeeded, 409);
        assert_eq!(not_needed, PasskeysError::ResetNotNeeded);
        assert!(!not_needed.is_retryable());
    }
}
