//! The core's error for its flows: every way a journey can stop, each with a message fit to show
//! and whether a plain retry may help. Never carries a secret (BRIEF §5 #17).

use crate::api::{ApiError, ServerCode};
use crate::platform::{PlatformError, UnavailableReason};
use crate::store::StoreError;
use crate::webauthn::{OptionsError, ResponseError};

/// Why a flow stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyError {
    /// No session on this device: sign in first.
    #[error("please sign in first")]
    NotSignedIn,
    /// The device cannot run a passkey ceremony.
    #[error("{}", .0.user_message())]
    DeviceNotReady(UnavailableReason),
    /// A step was called before the one it needs.
    #[error("finish the previous step first: {0}")]
    OutOfOrder(&'static str),
    /// This account signs in with a passkey only; one-time codes are not accepted.
    #[error("this account requires your passkey to sign in; one-time codes are not accepted")]
    PasskeyRequired,
    /// The server offered a weaker way to sign in than this account allows on this device (a
    /// downgrade, e.g. a phishing proxy asking for an SMS code). Nothing was sent.
    #[error(
        "BingX asked for a weaker way to sign in than your account allows. Sign in with your passkey; if this keeps happening, contact support"
    )]
    DowngradeRefused,
    /// This login path is turned off for the account (H5 or third-party login).
    #[error("{message}")]
    PathBlocked {
        /// Fit to show as it is (the server's own message when the server refused).
        message: String,
    },
    /// The device's copy of the account's policy is unreadable, tampered with, or missing for an
    /// account known to need passkeys: fail closed.
    #[error(
        "the security settings on this device could not be verified; connect to the internet and sign in with your passkey"
    )]
    PolicyUnavailable,
    /// The last passkey cannot be deleted while passkeys are required.
    #[error(
        "this is your last passkey; add another passkey before deleting this one, or turn off the passkey requirement first"
    )]
    LastPasskey,
    /// Another passkey ceremony of this app is already running (two taps at once).
    #[error("a passkey request is already in progress")]
    AlreadyInProgress,
    /// The platform ceremony failed.
    #[error(transparent)]
    Platform(#[from] PlatformError),
    /// The server's options were refused before the platform was called.
    #[error(transparent)]
    InvalidOptions(#[from] OptionsError),
    /// The platform's response was refused before it left the device.
    #[error(transparent)]
    InvalidResponse(#[from] ResponseError),
    /// The server call failed or was refused.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The device keystore failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PasskeyError {
    /// Whether trying the same step again may succeed without the user changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Platform(e) => e.is_retryable(),
            Self::Api(e) => {
                e.is_retryable()
                    || matches!(
                        e.code(),
                        Some(ServerCode::CeremonyExpired | ServerCode::CeremonyNotFound)
                    )
            }
            Self::AlreadyInProgress | Self::Store(StoreError::Unavailable) => true,
            Self::PolicyUnavailable => true,
            _ => false,
        }
    }

    /// The server's refusal code, if the server refused.
    pub fn server_code(&self) -> Option<&ServerCode> {
        match self {
            Self::Api(e) => e.code(),
            _ => None,
        }
    }
}
