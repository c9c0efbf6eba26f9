//! Secrets across the FFI, one object per kind: their value is read only by an explicit call, and
//! their `toString`/`description` never shows it (BRIEF §5 #17).

use std::fmt;
use std::sync::Arc;

use bingx_passkeys_core as core;

/// A "trust this device" mark. Keep it in the app's keystore; pass it at the next password
/// sign-in. Never enough for an account that requires passkeys.
#[derive(uniffi::Object)]
pub struct TrustToken(pub(crate) core::TrustToken);

impl fmt::Debug for TrustToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl TrustToken {
    /// The mark the app kept in its keystore.
    #[uniffi::constructor]
    pub fn from_stored(value: String) -> Arc<Self> {
        Arc::new(Self(core::TrustToken::new(value)))
    }

    /// The value, to store in the app's keystore. Never log or display it.
    pub fn expose_secret(&self) -> String {
        self.0.expose_secret().to_owned()
    }
}

/// A password sign-in waiting for its second step: pass it back to `SignIn.completeWithCode` or
/// `SignIn.completeWithPasskey`. Whoever holds it and the code finishes the sign-in, so it has no
/// value to read, and its `toString`/`description` shows nothing of it.
#[derive(uniffi::Object)]
pub struct LoginId(pub(crate) core::LoginId);

impl fmt::Debug for LoginId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A fresh passkey verification for one purpose or one scenario: the app sends [`Self::proof`]
/// with the operation (e.g. a withdrawal); the server accepts it once.
#[derive(uniffi::Object)]
pub struct PasskeyProof(pub(crate) core::PasskeyProof);

impl fmt::Debug for PasskeyProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl PasskeyProof {
    /// The proof, for the operation's request. Never log or display it.
    pub fn proof(&self) -> String {
        self.0.token.expose_secret().to_owned()
    }

    /// Seconds it stays valid from when it was issued.
    pub fn expires_in_secs(&self) -> u64 {
        self.0.expires_in_secs
    }
}
