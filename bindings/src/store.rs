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
//! app and `jni` in the library; the shells already have their platform's keystore in reach, so
//! they back this three-method trait with it and the library stays free of JNI for storage:
//! Android's `KeystoreSecureStore` (AES-256-GCM files in the app's no-backup folder under a
//! non-exportable Android Keystore key), iOS's `KeychainStore` (Keychain generic-password items).
//! An on-device build that prefers the native stores passes
//! `Arc<android_native_keyring_store::Store>` (or the Apple one) to the core's `SecretStore::new`
//! instead of [`ForeignKeystore`]; nothing else changes.
//!
//! Every call into the app's keystore is an FFI callback (30–50 µs through JNA, about ten per
//! Enable: docs/performance.md, "SDK overhead"), so [`ForeignKeystore`] keeps a write-through
//! cache: a value this client read or wrote is served from memory; writes and deletes still go to
//! the app's keystore at once, and one that fails (or overlaps another call on the same name)
//! leaves the name uncached, so the next read asks the keystore again. The cache belongs to one
//! client: a change made to the app's keystore behind its back (another client, another process)
//! is not seen until a new client is made over it — an app holds one client per install. The
//! cached values live in the process's memory, as the core's own copies of them do, and are never
//! printed.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

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
/// `KeystoreSecureStore` (AES-256-GCM files in the app's no-backup folder, the key a
/// non-exportable Android Keystore key), iOS with `KeychainStore` (generic-password items,
/// `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`). Names look like
/// `com.bingx.passkeys/session-token`; treat them as opaque. Calls are synchronous and may come
/// from any thread, several at once. A value that cannot be read back must be an error
/// (`Unreadable`), never `None`: the core fails closed on errors, while `None` means "nothing
/// stored".
#[uniffi::export(foreign)]
pub trait SecureStore: Send + Sync {
    /// The value stored under `name`, or `None`.
    fn get(&self, name: String) -> Result<Option<String>, SecureStoreError>;

    /// Store `value` under `name`, replacing any value there.
    fn set(&self, name: String, value: String) -> Result<(), SecureStoreError>;

    /// Forget `name`; forgetting a name with no value succeeds.
    fn delete(&self, name: String) -> Result<(), SecureStoreError>;
}

/// A foreign [`SecureStore`] as a keyring-core credential store, with a write-through cache in
/// front of it (see the module docs).
pub(crate) struct ForeignKeystore {
    store: Arc<dyn SecureStore>,
    cache: Arc<Cache>,
}

impl ForeignKeystore {
    /// The core's secret store on top of the app's keystore.
    pub(crate) fn secret_store(store: Arc<dyn SecureStore>) -> SecretStore {
        SecretStore::new(Arc::new(Self::new(store)))
    }

    fn new(store: Arc<dyn SecureStore>) -> Self {
        Self {
            store,
            cache: Arc::new(Cache::default()),
        }
    }
}

impl fmt::Debug for ForeignKeystore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForeignKeystore").finish_non_exhaustive()
    }
}

/// What the cache knows of one name.
#[derive(Default)]
struct Slot {
    /// The app keystore's value (`Some(None)`: nothing stored), when known.
    known: Option<Option<String>>,
    /// Calls into the app's keystore on this name not yet returned.
    in_flight: u32,
    /// Two of those calls ran at once: the order the keystore applied them in is unknown, so
    /// none of their results is kept.
    overlapped: bool,
}

/// The write-through cache: name → what the app's keystore holds. Filled only by calls that
/// succeeded and ran alone on their name; a failed or overlapping call forgets the name.
#[derive(Default)]
struct Cache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl Cache {
    fn slots(&self) -> MutexGuard<'_, HashMap<String, Slot>> {
        // A panic while holding the lock leaves the map consistent (every change is one step).
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value of `name`, from memory when known, else from `load` (kept when it succeeds).
    fn read(
        &self,
        name: &str,
        load: impl FnOnce() -> Result<Option<String>, SecureStoreError>,
    ) -> Result<Option<String>, SecureStoreError> {
        {
            let mut slots = self.slots();
            let slot = slots.entry(name.to_owned()).or_default();
            if let Some(known) = &slot.known {
                return Ok(known.clone());
            }
            Self::begin(slot);
        }
        let result = load();
        self.end(name, result.as_ref().ok().cloned());
        result
    }

    /// Run `change` (a write or delete of `name` whose outcome is `after`) through the app's
    /// keystore; keep `after` only when it succeeded.
    fn write(
        &self,
        name: &str,
        after: Option<String>,
        change: impl FnOnce() -> Result<(), SecureStoreError>,
    ) -> Result<(), SecureStoreError> {
        {
            let mut slots = self.slots();
            let slot = slots.entry(name.to_owned()).or_default();
            // From here until the keystore answers, the old value may already be gone.
            slot.known = None;
            Self::begin(slot);
        }
        let result = change();
        self.end(name, result.is_ok().then_some(after));
        result
    }

    fn begin(slot: &mut Slot) {
        if slot.in_flight > 0 {
            slot.overlapped = true;
        }
        slot.in_flight += 1;
    }

    /// A call on `name` returned; `value` is what the keystore holds if it succeeded.
    fn end(&self, name: &str, value: Option<Option<String>>) {
        let mut slots = self.slots();
        let Some(slot) = slots.get_mut(name) else {
            return;
        };
        slot.in_flight -= 1;
        slot.known = match value {
            Some(value) if !slot.overlapped => Some(value),
            _ => None,
        };
        if slot.in_flight == 0 {
            slot.overlapped = false;
            if slot.known.is_none() {
                slots.remove(name);
            }
        }
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
            cache: self.cache.clone(),
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

/// One named value in the app's keystore. Holds the name, never the value (the cache it shares
/// with its store does).
struct ForeignCredential {
    store: Arc<dyn SecureStore>,
    cache: Arc<Cache>,
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
        let name = self.name();
        let value = password.to_owned();
        Ok(self.cache.write(&name, Some(value.clone()), || {
            self.store.set(name.clone(), value)
        })?)
    }

    fn set_secret(&self, secret: &[u8]) -> keyring_core::Result<()> {
        let password = std::str::from_utf8(secret).map_err(|_| {
            keyring_core::Error::Invalid("secret".to_owned(), "not UTF-8".to_owned())
        })?;
        self.set_password(password)
    }

    fn get_password(&self) -> keyring_core::Result<String> {
        let name = self.name();
        self.cache
            .read(&name, || self.store.get(name.clone()))?
            .ok_or(keyring_core::Error::NoEntry)
    }

    fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
        self.get_password().map(String::into_bytes)
    }

    /// Deleting a name with no value succeeds (keyring-core would say `NoEntry`; the core treats
    /// both alike, and this saves a keystore read).
    fn delete_credential(&self) -> keyring_core::Result<()> {
        let name = self.name();
        Ok(self
            .cache
            .write(&name, None, || self.store.delete(name.clone()))?)
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
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::thread;

    use bingx_passkeys_core::SessionToken;
    use bingx_passkeys_core::store::StoreError;

    use super::*;

    const SESSION: &str = "com.bingx.passkeys/session-token";

    /// Which call of the shell to hold up once it has done its work, before it returns.
    #[derive(PartialEq)]
    enum Call {
        Get,
        Set(&'static str),
    }

    /// A held call: the test hears when the call did its work, and says when it may return.
    struct Hold {
        call: Call,
        done: mpsc::Sender<()>,
        release: mpsc::Receiver<()>,
    }

    /// What a shell's keystore does, with a switch to make it fail, a count of the calls it
    /// received (each one an FFI callback on a device) and a way to hold one call up.
    #[derive(Default)]
    struct Shell {
        values: Mutex<HashMap<String, String>>,
        failure: Mutex<Option<SecureStoreError>>,
        calls: AtomicUsize,
        hold: Mutex<Option<Hold>>,
    }

    impl Shell {
        fn fail_next(&self, e: SecureStoreError) {
            *self.failure.lock().unwrap() = Some(e);
        }

        fn check(&self) -> Result<(), SecureStoreError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            self.failure.lock().unwrap().take().map_or(Ok(()), Err)
        }

        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }

        fn value(&self, name: &str) -> Option<String> {
            self.values.lock().unwrap().get(name).cloned()
        }

        /// Hold up the next `call` after its work: returns (did its work, let it return).
        fn hold_after(&self, call: Call) -> (mpsc::Receiver<()>, mpsc::Sender<()>) {
            let (done, did) = mpsc::channel();
            let (may_return, release) = mpsc::channel();
            *self.hold.lock().unwrap() = Some(Hold {
                call,
                done,
                release,
            });
            (did, may_return)
        }

        fn held(&self, call: Call) {
            let mut hold = self.hold.lock().unwrap();
            if hold.as_ref().is_some_and(|h| h.call == call) {
                let h = hold.take().unwrap();
                drop(hold);
                h.done.send(()).unwrap();
                h.release.recv().unwrap();
            }
        }
    }

    impl SecureStore for Shell {
        fn get(&self, name: String) -> Result<Option<String>, SecureStoreError> {
            self.check()?;
            let value = self.value(&name);
            self.held(Call::Get);
            Ok(value)
        }

        fn set(&self, name: String, value: String) -> Result<(), SecureStoreError> {
            self.check()?;
            let held = match value.as_str() {
                "first" => Call::Set("first"),
                _ => Call::Set(""),
            };
            self.values.lock().unwrap().insert(name, value);
            self.held(held);
            Ok(())
        }

        fn delete(&self, name: String) -> Result<(), SecureStoreError> {
            self.check()?;
            self.values.lock().unwrap().remove(&name);
            Ok(())
        }
    }

    fn token(value: &str) -> SessionToken {
        SessionToken::new(value.to_owned())
    }

    #[test]
    fn values_this_client_wrote_or_read_are_served_from_memory() {
        let shell = Arc::new(Shell::default());
        let store = ForeignKeystore::secret_store(shell.clone());
        // Nothing stored: asked once, then known.
        assert_eq!(store.session_token().unwrap(), None);
        assert_eq!(store.session_token().unwrap(), None);
        assert_eq!(shell.calls(), 1);
        // Written: the write goes through at once, the reads stay in memory.
        store.set_session_token(&token("s1")).unwrap();
        assert_eq!(shell.calls(), 2);
        assert_eq!(shell.value(SESSION).as_deref(), Some("s1"));
        for _ in 0..5 {
            assert_eq!(store.session_token().unwrap(), Some(token("s1")));
        }
        assert_eq!(shell.calls(), 2);
        // Deleted: through at once, then known to be gone.
        store.clear_session_token().unwrap();
        assert_eq!(shell.value(SESSION), None);
        assert_eq!(store.session_token().unwrap(), None);
        assert_eq!(shell.calls(), 3);
        // A value another client left: read once, then from memory.
        shell
            .values
            .lock()
            .unwrap()
            .insert("com.bingx.passkeys/account".into(), "acc_1".into());
        let restarted = ForeignKeystore::secret_store(shell.clone());
        assert_eq!(restarted.account().unwrap().as_deref(), Some("acc_1"));
        assert_eq!(restarted.account().unwrap().as_deref(), Some("acc_1"));
        assert_eq!(shell.calls(), 4);
    }

    #[test]
    fn a_failed_write_or_delete_leaves_the_keystore_to_answer() {
        let shell = Arc::new(Shell::default());
        let store = ForeignKeystore::secret_store(shell.clone());
        store.set_session_token(&token("old")).unwrap();
        shell.fail_next(SecureStoreError::Other {
            detail: "disk full".into(),
        });
        assert_eq!(
            store.set_session_token(&token("new")),
            Err(StoreError::Unavailable)
        );
        let calls = shell.calls();
        assert_eq!(store.session_token().unwrap(), Some(token("old")));
        assert_eq!(
            shell.calls(),
            calls + 1,
            "read from the keystore, not memory"
        );

        shell.fail_next(SecureStoreError::Unavailable {
            detail: "locked".into(),
        });
        assert_eq!(store.clear_session_token(), Err(StoreError::Unavailable));
        assert_eq!(store.session_token().unwrap(), Some(token("old")));
    }

    #[test]
    fn a_failed_read_is_not_remembered() {
        let shell = Arc::new(Shell::default());
        shell
            .values
            .lock()
            .unwrap()
            .insert(SESSION.into(), "s1".into());
        let store = ForeignKeystore::secret_store(shell.clone());
        shell.fail_next(SecureStoreError::Unreadable {
            detail: "AEADBadTagException".into(),
        });
        assert_eq!(store.session_token(), Err(StoreError::Corrupt));
        assert_eq!(store.session_token().unwrap(), Some(token("s1")));
    }

    #[test]
    fn overlapping_writes_leave_the_keystore_to_answer() {
        let shell = Arc::new(Shell::default());
        let store = ForeignKeystore::secret_store(shell.clone());
        let (did, may_return) = shell.hold_after(Call::Set("first"));
        thread::scope(|s| {
            let first = s.spawn(|| store.set_session_token(&token("first")));
            did.recv().unwrap();
            // "first" is stored but its call has not returned; "second" replaces it.
            store.set_session_token(&token("second")).unwrap();
            may_return.send(()).unwrap();
            first.join().unwrap().unwrap();
        });
        assert_eq!(shell.value(SESSION).as_deref(), Some("second"));
        assert_eq!(store.session_token().unwrap(), Some(token("second")));
    }

    #[test]
    fn a_read_overlapping_a_write_is_not_remembered() {
        let shell = Arc::new(Shell::default());
        ForeignKeystore::secret_store(shell.clone())
            .set_session_token(&token("old"))
            .unwrap();
        let store = ForeignKeystore::secret_store(shell.clone());
        let (did, may_return) = shell.hold_after(Call::Get);
        thread::scope(|s| {
            let read = s.spawn(|| store.session_token());
            did.recv().unwrap();
            store.set_session_token(&token("new")).unwrap();
            may_return.send(()).unwrap();
            assert_eq!(read.join().unwrap().unwrap(), Some(token("old")));
        });
        assert_eq!(store.session_token().unwrap(), Some(token("new")));
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
        let keystore: Arc<keyring_core::CredentialStore> =
            Arc::new(ForeignKeystore::new(shell.clone()));
        let entry = Entry::new_in_store(&keystore, "com.bingx.passkeys", "session-token").unwrap();
        entry.set_password("s3cr3t-session").unwrap();
        assert_eq!(entry.get_password().unwrap(), "s3cr3t-session");
        let store = SecretStore::new(keystore.clone());
        let printed = format!("{entry:?} {keystore:?} {store:?}");
        assert!(!printed.contains("s3cr3t"), "{printed}");
        assert!(printed.contains("session-token"), "{printed}");
    }
}
