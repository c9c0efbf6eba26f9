//! Managing passkeys (BRIEF §2 J5): rename, add another, delete, turn the requirement off, and
//! the account's security activity. Every change asks for the user's passkey first (the server
//! binds that verification to the one change), so each method below shows the passkey sheet.

use std::fmt;
use std::sync::Arc;

use bingx_passkeys_core as passkeys_core;

use crate::account::{PasskeyInfo, Policy, SecurityEvent};
use crate::client::PasskeysClient;
use crate::enable::EnableOutcome;
use crate::error::PasskeysError;

/// What a passkey verification is for: the server binds the proof to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Purpose {
    /// Add another passkey while passkeys are required.
    AddPasskey,
    /// Rename a passkey.
    RenamePasskey,
    /// Delete a passkey.
    DeletePasskey,
    /// Turn the passkey requirement off.
    DisablePasskeys,
    /// Change a security setting.
    SecuritySettings,
}

/// A fresh passkey verification the server accepts once, for the purpose or scenario (and
/// parameters) it was made for. An object rather than a record, so that Kotlin's data-class
/// `toString()` and Swift's default description can never print the proof (BRIEF §5 #17).
#[derive(Clone, PartialEq, Eq, uniffi::Object)]
pub struct PasskeyProof {
    proof: String,
    expires_in_secs: u64,
}

#[uniffi::export]
impl PasskeyProof {
    /// The proof itself: a secret that goes only into the request of the operation it approves.
    /// Never log, display or store it.
    pub fn proof(&self) -> String {
        self.proof.clone()
    }

    /// Seconds it stays valid.
    pub fn expires_in_secs(&self) -> u64 {
        self.expires_in_secs
    }
}

/// Never the proof (BRIEF §5 #17).
impl fmt::Debug for PasskeyProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasskeyProof")
            .field("proof", &"<redacted>")
            .field("expires_in_secs", &self.expires_in_secs)
            .finish()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl PasskeysClient {
    /// Verify with a passkey for `purpose` and return the proof, for an account action the app
    /// sends itself (e.g. a security-setting change).
    pub async fn verify_with_passkey(
        &self,
        purpose: Purpose,
    ) -> Result<Arc<PasskeyProof>, PasskeysError> {
        Ok(Arc::new(
            self.inner.verify_with_passkey(purpose.into()).await?.into(),
        ))
    }

    /// Rename a passkey (after a passkey verification). Returns the Passkeys page.
    pub async fn rename_passkey(
        &self,
        credential_id: Vec<u8>,
        name: String,
    ) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        let passkeys = self.inner.rename_passkey(&credential_id, &name).await?;
        Ok(passkeys.into_iter().map(Into::into).collect())
    }

    /// Delete a passkey (after a passkey verification) and tell the password manager. Fails
    /// with [`PasskeysError::LastPasskey`], before any sheet, for the last passkey while
    /// passkeys are required. Returns the Passkeys page.
    pub async fn delete_passkey(
        &self,
        credential_id: Vec<u8>,
    ) -> Result<Vec<PasskeyInfo>, PasskeysError> {
        let passkeys = self.inner.delete_passkey(&credential_id).await?;
        Ok(passkeys.into_iter().map(Into::into).collect())
    }

    /// Add another passkey while passkeys are required (after a verification with an existing
    /// one). A passkey whose result did not reach the server is sent first, never created twice.
    pub async fn add_passkey(&self, name: Option<String>) -> Result<EnableOutcome, PasskeysError> {
        Ok(self.inner.add_passkey(name.as_deref()).await?.into())
    }

    /// Turn "Must verify using passkeys" off (after a passkey verification). H5 and third-party
    /// login open again; the passkeys stay. Returns the new policy.
    pub async fn disable_passkey_requirement(&self) -> Result<Policy, PasskeysError> {
        Ok(self.inner.disable_passkey_requirement().await?.into())
    }

    /// The account's recent security activity, newest first.
    pub async fn security_events(&self) -> Result<Vec<SecurityEvent>, PasskeysError> {
        let events = self.inner.security_events().await?;
        Ok(events.into_iter().map(Into::into).collect())
    }
}

impl From<Purpose> for passkeys_core::Purpose {
    fn from(purpose: Purpose) -> Self {
        match purpose {
            Purpose::AddPasskey => Self::AddPasskey,
            Purpose::RenamePasskey => Self::RenamePasskey,
            Purpose::DeletePasskey => Self::DeletePasskey,
            Purpose::DisablePasskeys => Self::DisablePasskeys,
            Purpose::SecuritySettings => Self::SecuritySettings,
        }
    }
}

impl From<passkeys_core::Proof> for PasskeyProof {
    fn from(p: passkeys_core::Proof) -> Self {
        Self {
            proof: p.token.expose_secret().to_owned(),
            expires_in_secs: p.expires_in_secs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proof_never_prints() {
        let proof = PasskeyProof {
            proof: "s3cr3t-proof".to_owned(),
            expires_in_secs: 300,
        };
        let printed = format!("{proof:?}");
        assert!(!printed.contains("s3cr3t"), "{printed}");
        assert!(printed.contains("300"));
    }
}
