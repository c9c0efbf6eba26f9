//! The password manager's vault: discoverable passkeys kept in memory per rp id, and the
//! passkey-authenticator [`CredentialStore`] view one ceremony gets of it.
//!
//! Private keys stay in here. Nothing in this module implements `Debug` over a passkey or logs
//! one (BRIEF §5 #17).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use passkey_authenticator::{CredentialStore, DiscoverabilitySupport, StoreInfo};
use passkey_crypto::{AvailableSecretKey, SecretKeyT};
use passkey_types::Passkey;
use passkey_types::ctap2::make_credential::{
    Options, PublicKeyCredentialRpEntity, PublicKeyCredentialUserEntity,
};
use passkey_types::ctap2::{Ctap2Error, StatusCode};
use passkey_types::webauthn::PublicKeyCredentialDescriptor;

/// A signal the relying party sent, as the password manager received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// `SignalUnknownCredential`.
    Unknown {
        /// The relying party.
        rp_id: String,
        /// The credential it no longer knows.
        credential_id: Vec<u8>,
    },
    /// `SignalAllAcceptedCredentialIds`.
    AllAccepted {
        /// The relying party.
        rp_id: String,
        /// The user handle.
        user_id: Vec<u8>,
        /// Every credential the relying party still accepts for the user.
        credential_ids: Vec<Vec<u8>>,
    },
    /// `SignalCurrentUserDetails`.
    CurrentUserDetails {
        /// The relying party.
        rp_id: String,
        /// The user handle.
        user_id: Vec<u8>,
        /// The account name.
        name: String,
        /// The display name.
        display_name: String,
    },
}

/// Every passkey the manager holds, per rp id, oldest first, plus the signals it received.
#[derive(Default)]
pub(crate) struct Vault {
    by_rp: HashMap<String, Vec<Passkey>>,
    signals: Vec<Signal>,
}

impl Vault {
    /// Credential ids held for `rp_id`, oldest first.
    pub(crate) fn credential_ids(&self, rp_id: &str) -> Vec<Vec<u8>> {
        self.by_rp
            .get(rp_id)
            .map(|keys| keys.iter().map(|p| p.credential_id.to_vec()).collect())
            .unwrap_or_default()
    }

    /// The private key bytes (COSE EC2 `d`, label -4) of every passkey held, any rp id.
    pub(crate) fn private_keys(&self) -> Vec<Vec<u8>> {
        let d = passkey_crypto::coset::Label::Int(-4);
        self.by_rp
            .values()
            .flatten()
            .filter_map(|p| p.key.params.iter().find(|(label, _)| *label == d))
            .filter_map(|(_, value)| value.as_bytes().cloned())
            .collect()
    }

    /// Credential ids the relying party signalled as unknown, in order.
    pub(crate) fn signalled_unknown(&self) -> Vec<Vec<u8>> {
        self.signals
            .iter()
            .filter_map(|s| match s {
                Signal::Unknown { credential_id, .. } => Some(credential_id.clone()),
                _ => None,
            })
            .collect()
    }

    /// Every signal received, in order.
    pub(crate) fn signals(&self) -> Vec<Signal> {
        self.signals.clone()
    }

    /// `SignalUnknownCredential`: forget the credential and record the signal.
    pub(crate) fn signal_unknown(&mut self, rp_id: &str, credential_id: &[u8]) {
        if let Some(keys) = self.by_rp.get_mut(rp_id) {
            keys.retain(|p| p.credential_id.as_slice() != credential_id);
        }
        self.signals.push(Signal::Unknown {
            rp_id: rp_id.to_owned(),
            credential_id: credential_id.to_vec(),
        });
    }

    /// `SignalAllAcceptedCredentialIds`: forget this user's credentials for `rp_id` that are not in
    /// `accepted`.
    pub(crate) fn signal_all_accepted(
        &mut self,
        rp_id: &str,
        user_id: &[u8],
        accepted: &[Vec<u8>],
    ) {
        if let Some(keys) = self.by_rp.get_mut(rp_id) {
            keys.retain(|p| {
                let same_user = p.user_handle.as_deref().map(|h| h.as_slice()) == Some(user_id);
                !same_user || accepted.iter().any(|id| id == p.credential_id.as_slice())
            });
        }
        self.signals.push(Signal::AllAccepted {
            rp_id: rp_id.to_owned(),
            user_id: user_id.to_vec(),
            credential_ids: accepted.to_vec(),
        });
    }

    /// `SignalCurrentUserDetails`: show the user's current names on this user's passkeys for
    /// `rp_id`.
    pub(crate) fn signal_user_details(
        &mut self,
        rp_id: &str,
        user_id: &[u8],
        name: &str,
        display_name: &str,
    ) {
        for p in self.by_rp.get_mut(rp_id).into_iter().flatten() {
            if p.user_handle.as_deref().map(|h| h.as_slice()) == Some(user_id) {
                p.username = Some(name.to_owned());
                p.user_display_name = Some(display_name.to_owned());
            }
        }
        self.signals.push(Signal::CurrentUserDetails {
            rp_id: rp_id.to_owned(),
            user_id: user_id.to_vec(),
            name: name.to_owned(),
            display_name: display_name.to_owned(),
        });
    }

    /// The account names the vault shows for `rp_id`'s passkeys (name, display name), oldest
    /// first.
    pub(crate) fn user_names(&self, rp_id: &str) -> Vec<(Option<String>, Option<String>)> {
        self.by_rp
            .get(rp_id)
            .map(|keys| {
                keys.iter()
                    .map(|p| (p.username.clone(), p.user_display_name.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Count one more assertion of `credential_id` (whatever its rp id) and return the new counter:
    /// the device-bound counter, kept here so that concurrent ceremonies never repeat a value. A
    /// passkey without a counter starts at 1. `None` when the vault does not hold it (any more).
    pub(crate) fn next_counter(&mut self, credential_id: &[u8]) -> Option<u32> {
        let passkey = self
            .by_rp
            .values_mut()
            .flatten()
            .find(|p| p.credential_id.as_slice() == credential_id)?;
        let next = passkey.counter.unwrap_or(0).saturating_add(1);
        passkey.counter = Some(next);
        Some(next)
    }

    /// Make the next assertion of each counting passkey of `rp_id` carry a counter `by` lower
    /// than its last one, but at least 1. Passkeys without a counter (always 0) are left alone.
    pub(crate) fn rewind_counters(&mut self, rp_id: &str, by: u32) {
        for passkey in self.by_rp.get_mut(rp_id).into_iter().flatten() {
            if let Some(last) = passkey.counter {
                // The next assertion adds 1 to what is stored.
                passkey.counter = Some(last.saturating_sub(by).saturating_sub(1));
            }
        }
    }

    /// Sign `message` with the private key of `credential_id` (whatever its rp id) exactly as the
    /// authenticator signs: the same passkey-crypto backend, so ES256 is ECDSA P-256 over
    /// SHA-256(message), DER-encoded. `None` when the vault does not hold the credential or its
    /// key cannot sign. The key never leaves the vault.
    pub(crate) fn sign(&self, credential_id: &[u8], message: &[u8]) -> Option<Vec<u8>> {
        let passkey = self
            .by_rp
            .values()
            .flatten()
            .find(|p| p.credential_id.as_slice() == credential_id)?;
        let mut key = AvailableSecretKey::from_cose_key(&passkey.key).ok()?;
        Some(key.sign(message))
    }

    /// Credentials of `rp_id`, newest first (the authenticator takes the first), narrowed to
    /// `ids` when given, else to `user_handle` when given.
    fn find(
        &self,
        rp_id: &str,
        ids: Option<&[PublicKeyCredentialDescriptor]>,
        user_handle: Option<&[u8]>,
    ) -> Vec<Passkey> {
        let Some(keys) = self.by_rp.get(rp_id) else {
            return Vec::new();
        };
        keys.iter()
            .rev()
            .filter(|p| match ids {
                Some(ids) => ids
                    .iter()
                    .any(|d| d.id.as_slice() == p.credential_id.as_slice()),
                None => match user_handle {
                    Some(handle) => p.user_handle.as_deref().map(|h| h.as_slice()) == Some(handle),
                    None => true,
                },
            })
            .cloned()
            .collect()
    }

    /// Store a new discoverable credential. As CTAP 2 §6.1 step 10 asks, a credential for the same
    /// rp id and user handle is overwritten (Google Password Manager and iCloud Keychain do the
    /// same).
    fn save(&mut self, passkey: Passkey) {
        let keys = self.by_rp.entry(passkey.rp_id.clone()).or_default();
        if let Some(handle) = passkey.user_handle.as_deref() {
            keys.retain(|p| p.user_handle.as_deref() != Some(handle));
        }
        keys.push(passkey);
    }

    /// Replace a stored credential (its signature counter moved).
    fn update(&mut self, passkey: &Passkey) {
        if let Some(slot) = self.by_rp.get_mut(&passkey.rp_id).and_then(|keys| {
            keys.iter_mut()
                .find(|p| p.credential_id == passkey.credential_id)
        }) {
            *slot = passkey.clone();
        }
    }
}

/// The vault, shared by every clone of the manager and every ceremony in flight.
pub(crate) type SharedVault = Arc<Mutex<Vault>>;

/// Lock the vault; a panic elsewhere while it was held leaves plain data behind, so go on.
pub(crate) fn lock(vault: &SharedVault) -> MutexGuard<'_, Vault> {
    vault.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The vault as one ceremony's authenticator sees it.
pub(crate) struct CeremonyStore {
    vault: SharedVault,
    /// The password manager finds nothing at all (`Fault::NoCredential`).
    hide_all: bool,
    /// Lookups for the first rp id are answered from the second (`Fault::WrongOrigin`: a fooled
    /// password manager offers the real site's passkey to the phishing site).
    lookup_alias: Option<(String, String)>,
    /// The authenticator's counter updates are dropped: the ceremony counts through
    /// [`Vault::next_counter`] afterwards (device-bound mode).
    counter_kept_by_vault: bool,
}

impl CeremonyStore {
    pub(crate) fn new(vault: SharedVault) -> Self {
        Self {
            vault,
            hide_all: false,
            lookup_alias: None,
            counter_kept_by_vault: false,
        }
    }

    pub(crate) fn hiding_all(mut self) -> Self {
        self.hide_all = true;
        self
    }

    pub(crate) fn with_lookup_alias(mut self, asked: String, answered_from: String) -> Self {
        self.lookup_alias = Some((asked, answered_from));
        self
    }

    pub(crate) fn with_counter_kept_by_vault(mut self) -> Self {
        self.counter_kept_by_vault = true;
        self
    }
}

#[async_trait::async_trait]
impl CredentialStore for CeremonyStore {
    type PasskeyItem = Passkey;

    async fn find_credentials(
        &self,
        ids: Option<&[PublicKeyCredentialDescriptor]>,
        rp_id: &str,
        user_handle: Option<&[u8]>,
    ) -> Result<Vec<Passkey>, StatusCode> {
        if self.hide_all {
            return Err(Ctap2Error::NoCredentials.into());
        }
        let rp_id = match &self.lookup_alias {
            Some((asked, answered_from)) if asked == rp_id => answered_from.as_str(),
            _ => rp_id,
        };
        let found = lock(&self.vault).find(rp_id, ids, user_handle);
        if found.is_empty() {
            Err(Ctap2Error::NoCredentials.into())
        } else {
            Ok(found)
        }
    }

    async fn save_credential(
        &mut self,
        cred: Passkey,
        _user: PublicKeyCredentialUserEntity,
        _rp: PublicKeyCredentialRpEntity,
        _options: Options,
    ) -> Result<(), StatusCode> {
        lock(&self.vault).save(cred);
        Ok(())
    }

    async fn update_credential(&mut self, cred: &Passkey) -> Result<(), StatusCode> {
        if self.counter_kept_by_vault {
            // The only update passkey-authenticator 0.6 makes is the counter.
            return Ok(());
        }
        lock(&self.vault).update(cred);
        Ok(())
    }

    async fn get_info(&self) -> StoreInfo {
        StoreInfo {
            discoverability: DiscoverabilitySupport::ForcedDiscoverable,
        }
    }
}
