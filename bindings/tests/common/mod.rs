//! What the FFI tests share: a platform authenticator and a keystore written the way a Kotlin or
//! Swift shell writes them (they see only the FFI records and errors), and clients of the
//! exported `PasskeysClient` wired to the reference server.

#![allow(dead_code)] // Each test file uses part of it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bingx_passkeys::{
    Capabilities, CreateRequest, GetRequest, PasskeysClient, PasskeysConfig, PlatformAuthenticator,
    PlatformAuthenticatorError, SecureStore, SecureStoreError,
};
use bingx_passkeys_core::platform as core_platform;
use bingx_passkeys_testkit::harness::{Harness, RP_ID};

/// What a Kotlin or Swift shell would be: a platform password manager (here the testkit's
/// software one, or two of them) behind the FFI records and error.
pub struct Shell(pub Arc<dyn core_platform::PlatformAuthenticator>);

#[async_trait::async_trait]
impl PlatformAuthenticator for Shell {
    async fn capabilities(&self) -> Result<Capabilities, PlatformAuthenticatorError> {
        Ok(self.0.capabilities().await.into())
    }

    async fn create(&self, r: CreateRequest) -> Result<String, PlatformAuthenticatorError> {
        let request = core_platform::CreateRequest {
            request_json: r.request_json,
            rp_id: r.rp_id,
            challenge: r.challenge,
            user_id: r.user_id,
            user_name: r.user_name,
            user_display_name: r.user_display_name,
            exclude_credential_ids: r.exclude_credential_ids,
            timeout_ms: r.timeout_ms,
        };
        self.0.create(request).await.map_err(shell_error)
    }

    async fn get(&self, r: GetRequest) -> Result<String, PlatformAuthenticatorError> {
        let request = core_platform::GetRequest {
            request_json: r.request_json,
            rp_id: r.rp_id,
            challenge: r.challenge,
            allow_credential_ids: r.allow_credential_ids,
            timeout_ms: r.timeout_ms,
        };
        self.0.get(request).await.map_err(shell_error)
    }

    async fn signal_unknown_credential(
        &self,
        rp_id: String,
        credential_id: Vec<u8>,
    ) -> Result<(), PlatformAuthenticatorError> {
        let signal = self.0.signal_unknown_credential(rp_id, credential_id);
        signal.await.map_err(shell_error)
    }

    async fn signal_all_accepted_credentials(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        credential_ids: Vec<Vec<u8>>,
    ) -> Result<(), PlatformAuthenticatorError> {
        let signal = self
            .0
            .signal_all_accepted_credentials(rp_id, user_id, credential_ids);
        signal.await.map_err(shell_error)
    }
}

/// The mapping a shell does from its platform's errors.
fn shell_error(e: core_platform::PlatformError) -> PlatformAuthenticatorError {
    use core_platform::PlatformError as P;
    match e {
        P::Cancelled => PlatformAuthenticatorError::Cancelled,
        P::NoCredential => PlatformAuthenticatorError::NoCredential,
        P::NoPasswordManager { detail } => PlatformAuthenticatorError::NoPasswordManager { detail },
        P::AlreadyRegistered => PlatformAuthenticatorError::AlreadyRegistered,
        P::DomainNotAssociated { detail } => {
            PlatformAuthenticatorError::DomainNotAssociated { detail }
        }
        P::Interrupted { detail } => PlatformAuthenticatorError::Interrupted { detail },
        P::TimedOut => PlatformAuthenticatorError::TimedOut,
        P::Other { kind, message } => PlatformAuthenticatorError::Other {
            kind,
            detail: message,
        },
    }
}

/// The app's keystore as a shell keeps it (EncryptedSharedPreferences, the Keychain; a map here).
#[derive(Default)]
pub struct Keystore(Mutex<HashMap<String, String>>);

impl Keystore {
    /// The session the library keeps, for a request the app sends itself (a withdrawal).
    pub fn session(&self) -> String {
        self.0
            .lock()
            .unwrap()
            .get("com.bingx.passkeys/session-token")
            .cloned()
            .expect("signed in")
    }
}

impl SecureStore for Keystore {
    fn get(&self, name: String) -> Result<Option<String>, SecureStoreError> {
        Ok(self.0.lock().unwrap().get(&name).cloned())
    }

    fn set(&self, name: String, value: String) -> Result<(), SecureStoreError> {
        self.0.lock().unwrap().insert(name, value);
        Ok(())
    }

    fn delete(&self, name: String) -> Result<(), SecureStoreError> {
        self.0.lock().unwrap().remove(&name);
        Ok(())
    }
}

/// The test server's configuration as an app would ship it; with `policy_key`, the server's
/// policy-signing key pinned, so the device keeps a verified copy of the account's policy.
pub fn config(h: &Harness, policy_key: Option<Vec<u8>>) -> PasskeysConfig {
    PasskeysConfig {
        base_url: h.base_url(),
        rp_id: RP_ID.to_owned(),
        android_apk_key_hashes: vec![],
        allow_insecure_loopback: true,
        policy_key,
    }
}

/// The server's policy-signing key, as the app pins it.
pub async fn policy_key(h: &Harness) -> Vec<u8> {
    let (status, body) = h.raw("GET", "/v1/policy-key", None, None).await;
    assert_eq!(status, 200, "{body}");
    let key = body["public_key"].as_str().expect("public_key");
    passkey_types::encoding::try_from_base64url(key).expect("base64url")
}

/// A client on the platform authenticator `platform` with its own in-memory secrets.
pub fn in_memory_client(
    h: &Harness,
    platform: Arc<dyn core_platform::PlatformAuthenticator>,
) -> Arc<PasskeysClient> {
    PasskeysClient::new_with_in_memory_store(config(h, None), Arc::new(Shell(platform))).unwrap()
}
