//! The keystore across the FFI (BRIEF §3): the foreign trait a shell implements to keep the
//! library's secrets (session token, cached signed policy, a registration not yet confirmed), and
//! the adapter that makes it a keyring-core credential store, the kind the core keeps its secrets
//! in.
//!
//! Why a foreign trait by default: keyring-core's native stores also run on devices
//! (`android-native-keyring-store` 1.0: SharedPreferences + Android Keystore;
//! `apple-native-keyring-store` 1.0.3 with its `protected` feature, the data-protection Keychain —
//! its `keychain` feature is macOS's legacy keychain and ignored on iOS). The Android one needs
//! the app's JNI context handed to `ndk-context` before first use, an extra init step in the
//! app and `jni` in the library; the shells already have their platform's keystore in reach
//! (EncryptedSharedPreferences over the Android Keystore, the Keychain), so they back this
//! three-method trait with it and the library stays free of JNI. An on-device build that prefers
//! the native stores passes `Arc<android_native_keyring_store::Store>` (or the Apple one) to the
//! core's `SecretStore::new` instead of [`ForeignKeystore`]; nothing else changes.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use bingx_passkeys_core::SecretStore;
use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{Credential, CredentialPersistence, Entry};

/// How the app's keystore failed. Kotlin sees `SecureStoreException`. `detail` is the
/// platform's own words, and must never contain a stored value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum SecureStoreError {
    /// The keystore is locked or refused access (device locked, Keychain unavailable before
    /// first unlock…).
    #[error("keystore unavailable: {detail}")]
    Unavailable {
        /// The platform's own words.
        detail: String,
    },
    /// A stored value cannot be read back (e.g. its Android Keystore key was lost after a
    /// screen-lock reset, `AEADBadTagException`).
    #[error("keystore value unreadable: {detail}")]
    Unreadable {
        /// The platform's own words.
        detail: String,
    },
    /// Anything else.
    #[error("keystore failed: {detail}")]
    Other {
        /// The platform's own words.
        detail: String,
    },
}

/// A foreign implementation threw something it did not declare (a bug in the shell).
impl From<uniffi::UnexpectedUniFFICallbackError> for SecureStoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Other { detail: e.reason }
    }
}

/// The app's keystore, as the shell implements it: strings by name. Android backs it with
/// EncryptedSharedPreferences (keys in the Android Keystore), iOS with Keychain generic-password
/// items (`kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`). Names look like
/// `com.bingx.passkeys/session-token`; treat them as opaque. Calls are synchronous and may come
/// from any thread.
#[uniffi::export(foreign)]
pub trait SecureStore: Send + Sync {
    /// The value stored under `name`, or `None`.
    fn get(&self, name: String) -> Result<Option<String>, SecureStoreError>;

    /// Store `value` under `name`, replacing any value there.
    fn set(&self, name: String, value: String) -> Result<(), SecureStoreError>;

    /// Forget `name`; forgetting a name with no value succeeds.
    fn delete(&self, name: String) -> Result<(), SecureStoreError>;
}

/// A foreign [`SecureStore`] as a keyring-core credential store.
pub(crate) struct ForeignKeystore {
    store: Arc<dyn SecureStore>,
}

impl ForeignKeystore {
    /// The core's secret store on top of the app's keystore.
    pub(crate) fn secret_store(store: Arc<dyn SecureStore>) -> SecretStore {
        SecretStore::new(Arc::new(Self { store }))
    }
}

impl fmt::Debug for ForeignKeystore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForeignKeystore").finish_non_exhaustive()
    }
}

impl CredentialStoreApi for ForeignKeystore {
    fn vendor(&self) -> String {
        "BingX Passkeys app keystore (SecureStore)".to_owned()
    }

    fn id(&self) -> String {
        "bingx-passkeys-secure-store".to_owned()
    }

    fn build(
        &self,
        service: &str,
        user: &str,
        modifiers: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        if modifiers.is_some_and(|m| !m.is_empty()) {
            return Err(keyring_core::Error::NotSupportedByStore(
                "the app keystore takes no entry modifiers".to_owned(),
            ));
        }
        Ok(Entry::new_with_credential(Arc::new(ForeignCredential {
            store: self.store.clone(),
            service: service.to_owned(),
            user: user.to_owned(),
        })))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn persistence(&self) -> CredentialPersistence {
        CredentialPersistence::UntilDelete
    }

    fn debug_fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// One named value in the app's keystore. Holds the name, never the value.
struct ForeignCredential {
    store: Arc<dyn SecureStore>,
    service: String,
    user: String,
}

impl ForeignCredential {
    fn name(&self) -> String {
        format!("{}/{}", self.service, self.user)
    }
}

impl fmt::Debug for ForeignCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForeignCredential")
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
}

impl CredentialApi for ForeignCredential {
    fn set_password(&self, password: &str) -> keyring_core::Result<()> {
        Ok(self.store.set(self.name(), password.to_owned())?)
    }

    fn set_secret(&self, secret: &[u8]) -> keyring_core::Result<()> {
        let password = std::str::from_utf8(secret).map_err(|_| {
            keyring_core::Error::Invalid("secret".to_owned(), "not UTF-8".to_owned())
        })?;
        self.set_password(password)
    }

    fn get_password(&self) -> keyring_core::Result<String> {
        self.store
            .get(self.name())?
            .ok_or(keyring_core::Error::NoEntry)
    }

    fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
        self.get_password().map(String::into_bytes)
    }

    /// Deleting a name with no value succeeds (keyring-core would say `NoEntry`; the core treats
    /// both alike, and this saves a keystore read).
    fn delete_credential(&self) -> keyring_core::Result<()> {
        Ok(self.store.delete(self.name())?)
    }

    fn get_credential(&self) -> keyring_core::Result<Option<Arc<Credential>>> {
        self.get_password().map(|_| None)
    }

    fn get_specifiers(&self) -> Option<(String, String)> {
        Some((self.service.clone(), self.user.clone()))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn debug_fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The core sees keystore failures as keyring-core errors, which it turns into its own
/// `StoreError` without keeping any detail.
impl From<SecureStoreError> for keyring_core::Error {
    fn from(e: SecureStoreError) -> Self {
        match e {
            SecureStoreError::Unavailable { .. } => Self::NoStorageAccess(Box::new(e)),
            SecureStoreError::Unreadable { .. } => Self::BadDataFormat(Vec::new(), Box::new(e)),
            SecureStoreError::Other { .. } => Self::PlatformFailure(Box::new(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use bingx_passkeys_core::SessionToken;
    use bingx_passkeys_core::store::StoreError;

    use super::*;

    /// What a shell's keystore does, with a switch to make it fail.
    #[derive(Default)]
    struct Shell {
        values: Mutex<HashMap<String, String>>,
        failure: Mutex<Option<SecureStoreError>>,
    }

    impl Shell {
        fn fail_next(&self, e: SecureStoreError) {
            *self.failure.lock().unwrap() = Some(e);
        }

        fn check(&self) -> Result<(), SecureStoreError> {
            self.failure.lock().unwrap().take().map_or(Ok(()), Err)
        }
    }

    impl SecureStore for Shell {
        fn get(&self, name: String) -> Result<Option<String>, SecureStoreError> {
            self.check()?;
            Ok(self.values.lock().unwrap().get(&name).cloned())
        }

        fn set(&self, name: String, value: String) -> Result<(), SecureStoreError> {
            self.check()?;
            self.values.lock().unwrap().insert(name, value);
            Ok(())
        }

        fn delete(&self, name: String) -> Result<(), SecureStoreError> {
            self.check()?;
            self.values.lock().unwrap().remove(&name);
            Ok(())
        }
    }

    #[test]
    fn values_round_trip_through_the_app_keystore() {
        let shell = Arc::new(Shell::default());
        let store = ForeignKeystore::secret_store(shell.clone());
        assert_eq!(store.session_token().unwrap(), None);
        let token = SessionToken::new("s3cr3t-session".to_owned());
        store.set_session_token(&token).unwrap();
        store.set_policy("acc_1", "{\"payload\":\"…\"}").unwrap();
        assert_eq!(store.session_token().unwrap(), Some(token));
        assert_eq!(
            store.policy("acc_1").unwrap().as_deref(),
            Some("{\"payload\":\"…\"}")
        );
        assert_eq!(
            shell
                .values
                .lock()
                .unwrap()
                .get("com.bingx.passkeys/session-token"),
            Some(&"s3cr3t-session".to_owned())
        );
        store.clear_session_token().unwrap();
        store.clear_session_token().unwrap();
        assert_eq!(store.session_token().unwrap(), None);
    }

    #[test]
    fn foreign_failures_become_the_cores_store_errors() {
        let shell = Arc::new(Shell::default());
        let store = ForeignKeystore::secret_store(shell.clone());
        for (failure, expected) in [
            (
                SecureStoreError::Unavailable {
                    detail: "locked".into(),
                },
                StoreError::Unavailable,
            ),
            (
                SecureStoreError::Unreadable {
                    detail: "AEADBadTagException".into(),
                },
                StoreError::Corrupt,
            ),
            (
                SecureStoreError::Other {
                    detail: "disk full".into(),
                },
                StoreError::Unavailable,
            ),
            (
                uniffi::UnexpectedUniFFICallbackError::new("boom").into(),
                StoreError::Unavailable,
            ),
        ] {
            shell.fail_next(failure.clone());
            assert_eq!(store.session_token(), Err(expected.clone()), "{failure:?}");
            shell.fail_next(failure);
            let written = store.set_session_token(&SessionToken::new("t".into()));
            assert_eq!(written, Err(expected));
        }
    }

    #[test]
    fn nothing_secret_in_debug() {
        let shell = Arc::new(Shell::default());
        let keystore: Arc<keyring_core::CredentialStore> = Arc::new(ForeignKeystore {
            store: shell.clone(),
        });
        let entry = Entry::new_in_store(&keystore, "com.bingx.passkeys", "session-token").unwrap();
        entry.set_password("s3cr3t-session").unwrap();
        assert_eq!(entry.get_password().unwrap(), "s3cr3t-session");
        let store = SecretStore::new(keystore.clone());
        let printed = format!("{entry:?} {keystore:?} {store:?}");
        assert!(!printed.contains("s3cr3t"), "{printed}");
        assert!(printed.contains("session-token"), "{printed}");
    }
}
