//! A keystore that refuses a write half-way through keeping a sign-in (a locked keystore, a full
//! disk): the device is left with no session rather than a session read with another account's
//! policy. keyring-core's mock store underneath, with writes to one name refused while armed.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bingx_passkeys_core::{Factor, LoginPath, PasskeysError, Scenario, SecretStore};
use bingx_passkeys_testkit::harness::{Harness, RP_ID};
use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{Credential, CredentialPersistence, Entry};

/// The mock store, with writes to the entry named `refused` failing while `armed`.
#[derive(Debug)]
struct RefusingWrites {
    inner: Arc<keyring_core::CredentialStore>,
    refused: &'static str,
    armed: Arc<AtomicBool>,
}

#[derive(Debug)]
struct Guarded {
    inner: Entry,
    refuse: bool,
    armed: Arc<AtomicBool>,
}

impl CredentialApi for Guarded {
    fn set_secret(&self, secret: &[u8]) -> keyring_core::Result<()> {
        if self.refuse && self.armed.load(Ordering::SeqCst) {
            return Err(keyring_core::Error::NoStorageAccess(
                "the keystore is locked (test)".into(),
            ));
        }
        self.inner.set_secret(secret)
    }

    fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
        self.inner.get_secret()
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

impl CredentialStoreApi for RefusingWrites {
    fn vendor(&self) -> String {
        "refusing writes (test)".to_owned()
    }

    fn id(&self) -> String {
        "refusing-writes".to_owned()
    }

    fn build(
        &self,
        service: &str,
        user: &str,
        _modifiers: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        Ok(Entry::new_with_credential(Arc::new(Guarded {
            inner: Entry::new_in_store(&self.inner, service, user)?,
            refuse: user == self.refused
                || (self.refused.ends_with(':') && user.starts_with(self.refused)),
            armed: self.armed.clone(),
        })))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn persistence(&self) -> CredentialPersistence {
        CredentialPersistence::ProcessOnly
    }
}

/// A keystore (keyring-core's mock store) whose writes to the entry `name` (every entry it
/// starts, for a `name` ending in `:`, such as `policy:`) fail while the returned flag is set.
fn refusing_writes_to(name: &'static str) -> (SecretStore, Arc<AtomicBool>) {
    let armed = Arc::new(AtomicBool::new(false));
    let mock: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let store = SecretStore::new(Arc::new(RefusingWrites {
        inner: mock,
        refused: name,
        armed: armed.clone(),
    }));
    (store, armed)
}

#[tokio::test]
async fn a_sign_in_the_keystore_cannot_keep_leaves_no_session_for_another_accounts_policy() {
    // Bob (no passkeys) signed in on this phone; then Alice (passkeys required) signs in with
    // her passkey, and the keystore refuses to remember her account. Her session must not be
    // kept with Bob's account and policy (which would let her H5 button and withdrawals by).
    let h = Harness::start().await;
    let pm = h.password_manager();
    let alice = h.sign_up("alice@keystore.test").await;
    let enabler = h.client_with(&h.base_url(), SecretStore::in_memory().unwrap(), pm.clone());
    h.sign_in(&enabler, &alice, "laptop").await.unwrap();
    let flow = enabler.enable();
    h.step_up(&flow, &alice).await.unwrap();
    flow.create_passkey(None).await.unwrap();

    let (store, armed) = refusing_writes_to("account");
    let phone = h.client_with(&h.base_url(), store.clone(), pm);
    let bob = h.sign_up("bob@keystore.test").await;
    h.sign_in(&phone, &bob, "phone").await.unwrap();
    assert!(phone.sign_in().check_path(LoginPath::H5).is_ok(), "Bob's");

    armed.store(true, Ordering::SeqCst);
    let answer = phone.sign_in().with_passkey().await;
    armed.store(false, Ordering::SeqCst);
    assert!(
        matches!(answer, Err(PasskeysError::KeystoreFailed { .. })),
        "{answer:?}"
    );
    assert_eq!(
        phone.sign_in().is_signed_in(),
        Ok(false),
        "no session is kept without its account"
    );
    assert_eq!(
        store.account().unwrap().as_deref(),
        Some(bob.account_id.as_str())
    );
    // Signed in again once the keystore works: Alice's own policy applies.
    phone.sign_in().with_passkey().await.unwrap();
    assert!(phone.sign_in().check_path(LoginPath::H5).is_err());
    assert!(phone.scenarios().needs_passkey(&Scenario::Login));
}

#[tokio::test]
async fn a_ceremony_result_the_keystore_cannot_keep_is_forgotten_by_the_password_manager() {
    // The password manager made the passkey, then the keystore refuses to keep the result: it is
    // never sent, so the server never stores it. The password manager is told to forget it, or
    // it would go on offering a passkey the server does not know next to the one the retry makes.
    let h = Harness::start().await;
    let pm = h.password_manager();
    let alice = h.sign_up("alice@pending-keystore.test").await;
    let (store, armed) = refusing_writes_to("pending-registration");
    let phone = h.client_with(&h.base_url(), store.clone(), pm.clone());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();

    armed.store(true, Ordering::SeqCst);
    let answer = flow.create_passkey(None).await;
    armed.store(false, Ordering::SeqCst);
    assert!(
        matches!(answer, Err(PasskeysError::KeystoreFailed { .. })),
        "{answer:?}"
    );
    assert_eq!(pm.create_calls(), 1);
    assert_eq!(pm.signalled_unknown().len(), 1, "the passkey never sent");
    assert!(
        pm.credential_ids(RP_ID).is_empty(),
        "the password manager no longer offers it"
    );
    assert_eq!(store.pending_registration().unwrap(), None);

    // The retry runs its own ceremony, and the server requires the passkey it made.
    let added = flow.create_passkey(None).await.unwrap();
    assert_eq!(pm.create_calls(), 2);
    assert!(added.policy.passkey_required);
    assert_eq!(added.passkeys.len(), 1);
    assert_eq!(
        pm.credential_ids(RP_ID),
        vec![added.passkey.credential_id.clone()]
    );
}

#[tokio::test]
async fn a_reset_whose_token_the_keystore_cannot_keep_is_followed_after_the_same_code_again() {
    // The server filed the reset, then the keystore refused its token: the code entered again
    // gets the same reset (and a token of its own); the user is never sent back for a new code.
    let h = Harness::start().await;
    let owner = h.client(h.password_manager());
    let account = h.sign_up("alice@reset-keystore.test").await;
    h.sign_in(&owner, &account, "old phone").await.unwrap();
    let flow = owner.enable();
    h.step_up(&flow, &account).await.unwrap();
    flow.create_passkey(None).await.unwrap();

    let (store, armed) = refusing_writes_to("reset-token");
    let phone = h.client_with(&h.base_url(), store.clone(), h.password_manager());
    phone
        .recovery()
        .request(&account.email, &account.password, "new phone")
        .await
        .unwrap();
    let code = h.code_for(&account.email, "recovery").await;
    armed.store(true, Ordering::SeqCst);
    let answer = phone.recovery().confirm(Factor::Email, &code).await;
    armed.store(false, Ordering::SeqCst);
    assert!(
        matches!(answer, Err(PasskeysError::KeystoreFailed { .. })),
        "{answer:?}"
    );
    let filed = phone
        .recovery()
        .confirm(Factor::Email, &code)
        .await
        .expect("the same code again");
    let followed = phone.recovery().status().await.unwrap().expect("followed");
    assert_eq!(followed.reset_id, filed.reset_id);
}

#[tokio::test]
async fn a_requirement_whose_copy_the_keystore_cannot_keep_never_leaves_the_device_laxer() {
    // The device read the account's policy while the requirement was off; Enable then turns it
    // on, and the keystore refuses the policy copy after the mark was written. The device must
    // not go on answering from the lax policy it held in memory.
    let h = Harness::start().await;
    let alice = h.sign_up("alice@copy.test").await;
    let (store, armed) = refusing_writes_to("policy:");
    let phone = h.client_with(&h.base_url(), store, h.password_manager());
    h.sign_in(&phone, &alice, "phone").await.unwrap();
    assert!(phone.sign_in().check_path(LoginPath::H5).is_ok(), "off");
    assert!(!phone.scenarios().needs_passkey(&Scenario::Withdrawal));

    let flow = phone.enable();
    h.step_up(&flow, &alice).await.unwrap();
    armed.store(true, Ordering::SeqCst);
    let enabled = flow.create_passkey(None).await;
    assert!(
        matches!(enabled, Err(PasskeysError::KeystoreFailed { .. })),
        "{enabled:?}"
    );
    assert!(
        phone.sign_in().check_path(LoginPath::H5).is_err(),
        "the H5 login stays blocked on the device"
    );
    assert!(phone.scenarios().needs_passkey(&Scenario::Withdrawal));
    armed.store(false, Ordering::SeqCst);
}
