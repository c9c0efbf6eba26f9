//! TLS for the HTTP client: rustls with a provider built from ring's parts, no more than a mobile
//! client talking to BingX's own servers needs (BRIEF §6: ring keeps the library small).

use std::sync::Arc;
use std::sync::Once;
#[cfg(target_os = "android")]
use std::sync::atomic::{AtomicBool, Ordering};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use crate::config::Config;
use crate::error::PasskeysError;

static TLS_PROVIDER: Once = Once::new();

/// Install rustls's ring crypto provider as the process default, once, for *other* reqwest
/// clients built in the same process (the testkit's). The library never needs it: its own
/// client is built from [`client_config`] with the provider passed in, so an app's own choice of
/// default provider is never touched.
pub fn install_tls_provider() {
    TLS_PROVIDER.call_once(|| {
        // Another part of the process may have installed a provider already; either is fine.
        let _ = tls_provider().install_default();
    });
}

#[cfg(target_os = "android")]
static PLATFORM_VERIFIER_READY: AtomicBool = AtomicBool::new(false);

/// Android only: the shell handed rustls-platform-verifier the app's `Context` (bindings' JNI
/// entry calls this after `rustls_platform_verifier::android::init_with_env`). Until then every
/// request is refused with [`PasskeysError::NotInitialized`], never a crash.
#[cfg(target_os = "android")]
pub fn mark_platform_verifier_ready() {
    PLATFORM_VERIFIER_READY.store(true, Ordering::SeqCst);
}

/// Whether the platform's certificate verifier can run: always, except on Android before the
/// shell initialised it.
pub(crate) fn platform_verifier_ready() -> bool {
    #[cfg(target_os = "android")]
    {
        PLATFORM_VERIFIER_READY.load(Ordering::SeqCst)
    }
    #[cfg(not(target_os = "android"))]
    {
        true
    }
}

/// The library's TLS configuration, built for its own client only (no process-global state):
/// the ring provider below; the platform's trust store through rustls-platform-verifier (Android's
/// `X509TrustManager`, Apple's Security framework, the system roots elsewhere), or exactly
/// `config.trust_anchors` when the app gives them (a test or QA server's own CA); and, when
/// `config.spki_pins` is not empty, a chain that contains none of the pinned keys is refused even
/// if it verifies.
pub(crate) fn client_config(config: &Config) -> Result<ClientConfig, PasskeysError> {
    let provider = Arc::new(tls_provider());
    let trusted: Arc<dyn ServerCertVerifier> = if config.trust_anchors.is_empty() {
        Arc::new(PlatformTrust {
            provider: provider.clone(),
        })
    } else {
        let mut roots = RootCertStore::empty();
        for der in &config.trust_anchors {
            roots.add(CertificateDer::from(der.clone())).map_err(|_| {
                PasskeysError::InvalidConfig {
                    detail: "a trust anchor is not a valid X.509 certificate".to_owned(),
                }
            })?;
        }
        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| PasskeysError::InvalidConfig {
                detail: format!("the trust anchors cannot verify: {e}"),
            })?
    };
    let verifier: Arc<dyn ServerCertVerifier> = if config.spki_pins.is_empty() {
        trusted
    } else {
        Arc::new(PinnedKeys {
            trusted,
            pins: config.spki_pins.clone(),
            algorithms: provider.signature_verification_algorithms,
        })
    };
    let tls = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| PasskeysError::InvalidConfig {
            detail: format!("TLS configuration: {e}"),
        })?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(tls)
}

/// The platform's trust store, through one rustls-platform-verifier per process, built at the
/// first handshake that needs it: loading the system's roots costs 3–5 ms (docs/performance.md,
/// cold start), which neither building a client nor a plain-http test server should pay, and
/// which a second client in the same process should not pay again.
#[derive(Debug)]
struct PlatformTrust {
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl PlatformTrust {
    fn verifier(&self) -> Result<Arc<rustls_platform_verifier::Verifier>, rustls::Error> {
        static VERIFIER: std::sync::OnceLock<Arc<rustls_platform_verifier::Verifier>> =
            std::sync::OnceLock::new();
        if let Some(verifier) = VERIFIER.get() {
            return Ok(verifier.clone());
        }
        let verifier =
            rustls_platform_verifier::Verifier::new(self.provider.clone()).map_err(|e| {
                rustls::Error::General(format!(
                    "the platform's certificate verifier failed to start: {e}"
                ))
            })?;
        Ok(VERIFIER.get_or_init(|| Arc::new(verifier)).clone())
    }
}

impl ServerCertVerifier for PlatformTrust {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier()?.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        // What the platform verifier answers too: the provider's algorithms.
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Certificate pinning over a verifier: the chain must verify as usual *and* one of the pinned
/// SubjectPublicKeyInfo SHA-256 digests (the exchange's own keys, as HPKP and OkHttp define pins)
/// must be the end entity's key or the key of an intermediate that signs a path to it. A pinned
/// certificate merely sent along (anyone can fetch the exchange's real certificates and append
/// them to a chain a rogue CA issued) does not count: that is the attack pinning is for.
#[derive(Debug)]
struct PinnedKeys {
    trusted: Arc<dyn ServerCertVerifier>,
    pins: Vec<[u8; 32]>,
    algorithms: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl PinnedKeys {
    fn is_pinned(&self, cert: &CertificateDer<'_>) -> bool {
        spki(cert.as_ref()).is_some_and(|spki| {
            let digest = ring::digest::digest(&ring::digest::SHA256, spki);
            self.pins.iter().any(|pin| pin[..] == *digest.as_ref())
        })
    }

    /// Whether a pinned key is in the chain that signs `end_entity`: its own key, or a presented
    /// certificate from which a path to it verifies (that certificate as the only anchor, the
    /// other presented certificates as intermediates).
    fn chain_carries_a_pin(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> bool {
        if self.is_pinned(end_entity) {
            return true;
        }
        let Ok(leaf) = webpki::EndEntityCert::try_from(end_entity) else {
            return false;
        };
        intermediates
            .iter()
            .filter(|cert| self.is_pinned(cert))
            .any(|pinned| {
                let Ok(anchor) = webpki::anchor_from_trusted_cert(pinned) else {
                    return false;
                };
                leaf.verify_for_usage(
                    self.algorithms.all,
                    &[anchor],
                    intermediates,
                    now,
                    webpki::KeyUsage::server_auth(),
                    None,
                    None,
                )
                .is_ok()
            })
    }
}

impl ServerCertVerifier for PinnedKeys {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.trusted.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        if self.chain_carries_a_pin(end_entity, intermediates, now) {
            Ok(verified)
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.trusted.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.trusted.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.trusted.supported_verify_schemes()
    }
}

/// The DER SubjectPublicKeyInfo of an X.509 certificate (RFC 5280 §4.1): the seventh element of
/// tbsCertificate, counting the optional explicit version. `None` for anything else.
pub(crate) fn spki(cert: &[u8]) -> Option<&[u8]> {
    let (certificate, _) = der_element(cert, 0x30)?;
    let (tbs, _) = der_element(certificate.content, 0x30)?;
    let mut rest = tbs.content;
    // [0] EXPLICIT version, when present.
    if rest.first() == Some(&0xa0) {
        rest = der_any(rest)?.1;
    }
    // serialNumber, signature, issuer, validity, subject.
    for _ in 0..5 {
        rest = der_any(rest)?.1;
    }
    let (spki, _) = der_element(rest, 0x30)?;
    Some(spki.whole)
}

struct Der<'a> {
    whole: &'a [u8],
    content: &'a [u8],
}

/// The first DER element of `input` if its tag is `tag`, and what follows it.
fn der_element(input: &[u8], tag: u8) -> Option<(Der<'_>, &[u8])> {
    if *input.first()? != tag {
        return None;
    }
    der_any(input)
}

/// The first DER element of `input` (single-byte tags, definite lengths up to 4 bytes).
fn der_any(input: &[u8]) -> Option<(Der<'_>, &[u8])> {
    let first_length = *input.get(1)?;
    let (header, length) = if first_length < 0x80 {
        (2, usize::from(first_length))
    } else {
        let count = usize::from(first_length & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let bytes = input.get(2..2 + count)?;
        let length = bytes.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b));
        (2 + count, length)
    };
    let end = header.checked_add(length)?;
    let whole = input.get(..end)?;
    Some((
        Der {
            whole,
            content: &whole[header..],
        },
        &input[end..],
    ))
}

/// Whether `error` (a reqwest error) failed because the server's certificate was refused, and
/// why: `Some(true)` for a pin mismatch, `Some(false)` for a chain that does not verify.
pub(crate) fn certificate_refused(error: &(dyn std::error::Error + 'static)) -> Option<bool> {
    let mut next = Some(error);
    while let Some(e) = next {
        // An io::Error's `source()` skips the error it wraps: look inside it first.
        let mut inner = Some(e);
        while let Some(i) = inner {
            if let Some(rustls::Error::InvalidCertificate(reason)) =
                i.downcast_ref::<rustls::Error>()
            {
                return Some(*reason == CertificateError::ApplicationVerificationFailure);
            }
            inner = i
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .map(|wrapped| wrapped as &(dyn std::error::Error + 'static));
        }
        next = e.source();
    }
    None
}

/// What a mobile client talking to BingX's own servers needs from TLS, built from ring's parts:
/// AES-GCM suites (TLS 1.3, and TLS 1.2 ECDHE with ECDSA or RSA), P-256 key exchange, and the
/// signature algorithms of the Web PKI (ECDSA P-256/P-384, RSA PKCS#1 and PSS). No ChaCha20,
/// X25519 or P-384 key exchange, Ed25519 or client-certificate keys: the library is smaller by
/// their code (BRIEF §6; X25519 alone was 40 KB). P-256 is the one group every TLS 1.3 server must
/// support (RFC 8446 §9.1) and every TLS 1.2 ECDHE server offers, so the client's one key share
/// is always accepted without a retry.
pub(crate) fn tls_provider() -> rustls::crypto::CryptoProvider {
    use rustls::SignatureScheme as S;
    use rustls::crypto::ring::{cipher_suite as cs, kx_group};
    use webpki::ring as alg;
    static SIGNATURES: rustls::crypto::WebPkiSupportedAlgorithms =
        rustls::crypto::WebPkiSupportedAlgorithms {
            all: &[
                alg::ECDSA_P256_SHA256,
                alg::ECDSA_P256_SHA384,
                alg::ECDSA_P384_SHA256,
                alg::ECDSA_P384_SHA384,
                alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
                alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
                alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
                alg::RSA_PKCS1_2048_8192_SHA256,
                alg::RSA_PKCS1_2048_8192_SHA384,
                alg::RSA_PKCS1_2048_8192_SHA512,
                alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
                alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
                alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
            ],
            mapping: &[
                (
                    S::ECDSA_NISTP384_SHA384,
                    &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384],
                ),
                (
                    S::ECDSA_NISTP256_SHA256,
                    &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
                ),
                (
                    S::RSA_PSS_SHA512,
                    &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
                ),
                (
                    S::RSA_PSS_SHA384,
                    &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
                ),
                (
                    S::RSA_PSS_SHA256,
                    &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
                ),
                (S::RSA_PKCS1_SHA512, &[alg::RSA_PKCS1_2048_8192_SHA512]),
                (S::RSA_PKCS1_SHA384, &[alg::RSA_PKCS1_2048_8192_SHA384]),
                (S::RSA_PKCS1_SHA256, &[alg::RSA_PKCS1_2048_8192_SHA256]),
            ],
        };
    rustls::crypto::CryptoProvider {
        cipher_suites: vec![
            cs::TLS13_AES_128_GCM_SHA256,
            cs::TLS13_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ],
        kx_groups: vec![kx_group::SECP256R1],
        signature_verification_algorithms: SIGNATURES,
        secure_random: &TlsRandom,
        key_provider: &NoClientKeys,
    }
}

/// The system's random numbers, through ring.
#[derive(Debug)]
struct TlsRandom;

impl rustls::crypto::SecureRandom for TlsRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), buf)
            .map_err(|_| rustls::crypto::GetRandomFailed)
    }
}

/// The library never authenticates with a client certificate, so it loads no private keys.
#[derive(Debug)]
struct NoClientKeys;

impl rustls::crypto::KeyProvider for NoClientKeys {
    fn load_private_key(
        &self,
        _key: rustls::pki_types::PrivateKeyDer<'static>,
    ) -> Result<std::sync::Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        Err(rustls::Error::General(
            "client certificates are not supported".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_walking_refuses_what_is_not_a_certificate() {
        assert_eq!(spki(&[]), None);
        assert_eq!(spki(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(spki(&[0x30, 0x03, 0x30, 0x01, 0x00]), None);
        assert_eq!(spki(&[0x04, 0x00]), None);
    }

    #[test]
    fn the_tls_provider_makes_a_client_config_for_tls_1_2_and_1_3() {
        let provider = std::sync::Arc::new(tls_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .expect("suites and groups for both versions")
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        assert_eq!(config.crypto_provider().cipher_suites.len(), 6);
    }
}
