//! The account's policy on the device (BRIEF §5 #2, #14): a cache of the policy the server signed,
//! kept in the keystore, so the core can refuse blocked login paths before any request — offline
//! too — and fail closed when the cache is unreadable, tampered with, or missing for an account
//! known to be flagged. The server stays the authority: the cache only ever refuses more.

use crate::encoding::base64url;
use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};

use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::PasskeysError;
use crate::http::PolicyNonce;
use crate::store::SecretStore;
use crate::vocabulary::{LoginPath, Scenario};
use crate::wire::{Policy, SignedPolicy};

/// Check a server signature over a policy and read it.
fn verify(signed: &SignedPolicy, key: &[u8]) -> Option<Policy> {
    let payload = base64url::decode(&signed.payload)?;
    let signature = base64url::decode(&signed.signature)?;
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, key)
        .verify(&payload, &signature)
        .ok()?;
    serde_json::from_slice(&payload).ok()
}

/// The members of a signed payload that tie it to a request and an account, not part of
/// [`Policy`]: the echo of the request's [`PolicyNonce`] (only a lift and a sign-in read it),
/// and the account's email (only a sign-in reads it).
#[derive(serde::Deserialize)]
struct Echo {
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

/// The email a signed payload names, unchecked (the caller verified the signature).
fn signed_email(signed: &SignedPolicy) -> Option<String> {
    let payload = base64url::decode(&signed.payload)?;
    serde_json::from_slice::<Echo>(&payload).ok()?.email
}

/// [`verify`], for a policy that would lift the requirement: its signed payload must also echo
/// `asked`, the nonce of the request it answers. A lift the server signed for any other request
/// (or for none) is not fresh: a replay.
fn verify_fresh(signed: &SignedPolicy, key: &[u8], asked: Option<&PolicyNonce>) -> Option<Policy> {
    let asked = asked?;
    let policy = verify(signed, key)?;
    let payload = base64url::decode(&signed.payload)?;
    let echo: Echo = serde_json::from_slice(&payload).ok()?;
    (echo.nonce.as_deref() == Some(asked.as_str())).then_some(policy)
}

/// Do `a` and `b` name the same account? As a server compares them: surrounding whitespace and
/// case (Unicode, not ASCII only) do not count, so a differently typed email cannot step around
/// the device's checks of the remembered account.
pub(crate) fn same_email(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// What a signed policy says, without checking the signature: what the device keeps in memory of
/// a "requires passkeys" answer (the keystore copy, the same payload, is verified when next read).
fn payload_unchecked(signed: &SignedPolicy) -> Option<Policy> {
    serde_json::from_slice(&base64url::decode(&signed.payload)?).ok()
}

/// Read a keystore copy (a [`SignedPolicy`] as JSON) and verify it against `key`.
fn read_blob(blob: &str, key: &[u8]) -> Option<Policy> {
    let signed: SignedPolicy = serde_json::from_slice(blob.as_bytes()).ok()?;
    verify(&signed, key)
}

/// What a keystore copy says, without checking its signature (`None`: not a copy at all).
fn read_blob_unchecked(blob: &str) -> Option<Policy> {
    let signed: SignedPolicy = serde_json::from_slice(blob.as_bytes()).ok()?;
    payload_unchecked(&signed)
}

/// For the fuzz targets in `fuzz/` and the CPU benchmark only, not part of the API: the reading
/// and verification of a keystore copy of the policy, exactly as a client start does it (before
/// the account checks): the same function, not a copy.
#[doc(hidden)]
pub fn read_stored_policy(blob: &str, key: &[u8]) -> Option<Policy> {
    read_blob(blob, key)
}

fn blob(signed: &SignedPolicy) -> Result<String, PasskeysError> {
    serde_json::to_string(signed).map_err(|_| PasskeysError::PolicyUnavailable)
}

/// The device's copy of the policy in memory: the last policy the server sent in this session,
/// or the keystore copy read and verified once (a signature check costs ~50 µs; a policy check
/// across the FFI must cost a few). A sign-in drops it, so the next check reads and verifies the
/// keystore again. A broken keystore copy is never memoised: every check fails closed until it is
/// repaired.
#[derive(Debug, Default)]
pub(crate) struct PolicyMemo(Option<Option<Policy>>);

/// The account's policy on the device: the keystore copy, verified against the pinned key, and
/// its memo. Cheap to clone (the memo and the turn are shared).
#[derive(Clone)]
pub(crate) struct PolicyCache {
    store: SecretStore,
    key: Option<Arc<[u8]>>,
    memo: Arc<Mutex<PolicyMemo>>,
    /// Held by every change of what the device keeps about the policy (read the copy, verify,
    /// write the copy and the mark, set the memo) and by a sign-in switching the remembered
    /// account: two answers kept at once (a Passkeys page refresh beside an Enable) would
    /// otherwise each compare with the copy before the other wrote, and an older lift could
    /// overwrite a newer "requires passkeys" and delete its mark.
    turn: Arc<Mutex<()>>,
}

impl PolicyCache {
    /// The cache over `store`, verifying with the pinned `key`.
    pub(crate) fn new(store: SecretStore, key: Option<Vec<u8>>) -> Self {
        Self {
            store,
            key: key.map(Arc::from),
            memo: Arc::new(Mutex::new(PolicyMemo::default())),
            turn: Arc::new(Mutex::new(())),
        }
    }

    /// The turn of changes to what the device keeps (see the field); a sign-in holds it while it
    /// switches the remembered account. Never held while waiting for anything but the keystore.
    pub(crate) fn turn(&self) -> MutexGuard<'_, ()> {
        self.turn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn memo(&self) -> MutexGuard<'_, PolicyMemo> {
        self.memo.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keep what a server answer says about the account's policy.
    ///
    /// A policy that requires passkeys makes the device stricter: the account is marked first
    /// (so a copy that then fails to be written leaves the device stricter, never laxer), and its
    /// signed payload becomes the keystore copy without a signature check here — unless it is
    /// older than the copy already kept (a replayed answer, which would bring back paths or
    /// scenarios a later version closed), or names another account or no requirement. With a
    /// pinned key nothing unverified is held in memory: the next check reads and verifies the
    /// keystore copy, where a bad one fails closed, so an answer's other members (or a forged
    /// payload) never relax the device's checks. A policy that lifts the
    /// requirement changes the device only when its signature verifies against the pinned key
    /// (BRIEF §5 #14), its signed payload echoes `asked` — the nonce of the request this answer
    /// answers — and it is newer than the verified keystore copy: an older signed "not
    /// required" (an answer that was in flight while Enable committed), or one signed for
    /// another request (a replay, however new its version), changes nothing.
    pub(crate) fn remember(
        &self,
        policy: &Policy,
        asked: Option<&PolicyNonce>,
    ) -> Result<(), PasskeysError> {
        let _turn = self.turn();
        self.remember_in_turn(policy, asked)
    }

    /// [`PolicyCache::remember`], the turn held by the caller.
    fn remember_in_turn(
        &self,
        policy: &Policy,
        asked: Option<&PolicyNonce>,
    ) -> Result<(), PasskeysError> {
        let store = &self.store;
        let account = &policy.account_id;
        // Nothing held in memory survives a write that fails half-way: the next check reads the
        // keystore, where a mark written without its copy fails closed. Otherwise a policy held
        // before (the requirement off) would go on answering after the mark went on.
        self.memo().0 = None;
        // What is held in memory: for a signed answer, its signed payload (never the outer
        // members, which no signature covers); `None` when the payload does not say the same.
        let mut held = Some(policy.clone());
        let kept = if policy.passkey_required {
            store.set_flagged(account, true)?;
            if let Some(signed) = &policy.signed {
                held = payload_unchecked(signed)
                    .filter(|p| p.account_id == *account && p.passkey_required)
                    .map(|p| Policy {
                        signed: Some(signed.clone()),
                        ..p
                    });
                if let Some(offered) = &held
                    && !self.is_older_than_kept(offered)
                {
                    store.set_policy(account, &blob(signed)?)?;
                }
            }
            if self.key.is_some() {
                // Verified when next read (the keystore copy, kept or not).
                held = None;
            }
            true
        } else {
            let lifting = match (&policy.signed, &self.key) {
                (Some(signed), Some(key)) => verify_fresh(signed, key, asked).filter(|p| {
                    p.account_id == *account && !p.passkey_required && self.is_newer(p)
                }),
                _ => None,
            };
            match (lifting, &policy.signed) {
                (Some(lifting), Some(signed)) => {
                    store.set_policy(account, &blob(signed)?)?;
                    store.set_flagged(account, false)?;
                    held = Some(Policy {
                        signed: Some(signed.clone()),
                        ..lifting
                    });
                    true
                }
                _ => false,
            }
        };
        let remembered = store.account().ok().flatten();
        let mut memo = self.memo();
        memo.0 = if let (true, true, Some(held)) =
            (kept, remembered.as_deref() == Some(account.as_str()), held)
        {
            Some(Some(held))
        } else {
            // The next check reads (and verifies) the keystore again.
            None
        };
        Ok(())
    }

    /// Lift this device's "requires passkeys" mark of an account with `offered`, a policy a
    /// server answer carried (a code offered after a support reset): only when its signature
    /// verifies against the pinned key, its payload echoes `asked` (the nonce of the request the
    /// answer answers), it lifts the requirement, and it is newer than the verified policy the
    /// device holds for the account its payload names (the remembered one or another the device
    /// marked) or than a copy that cannot be trusted. Then it is kept, as
    /// [`PolicyCache::remember`] keeps one, and the account is returned. Anything else (no key, a
    /// bad signature, another request's nonce or none, nothing held for the account, the same or
    /// an older version) changes nothing: `None`.
    pub(crate) fn lift_with(
        &self,
        offered: &Policy,
        asked: Option<&PolicyNonce>,
    ) -> Result<Option<String>, PasskeysError> {
        let (Some(signed), Some(key)) = (&offered.signed, &self.key) else {
            return Ok(None);
        };
        let Some(mut verified) = verify_fresh(signed, key, asked) else {
            return Ok(None);
        };
        let _turn = self.turn();
        // A mark to lift, and the offer newer than the verified copy — or the copy cannot be
        // trusted, which the fresh offer repairs (see `is_newer`): one read and verification of
        // the keystore copy.
        let newer = match self.load_for(&verified.account_id) {
            Ok(Some(held)) => verified.version > held.version,
            Ok(None) => false,
            Err(_) => true,
        };
        if verified.passkey_required || !newer {
            return Ok(None);
        }
        verified.signed = Some(signed.clone());
        self.remember_in_turn(&verified, asked)?;
        Ok(Some(verified.account_id))
    }

    /// Does `offered`, a policy a sign-in answer carried, reopen `path` for `account` while
    /// passkeys stay required (a later phase of the server's policy)? Only when its signature
    /// verifies, its payload names `account` and echoes `asked` (the nonce of the request the
    /// answer answers), it does not list the path among the blocked ones, and it is not older
    /// than the verified copy the device holds. Then it is kept, as [`PolicyCache::remember`]
    /// keeps one.
    pub(crate) fn reopens(
        &self,
        offered: &Policy,
        asked: Option<&PolicyNonce>,
        account: &str,
        path: LoginPath,
    ) -> Result<bool, PasskeysError> {
        let (Some(signed), Some(key), Some(name)) =
            (&offered.signed, &self.key, path.server_name())
        else {
            return Ok(false);
        };
        let Some(mut verified) = verify_fresh(signed, key, asked) else {
            return Ok(false);
        };
        let _turn = self.turn();
        let current = match self.load_for(&verified.account_id) {
            Ok(Some(held)) => verified.version >= held.version,
            Ok(None) | Err(_) => true,
        };
        if verified.account_id != account
            || !verified.passkey_required
            || !current
            || verified.blocked_paths.iter().any(|p| p == name)
        {
            return Ok(false);
        }
        verified.signed = Some(signed.clone());
        self.remember_in_turn(&verified, asked)?;
        Ok(true)
    }

    /// May the verified, fresh `lifting` policy (signed for the request it answers) replace what
    /// the device holds for its account? When it is newer than the keystore copy, read and
    /// verified again here (never the memo, which may hold a server answer kept unverified): an
    /// older one was in flight while the requirement went on. Nothing held: yes. A copy that
    /// cannot be trusted (unreadable, corrupt, signed with a key the app no longer pins, or a
    /// mark without its copy): yes — the fresh lift is the server's word now, and without it
    /// such a device would refuse the account's code, H5 and third-party sign-ins for good.
    fn is_newer(&self, lifting: &Policy) -> bool {
        match self.load_for(&lifting.account_id) {
            Ok(Some(held)) => lifting.version > held.version,
            Ok(None) | Err(_) => true,
        }
    }

    /// Is `offered` (a "requires passkeys" payload, its signature unchecked) older than the copy
    /// kept for its account? Compared by the versions the payloads say; only when the offer says
    /// it is older is the kept copy's signature checked, so that a copy that cannot be trusted
    /// (corrupt, forged with a high version) is replaced rather than kept for ever. Nothing kept:
    /// no.
    fn is_older_than_kept(&self, offered: &Policy) -> bool {
        let account = &offered.account_id;
        let Ok(Some(blob)) = self.store.policy(account) else {
            return false;
        };
        let claims_newer = read_blob_unchecked(&blob)
            .is_some_and(|kept| kept.account_id == *account && kept.version > offered.version);
        claims_newer
            && match &self.key {
                Some(key) => read_blob(&blob, key).is_some_and(|kept| kept.account_id == *account),
                None => true,
            }
    }

    /// A sign-in changed the account: the next check reads the keystore again.
    pub(crate) fn forget_memo(&self) {
        self.memo().0 = None;
    }

    /// Run `f` on the cached policy of the remembered account (see [`PolicyCache::cached`]).
    fn with_cached<R>(&self, f: impl FnOnce(Result<Option<&Policy>, PasskeysError>) -> R) -> R {
        let mut memo = self.memo();
        if memo.0.is_none() {
            match self.load() {
                Ok(policy) => memo.0 = Some(policy),
                Err(e) => return f(Err(e)),
            }
        }
        f(Ok(memo.0.as_ref().and_then(Option::as_ref)))
    }

    /// The cached policy of the remembered account. `Ok(None)`: nothing is known (the server
    /// decides). An error: the account is known to be flagged, or the cache was tampered with, and
    /// the cache cannot be trusted — fail closed.
    pub(crate) fn cached(&self) -> Result<Option<Policy>, PasskeysError> {
        self.with_cached(|p| p.map(|p| p.cloned()))
    }

    /// Read and verify the keystore's copy.
    fn load(&self) -> Result<Option<Policy>, PasskeysError> {
        match self.store.account() {
            Ok(Some(account)) => self.load_for(&account),
            Ok(None) => Ok(None),
            Err(_) => Err(PasskeysError::PolicyUnavailable),
        }
    }

    /// Read and verify the keystore's copy for `account`.
    fn load_for(&self, account: &str) -> Result<Option<Policy>, PasskeysError> {
        let store = &self.store;
        let unreadable = |_| PasskeysError::PolicyUnavailable;
        let known_flagged = store.is_flagged(account).map_err(unreadable)?;
        let blob = store.policy(account).map_err(unreadable)?;
        let Some(blob) = blob else {
            return if known_flagged {
                Err(PasskeysError::PolicyUnavailable)
            } else {
                Ok(None)
            };
        };
        let key = self
            .key
            .as_deref()
            .ok_or(PasskeysError::PolicyUnavailable)?;
        let policy = read_blob(&blob, key).ok_or(PasskeysError::PolicyUnavailable)?;
        if policy.account_id != account {
            // A policy for another account stored under this one: tampering.
            return Err(PasskeysError::PolicyUnavailable);
        }
        if known_flagged && !policy.passkey_required {
            // An older signed policy cannot lift a flag the device saw later.
            return Err(PasskeysError::PolicyUnavailable);
        }
        Ok(Some(policy))
    }

    /// May the remembered account use `path`? Refuses before any request where the device knows the
    /// account; says yes when it knows nothing (the server still decides).
    pub(crate) fn check_path(&self, path: LoginPath) -> Result<(), PasskeysError> {
        let Some(name) = path.server_name() else {
            return Ok(());
        };
        self.with_cached(|cached| match cached {
            Ok(Some(policy)) if policy.blocked_paths.iter().any(|p| p == name) => {
                Err(PasskeysError::PathBlocked { path })
            }
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        })
    }

    /// Does `scenario` need a passkey for the remembered account? Fails closed: `true` when the cache
    /// cannot be trusted.
    pub(crate) fn needs_passkey(&self, scenario: &Scenario) -> bool {
        self.with_cached(|cached| match cached {
            Ok(Some(p)) => {
                p.passkey_required
                    && match scenario {
                        Scenario::Login => p.scenarios.login,
                        Scenario::Withdrawal => p.scenarios.withdrawal,
                        Scenario::SecuritySettings => p.scenarios.security_settings,
                        Scenario::ApiKeys => p.scenarios.api_keys,
                        Scenario::Other { .. } => true,
                    }
            }
            Ok(None) => false,
            Err(_) => true,
        })
    }

    /// Has the device marked `account` as needing passkeys — whichever account is remembered now?
    /// An unreadable mark counts as a mark (BRIEF §5 #14: fail closed): the mark exists only
    /// while the device knows the account flagged. For a session a weaker factor opened (a code,
    /// a password alone, H5, third-party), whose answer names the account.
    ///
    /// A keystore copy that says the account needs passkeys counts as a mark too, its signature
    /// unchecked (it can only make the device stricter), and so does a copy that cannot be read:
    /// the copy is written apart from the mark, and a lost or failed write of the mark must not
    /// open the account to weaker factors. A fresh signed lift repairs either
    /// ([`PolicyCache::lift_with`]).
    pub(crate) fn marked(&self, account: &str) -> bool {
        if !matches!(self.store.is_flagged(account), Ok(false)) {
            return true;
        }
        match self.store.policy(account) {
            Ok(None) => false,
            Ok(Some(blob)) => read_blob_unchecked(&blob).is_none_or(|p| p.passkey_required),
            Err(_) => true,
        }
    }

    /// The account a weaker factor's answer to a sign-in with `email` is for, as the server
    /// signed it for this very request: the account its policy names, when that policy verifies
    /// against the pinned key, echoes `asked` (the nonce of the request, so that it is not a
    /// replay) and names `email` as the account's. The nonce alone does not do: whoever answers
    /// the request sees it and can send it with a sign-in of their own account, for a policy
    /// that echoes it and names their account; the email ties the policy to the account the
    /// user typed. `None` when the answer does not say so (no key, no policy, a bad signature,
    /// another request's nonce, no email or another one).
    pub(crate) fn account_of(
        &self,
        offered: &Policy,
        asked: Option<&PolicyNonce>,
        email: &str,
    ) -> Option<String> {
        let (Some(signed), Some(key)) = (&offered.signed, &self.key) else {
            return None;
        };
        let policy = verify_fresh(signed, key, asked)?;
        signed_email(signed)
            .is_some_and(|named| same_email(&named, email))
            .then_some(policy.account_id)
    }

    /// Does the device know the remembered account needs passkeys without knowing its email (a
    /// usernameless sign-in names none; a keystore that lost it)? Then any email typed may be
    /// that account's, and only an answer that proves otherwise may offer a weaker factor.
    pub(crate) fn marked_without_email(&self) -> bool {
        let Ok(Some(account)) = self.store.account() else {
            return false;
        };
        !matches!(self.store.account_email(), Ok(Some(_))) && self.marked(&account)
    }

    /// Is `email` the remembered account, and does the device know it needs passkeys (or can it
    /// not tell, because its cache is broken)?
    pub(crate) fn known_to_need_passkeys(&self, email: &str) -> bool {
        let remembered = self.store.account_email().ok().flatten();
        if !remembered.is_some_and(|r| same_email(&r, email)) {
            return false;
        }
        match self.cached() {
            Ok(Some(p)) => p.passkey_required,
            Ok(None) => false,
            Err(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::same_email;

    /// Two answers kept at once (BRIEF §5 #14): an older lift, read and verified while Enable's
    /// "requires passkeys" is kept, must not overwrite it and delete its mark.
    mod concurrent_answers {
        use std::any::Any;
        use std::collections::HashMap;
        use std::sync::mpsc::{Receiver, Sender, channel};
        use std::sync::{Arc, Mutex};
        use std::time::Duration;

        use keyring_core::api::{CredentialApi, CredentialStoreApi};
        use keyring_core::{Credential, CredentialPersistence, Entry};
        use ring::rand::SystemRandom;
        use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};

        use super::super::PolicyCache;
        use crate::encoding::base64url;
        use crate::http::PolicyNonce;
        use crate::store::SecretStore;
        use crate::vocabulary::{LoginPath, Scenario};
        use crate::wire::{PasskeyScenarios, Policy, SignedPolicy};

        /// The first read of one entry, once armed, stops after reading until released: a
        /// thread paused between its read of the keystore copy and its writes.
        #[derive(Debug, Default)]
        struct Pause {
            armed: Option<(Sender<()>, Receiver<()>)>,
        }

        #[derive(Debug)]
        struct PausingStore {
            inner: Arc<keyring_core::CredentialStore>,
            paused: &'static str,
            pause: Arc<Mutex<Pause>>,
        }

        #[derive(Debug)]
        struct Pausing {
            inner: Entry,
            pause: Option<Arc<Mutex<Pause>>>,
        }

        impl CredentialApi for Pausing {
            fn set_secret(&self, secret: &[u8]) -> keyring_core::Result<()> {
                self.inner.set_secret(secret)
            }

            fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
                let armed = self
                    .pause
                    .as_ref()
                    .and_then(|p| p.lock().unwrap().armed.take());
                let read = self.inner.get_secret();
                if let Some((paused, release)) = armed {
                    paused.send(()).unwrap();
                    release.recv().unwrap();
                }
                read
            }

            fn delete_credential(&self) -> keyring_core::Result<()> {
                self.inner.delete_credential()
            }

            fn get_credential(&self) -> keyring_core::Result<Option<Arc<Credential>>> {
                Ok(None)
            }

            fn get_specifiers(&self) -> Option<(String, String)> {
                self.inner.get_specifiers()
            }

            fn as_any(&self) -> &dyn Any {
                self
            }
        }

        impl CredentialStoreApi for PausingStore {
            fn vendor(&self) -> String {
                "pausing (test)".to_owned()
            }

            fn id(&self) -> String {
                "pausing".to_owned()
            }

            fn build(
                &self,
                service: &str,
                user: &str,
                _modifiers: Option<&HashMap<&str, &str>>,
            ) -> keyring_core::Result<Entry> {
                Ok(Entry::new_with_credential(Arc::new(Pausing {
                    inner: Entry::new_in_store(&self.inner, service, user)?,
                    pause: (user == self.paused).then(|| self.pause.clone()),
                })))
            }

            fn as_any(&self) -> &dyn Any {
                self
            }

            fn persistence(&self) -> CredentialPersistence {
                CredentialPersistence::ProcessOnly
            }
        }

        /// A policy of account `acc` at `version`, signed by `key` (echoing `nonce`).
        fn signed(key: &EcdsaKeyPair, required: bool, version: i64, nonce: &str) -> Policy {
            let policy = Policy {
                account_id: "acc".to_owned(),
                passkey_required: required,
                passkey_count: u32::from(required),
                scenarios: PasskeyScenarios {
                    login: required,
                    withdrawal: required,
                    security_settings: required,
                    api_keys: required,
                },
                blocked_paths: if required {
                    vec!["h5_login".to_owned(), "third_party_login".to_owned()]
                } else {
                    Vec::new()
                },
                version,
                issued_at: 1_800_000_000,
                signed: None,
            };
            let mut payload = serde_json::to_value(&policy).unwrap();
            payload["nonce"] = nonce.into();
            let payload = serde_json::to_vec(&payload).unwrap();
            let signature = key.sign(&SystemRandom::new(), &payload).unwrap();
            Policy {
                signed: Some(SignedPolicy {
                    payload: base64url::encode(&payload),
                    signature: base64url::encode(signature.as_ref()),
                }),
                ..policy
            }
        }

        #[test]
        fn an_older_lift_kept_beside_a_newer_requirement_never_relaxes_the_device() {
            let rng = SystemRandom::new();
            let pkcs8 =
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
            let key =
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
                    .unwrap();
            let pause = Arc::new(Mutex::new(Pause::default()));
            let inner: Arc<keyring_core::CredentialStore> =
                keyring_core::mock::Store::new().unwrap();
            let shared: Arc<keyring_core::CredentialStore> = Arc::new(PausingStore {
                inner,
                paused: "policy:acc",
                pause: pause.clone(),
            });
            let store = SecretStore::new(shared);
            store.set_account("acc").unwrap();
            let cache = PolicyCache::new(store, Some(key.public_key().as_ref().to_vec()));
            // The requirement is off (version 8), as the device last heard.
            let first = PolicyNonce::for_tests("first");
            cache
                .remember(&signed(&key, false, 8, "first"), Some(&first))
                .unwrap();
            assert!(!cache.needs_passkey(&Scenario::Withdrawal));

            // A: the Passkeys page's refresh, answered "off" at version 9 just before Enable
            // committed; paused once it has read the copy it compares with.
            let (paused_tx, paused_rx) = channel();
            let (release_tx, release_rx) = channel();
            pause.lock().unwrap().armed = Some((paused_tx, release_rx));
            let lift = signed(&key, false, 9, "refresh");
            let a = {
                let cache = cache.clone();
                std::thread::spawn(move || {
                    cache.remember(&lift, Some(&PolicyNonce::for_tests("refresh")))
                })
            };
            paused_rx.recv().unwrap();
            // B: Enable's answer, "required" at version 10, kept meanwhile.
            let required = signed(&key, true, 10, "");
            let (done_tx, done_rx) = channel();
            let b = {
                let cache = cache.clone();
                std::thread::spawn(move || {
                    let kept = cache.remember(&required, None);
                    let _ = done_tx.send(());
                    kept
                })
            };
            // B is given time to finish before A goes on (it may instead wait for A's turn).
            let _ = done_rx.recv_timeout(Duration::from_millis(300));
            release_tx.send(()).unwrap();
            a.join().unwrap().unwrap();
            b.join().unwrap().unwrap();

            assert!(cache.marked("acc"), "Enable's mark is kept");
            assert!(cache.needs_passkey(&Scenario::Withdrawal));
            assert!(cache.check_path(LoginPath::H5).is_err());
            assert!(cache.check_path(LoginPath::ThirdParty).is_err());
        }
    }

    #[test]
    fn emails_compare_as_the_server_compares_them() {
        assert!(same_email("alice@bingx.test", " Alice@BINGX.test\n"));
        // U+212A KELVIN SIGN lowercases to 'k'.
        assert!(same_email("kate@bingx.test", "\u{212A}ate@bingx.test"));
        assert!(!same_email("alice@bingx.test", "alice@bingx.test.evil"));
    }
}
