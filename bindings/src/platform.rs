//! The platform contract across the FFI (BRIEF §3): the foreign trait a shell implements
//! (Android Credential Manager, iOS AuthenticationServices), its records and its small error, and
//! the adapter that hands a foreign implementation to the core as the core's own trait.

use std::sync::Arc;

use bingx_passkeys_core::platform as core_platform;

/// Why a device cannot run a passkey ceremony.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum UnavailableReason {
    /// No password manager can hold a passkey (none installed, or all disabled).
    NoPasswordManager,
    /// No screen lock or biometrics is set up, so user verification is impossible.
    NoScreenLock,
    /// The OS is too old for passkeys (Android < 9, iOS < 16).
    OsTooOld,
    /// The password manager needs an account it does not have (e.g. no Google account).
    AccountMissing,
    /// Any other reason, in the platform's own words.
    Other {
        /// The platform's own words.
        detail: String,
    },
}

/// What the device can do, as the shell finds it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Capabilities {
    /// A platform password manager that can hold passkeys is present and enabled.
    pub password_manager_available: bool,
    /// The user can authenticate (screen lock or biometrics is set up).
    pub user_can_authenticate: bool,
    /// The platform supports the signal calls (Android Credential Manager 1.6+, iOS 26+).
    pub supports_signals: bool,
    /// Why not, when one of the first two is false.
    pub unavailable_reason: Option<UnavailableReason>,
}

/// A registration ceremony, shaped for both platforms: Android passes `request_json` unchanged
/// to `CreatePublicKeyCredentialRequest`; iOS reads the byte fields.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CreateRequest {
    /// `PublicKeyCredentialCreationOptionsJSON`.
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

/// An authentication ceremony, shaped for both platforms: Android passes `request_json`
/// unchanged to `GetPublicKeyCredentialOption`; iOS reads the byte fields.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GetRequest {
    /// `PublicKeyCredentialRequestOptionsJSON`.
    pub request_json: String,
    /// The relying party id.
    pub rp_id: String,
    /// The server's challenge, raw bytes.
    pub challenge: Vec<u8>,
    /// Credentials the server accepts (`allowCredentials`), raw bytes; empty for a usernameless
    /// sign-in.
    pub allow_credential_ids: Vec<Vec<u8>>,
    /// How long the platform may take, in milliseconds, when the server said.
    pub timeout_ms: Option<u32>,
}

/// How a platform ceremony failed, as the shell maps the platform's own errors (see
/// `shared/PLATFORM.md`). Kotlin sees `PlatformAuthenticatorException`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum PlatformAuthenticatorError {
    /// The user dismissed the sheet or the screen-lock prompt.
    #[error("cancelled")]
    Cancelled,
    /// No passkey on this device matches the request.
    #[error("no credential")]
    NoCredential,
    /// No password manager can take the request, or the device is not set up for passkeys.
    #[error("no password manager: {detail}")]
    NoPasswordManager {
        /// The platform's own words.
        detail: String,
    },
    /// A passkey for this account is already in this password manager (`excludeCredentials`).
    #[error("already registered")]
    AlreadyRegistered,
    /// The app is not associated with the relying party's domain (assetlinks.json /
    /// apple-app-site-association).
    #[error("domain not associated: {detail}")]
    DomainNotAssociated {
        /// The platform's own words.
        detail: String,
    },
    /// The ceremony was interrupted (app backgrounded, user went to settings…).
    #[error("interrupted: {detail}")]
    Interrupted {
        /// The platform's own words.
        detail: String,
    },
    /// The ceremony timed out.
    #[error("timed out")]
    TimedOut,
    /// Anything else, with the platform's error type and message. (`detail`, not `message`:
    /// a field named `message` clashes with `Throwable.message` in Kotlin.)
    #[error("{kind}: {detail}")]
    Other {
        /// The platform's error type, e.g. `androidx.credentials.TYPE_UNKNOWN_ERROR` or
        /// `ASAuthorizationError 1004`.
        kind: String,
        /// The platform's message.
        detail: String,
    },
}

/// A foreign implementation threw something it did not declare (a bug in the shell).
impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformAuthenticatorError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Other {
            kind: "UnexpectedUniFFICallbackError".to_owned(),
            detail: e.reason,
        }
    }
}

/// The one trait every shell implements (BRIEF §3): Android with Credential Manager, iOS with
/// AuthenticationServices, QA builds with a software password manager.
///
/// Every method is `suspend` in Kotlin and `async` in Swift. Implementations may be called
/// concurrently from different flows; the core never runs two ceremonies at once for one flow.
// With the `softpm` feature Rust implements it too (`SoftwarePasswordManager`), so QA builds
// export it both ways; a release build takes foreign implementations only.
#[cfg_attr(not(feature = "softpm"), uniffi::export(foreign))]
#[cfg_attr(
    feature = "softpm",
    uniffi::export(rust, foreign, async_runtime = "tokio")
)]
#[async_trait::async_trait]
pub trait PlatformAuthenticator: Send + Sync {
    /// What the device can do right now. An error counts as "not ready", with its message as
    /// the reason.
    async fn capabilities(&self) -> Result<Capabilities, PlatformAuthenticatorError>;

    /// Run a registration ceremony; return `RegistrationResponseJSON`
    /// (`registrationResponseJson` on Android).
    async fn create(&self, request: CreateRequest) -> Result<String, PlatformAuthenticatorError>;

    /// Run an authentication ceremony; return `AuthenticationResponseJSON`
    /// (`authenticationResponseJson` on Android).
    async fn get(&self, request: GetRequest) -> Result<String, PlatformAuthenticatorError>;

    /// Tell the password manager the relying party no longer knows this credential (Android
    /// `SignalUnknownCredentialRequest`, iOS `reportUnknownPublicKeyCredential`).
    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformAuthenticatorError>;

    /// Tell the password manager which credentials the relying party still accepts for this user
    /// (Android `SignalAllAcceptedCredentialIdsRequest`, iOS
    /// `reportAllAcceptedPublicKeyCredentials`).
    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformAuthenticatorError>;
}

/// Hands a foreign [`PlatformAuthenticator`] to the core as the core's own trait.
pub(crate) struct ForeignAuthenticator(pub(crate) Arc<dyn PlatformAuthenticator>);

#[async_trait::async_trait]
impl core_platform::PlatformAuthenticator for ForeignAuthenticator {
    async fn capabilities(&self) -> core_platform::Capabilities {
        match self.0.capabilities().await {
            Ok(capabilities) => capabilities.into(),
            Err(e) => core_platform::Capabilities {
                password_manager_available: false,
                user_can_authenticate: false,
                supports_signals: false,
                unavailable_reason: Some(core_platform::UnavailableReason::Other(
                    core_platform::PlatformError::from(e).to_string(),
                )),
            },
        }
    }

    async fn create(
        &self,
        request: core_platform::CreateRequest,
    ) -> Result<String, core_platform::PlatformError> {
        Ok(self.0.create(request.into()).await?)
    }

    async fn get(
        &self,
        request: core_platform::GetRequest,
    ) -> Result<String, core_platform::PlatformError> {
        Ok(self.0.get(request.into()).await?)
    }

    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), core_platform::PlatformError> {
        Ok(self
            .0
            .signal_unknown_credential(rp_id, credential_id)
            .await?)
    }

    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), core_platform::PlatformError> {
        Ok(self
            .0
            .signal_all_accepted_credentials(rp_id, user_id, credential_ids)
            .await?)
    }
}

impl From<PlatformAuthenticatorError> for core_platform::PlatformError {
    fn from(e: PlatformAuthenticatorError) -> Self {
        use PlatformAuthenticatorError as E;
        match e {
            E::Cancelled => Self::Cancelled,
            E::NoCredential => Self::NoCredential,
            E::NoPasswordManager { detail } => Self::NoPasswordManager { detail },
            E::AlreadyRegistered => Self::AlreadyRegistered,
            E::DomainNotAssociated { detail } => Self::DomainNotAssociated { detail },
            E::Interrupted { detail } => Self::Interrupted { detail },
            E::TimedOut => Self::TimedOut,
            E::Other { kind, detail } => Self::Other {
                kind,
                message: detail,
            },
        }
    }
}

impl From<core_platform::PlatformError> for PlatformAuthenticatorError {
    fn from(e: core_platform::PlatformError) -> Self {
        use core_platform::PlatformError as P;
        match e {
            P::Cancelled => Self::Cancelled,
            P::NoCredential => Self::NoCredential,
            P::NoPasswordManager { detail } => Self::NoPasswordManager { detail },
            P::AlreadyRegistered => Self::AlreadyRegistered,
            P::DomainNotAssociated { detail } => Self::DomainNotAssociated { detail },
            P::Interrupted { detail } => Self::Interrupted { detail },
            P::TimedOut => Self::TimedOut,
            P::Other { kind, message } => Self::Other {
                kind,
                detail: message,
            },
        }
    }
}

impl From<core_platform::UnavailableReason> for UnavailableReason {
    fn from(r: core_platform::UnavailableReason) -> Self {
        use core_platform::UnavailableReason as R;
        match r {
            R::NoPasswordManager => Self::NoPasswordManager,
            R::NoScreenLock => Self::NoScreenLock,
            R::OsTooOld => Self::OsTooOld,
            R::AccountMissing => Self::AccountMissing,
            R::Other(detail) => Self::Other { detail },
        }
    }
}

impl From<UnavailableReason> for core_platform::UnavailableReason {
    fn from(r: UnavailableReason) -> Self {
        match r {
            UnavailableReason::NoPasswordManager => Self::NoPasswordManager,
            UnavailableReason::NoScreenLock => Self::NoScreenLock,
            UnavailableReason::OsTooOld => Self::OsTooOld,
            UnavailableReason::AccountMissing => Self::AccountMissing,
            UnavailableReason::Other { detail } => Self::Other(detail),
        }
    }
}

impl From<core_platform::Capabilities> for Capabilities {
    fn from(c: core_platform::Capabilities) -> Self {
        Self {
            password_manager_available: c.password_manager_available,
            user_can_authenticate: c.user_can_authenticate,
            supports_signals: c.supports_signals,
            unavailable_reason: c.unavailable_reason.map(Into::into),
        }
    }
}

impl From<Capabilities> for core_platform::Capabilities {
    fn from(c: Capabilities) -> Self {
        Self {
            password_manager_available: c.password_manager_available,
            user_can_authenticate: c.user_can_authenticate,
            supports_signals: c.supports_signals,
            unavailable_reason: c.unavailable_reason.map(Into::into),
        }
    }
}

impl From<core_platform::CreateRequest> for CreateRequest {
    fn from(r: core_platform::CreateRequest) -> Self {
        Self {
            request_json: r.request_json,
            rp_id: r.rp_id,
            challenge: r.challenge,
            user_id: r.user_id,
            user_name: r.user_name,
            user_display_name: r.user_display_name,
            exclude_credential_ids: r.exclude_credential_ids,
            timeout_ms: r.timeout_ms,
        }
    }
}

impl From<core_platform::GetRequest> for GetRequest {
    fn from(r: core_platform::GetRequest) -> Self {
        Self {
            request_json: r.request_json,
            rp_id: r.rp_id,
            challenge: r.challenge,
            allow_credential_ids: r.allow_credential_ids,
            timeout_ms: r.timeout_ms,
        }
    }
}

impl From<CreateRequest> for core_platform::CreateRequest {
    fn from(r: CreateRequest) -> Self {
        Self {
            request_json: r.request_json,
            rp_id: r.rp_id,
            challenge: r.challenge,
            user_id: r.user_id,
            user_name: r.user_name,
            user_display_name: r.user_display_name,
            exclude_credential_ids: r.exclude_credential_ids,
            timeout_ms: r.timeout_ms,
        }
    }
}

impl From<GetRequest> for core_platform::GetRequest {
    fn from(r: GetRequest) -> Self {
        Self {
            request_json: r.request_json,
            rp_id: r.rp_id,
            challenge: r.challenge,
            allow_credential_ids: r.allow_credential_ids,
            timeout_ms: r.timeout_ms,
        }
    }
}
