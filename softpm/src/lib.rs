//! The software password manager: passkey-rs behind the core's `PlatformAuthenticator`.
//!
//! [`SoftPasswordManager`] is a real authenticator (P-256 keys made and used by
//! passkey-authenticator, responses built by passkey-client) that stands in for Android Credential
//! Manager with a password manager behind it. It takes the same input a shell hands to
//! `CreatePublicKeyCredentialRequest` / `GetPublicKeyCredentialOption` (the WebAuthn Level 3
//! options JSON, the inner `publicKey` object) and answers with what Credential Manager returns
//! (`registrationResponseJson` / `authenticationResponseJson`: WebAuthn Level 3 JSON, unpadded
//! base64url). Tests, the demo and QA builds on emulators without a password manager use it.
//!
//! Like a platform password manager it keeps discoverable passkeys per rp id, verifies the user
//! (biometrics always pass unless a [`Fault`] says otherwise), behaves like a synced passkey
//! provider (BE and BS set, signature counter 0) or, with
//! [`device_bound`](SoftPasswordManager::device_bound), like a device-bound authenticator (BE and
//! BS clear, a counter that counts, [`rewind_counter`](SoftPasswordManager::rewind_counter) for a
//! clone) and honours `excludeCredentials` for real
//! ([`PlatformError::AlreadyRegistered`]). [`Fault`]s make it fail or answer with a precisely broken
//! response, so that the core's and the server's refusals can be tested.
//!
//! Private keys never leave the in-memory vault; nothing here logs or debug-prints them.

mod ceremony;
mod device;
mod faults;
mod store;

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use url::Url;

use bingx_passkeys_core::platform::{
    Capabilities, CreateRequest, GetRequest, PlatformAuthenticator, PlatformError,
    UnavailableReason,
};

pub use faults::{Fault, PHISHING_ORIGIN, PHISHING_RP_ID};

use store::SharedVault;
pub use store::Signal;

/// The AAGUID the software password manager reports by default,
/// `b1d0c2a4-5f3e-4e2b-9a7c-7e57c0de0001`.
pub const TESTKIT_AAGUID: [u8; 16] = [
    0xb1, 0xd0, 0xc2, 0xa4, 0x5f, 0x3e, 0x4e, 0x2b, 0x9a, 0x7c, 0x7e, 0x57, 0xc0, 0xde, 0x00, 0x01,
];
/// The provider name that belongs to [`TESTKIT_AAGUID`].
pub const TESTKIT_PROVIDER_NAME: &str = "BingX Testkit Password Manager";
/// Google Password Manager's AAGUID, `ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4`, for
/// [`SoftPasswordManager::with_aaguid`].
pub const GOOGLE_PASSWORD_MANAGER_AAGUID: [u8; 16] = [
    0xea, 0x9b, 0x8d, 0x66, 0x4d, 0x01, 0x1d, 0x21, 0x3c, 0xe4, 0xb6, 0xb4, 0x8c, 0xb5, 0x75, 0xd4,
];
/// Apple Passwords' (formerly iCloud Keychain) AAGUID, `fbfc3007-154e-4ecc-8c0b-6e020557d7bd`, for
/// [`SoftPasswordManager::with_aaguid`].
pub const APPLE_PASSWORDS_AAGUID: [u8; 16] = [
    0xfb, 0xfc, 0x30, 0x07, 0x15, 0x4e, 0x4e, 0xcc, 0x8c, 0x0b, 0x6e, 0x02, 0x05, 0x57, 0xd7, 0xbd,
];

/// A software password manager holding passkeys in memory, implementing the core's
/// [`PlatformAuthenticator`].
///
/// Clones share everything (passkeys, settings, counters): a clone is another handle on the same
/// password manager. It is `Send + Sync`; ceremonies may run concurrently.
#[derive(Clone)]
pub struct SoftPasswordManager {
    shared: Arc<Shared>,
}

struct Shared {
    origin: Url,
    settings: Mutex<Settings>,
    vault: SharedVault,
    create_calls: AtomicUsize,
    get_calls: AtomicUsize,
}

struct Settings {
    aaguid: [u8; 16],
    fault: Option<Fault>,
    capabilities: Capabilities,
    delay: Duration,
    signature_counter: bool,
    device_bound: bool,
}

impl SoftPasswordManager {
    /// A password manager for an app whose ceremonies run from `rp_origin` (for example
    /// `https://passkeys.bingx.test`; clientDataJSON's `origin` is this without a trailing slash).
    /// The request's rp id must be the origin's host or a registrable parent of it, and the origin
    /// must be https (`http://localhost` is allowed for loopback demos). It reports
    /// [`TESTKIT_AAGUID`], holds no passkeys and has no fault set.
    pub fn new(rp_origin: Url) -> Self {
        Self {
            shared: Arc::new(Shared {
                origin: rp_origin,
                settings: Mutex::new(Settings {
                    aaguid: TESTKIT_AAGUID,
                    fault: None,
                    capabilities: Capabilities::ready_device(),
                    delay: Duration::ZERO,
                    signature_counter: false,
                    device_bound: false,
                }),
                vault: SharedVault::default(),
                create_calls: AtomicUsize::new(0),
                get_calls: AtomicUsize::new(0),
            }),
        }
    }

    /// Report another AAGUID in new registrations (e.g. [`GOOGLE_PASSWORD_MANAGER_AAGUID`] to look
    /// like Google Password Manager). Applies to every clone.
    pub fn with_aaguid(self, aaguid: [u8; 16]) -> Self {
        self.settings().aaguid = aaguid;
        self
    }

    /// Keep a signature counter per passkey (starting at 0, +1 per assertion) instead of the
    /// synced-passkey behaviour (always 0). passkey-authenticator 0.6 sets BE and BS in every
    /// authenticatorData whatever this says ([`device_bound`](Self::device_bound) clears them).
    /// Applies to passkeys created afterwards.
    pub fn with_signature_counter(self, enabled: bool) -> Self {
        self.settings().signature_counter = enabled;
        self
    }

    /// Behave like a device-bound authenticator (a security key, or a provider that does not sync)
    /// instead of a synced passkey provider: BE = 0 and BS = 0 in every authenticatorData, and a
    /// real signature counter per passkey: 0 at registration, then 1, 2, 3… one more per
    /// assertion (kept in the vault, so concurrent assertions never repeat a value).
    ///
    /// passkey-authenticator 0.6 cannot clear BE/BS, so the responses are edited afterwards: for
    /// create (attestation "none", no signature) the flags byte in the attestation object's
    /// `authData` and in the top-level `authenticatorData`; for get the flags and counter in
    /// `authenticatorData`, then a new signature over `authenticatorData || SHA-256(clientDataJSON)`
    /// with the passkey's own key (ES256: ECDSA P-256 with SHA-256, DER), so the response verifies.
    /// [`Fault`]s apply on top (e.g. [`Fault::TamperSignature`] flips a bit of the new signature).
    /// Applies to every clone and to ceremonies started afterwards; set it before creating
    /// passkeys (a relying party refuses a passkey registered with BE = 1 that later asserts BE = 0).
    pub fn device_bound(self) -> Self {
        self.settings().device_bound = true;
        self
    }

    /// Act as a cloned authenticator: the next assertion of each of this manager's passkeys for
    /// `rp_id` carries a counter `by` lower than that passkey's last counter (never below 1: with
    /// `by` ≥ the last counter it carries 1), then counts up by 1 again from there. It is still
    /// validly signed; only the counter goes backwards (`by == 0` repeats the last counter).
    /// Passkeys without a counter (the synced default: always 0) are not affected; use it with
    /// [`device_bound`](Self::device_bound) or [`with_signature_counter`](Self::with_signature_counter).
    /// Repeated calls add up.
    pub fn rewind_counter(&self, rp_id: &str, by: u32) {
        store::lock(&self.shared.vault).rewind_counters(rp_id, by);
    }

    /// Make the next ceremonies fail or answer with a broken response, until `set_fault(None)`.
    /// A ceremony already started keeps the fault it started with.
    pub fn set_fault(&self, fault: Option<Fault>) {
        self.settings().fault = fault;
    }

    /// What [`PlatformAuthenticator::capabilities`] reports (default
    /// [`Capabilities::ready_device`]). When they are not [`Capabilities::ready`], create and get
    /// fail with [`PlatformError::NoPasswordManager`] whose detail is the blocking reason's
    /// message ([`PlatformError::AccountMissing`] when that reason is
    /// [`UnavailableReason::AccountMissing`]); without `supports_signals`, the signal calls fail.
    pub fn set_capabilities(&self, caps: Capabilities) {
        self.settings().capabilities = caps;
    }

    /// Each create and get waits this long before anything else, as a user looking at the sheet
    /// would (to test double taps and cancellation: dropping the future abandons the ceremony).
    pub fn set_delay(&self, d: Duration) {
        self.settings().delay = d;
    }

    /// How many registration ceremonies were started, including those that failed.
    pub fn create_calls(&self) -> usize {
        self.shared.create_calls.load(Ordering::SeqCst)
    }

    /// How many authentication ceremonies were started, including those that failed.
    pub fn get_calls(&self) -> usize {
        self.shared.get_calls.load(Ordering::SeqCst)
    }

    /// Ids of the passkeys held for `rp_id`, oldest first.
    pub fn credential_ids(&self, rp_id: &str) -> Vec<Vec<u8>> {
        store::lock(&self.shared.vault).credential_ids(rp_id)
    }

    /// The private key bytes of every passkey held, for tests that prove no output of a run
    /// carries them (the secret ledger of `server::TestHooks`). Never print what this returns.
    pub fn private_keys_for_leak_tests(&self) -> Vec<Vec<u8>> {
        store::lock(&self.shared.vault).private_keys()
    }

    /// Credential ids received through `signal_unknown_credential`, in order (recorded whether
    /// or not the manager held them).
    pub fn signalled_unknown(&self) -> Vec<Vec<u8>> {
        store::lock(&self.shared.vault).signalled_unknown()
    }

    /// Every signal received (unknown credential, all accepted credentials, current user
    /// details), in order.
    pub fn signals(&self) -> Vec<Signal> {
        store::lock(&self.shared.vault).signals()
    }

    /// The account name and display name shown for each passkey held for `rp_id`, oldest first.
    pub fn user_names(&self, rp_id: &str) -> Vec<(Option<String>, Option<String>)> {
        store::lock(&self.shared.vault).user_names(rp_id)
    }

    fn settings(&self) -> MutexGuard<'_, Settings> {
        self.shared
            .settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The capabilities as the device shows them now, with the fault applied.
    fn effective_capabilities(&self) -> Capabilities {
        let settings = self.settings();
        effective_capabilities(&settings)
    }

    /// Copy what a ceremony needs at the moment it starts.
    fn setup(&self) -> (ceremony::Setup, Duration) {
        let settings = self.settings();
        let setup = ceremony::Setup {
            origin: self.shared.origin.clone(),
            capabilities: effective_capabilities(&settings),
            aaguid: settings.aaguid,
            fault: settings.fault.clone(),
            signature_counter: settings.signature_counter,
            device_bound: settings.device_bound,
            vault: self.shared.vault.clone(),
        };
        (setup, settings.delay)
    }

    /// Signals need a password manager that supports them.
    fn check_signals(&self) -> Result<(), PlatformError> {
        let caps = self.effective_capabilities();
        if !caps.password_manager_available {
            let reason = caps
                .unavailable_reason
                .unwrap_or(UnavailableReason::NoPasswordManager);
            return Err(PlatformError::NoPasswordManager {
                detail: format!("{reason:?}"),
            });
        }
        if !caps.supports_signals {
            return Err(PlatformError::Other {
                kind: "softpm.signals_unsupported".to_owned(),
                message: "this password manager does not support credential signals".to_owned(),
            });
        }
        Ok(())
    }
}

fn effective_capabilities(settings: &Settings) -> Capabilities {
    let mut caps = settings.capabilities.clone();
    if settings.fault == Some(Fault::NoPasswordManager) {
        caps.password_manager_available = false;
        caps.unavailable_reason = Some(UnavailableReason::NoPasswordManager);
    }
    caps
}

async fn wait(delay: Duration) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
}

impl fmt::Debug for SoftPasswordManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the vault's contents: it holds private keys.
        let settings = self.settings();
        f.debug_struct("SoftPasswordManager")
            .field("origin", &self.shared.origin.as_str())
            .field("aaguid", &uuid::Uuid::from_bytes(settings.aaguid))
            .field("fault", &settings.fault)
            .field("device_bound", &settings.device_bound)
            .field("create_calls", &self.create_calls())
            .field("get_calls", &self.get_calls())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl PlatformAuthenticator for SoftPasswordManager {
    async fn capabilities(&self) -> Capabilities {
        self.effective_capabilities()
    }

    async fn create(&self, request: CreateRequest) -> Result<String, PlatformError> {
        self.shared.create_calls.fetch_add(1, Ordering::SeqCst);
        let (setup, delay) = self.setup();
        wait(delay).await;
        ceremony::create(setup, &request).await
    }

    async fn get(&self, request: GetRequest) -> Result<String, PlatformError> {
        self.shared.get_calls.fetch_add(1, Ordering::SeqCst);
        let (setup, delay) = self.setup();
        wait(delay).await;
        ceremony::get(setup, &request).await
    }

    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformError> {
        self.check_signals()?;
        store::lock(&self.shared.vault).signal_unknown(&rp_id, &credential_id);
        Ok(())
    }

    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError> {
        self.check_signals()?;
        store::lock(&self.shared.vault).signal_all_accepted(&rp_id, &user_id, &credential_ids);
        Ok(())
    }

    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), PlatformError> {
        self.check_signals()?;
        store::lock(&self.shared.vault).signal_user_details(&rp_id, &user_id, &name, &display_name);
        Ok(())
    }
}
