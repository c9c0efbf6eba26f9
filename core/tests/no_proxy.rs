//! The client never sends its requests through a proxy named by the process's environment
//! (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`): whatever set them (a QA machine, a desktop build,
//! a hostile library in the app's process) would receive a loopback test server's requests in
//! clear, password included, and learn the host and timing of every https one.
//!
//! Its own test binary: it changes the process's environment, which no other test may share.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bingx_passkeys_core::{Config, PasskeysClient, SecretStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

mod common;
use common::NoCeremonyExpected;

/// A loopback listener that counts its connections and answers each with a 503.
async fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = socket.read(&mut buf).await;
                let body = br#"{"error":{"code":"SERVER_BUSY","message":"Busy."}}"#;
                let head = format!(
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn a_proxy_named_by_the_environment_sees_no_request() {
    let (proxy, proxied) = counting_listener().await;
    let (server, served) = counting_listener().await;
    // SAFETY: this test binary holds this one test, and the variables are set before any client
    // (or any other thread that reads the environment) exists.
    unsafe {
        for name in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            std::env::set_var(name, &proxy);
        }
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }
    let config = Config::for_loopback_test_server(&server, "passkeys.bingx.test").unwrap();
    let client = PasskeysClient::new(
        config,
        SecretStore::in_memory().unwrap(),
        Arc::new(NoCeremonyExpected),
    )
    .unwrap();
    let answer = client
        .sign_in()
        .with_password("alice@demo.bingx.test", "a password", "device-1", None)
        .await;
    assert!(answer.is_err(), "the listener only ever answers 503");
    assert_eq!(proxied.load(Ordering::SeqCst), 0, "the proxy saw a request");
    assert!(served.load(Ordering::SeqCst) >= 1, "the server saw none");
}
