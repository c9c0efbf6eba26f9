//! The platform contract across the FFI (BRIEF §3): the foreign trait a shell implements
//! (Android Credential Manager, iOS AuthenticationServices), its records and its small error, and
//! the adapter that hands a foreign implementation to the core as the core's own trait.

use std::sync::Arc;

use bingx_passkeys_core::platform as core_platform;
use bingx_passkeys_core::{Capabilities, CreateRequest, GetRequest, UnavailableReason};

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
    /// The password manager lacks the account it keeps passkeys in, or cannot reach it (no Google
    /// account on the device, sync off): Android's "User is unable to create passkeys.", "Unable
    /// to get sync account." and, on get, "Failed to decrypt credential.". The app is told
    /// `UnavailableReason.AccountMissing` (sign in to the password manager or turn sync on), not
    /// that there is no password manager. iOS has no such signal.
    #[error("account missing: {detail}")]
    AccountMissing {
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

    /// Tell the password manager the user's current name and display name (Android
    /// `SignalCurrentUserDetailsRequest`, iOS `reportPublicKeyCredentialUpdate(…newName:)`).
    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), PlatformAuthenticatorError>;
}

/// Hands a foreign [`PlatformAuthenticator`] to the core as the core's own trait.
pub(crate) struct ForeignAuthenticator(pub(crate) Arc<dyn PlatformAuthenticator>);

#[async_trait::async_trait]
impl core_platform::PlatformAuthenticator for ForeignAuthenticator {
    async fn capabilities(&self) -> Capabilities {
        match self.0.capabilities().await {
            Ok(capabilities) => capabilities,
            // A check that failed says why as a ceremony's failure would: no password manager
            // and a missing account keep their own remedies (install one; sign in to it).
            Err(e) => Capabilities {
                password_manager_available: false,
                user_can_authenticate: false,
                supports_signals: false,
                unavailable_reason: Some(match core_platform::PlatformError::from(e) {
                    core_platform::PlatformError::NoPasswordManager { .. } => {
                        UnavailableReason::NoPasswordManager
                    }
                    core_platform::PlatformError::AccountMissing { .. } => {
                        UnavailableReason::AccountMissing
                    }
                    other => UnavailableReason::Other {
                        detail: other.to_string(),
                    },
                }),
            },
        }
    }

    async fn create(&self, request: CreateRequest) -> Result<String, core_platform::PlatformError> {
        Ok(self.0.create(request).await?)
    }

    async fn get(&self, request: GetRequest) -> Result<String, core_platform::PlatformError> {
        Ok(self.0.get(request).await?)
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

    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), core_platform::PlatformError> {
        Ok(self
            .0
            .signal_current_user_details(rp_id, user_id, name, display_name)
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
            E::AccountMissing { detail } => Self::AccountMissing { detail },
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
            P::AccountMissing { detail } => Self::AccountMissing { detail },
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

#[cfg(test)]
mod tests {
    use super::*;
    use core_platform::PlatformError as P;

    /// Every kind crosses the FFI as itself, both ways, with its words.
    #[test]
    fn every_kind_maps_one_to_one_both_ways() {
        let detail = || "the platform's words".to_owned();
        let pairs = [
            (PlatformAuthenticatorError::Cancelled, P::Cancelled),
            (PlatformAuthenticatorError::NoCredential, P::NoCredential),
            (
                PlatformAuthenticatorError::NoPasswordManager { detail: detail() },
                P::NoPasswordManager { detail: detail() },
            ),
            (
                PlatformAuthenticatorError::AccountMissing { detail: detail() },
                P::AccountMissing { detail: detail() },
            ),
            (
                PlatformAuthenticatorError::AlreadyRegistered,
                P::AlreadyRegistered,
            ),
            (
                PlatformAuthenticatorError::DomainNotAssociated { detail: detail() },
                P::DomainNotAssociated { detail: detail() },
            ),
            (
                PlatformAuthenticatorError::Interrupted { detail: detail() },
                P::Interrupted { detail: detail() },
            ),
            (PlatformAuthenticatorError::TimedOut, P::TimedOut),
            (
                PlatformAuthenticatorError::Other {
                    kind: "k".to_owned(),
                    detail: detail(),
                },
                P::Other {
                    kind: "k".to_owned(),
                    message: detail(),
                },
            ),
        ];
        for (foreign, core) in pairs {
            assert_eq!(P::from(foreign.clone()), core);
            assert_eq!(PlatformAuthenticatorError::from(core), foreign);
        }
    }

    /// A shell whose capability check fails with the error it is given; it runs no ceremony.
    struct FailingCheck(PlatformAuthenticatorError);

    #[async_trait::async_trait]
    impl PlatformAuthenticator for FailingCheck {
        async fn capabilities(&self) -> Result<Capabilities, PlatformAuthenticatorError> {
            Err(self.0.clone())
        }
        async fn create(&self, _: CreateRequest) -> Result<String, PlatformAuthenticatorError> {
            Err(PlatformAuthenticatorError::Cancelled)
        }
        async fn get(&self, _: GetRequest) -> Result<String, PlatformAuthenticatorError> {
            Err(PlatformAuthenticatorError::Cancelled)
        }
        async fn signal_unknown_credential(
            &self,
            _: String,
            _: Vec<u8>,
        ) -> Result<(), PlatformAuthenticatorError> {
            Ok(())
        }
        async fn signal_all_accepted_credentials(
            &self,
            _: String,
            _: Vec<u8>,
            _: Vec<Vec<u8>>,
        ) -> Result<(), PlatformAuthenticatorError> {
            Ok(())
        }
        async fn signal_current_user_details(
            &self,
            _: String,
            _: Vec<u8>,
            _: String,
            _: String,
        ) -> Result<(), PlatformAuthenticatorError> {
            Ok(())
        }
    }

    /// A failed capability check names the reason a ceremony's failure would: the remedy for a
    /// missing account (sign in to the password manager) is not "other".
    #[tokio::test]
    async fn a_failed_capability_check_keeps_its_reason() {
        let detail = || "Unable to get sync account.".to_owned();
        let cases = [
            (
                PlatformAuthenticatorError::AccountMissing { detail: detail() },
                UnavailableReason::AccountMissing,
            ),
            (
                PlatformAuthenticatorError::NoPasswordManager { detail: detail() },
                UnavailableReason::NoPasswordManager,
            ),
        ];
        for (failure, reason) in cases {
            let shell = ForeignAuthenticator(Arc::new(FailingCheck(failure)));
            let capabilities = core_platform::PlatformAuthenticator::capabilities(&shell).await;
            assert_eq!(capabilities.blocking_reason(), Some(reason));
        }
        let shell =
            ForeignAuthenticator(Arc::new(FailingCheck(PlatformAuthenticatorError::TimedOut)));
        let capabilities = core_platform::PlatformAuthenticator::capabilities(&shell).await;
        assert!(matches!(
            capabilities.blocking_reason(),
            Some(UnavailableReason::Other { .. })
        ));
    }
}
