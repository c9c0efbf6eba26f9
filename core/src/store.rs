//! Secrets on the device (BRIEF §3): the session token, the remembered account, a pending
//! registration and the token of a support reset this device asked for live in the platform keystore through keyring-core. On Android and iOS the shells
//! install keyring-core's native stores; tests use keyring-core's mock store.

use std::fmt;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use crate::error::PasskeysError;
use crate::secret::{InstallKey, ResetToken, SessionToken};

const SERVICE: &str = "com.bingx.passkeys";
const SESSION_TOKEN: &str = "session-token";
const ACCOUNT: &str = "account";
const ACCOUNT_EMAIL: &str = "account-email";
const PENDING_REGISTRATION: &str = "pending-registration";
const RESET_TOKEN: &str = "reset-token";
const INSTALL_KEY: &str = "install-key";
const POLICY_PREFIX: &str = "policy:";
const FLAGGED_PREFIX: &str = "flagged:";

/// The keystore failed. Never carries the stored value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The keystore is locked or refused access.
    #[error("the device keystore could not be opened")]
    Unavailable,
    /// The stored value is unreadable.
    #[error("a value in the device keystore is unreadable")]
    Corrupt,
}

impl From<keyring_core::Error> for StoreError {
    fn from(e: keyring_core::Error) -> Self {
        // Never keep keyring's error: some variants carry the stored bytes.
        match e {
            keyring_core::Error::BadEncoding(_) | keyring_core::Error::BadDataFormat(..) => {
                Self::Corrupt
            }
            _ => Self::Unavailable,
        }
    }
}

impl From<StoreError> for PasskeysError {
    fn from(e: StoreError) -> Self {
        Self::KeystoreFailed {
            retryable: e == StoreError::Unavailable,
        }
    }
}

/// The secrets the core keeps, on top of one keyring-core credential store.
#[derive(Clone)]
pub struct SecretStore {
    store: Arc<CredentialStore>,
}

impl fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretStore")
            .field("vendor", &self.store.vendor())
            .finish()
    }
}

impl SecretStore {
    /// Use this keyring-core store (the platform's native store on devices).
    pub fn new(store: Arc<CredentialStore>) -> Self {
        Self { store }
    }

    /// A store that lives in memory only (keyring-core's mock store), for tests and the demo.
    pub fn in_memory() -> Result<Self, StoreError> {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new()?;
        Ok(Self { store })
    }

    fn entry(&self, name: &str) -> Result<Entry, StoreError> {
        Ok(Entry::new_in_store(&self.store, SERVICE, name)?)
    }

    fn get(&self, name: &str) -> Result<Option<String>, StoreError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), StoreError> {
        Ok(self.entry(name)?.set_password(value)?)
    }

    fn delete(&self, name: &str) -> Result<(), StoreError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The signed-in session, if any. A stored value no server hands out (not 1 to 4,096 visible
    /// ASCII characters: a damaged entry, a store that changed it) can never authorise a request,
    /// so it is dropped here, as a revoked session is, and the device is signed out.
    pub fn session_token(&self) -> Result<Option<SessionToken>, StoreError> {
        match self.get(SESSION_TOKEN)? {
            Some(value) if crate::secret::is_session_token(&value) => {
                Ok(Some(SessionToken::new(value)))
            }
            Some(_) => {
                self.delete(SESSION_TOKEN)?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// Keep the session of a sign-in.
    pub fn set_session_token(&self, token: &SessionToken) -> Result<(), StoreError> {
        self.set(SESSION_TOKEN, token.expose_secret())
    }

    /// Forget the session (sign-out, or the server revoked it).
    pub fn clear_session_token(&self) -> Result<(), StoreError> {
        self.delete(SESSION_TOKEN)
    }

    /// This install's key ([`InstallKey`]), made and kept at the first call: 32 random bytes,
    /// base64url. A stored value that is not one, or that cannot be read (a damaged entry, one
    /// restored from another phone's backup), is replaced. `Err` when the keystore cannot be
    /// opened or keep it (the caller then sends none: the server treats the device as one the
    /// account has not signed in from).
    pub(crate) fn install_key(&self) -> Result<InstallKey, StoreError> {
        let stored = match self.get(INSTALL_KEY) {
            Err(StoreError::Corrupt) => None,
            other => other?,
        };
        if let Some(value) = stored
            && value.len() == 43
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Ok(InstallKey::new(value));
        }
        let mut bytes = [0u8; 32];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
            .map_err(|_| StoreError::Unavailable)?;
        let value = crate::encoding::base64url::encode(&bytes);
        self.set(INSTALL_KEY, &value)?;
        Ok(InstallKey::new(value))
    }

    /// The remembered account (its server id), if any.
    pub fn account(&self) -> Result<Option<String>, StoreError> {
        self.get(ACCOUNT)
    }

    /// Remember the signed-in account.
    pub fn set_account(&self, account_id: &str) -> Result<(), StoreError> {
        self.set(ACCOUNT, account_id)
    }

    /// The remembered account's email, if any.
    pub fn account_email(&self) -> Result<Option<String>, StoreError> {
        self.get(ACCOUNT_EMAIL)
    }

    /// Remember the signed-in account's email.
    pub fn set_account_email(&self, email: &str) -> Result<(), StoreError> {
        self.set(ACCOUNT_EMAIL, email)
    }

    /// Forget the remembered email (a sign-in as another account that named none).
    pub fn clear_account_email(&self) -> Result<(), StoreError> {
        self.delete(ACCOUNT_EMAIL)
    }

    /// The cached, server-signed policy of `account_id` (JSON of the signed blob).
    pub fn policy(&self, account_id: &str) -> Result<Option<String>, StoreError> {
        self.get(&format!("{POLICY_PREFIX}{account_id}"))
    }

    /// Cache the server-signed policy of `account_id`.
    pub fn set_policy(&self, account_id: &str, signed: &str) -> Result<(), StoreError> {
        self.set(&format!("{POLICY_PREFIX}{account_id}"), signed)
    }

    /// Whether the device saw `account_id` flagged (passkeys required) and no verified policy
    /// since said otherwise.
    pub fn is_flagged(&self, account_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .get(&format!("{FLAGGED_PREFIX}{account_id}"))?
            .is_some())
    }

    /// Mark `account_id` as flagged, or clear the mark.
    pub fn set_flagged(&self, account_id: &str, flagged: bool) -> Result<(), StoreError> {
        let name = format!("{FLAGGED_PREFIX}{account_id}");
        if flagged {
            self.set(&name, "1")
        } else {
            self.delete(&name)
        }
    }

    /// A registration the platform finished but the server may not have stored yet.
    pub fn pending_registration(&self) -> Result<Option<String>, StoreError> {
        self.get(PENDING_REGISTRATION)
    }

    /// Keep a finished ceremony until the server confirms it (survives a crash).
    pub fn set_pending_registration(&self, value: &str) -> Result<(), StoreError> {
        self.set(PENDING_REGISTRATION, value)
    }

    /// The server confirmed or refused the pending registration: forget it.
    pub fn clear_pending_registration(&self) -> Result<(), StoreError> {
        self.delete(PENDING_REGISTRATION)
    }

    /// The token of the support reset this device asked for, if any.
    pub fn reset_token(&self) -> Result<Option<ResetToken>, StoreError> {
        Ok(self.get(RESET_TOKEN)?.map(ResetToken::new))
    }

    /// Keep the token of a support reset this device asked for (the newest one replaces it).
    pub fn set_reset_token(&self, token: &ResetToken) -> Result<(), StoreError> {
        self.set(RESET_TOKEN, token.expose_secret())
    }

    /// Forget the reset token (the server no longer knows it, or the app is done with it).
    pub fn clear_reset_token(&self) -> Result<(), StoreError> {
        self.delete(RESET_TOKEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_token_round_trips_and_never_prints() {
        let store = SecretStore::in_memory().unwrap();
        assert_eq!(store.session_token().unwrap(), None);
        let token = SessionToken::new("s3cr3t-token-value".into());
        store.set_session_token(&token).unwrap();
        assert_eq!(store.session_token().unwrap(), Some(token.clone()));
        assert!(!format!("{token:?} {store:?}").contains("s3cr3t"));
        store.clear_session_token().unwrap();
        store.clear_session_token().unwrap();
        assert_eq!(store.session_token().unwrap(), None);
    }

    #[test]
    fn the_install_key_is_made_once_kept_and_a_damaged_one_replaced() {
        let store = SecretStore::in_memory().unwrap();
        let key = store.install_key().unwrap();
        assert_eq!(key.expose_secret().len(), 43, "32 random bytes, base64url");
        assert_eq!(
            store.install_key().unwrap(),
            key,
            "the same key on every call"
        );
        assert!(!format!("{key:?}").contains(key.expose_secret()));
        let other = SecretStore::in_memory().unwrap().install_key().unwrap();
        assert_ne!(other, key, "each install its own");
        for damaged in ["short", "a b", &"x".repeat(44)] {
            store.set(INSTALL_KEY, damaged).unwrap();
            let replaced = store.install_key().unwrap();
            assert_ne!(replaced.expose_secret(), damaged);
            assert_eq!(replaced.expose_secret().len(), 43);
            assert_eq!(store.install_key().unwrap(), replaced);
        }
        // An entry the keystore cannot read (restored from another phone's backup) is replaced
        // too, rather than leaving the install without a key for good.
        let before = store.install_key().unwrap();
        store
            .entry(INSTALL_KEY)
            .unwrap()
            .as_any()
            .downcast_ref::<keyring_core::mock::Cred>()
            .expect("the in-memory store's entry")
            .set_error(keyring_core::Error::BadEncoding(vec![0xff]));
        let after = store.install_key().unwrap();
        assert_ne!(after, before);
        assert_eq!(store.install_key().unwrap(), after);
    }

    #[test]
    fn a_stored_session_no_server_hands_out_is_dropped_as_a_revoked_one() {
        // A damaged entry (a newline, a control byte, nothing, far too long) would make every
        // request fail before it is sent, as if the network were down, for good.
        for damaged in [
            "abc\ndef".to_owned(),
            "abc\0".to_owned(),
            "tab\tbed".to_owned(),
            String::new(),
            "é".to_owned(),
            "t".repeat(4097),
        ] {
            let store = SecretStore::in_memory().unwrap();
            store.set(SESSION_TOKEN, &damaged).unwrap();
            assert_eq!(store.session_token().unwrap(), None, "{damaged:?}");
            assert_eq!(
                store.get(SESSION_TOKEN).unwrap(),
                None,
                "dropped: {damaged:?}"
            );
        }
        let store = SecretStore::in_memory().unwrap();
        let longest = "t".repeat(4096);
        store.set(SESSION_TOKEN, &longest).unwrap();
        assert_eq!(
            store.session_token().unwrap(),
            Some(SessionToken::new(longest))
        );
    }

    #[test]
    fn reset_token_round_trips_and_never_prints() {
        let store = SecretStore::in_memory().unwrap();
        assert_eq!(store.reset_token().unwrap(), None);
        let token = ResetToken::new("s3cr3t-reset-token".into());
        store.set_reset_token(&token).unwrap();
        assert_eq!(store.reset_token().unwrap(), Some(token.clone()));
        // Kept apart from the session: signing out does not lose the reset.
        store.clear_session_token().unwrap();
        assert_eq!(store.reset_token().unwrap(), Some(token.clone()));
        assert!(!format!("{token:?} {store:?}").contains("s3cr3t"));
        store.clear_reset_token().unwrap();
        store.clear_reset_token().unwrap();
        assert_eq!(store.reset_token().unwrap(), None);
    }

    #[test]
    fn keyring_errors_do_not_carry_values() {
        let e: StoreError = keyring_core::Error::BadEncoding(b"s3cr3t".to_vec()).into();
        assert_eq!(e, StoreError::Corrupt);
        assert!(!format!("{e:?} {e}").contains("s3cr3t"));
    }
}
