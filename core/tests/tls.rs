//! TLS as the library runs it (BRIEF §5 #16; the Android issue's pinning): over loopback TLS with
//! generated certificates, a server the app pins and that carries the pinned key works; a server
//! whose chain verifies but carries none of the pinned keys is refused with a typed error; a
//! server signed by a CA the app does not trust is refused; the pinned certificates sent along
//! with a chain they do not sign are no pin. Nothing is sent to a refused server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bingx_passkeys_core::{Config, PasskeysClient, PasskeysError, SecretStore, SignInStep};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, PublicKeyData};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

mod common;
use common::NoCeremonyExpected;

/// A CA and a server certificate for `localhost` it signed.
struct Pki {
    ca_der: Vec<u8>,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: PrivateKeyDer<'static>,
    /// SHA-256 of the server's SubjectPublicKeyInfo, and of the CA's.
    server_pin: Vec<u8>,
    ca_pin: Vec<u8>,
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .to_vec()
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, &ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    Pki {
        ca_der: ca.der().to_vec(),
        server_chain: vec![server.der().clone(), ca.der().clone()],
        server_pin: sha256(&server_key.subject_public_key_info()),
        ca_pin: sha256(&ca_key.subject_public_key_info()),
        server_key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
    }
}

/// A TLS server on loopback that answers every request with a password login that wants a
/// code; counts the requests that reached it.
async fn serve(pki: &Pki) -> (u16, Arc<AtomicUsize>) {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(pki.server_chain.clone(), pki.server_key.clone_key())
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let count = count.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0u8; 16 * 1024];
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                let body = br#"{"status":"code_required","login_id":"l-1","factors":["email"]}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(head.as_bytes()).await;
                let _ = tls.write_all(body).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, served)
}

async fn sign_in(config: Config) -> Result<SignInStep, PasskeysError> {
    let client = PasskeysClient::new(
        config,
        SecretStore::in_memory().unwrap(),
        Arc::new(NoCeremonyExpected),
    )?;
    client
        .sign_in()
        .with_password("alice@bingx.test", "pw", "device-1", None)
        .await
}

fn config(port: u16) -> Config {
    // An https configuration needs a policy key; these tests verify no policy.
    Config::new(&format!("https://localhost:{port}/"), "bingx.test")
        .unwrap()
        .with_policy_key(vec![4; 65])
        .unwrap()
}

#[tokio::test]
async fn a_pinned_server_that_carries_the_pinned_key_works() {
    let pki = pki();
    let (port, served) = serve(&pki).await;
    for pin in [&pki.server_pin, &pki.ca_pin] {
        let config = config(port)
            .with_trust_anchor(pki.ca_der.clone())
            .with_spki_pin(&[0x11; 32])
            .unwrap()
            .with_spki_pin(pin)
            .unwrap();
        let step = sign_in(config).await.unwrap();
        assert!(matches!(step, SignInStep::CodeRequired { .. }), "{step:?}");
    }
    assert_eq!(served.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_server_without_a_pinned_key_is_refused_before_anything_is_sent() {
    let pki = pki();
    let (port, served) = serve(&pki).await;
    let config = config(port)
        .with_trust_anchor(pki.ca_der.clone())
        .with_spki_pin(&[0x22; 32])
        .unwrap();
    let refused = sign_in(config).await.unwrap_err();
    assert_eq!(
        refused,
        PasskeysError::UntrustedServer { pin_mismatch: true }
    );
    assert!(!refused.is_retryable());
    assert_eq!(refused.text().key, "error.untrusted_server");
    assert_eq!(served.load(Ordering::SeqCst), 0, "the request never left");
}

#[tokio::test]
async fn a_server_signed_by_an_unknown_ca_is_refused() {
    let pki = pki();
    let other = pki_other_ca();
    let (port, served) = serve(&pki).await;
    // Trusting another CA only (a pin of the real server's key does not make it trusted).
    let config = config(port)
        .with_trust_anchor(other)
        .with_spki_pin(&pki.server_pin)
        .unwrap();
    assert_eq!(
        sign_in(config).await.unwrap_err(),
        PasskeysError::UntrustedServer {
            pin_mismatch: false
        }
    );
    // And without any app-given anchor, the platform's store does not know the test CA either.
    assert_eq!(
        sign_in(self::config(port)).await.unwrap_err(),
        PasskeysError::UntrustedServer {
            pin_mismatch: false
        }
    );
    assert_eq!(served.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_exchanges_certificates_appended_to_a_rogue_chain_are_not_a_pin() {
    // A CA the device trusts (a rogue or compromised one) issued a certificate for the host;
    // the attacker sends the exchange's real CA and leaf certificates along (anyone can fetch
    // them). Their keys are pinned, but they sign nothing in this chain.
    let real = pki();
    let rogue = pki();
    let mut chain = rogue.server_chain.clone();
    chain.push(CertificateDer::from(real.ca_der.clone()));
    chain.push(real.server_chain[0].clone());
    let presented = Pki {
        ca_der: rogue.ca_der.clone(),
        server_chain: chain,
        server_key: rogue.server_key.clone_key(),
        server_pin: rogue.server_pin.clone(),
        ca_pin: rogue.ca_pin.clone(),
    };
    let (port, served) = serve(&presented).await;
    let config = config(port)
        .with_trust_anchor(rogue.ca_der.clone())
        .with_trust_anchor(real.ca_der.clone())
        .with_spki_pin(&real.ca_pin)
        .unwrap()
        .with_spki_pin(&real.server_pin)
        .unwrap();
    assert_eq!(
        sign_in(config).await.unwrap_err(),
        PasskeysError::UntrustedServer { pin_mismatch: true }
    );
    assert_eq!(served.load(Ordering::SeqCst), 0, "the request never left");
}

fn pki_other_ca() -> Vec<u8> {
    pki().ca_der
}

#[test]
fn pins_must_be_sha256_digests() {
    assert!(config(443).with_spki_pin(&[0; 31]).is_err());
    assert!(config(443).with_spki_pin(&[0; 32]).is_ok());
    let garbage = config(443).with_trust_anchor(vec![1, 2, 3]);
    assert!(matches!(
        PasskeysClient::new(
            garbage,
            SecretStore::in_memory().unwrap(),
            Arc::new(NoCeremonyExpected)
        ),
        Err(PasskeysError::InvalidConfig { .. })
    ));
}
