//! The one public error of the passkey flows, and the one place ([`From<PasskeyError>`]) that
//! decides how the core's rich errors become it.
//!
//! Every variant carries `msg`, a sentence fit to show as it is, built from the core's `Display`
//! (which never carries a secret, BRIEF §5 #17). The field is `msg` rather than `message` because
//! a field named `message` clashes with `Throwable.message` in the generated Kotlin (uniffi-rs
//! #1434); Kotlin's `PasskeysException.message` still holds the same text among the fields.

use bingx_passkeys_core::api::{ApiError, ServerCode};
use bingx_passkeys_core::config::ConfigError;
use bingx_passkeys_core::{PasskeyError, PlatformError};

use crate::platform::UnavailableReason;

/// Why a passkey flow stopped. Kotlin sees `PasskeysException`, Swift `PasskeysError`.
///
/// A UI switches on the variant and shows `msg`. Where a plain retry of the same step may
/// succeed without the user changing anything, `retryable` says so; [`PasskeysError::Network`]
/// is always retryable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum PasskeysError {
    /// No session on this device (or the server ended it): show sign-in.
    #[error("{msg}")]
    NotSignedIn {
        /// Fit to show.
        msg: String,
    },
    /// The device cannot run a passkey ceremony; `reason` says why, `msg` what to do.
    #[error("{msg}")]
    DeviceNotReady {
        /// Why.
        reason: UnavailableReason,
        /// Fit to show.
        msg: String,
    },
    /// The user cancelled the passkey sheet or the screen-lock prompt.
    #[error("{msg}")]
    Cancelled {
        /// Fit to show.
        msg: String,
    },
    /// No passkey on this device matches.
    #[error("{msg}")]
    NoCredential {
        /// Fit to show.
        msg: String,
    },
    /// This passkey is already registered (in this password manager, or on the server).
    #[error("{msg}")]
    AlreadyRegistered {
        /// Fit to show.
        msg: String,
    },
    /// The app is not associated with the passkey domain (assetlinks.json /
    /// apple-app-site-association): a build or deployment problem, not the user's.
    #[error("{msg}")]
    DomainNotAssociated {
        /// Fit to show.
        msg: String,
    },
    /// The action needs a fresh verification (a step-up with the current factors, or a passkey
    /// where the account has one): verify again, then retry.
    #[error("{msg}")]
    StepUpRequired {
        /// Fit to show.
        msg: String,
    },
    /// This account signs in with a passkey only: one-time codes are not accepted. After a
    /// password sign-in, continue with [`crate::PasskeysClient::complete_sign_in_with_passkey`].
    #[error("{msg}")]
    PasskeyRequired {
        /// Fit to show.
        msg: String,
    },
    /// The server asked for a weaker way to sign in than this account allows on this device (a
    /// downgrade, e.g. a phishing proxy asking for an SMS code). Nothing was sent.
    #[error("{msg}")]
    DowngradeRefused {
        /// Fit to show.
        msg: String,
    },
    /// This login path (H5 or third-party login) is turned off for the account.
    #[error("{msg}")]
    PathBlocked {
        /// Fit to show.
        msg: String,
    },
    /// Another passkey request of this app is running (two taps at once).
    #[error("{msg}")]
    InProgress {
        /// Fit to show.
        msg: String,
    },
    /// BingX could not be reached. Always retryable.
    #[error("{msg}")]
    Network {
        /// Fit to show.
        msg: String,
    },
    /// The server refused, with its stable code (`docs/openapi.yaml`, e.g.
    /// `INVALID_CREDENTIALS`, `CODE_INVALID`).
    #[error("{msg}")]
    ServerRefused {
        /// The server's stable, machine-readable code.
        code: String,
        /// The server's message, fit to show.
        msg: String,
        /// A plain retry may succeed.
        retryable: bool,
    },
    /// The server's answer or the password manager's response was refused by the core's checks.
    #[error("{msg}")]
    InvalidResponse {
        /// Fit to show.
        msg: String,
    },
    /// A step was called before the one it needs, or after the flow finished.
    #[error("{msg}")]
    NotAllowedInThisState {
        /// Fit to show.
        msg: String,
    },
    /// The last passkey cannot be deleted while passkeys are required: add another first, or
    /// turn the requirement off.
    #[error("{msg}")]
    LastPasskey {
        /// Fit to show.
        msg: String,
    },
    /// The device's copy of the account's security settings could not be verified (unreadable,
    /// tampered with, or missing for an account that requires passkeys), so the device refuses
    /// rather than guess: connect and sign in with a passkey, then retry.
    #[error("{msg}")]
    PolicyUnavailable {
        /// Fit to show.
        msg: String,
    },
    /// BingX does not offer this action (e.g. a scenario the server does not know): the app is
    /// newer or older than the server. Not the user's to fix.
    #[error("{msg}")]
    NotSupported {
        /// Fit to show.
        msg: String,
    },
    /// The [`crate::PasskeysConfig`] was refused (bad URL, plain http, bad rp id, origin or
    /// policy key).
    #[error("{msg}")]
    InvalidConfig {
        /// Fit to show (to a developer).
        msg: String,
    },
    /// Anything else (the password manager failed or timed out, the device keystore failed).
    #[error("{msg}")]
    Other {
        /// Fit to show.
        msg: String,
        /// A plain retry may succeed.
        retryable: bool,
    },
}

impl From<PasskeyError> for PasskeysError {
    fn from(e: PasskeyError) -> Self {
        let msg = sentence(&e.to_string());
        let retryable = e.is_retryable();
        match e {
            PasskeyError::NotSignedIn => Self::NotSignedIn { msg },
            PasskeyError::DeviceNotReady(reason) => Self::DeviceNotReady {
                reason: reason.into(),
                msg,
            },
            PasskeyError::OutOfOrder(_) => Self::NotAllowedInThisState { msg },
            PasskeyError::LastPasskey => Self::LastPasskey { msg },
            PasskeyError::PolicyUnavailable => Self::PolicyUnavailable { msg },
            PasskeyError::PasskeyRequired => Self::PasskeyRequired { msg },
            PasskeyError::DowngradeRefused => Self::DowngradeRefused { msg },
            PasskeyError::PathBlocked { .. } => Self::PathBlocked { msg },
            PasskeyError::AlreadyInProgress => Self::InProgress { msg },
            PasskeyError::Platform(e) => match e {
                PlatformError::Cancelled => Self::Cancelled { msg },
                PlatformError::NoCredential => Self::NoCredential { msg },
                PlatformError::NoPasswordManager { .. } => Self::DeviceNotReady {
                    reason: UnavailableReason::NoPasswordManager,
                    msg,
                },
                PlatformError::AlreadyRegistered => Self::AlreadyRegistered { msg },
                PlatformError::DomainNotAssociated { .. } => Self::DomainNotAssociated { msg },
                PlatformError::Interrupted { .. }
                | PlatformError::TimedOut
                | PlatformError::Other { .. } => Self::Other { msg, retryable },
            },
            PasskeyError::InvalidOptions(_) | PasskeyError::InvalidResponse(_) => {
                Self::InvalidResponse { msg }
            }
            PasskeyError::Api(ApiError::Network) => Self::Network { msg },
            PasskeyError::Api(ApiError::InvalidAnswer) => Self::InvalidResponse { msg },
            PasskeyError::Api(ApiError::Refused { code, .. }) => match code {
                ServerCode::Unauthenticated => Self::NotSignedIn { msg },
                ServerCode::StepUpRequired
                | ServerCode::StepUpExpired
                | ServerCode::PasskeyVerificationRequired => Self::StepUpRequired { msg },
                ServerCode::CredentialAlreadyRegistered => Self::AlreadyRegistered { msg },
                ServerCode::PasskeyRequired => Self::PasskeyRequired { msg },
                ServerCode::H5LoginBlocked | ServerCode::ThirdPartyLoginBlocked => {
                    Self::PathBlocked { msg }
                }
                ServerCode::LastPasskey => Self::LastPasskey { msg },
                ServerCode::ScenarioUnknown => Self::NotSupported { msg },
                code => Self::ServerRefused {
                    code: code.as_str().to_owned(),
                    msg,
                    retryable,
                },
            },
            PasskeyError::Store(_) => Self::Other { msg, retryable },
        }
    }
}

impl From<ConfigError> for PasskeysError {
    fn from(e: ConfigError) -> Self {
        Self::InvalidConfig {
            msg: sentence(&e.to_string()),
        }
    }
}

/// The core's messages are lower-case clauses; a UI shows sentences.
pub(crate) fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: u16, code: ServerCode) -> PasskeyError {
        PasskeyError::Api(ApiError::Refused {
            status,
            code,
            message: "the server's words".to_owned(),
        })
    }

    #[test]
    fn platform_errors_become_what_a_ui_switches_on() {
        let cancelled: PasskeysError = PasskeyError::Platform(PlatformError::Cancelled).into();
        assert_eq!(
            cancelled,
            PasskeysError::Cancelled {
                msg: "You cancelled the passkey request".to_owned()
            }
        );
        let no_pm: PasskeysError = PasskeyError::Platform(PlatformError::NoPasswordManager {
            detail: "no provider".to_owned(),
        })
        .into();
        assert!(matches!(
            no_pm,
            PasskeysError::DeviceNotReady {
                reason: UnavailableReason::NoPasswordManager,
                ..
            }
        ));
        let timed_out: PasskeysError = PasskeyError::Platform(PlatformError::TimedOut).into();
        assert!(matches!(
            timed_out,
            PasskeysError::Other {
                retryable: true,
                ..
            }
        ));
    }

    #[test]
    fn server_refusals_keep_code_message_and_retryability() {
        assert_eq!(
            PasskeysError::from(refused(401, ServerCode::InvalidCredentials)),
            PasskeysError::ServerRefused {
                code: "INVALID_CREDENTIALS".to_owned(),
                msg: "The server's words".to_owned(),
                retryable: false,
            }
        );
        assert!(matches!(
            PasskeysError::from(refused(410, ServerCode::CeremonyExpired)),
            PasskeysError::ServerRefused {
                retryable: true,
                ..
            }
        ));
        assert!(matches!(
            PasskeysError::from(refused(503, ServerCode::Other("SERVER_ERROR".into()))),
            PasskeysError::ServerRefused { code, retryable: true, .. } if code == "SERVER_ERROR"
        ));
        assert!(matches!(
            PasskeysError::from(refused(403, ServerCode::StepUpExpired)),
            PasskeysError::StepUpRequired { .. }
        ));
        assert!(matches!(
            PasskeysError::from(refused(401, ServerCode::Unauthenticated)),
            PasskeysError::NotSignedIn { .. }
        ));
        assert!(matches!(
            PasskeysError::from(refused(403, ServerCode::ThirdPartyLoginBlocked)),
            PasskeysError::PathBlocked { msg } if msg == "The server's words"
        ));
        assert!(matches!(
            PasskeysError::from(refused(403, ServerCode::PasskeyRequired)),
            PasskeysError::PasskeyRequired { .. }
        ));
        assert!(matches!(
            PasskeysError::from(PasskeyError::Api(ApiError::Network)),
            PasskeysError::Network { .. }
        ));
    }

    #[test]
    fn flow_errors_map_to_state_errors() {
        assert!(matches!(
            PasskeysError::from(PasskeyError::OutOfOrder("verify it's you")),
            PasskeysError::NotAllowedInThisState { msg } if msg.starts_with("Finish the previous step")
        ));
        assert!(matches!(
            PasskeysError::from(PasskeyError::AlreadyInProgress),
            PasskeysError::InProgress { .. }
        ));
    }

    #[test]
    fn account_state_errors_have_their_own_variants() {
        assert!(matches!(
            PasskeysError::from(PasskeyError::LastPasskey),
            PasskeysError::LastPasskey { msg } if msg.starts_with("This is your last passkey")
        ));
        assert!(matches!(
            PasskeysError::from(refused(409, ServerCode::LastPasskey)),
            PasskeysError::LastPasskey { .. }
        ));
        assert!(matches!(
            PasskeysError::from(PasskeyError::PolicyUnavailable),
            PasskeysError::PolicyUnavailable { .. }
        ));
        assert!(matches!(
            PasskeysError::from(refused(404, ServerCode::ScenarioUnknown)),
            PasskeysError::NotSupported { .. }
        ));
    }
}
