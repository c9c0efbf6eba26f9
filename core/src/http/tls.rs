//! TLS for the HTTP client: rustls with a provider built from ring's parts, no more than a mobile
//! client talking to BingX's own servers needs (BRIEF §6: ring keeps the library small).

use std::sync::Once;

static TLS_PROVIDER: Once = Once::new();

/// Install rustls's ring crypto provider as the process default, once (BRIEF §6: ring keeps the
/// library small). [`Http::new`](super::Http::new) calls it; call it yourself before building another reqwest client
/// in the same process.
pub fn install_tls_provider() {
    TLS_PROVIDER.call_once(|| {
        // Another part of the app may have installed a provider already; either is fine.
        let _ = tls_provider().install_default();
    });
}

/// What a mobile client talking to BingX's own servers needs from TLS, built from ring's parts:
/// AES-GCM suites (TLS 1.3, and TLS 1.2 ECDHE with ECDSA or RSA), X25519 and P-256 key exchange,
/// and the signature algorithms of the Web PKI (ECDSA P-256/P-384, RSA PKCS#1 and PSS). No
/// ChaCha20, P-384 key exchange, Ed25519 or client-certificate keys: the library is smaller by
/// their code (BRIEF §6).
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
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1],
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
