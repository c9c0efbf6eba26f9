//! The platform contract (BRIEF §3): what a shell (Android Credential Manager, iOS
//! AuthenticationServices, or the testkit's software password manager) implements so the core can
//! run a WebAuthn ceremony without ever drawing UI or calling a platform API itself.
//!
//! The core hands each shell a request already shaped for it: Android passes
//! [`CreateRequest::request_json`] unchanged to `CreatePublicKeyCredentialRequest`, iOS reads the
//! byte fields for `ASAuthorizationPlatformPublicKeyCredentialProvider`. Shells answer with the
//! WebAuthn Level 3 JSON of the credential (`registrationResponseJson` /
//! `authenticationResponseJson` on Android; built from the `ASAuthorization…Credential` on iOS),
//! which the core validates before anything leaves the device.

use async_trait::async_trait;

use crate::error::PasskeysError;
pub use crate::vocabulary::UnavailableReason;

/// What the device can do, as the shell finds it. The core refuses to start a ceremony unless
/// [`Capabilities::ready`] holds and explains why not otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// A platform password manager that can hold passkeys is present and enabled.
    pub password_manager_available: bool,
    /// The user can authenticate (screen lock or biometrics is set up).
    pub user_can_authenticate: bool,
    /// The platform supports the "signal" calls that tell a password manager about deleted
    /// passkeys (Android Credential Manager 1.6+, iOS 26+).
    pub supports_signals: bool,
    /// Why not, when one of the two above is false.
    pub unavailable_reason: Option<UnavailableReason>,
}

impl Capabilities {
    /// Capabilities of a device where everything is in place.
    pub fn ready_device() -> Self {
        Self {
            password_manager_available: true,
            user_can_authenticate: true,
            supports_signals: true,
            unavailable_reason: None,
        }
    }

    /// Whether a passkey ceremony may start.
    pub fn ready(&self) -> bool {
        self.password_manager_available && self.user_can_authenticate
    }

    /// The reason a ceremony cannot start, or `None` when [`Capabilities::ready`].
    pub fn blocking_reason(&self) -> Option<UnavailableReason> {
        if self.ready() {
            return None;
        }
        Some(
            self.unavailable_reason
                .clone()
                .unwrap_or(if !self.password_manager_available {
                    UnavailableReason::NoPasswordManager
                } else {
                    UnavailableReason::NoScreenLock
                }),
        )
    }
}

/// A registration ceremony, shaped for both platforms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRequest {
    /// `PublicKeyCredentialCreationOptionsJSON`, for Android's `CreatePublicKeyCredentialRequest`.
    pub request_json: String,
    /// The relying party id (the domain the passkey belongs to).
    pub rp_id: String,
    /// The server's challenge, raw bytes.
    pub challenge: Vec<u8>,
    /// The WebAuthn user handle, raw bytes.
    pub user_id: Vec<u8>,
    /// The account name shown by the password manager.
    pub user_name: String,
    /// The display name shown by the password manager.
    pub user_display_name: String,
    /// Credential ids already registered for this account (`excludeCredentials`), raw bytes.
    pub exclude_credential_ids: Vec<Vec<u8>>,
    /// How long the platform may take, in milliseconds, when the server said.
    pub timeout_ms: Option<u32>,
}

/// An authentication ceremony, shaped for both platforms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetRequest {
    /// `PublicKeyCredentialRequestOptionsJSON`, for Android's `GetPublicKeyCredentialOption`.
    pub request_json: String,
    /// The relying party id.
    pub rp_id: String,
    /// The server's challenge, raw bytes.
    pub challenge: Vec<u8>,
    /// Credentials the server accepts (`allowCredentials`), raw bytes; empty for a usernameless
    /// (discoverable credential) sign-in.
    pub allow_credential_ids: Vec<Vec<u8>>,
    /// How long the platform may take, in milliseconds, when the server said.
    pub timeout_ms: Option<u32>,
}

/// How a platform ceremony failed. The kinds follow what Android Credential Manager and iOS
/// AuthenticationServices really report (see `shared/PLATFORM.md`); the shells do the mapping.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// The user dismissed the sheet or the screen-lock prompt.
    #[error("you cancelled the passkey request")]
    Cancelled,
    /// No passkey on this device (or reachable from it) matches the request.
    #[error("no passkey for this account was found on this device")]
    NoCredential,
    /// No password manager can take the request, or the device is not set up for passkeys.
    #[error("this device is not set up for passkeys: {detail}")]
    NoPasswordManager {
        /// The platform's own words.
        detail: String,
    },
    /// The password manager is there but lacks the account it keeps passkeys in, or cannot reach
    /// it: no Google account on the device, sync off or its account unavailable (Android's
    /// "User is unable to create passkeys.", "Unable to get sync account." and, on get, "Failed to
    /// decrypt credential."; on an emulator a cold boot helps). The remedy is to sign in to the
    /// password manager or turn its sync on, not to install one, so the app is told
    /// [`UnavailableReason::AccountMissing`] rather than
    /// [`UnavailableReason::NoPasswordManager`]. iOS has no such signal.
    #[error("the password manager has no account to keep passkeys in: {detail}")]
    AccountMissing {
        /// The platform's own words.
        detail: String,
    },
    /// A passkey for this account already exists in this password manager (`excludeCredentials`
    /// matched).
    #[error("a passkey for this account is already saved in this password manager")]
    AlreadyRegistered,
    /// The app is not associated with the relying party's domain (assetlinks.json /
    /// apple-app-site-association).
    #[error("this app is not associated with the passkey domain: {detail}")]
    DomainNotAssociated {
        /// The platform's own words.
        detail: String,
    },
    /// The ceremony was interrupted (the user went to settings, the app was backgrounded…); trying
    /// again is expected to work.
    #[error("the passkey request was interrupted; please try again")]
    Interrupted {
        /// The platform's own words.
        detail: String,
    },
    /// The ceremony timed out.
    #[error("the passkey request timed out; please try again")]
    TimedOut,
    /// Anything else, with the platform's own type and message (for logs and support; the
    /// message shown to the user stays generic).
    #[error("the password manager failed ({kind})")]
    Other {
        /// The platform's error type, e.g. `androidx.credentials.TYPE_UNKNOWN_ERROR` or
        /// `ASAuthorizationError 1004`.
        kind: String,
        /// The platform's message.
        message: String,
    },
}

impl From<PlatformError> for PasskeysError {
    fn from(e: PlatformError) -> Self {
        match e {
            PlatformError::Cancelled => Self::Cancelled,
            PlatformError::NoCredential => Self::NoCredential,
            PlatformError::NoPasswordManager { .. } => Self::DeviceNotReady {
                reason: UnavailableReason::NoPasswordManager,
            },
            PlatformError::AccountMissing { .. } => Self::DeviceNotReady {
                reason: UnavailableReason::AccountMissing,
            },
            PlatformError::AlreadyRegistered => Self::AlreadyRegistered,
            PlatformError::DomainNotAssociated { detail } => Self::DomainNotAssociated { detail },
            PlatformError::Interrupted { detail } => Self::Interrupted { detail },
            PlatformError::TimedOut => Self::TimedOut,
            // The platform's message stays out: it may be in any language, and is for logs.
            PlatformError::Other { kind, .. } => Self::PasswordManagerFailed { kind },
        }
    }
}

/// The one foreign trait every shell implements (BRIEF §3).
///
/// Implementations must be cheap to call concurrently; the core never runs two ceremonies at once
/// for one flow, but different flows may overlap.
#[async_trait]
pub trait PlatformAuthenticator: Send + Sync {
    /// What the device can do right now.
    async fn capabilities(&self) -> Capabilities;

    /// Run a registration ceremony; returns `RegistrationResponseJSON`.
    async fn create(&self, request: CreateRequest) -> Result<String, PlatformError>;

    /// Run an authentication ceremony; returns `AuthenticationResponseJSON`.
    async fn get(&self, request: GetRequest) -> Result<String, PlatformError>;

    /// Tell the password manager that the relying party no longer knows this credential
    /// (Android `SignalUnknownCredentialRequest`, iOS `reportUnknownPublicKeyCredential`).
    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformError>;

    /// Tell the password manager which credentials the relying party still accepts for this user
    /// (Android `SignalAllAcceptedCredentialIdsRequest`, iOS
    /// `reportAllAcceptedPublicKeyCredentials`).
    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError>;

    /// Tell the password manager the user's current name and display name (Android
    /// `SignalCurrentUserDetailsRequest`, iOS `reportPublicKeyCredentialUpdate`, which takes the
    /// name only).
    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), PlatformError>;
}
