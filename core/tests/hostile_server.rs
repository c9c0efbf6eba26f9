//! A hostile or broken server (BRIEF §5 #15): bad JSON, wrong types, deep nesting, huge or endless
//! bodies, HTML error pages, dropped connections. Every answer becomes a typed error; nothing
//! panics, memory stays bounded, and nothing is downgraded to a weaker factor.

use std::sync::Arc;

use bingx_passkeys_core::{
    Config, PasskeysClient, PasskeysError, SecretStore, SessionToken, SignInStep,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

mod common;
use common::NoCeremonyExpected;

/// A one-answer-per-connection HTTP server on loopback that always sends `answer`.
async fn hostile(answer: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(&answer).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn http(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn client(base_url: &str) -> PasskeysClient {
    let config = Config::for_loopback_test_server(base_url, "passkeys.bingx.test").unwrap();
    let store = SecretStore::in_memory().unwrap();
    store
        .set_session_token(&SessionToken::new("session-of-test".into()))
        .unwrap();
    PasskeysClient::new(config, store, Arc::new(NoCeremonyExpected)).unwrap()
}

async fn password_login(answer: Vec<u8>) -> Result<SignInStep, PasskeysError> {
    let c = client(&hostile(answer).await);
    c.sign_in()
        .with_password("alice@demo.bingx.test", "pw", "device-1", None)
        .await
}

#[tokio::test]
async fn malformed_and_ill_typed_answers_are_invalid_answers() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for body in [
        &b"not json"[..],
        b"{\"status\": 5}",
        b"{\"status\": \"signed_in\"}",
        b"{\"status\": \"code_required\", \"login_id\": [1,2]}",
        b"[]",
        b"",
        deep.as_bytes(),
    ] {
        let result = password_login(http("200 OK", "application/json", body)).await;
        assert_eq!(
            result,
            Err(PasskeysError::InvalidResponse {
                detail: "the server's answer could not be read".to_owned(),
            }),
            "{:.40}",
            String::from_utf8_lossy(body)
        );
    }
}

#[tokio::test]
async fn huge_bodies_are_refused_without_reading_them_whole() {
    // Declared too large.
    let huge = vec![b'a'; 2 * 1024 * 1024];
    let result = password_login(http("200 OK", "application/json", &huge)).await;
    assert_eq!(
        result,
        Err(PasskeysError::InvalidResponse {
            detail: "the server's answer could not be read".to_owned(),
        })
    );
    // No length given: a stream that would go on for ever is cut at the cap.
    let mut endless =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[\""
            .to_vec();
    endless.extend(std::iter::repeat_n(b'a', 3 * 1024 * 1024));
    let result = password_login(endless).await;
    assert_eq!(
        result,
        Err(PasskeysError::InvalidResponse {
            detail: "the server's answer could not be read".to_owned(),
        })
    );
}

#[tokio::test]
async fn error_pages_and_dropped_connections_are_typed() {
    let gateway = password_login(http("502 Bad Gateway", "text/html", b"<html>oops</html>"))
        .await
        .unwrap_err();
    assert!(gateway.is_retryable(), "{gateway:?}");
    let teapot = password_login(http("418 I'm a teapot", "text/html", b"<html>"))
        .await
        .unwrap_err();
    assert_eq!(
        teapot,
        PasskeysError::InvalidResponse {
            detail: "the server's answer could not be read".to_owned(),
        }
    );
    let dropped = password_login(Vec::new()).await.unwrap_err();
    assert_eq!(dropped, PasskeysError::Network);
    assert!(dropped.is_retryable());
}

#[tokio::test]
async fn a_refusal_never_becomes_a_weaker_factor() {
    // A phishing proxy answering a passkey-era login with "just send us the SMS code" gets a typed
    // refusal; the core has no path that turns an unknown status into an OTP prompt.
    let body = br#"{"status":"otp_fallback","login_id":"x","factors":["sms"]}"#;
    let result = password_login(http("200 OK", "application/json", body)).await;
    assert_eq!(
        result,
        Err(PasskeysError::InvalidResponse {
            detail: "the server's answer could not be read".to_owned(),
        })
    );
}

#[tokio::test]
async fn hostile_passkey_lists_and_policies_are_typed_errors() {
    for body in [
        &br#"{"passkeys":[{"credential_id":"%%%","name":"x"}]}"#[..],
        br#"{"passkeys":"everything"}"#,
        br#"{"account_id":1}"#,
    ] {
        let c = client(&hostile(http("200 OK", "application/json", body)).await);
        assert_eq!(
            c.passkeys().list().await,
            Err(PasskeysError::InvalidResponse {
                detail: "the server's answer could not be read".to_owned(),
            })
        );
        assert_eq!(
            c.passkeys().policy().await,
            Err(PasskeysError::InvalidResponse {
                detail: "the server's answer could not be read".to_owned(),
            })
        );
    }
}

#[tokio::test]
async fn names_and_activity_from_the_server_reach_the_app_showable_and_bounded() {
    // A passkey planted with a right-to-left override in its name would read, on the Passkeys
    // page, as another provider's; a misbehaving server could send endless text.
    let long = "x".repeat(10_000);
    let list = format!(
        r#"{{"passkeys":[{{"credential_id":"AQID","name":"\u202Eenohp sihT\u202C Pixel","aaguid":"ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4","provider":"Google\u2066 Password\u0007 Manager","provider_known":true,"created_at":1,"last_used_at":null,"backup_eligible":true,"backed_up":true}},{{"credential_id":"BAUG","name":"{long}","aaguid":"{long}","provider":"{long}","provider_known":false,"created_at":2,"last_used_at":null,"backup_eligible":false,"backed_up":false}}]}}"#
    );
    let c = client(&hostile(http("200 OK", "application/json", list.as_bytes())).await);
    let passkeys = c.passkeys().list().await.expect("a list");
    assert_eq!(passkeys[0].name, "enohp sihT Pixel");
    assert_eq!(passkeys[0].provider, "Google Password Manager");
    assert_eq!(passkeys[1].name.chars().count(), 64);
    assert_eq!(passkeys[1].aaguid.chars().count(), 36);
    assert_eq!(passkeys[1].provider.chars().count(), 100);

    let events = format!(
        r#"{{"events":[{{"kind":"passkey_added","at":1,"detail":"Passkey \u2067added\u2069 on {long}"}}]}}"#
    );
    let c = client(&hostile(http("200 OK", "application/json", events.as_bytes())).await);
    let activity = c.passkeys().activity().await.expect("the activity");
    assert!(
        activity[0].detail.starts_with("Passkey added on xxx"),
        "{}",
        &activity[0].detail[..40]
    );
    assert_eq!(activity[0].detail.chars().count(), 300);
}

#[tokio::test]
async fn hostile_registration_options_never_reach_the_platform() {
    // Options for another rp id, a short challenge, no user verification: refused before the
    // platform is called (the platform above panics if it is).
    let options = [
        r#"{"rp":{"id":"bingx-login.example.net","name":"x"},"user":{"id":"dQ","name":"a","displayName":"a"},"challenge":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","pubKeyCredParams":[{"type":"public-key","alg":-7}],"authenticatorSelection":{"userVerification":"required"}}"#,
        r#"{"rp":{"id":"passkeys.bingx.test","name":"x"},"user":{"id":"dQ","name":"a","displayName":"a"},"challenge":"AAAA","pubKeyCredParams":[{"type":"public-key","alg":-7}],"authenticatorSelection":{"userVerification":"required"}}"#,
        r#"{"rp":{"id":"passkeys.bingx.test","name":"x"},"user":{"id":"dQ","name":"a","displayName":"a"},"challenge":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","pubKeyCredParams":[{"type":"public-key","alg":-7}],"authenticatorSelection":{"userVerification":"discouraged"}}"#,
    ];
    for o in options {
        let body = format!(
            r#"{{"ceremony_id":"c1","options":{o},"expires_in_secs":300,"step_up_id":"s","factors":["email"],"step_up_token":"t"}}"#
        );
        let c = client(&hostile(http("200 OK", "application/json", body.as_bytes())).await);
        let flow = c.enable();
        flow.check_device().await.unwrap();
        flow.acknowledge_warning().unwrap();
        flow.start_step_up().await.unwrap();
        flow.finish_step_up("pw", bingx_passkeys_core::Factor::Email, "123456")
            .await
            .unwrap();
        let err = flow.create_passkey(None).await.unwrap_err();
        assert!(
            matches!(err, PasskeysError::InvalidResponse { .. }),
            "{err:?}"
        );
    }
}
