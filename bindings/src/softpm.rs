//! The software password manager for QA and test builds (`softpm` feature; never in a release
//! build of the app): the testkit's passkey-rs authenticator as a Rust implementation of
//! [`PlatformAuthenticator`], so an emulator without a password manager can run every journey.
//!
//! ```kotlin
//! val pm = SoftwarePasswordManager("https://bingx.com")
//! val client = PasskeysClient(config, pm.asPlatformAuthenticator(), store)
//! pm.setFault(SoftwareFault.Cancel)   // the next ceremonies fail as a user cancelling would
//! ```

use std::sync::Arc;

use bingx_passkeys_core::platform::PlatformAuthenticator as _;
use bingx_passkeys_softpm::{Fault, SoftPasswordManager};

use bingx_passkeys_core::{Capabilities, CreateRequest, GetRequest, PasskeysError};
use bingx_passkeys_softpm::Signal;

use crate::platform::{PlatformAuthenticator, PlatformAuthenticatorError};

/// A signal the password manager received (to check what the core told it).
type SoftwareSignal = Signal;
#[uniffi::remote(Enum)]
pub enum SoftwareSignal {
    Unknown {
        rp_id: String,
        credential_id: Vec<u8>,
    },
    AllAccepted {
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    },
    CurrentUserDetails {
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    },
}

/// A failure or a broken response the software password manager produces on purpose (the
/// testkit's `Fault`), until `set_fault(null)`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SoftwareFault {
    /// The user dismisses the sheet: create and get fail with `Cancelled`.
    Cancel,
    /// Get finds no passkey, as if the password manager were empty.
    NoCredential,
    /// No password manager on the device.
    NoPasswordManager,
    /// The ceremony times out.
    Timeout,
    /// The ceremony is interrupted (app backgrounded).
    Interrupted,
    /// User verification is skipped (UV flag clear): the core and the server must refuse it.
    NoUserVerification,
    /// The ceremony runs from a phishing origin and rp id.
    WrongOrigin,
    /// One bit of the signature (get) or of the public key (create) is flipped.
    TamperSignature,
    /// clientDataJSON carries another challenge than the request's.
    WrongChallenge,
    /// The response's `id` differs from its `rawId`.
    MismatchedRawId,
    /// Get ignores `allowCredentials` and answers with the newest passkey it holds.
    IgnoreAllowList,
    /// Get returns `user_handle` as `userHandle` instead of the credential's own.
    ForeignUserHandle {
        /// The user handle to answer with, raw bytes.
        user_handle: Vec<u8>,
    },
}

/// A software password manager (passkey-rs) holding passkeys in memory. Pass
/// [`SoftwarePasswordManager::as_platform_authenticator`] where a client wants a
/// [`PlatformAuthenticator`].
#[derive(Debug, uniffi::Object)]
pub struct SoftwarePasswordManager {
    inner: SoftPasswordManager,
}

#[uniffi::export]
impl SoftwarePasswordManager {
    /// A password manager whose ceremonies run from `origin`, e.g. `https://bingx.com` (the
    /// relying party's https origin; the rp id must be its host or a parent domain of it).
    #[uniffi::constructor]
    pub fn new(origin: String) -> Result<Arc<Self>, PasskeysError> {
        let origin = url::Url::parse(&origin).map_err(|_| PasskeysError::InvalidConfig {
            detail: "the software password manager's origin is not a valid URL".to_owned(),
        })?;
        Ok(Arc::new(Self {
            inner: SoftPasswordManager::new(origin),
        }))
    }

    /// This password manager as the [`PlatformAuthenticator`] a client is built with.
    pub fn as_platform_authenticator(self: Arc<Self>) -> Arc<dyn PlatformAuthenticator> {
        self
    }

    /// Make the next ceremonies fail or answer with a broken response, until `None`.
    pub fn set_fault(&self, fault: Option<SoftwareFault>) {
        self.inner.set_fault(fault.map(Into::into));
    }

    /// What `capabilities` reports (a ready device by default), e.g. no screen lock.
    pub fn set_capabilities(&self, capabilities: Capabilities) {
        self.inner.set_capabilities(capabilities);
    }

    /// Ids of the passkeys held for `rp_id`, oldest first.
    pub fn credential_ids(&self, rp_id: String) -> Vec<Vec<u8>> {
        self.inner.credential_ids(&rp_id)
    }

    /// Every signal received (unknown credential, all accepted credentials, current user
    /// details), in order.
    pub fn signals(&self) -> Vec<SoftwareSignal> {
        self.inner.signals()
    }
}

#[async_trait::async_trait]
impl PlatformAuthenticator for SoftwarePasswordManager {
    async fn capabilities(&self) -> Result<Capabilities, PlatformAuthenticatorError> {
        Ok(self.inner.capabilities().await)
    }

    async fn create(&self, request: CreateRequest) -> Result<String, PlatformAuthenticatorError> {
        Ok(self.inner.create(request).await?)
    }

    async fn get(&self, request: GetRequest) -> Result<String, PlatformAuthenticatorError> {
        Ok(self.inner.get(request).await?)
    }

    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformAuthenticatorError> {
        let signal = self.inner.signal_unknown_credential(rp_id, credential_id);
        Ok(signal.await?)
    }

    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformAuthenticatorError> {
        let signal = self
            .inner
            .signal_all_accepted_credentials(rp_id, user_id, credential_ids);
        Ok(signal.await?)
    }

    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), PlatformAuthenticatorError> {
        let signal = self
            .inner
            .signal_current_user_details(rp_id, user_id, name, display_name);
        Ok(signal.await?)
    }
}

impl From<SoftwareFault> for Fault {
    fn from(f: SoftwareFault) -> Self {
        match f {
            SoftwareFault::Cancel => Self::Cancel,
            SoftwareFault::NoCredential => Self::NoCredential,
            SoftwareFault::NoPasswordManager => Self::NoPasswordManager,
            SoftwareFault::Timeout => Self::Timeout,
            SoftwareFault::Interrupted => Self::Interrupted,
            SoftwareFault::NoUserVerification => Self::NoUserVerification,
            SoftwareFault::WrongOrigin => Self::WrongOrigin,
            SoftwareFault::TamperSignature => Self::TamperSignature,
            SoftwareFault::WrongChallenge => Self::WrongChallenge,
            SoftwareFault::MismatchedRawId => Self::MismatchedRawId,
            SoftwareFault::IgnoreAllowList => Self::IgnoreAllowList,
            SoftwareFault::ForeignUserHandle { user_handle } => {
                Self::ForeignUserHandle(user_handle)
            }
        }
    }
}
