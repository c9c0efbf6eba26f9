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
