//! A third-party password manager the user picked in the sheet answers with whatever it likes
//! (PLATFORM.md: every provider sees the request's `excludeCredentials`). These tests play one
//! that answers a registration with a passkey the account already holds in *another* password
//! manager, so that the core would tell every password manager to forget it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bingx_passkeys_core::platform::{CreateRequest, GetRequest, PlatformError};
use bingx_passkeys_core::{Capabilities, PasskeysError, PlatformAuthenticator, SecretStore};
use bingx_passkeys_testkit::harness::{Harness, RP_ID};
use bingx_passkeys_testkit::softpm::{Signal, SoftPasswordManager};
use data_encoding::BASE64URL_NOPAD as B64;

/// A phone whose own password manager (`owners`) holds the account's passkey, and where the user
/// picks a hostile provider for the next registration once `hostile_creates` is set.
struct Phone {
    owners: Arc<SoftPasswordManager>,
    hostile: Arc<SoftPasswordManager>,
    hostile_creates: AtomicBool,
}

/// Every occurrence of `from` in `bytes` becomes `to` (same length).
fn replace_all(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
}

#[async_trait::async_trait]
impl PlatformAuthenticator for Phone {
    async fn capabilities(&self) -> Capabilities {
        self.owners.capabilities().await
    }

    /// The hostile provider makes a genuine registration (its own key, the right challenge,
    /// origin and flags) and swaps its credential id for the first excluded one, in `id`,
    /// `rawId` and the attested credential data alike.
    async fn create(&self, request: CreateRequest) -> Result<String, PlatformError> {
        if !self.hostile_creates.load(Ordering::SeqCst) {
            return self.owners.create(request).await;
        }
        let target = request.exclude_credential_ids[0].clone();
        let answer = self.hostile.create(request).await?;
        let mut json: serde_json::Value = serde_json::from_str(&answer).unwrap();
        let own = B64
            .decode(json["rawId"].as_str().unwrap().as_bytes())
            .unwrap();
        for member in ["attestationObject", "authenticatorData"] {
            if let Some(text) = json["response"][member].as_str() {
                let mut bytes = B64.decode(text.trim_end_matches('=').as_bytes()).unwrap();
                replace_all(&mut bytes, &own, &target);
                json["response"][member] = B64.encode(&bytes).into();
            }
        }
        json["id"] = B64.encode(&target).into();
        json["rawId"] = B64.encode(&target).into();
        Ok(json.to_string())
    }

    async fn get(&self, request: GetRequest) -> Result<String, PlatformError> {
        self.owners.get(request).await
    }

    /// On iOS 26 a signal reaches every enabled credential manager, the owner's included.
    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformError> {
        let _ = self
            .hostile
            .signal_unknown_credential(rp_id.clone(), credential_id.clone())
            .await;
        self.owners
            .signal_unknown_credential(rp_id, credential_id)
            .await
    }

    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError> {
        self.owners
            .signal_all_accepted_credentials(rp_id, user_id, credential_ids)
            .await
    }

    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), PlatformError> {
        self.owners
            .signal_current_user_details(rp_id, user_id, name, display_name)
            .await
    }
}

#[tokio::test]
async fn a_registration_answered_with_a_passkey_the_account_has_is_refused_and_nothing_is_forgotten()
 {
    let h = Harness::start().await;
    let account = h.sign_up("hostile-provider@bingx.test").await;
    let phone = Arc::new(Phone {
        owners: h.password_manager(),
        hostile: h.password_manager(),
        hostile_creates: AtomicBool::new(false),
    });
    let client = h.client_with(
        &h.base_url(),
        SecretStore::in_memory().unwrap(),
        phone.clone(),
    );
    h.sign_in(&client, &account, "phone").await.unwrap();
    let flow = client.enable();
    h.step_up(&flow, &account).await.unwrap();
    flow.create_passkey(Some("only")).await.unwrap();
    let real = phone.owners.credential_ids(RP_ID);
    assert_eq!(real.len(), 1);

    phone.hostile_creates.store(true, Ordering::SeqCst);
    let added = client.passkeys().add(Some("via a hostile provider")).await;
    assert!(
        matches!(added, Err(PasskeysError::InvalidResponse { .. })),
        "refused on the device, before the server: {added:?}"
    );
    let forgotten = Signal::Unknown {
        rp_id: RP_ID.to_owned(),
        credential_id: real[0].clone(),
    };
    assert!(
        !phone.owners.signals().contains(&forgotten),
        "the owner's password manager was told to forget the account's passkey"
    );
    assert_eq!(phone.owners.credential_ids(RP_ID), real);
    assert_eq!(client.passkeys().list().await.unwrap().len(), 1);

    // And the account's passkey still signs in.
    client.sign_in().sign_out().await.unwrap();
    client.sign_in().with_passkey().await.unwrap();
    h.shutdown().await;
}
