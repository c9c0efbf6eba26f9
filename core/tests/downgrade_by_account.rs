//! The device's "requires passkeys" mark is per account, and so is the check (BRIEF §5 #1, #2,
//! #14): a session opened by a weaker factor (a code, a password alone, third-party) for an
//! account the device has marked is refused and not kept — whichever account is remembered now
//! (another one signed in since), and also when the keystore can no longer read what it kept.
//! The server here is a phishing proxy: it answers as an unflagged account would, and cannot
//! sign a policy.

use std::sync::Arc;

use bingx_passkeys_core::{
    Config, LoginPath, PasskeysClient, PasskeysError, SecretStore, SignInStep,
};
use keyring_core::{CredentialStore, Entry};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

mod common;
use common::NoCeremonyExpected;

const ALICE: &str = "acct-alice";
const ALICE_EMAIL: &str = "alice@bingx.test";

/// A server that answers each endpoint as if the account needed no passkey: a code for a
/// password, a session (for Alice) for the code, for a trusted device and for third-party.
async fn proxy() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = vec![0u8; 16 * 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request).to_string();
                let signed_in = format!(
                    r#"{{"status":"signed_in","session_token":"proxy-session","account_id":"{ALICE}"}}"#
                );
                let body = if head.starts_with("POST /v1/login/password") {
                    r#"{"status":"code_required","login_id":"l-1","factors":["email"]}"#.to_owned()
                } else {
                    signed_in
                };
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

/// A phone that marked Alice as needing passkeys, where Bob signed in since (he is remembered).
fn phone(base_url: &str, store: SecretStore) -> PasskeysClient {
    store.set_flagged(ALICE, true).unwrap();
    store.set_account("acct-bob").unwrap();
    store.set_account_email("bob@bingx.test").unwrap();
    let config = Config::for_loopback_test_server(base_url, "passkeys.bingx.test").unwrap();
    PasskeysClient::new(config, store, Arc::new(NoCeremonyExpected)).unwrap()
}

#[tokio::test]
async fn a_code_session_for_a_marked_account_is_refused_whoever_is_remembered() {
    let store = SecretStore::in_memory().unwrap();
    let client = phone(&proxy().await, store.clone());
    let step = client
        .sign_in()
        .with_password(ALICE_EMAIL, "pw", "device-1", None)
        .await
        .unwrap();
    let SignInStep::CodeRequired { login_id, .. } = step else {
        panic!("{step:?}");
    };
    let refused = client
        .sign_in()
        .complete_with_code(
            &login_id,
            bingx_passkeys_core::Factor::Email,
            "123456",
            false,
        )
        .await
        .unwrap_err();
    assert_eq!(refused, PasskeysError::DowngradeRefused);
    assert_eq!(store.session_token().unwrap(), None, "no session kept");
    assert_eq!(store.account().unwrap().as_deref(), Some("acct-bob"));
    assert!(store.is_flagged(ALICE).unwrap(), "the mark stays");
}

#[tokio::test]
async fn a_third_party_session_for_a_marked_account_is_refused() {
    let store = SecretStore::in_memory().unwrap();
    let client = phone(&proxy().await, store.clone());
    assert_eq!(
        client
            .sign_in()
            .with_third_party("google", "id-token")
            .await,
        Err(PasskeysError::PathBlocked {
            path: LoginPath::ThirdParty
        })
    );
    assert_eq!(store.session_token().unwrap(), None);
}

#[tokio::test]
async fn a_mark_the_keystore_cannot_read_still_refuses() {
    // A lost keystore key: the entries are there, unreadable (as after a restore).
    let keyring: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let store = SecretStore::new(keyring.clone());
    let client = phone(&proxy().await, store.clone());
    for name in ["flagged:acct-alice", "account", "account-email"] {
        Entry::new_in_store(&keyring, "com.bingx.passkeys", name)
            .unwrap()
            .set_secret(&[0xff, 0xfe, 0x00, 0x80])
            .unwrap();
    }
    let step = client
        .sign_in()
        .with_password(ALICE_EMAIL, "pw", "device-1", None)
        .await
        .unwrap();
    let SignInStep::CodeRequired { login_id, .. } = step else {
        panic!("{step:?}");
    };
    assert_eq!(
        client
            .sign_in()
            .complete_with_code(
                &login_id,
                bingx_passkeys_core::Factor::Email,
                "123456",
                false
            )
            .await,
        Err(PasskeysError::DowngradeRefused)
    );
    assert_eq!(store.session_token().unwrap(), None);
}
