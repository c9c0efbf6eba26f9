//! What the FFI tests share: a platform authenticator and a keystore written the way a Kotlin or
//! Swift shell writes them (they see only the FFI records and errors), and clients of the
//! exported `PasskeysClient` wired to the reference server.

#![allow(dead_code)] // Each test file uses part of it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bingx_passkeys::{
    PasskeysClient, PasskeysConfig, PlatformAuthenticator, PlatformAuthenticatorError, SecureStore,
    SecureStoreError, error_text,
};
use bingx_passkeys_core::platform as core_platform;
use bingx_passkeys_core::{Capabilities, CreateRequest, GetRequest, PasskeysError, PasskeysText};
use bingx_passkeys_testkit::harness::{Harness, RP_ID};
use bingx_passkeys_testkit::texts::{self, Lang};

/// What a Kotlin or Swift shell would be: a platform password manager (here the testkit's
/// software one, or two of them) behind the FFI records and error.
pub struct Shell(pub Arc<dyn core_platform::PlatformAuthenticator>);

#[async_trait::async_trait]
impl PlatformAuthenticator for Shell {
    async fn capabilities(&self) -> Result<Capabilities, PlatformAuthenticatorError> {
        Ok(self.0.capabilities().await)
    }

    async fn create(&self, request: CreateRequest) -> Result<String, PlatformAuthenticatorError> {
        self.0.create(request).await.map_err(shell_error)
    }

    async fn get(&self, request: GetRequest) -> Result<String, PlatformAuthenticatorError> {
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

    async fn signal_current_user_details(
        &self,
        rp_id: String,
        user_id: Vec<u8>,
        name: String,
        display_name: String,
    ) -> Result<(), PlatformAuthenticatorError> {
        let signal = self
            .0
            .signal_current_user_details(rp_id, user_id, name, display_name);
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
        P::AccountMissing { detail } => PlatformAuthenticatorError::AccountMissing { detail },
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

/// The app's keystore as a shell keeps it (KeystoreSecureStore's files, the Keychain; a map here).
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
        spki_pins: vec![],
        trust_anchors: vec![],
        device: None,
    }
}

/// The server's policy-signing key, as the app pins it.
pub async fn policy_key(h: &Harness) -> Vec<u8> {
    let (status, body) = h.raw("GET", "/v1/policy-key", None, None).await;
    assert_eq!(status, 200, "{body}");
    let key = body["public_key"].as_str().expect("public_key");
    passkey_types::encoding::try_from_base64url(key).expect("base64url")
}

/// A client on the platform authenticator `platform` with a keystore of its own.
pub fn in_memory_client(
    h: &Harness,
    platform: Arc<dyn core_platform::PlatformAuthenticator>,
) -> Arc<PasskeysClient> {
    PasskeysClient::new(
        config(h, None),
        Arc::new(Shell(platform)),
        Arc::new(Keystore::default()),
    )
    .unwrap()
}

/// What the app shows for `error`: its text in English, from `i18n/texts.toml` (the table the
/// apps' string resources are generated from). Panics when the table lacks the key or a value.
pub fn english(error: &PasskeysError) -> String {
    english_text(&error_text(error.clone()))
}

/// `text` in English, from `i18n/texts.toml`.
pub fn english_text(text: &PasskeysText) -> String {
    texts::format_text(text, Lang::En).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// The key `error_text` names for `error`, checked to be a key of `i18n/texts.toml` with an
/// English text (so every error a journey produces has something to show).
pub fn text_key(error: &PasskeysError) -> String {
    let text = error_text(error.clone());
    assert!(
        !english_text(&text).trim().is_empty(),
        "{error:?}: {} has no English text",
        text.key
    );
    text.key
}
