//! Fetching a well-known file the way the platforms do: HTTPS only, certificates checked, no
//! redirect followed, and a bounded body.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// The most the doctor reads of a file: Apple's documented limit for
/// apple-app-site-association (128 KB, uncompressed); the doctor holds assetlinks.json to the
/// same bound.
pub const MAX_FILE_BYTES: usize = 128 * 1024;

/// How long one fetch may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(15);

/// Where the doctor connects and whom it trusts.
#[derive(Debug, Clone, Default)]
pub struct Transport {
    /// For tests: connect to this address instead of resolving the rp id.
    pub resolve: Option<SocketAddr>,
    /// For tests: trust only this CA (PEM or DER file) instead of the platform's roots.
    pub ca_cert: Option<std::path::PathBuf>,
}

/// What the server answered.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The `Location` header of a redirect, if any.
    pub location: Option<String>,
    /// The `Content-Type` header, if any and readable.
    pub content_type: Option<String>,
    /// The body, or how it broke the bound.
    pub body: Body,
}

/// A body read up to [`MAX_FILE_BYTES`].
#[derive(Debug)]
pub enum Body {
    /// The whole body.
    Complete(Vec<u8>),
    /// More than [`MAX_FILE_BYTES`]: the declared length if the server sent one, else at least
    /// one byte past the bound. Nothing past the bound was read.
    TooLarge(u64),
}

/// Why a file could not be fetched at all.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The HTTP client could not be built (e.g. a bad `--ca-cert`).
    #[error("{0}")]
    Setup(String),
    /// No HTTPS answer: connection refused, TLS refused (plain HTTP, an untrusted or wrong
    /// certificate), timeout.
    #[error("{0}")]
    Connection(String),
}

/// An HTTPS client that behaves like the platforms' fetchers.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
}

impl Fetcher {
    /// A client for `host` over `transport`.
    pub fn new(host: &str, transport: &Transport) -> Result<Self, FetchError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier: Arc<dyn rustls::client::danger::ServerCertVerifier> = match &transport.ca_cert
        {
            Some(path) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in read_certificates(path)? {
                    roots
                        .add(cert)
                        .map_err(|e| FetchError::Setup(format!("--ca-cert: {e}")))?;
                }
                rustls::client::WebPkiServerVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider.clone(),
                )
                .build()
                .map_err(|e| FetchError::Setup(format!("--ca-cert: {e}")))?
            }
            None => Arc::new(
                rustls_platform_verifier::Verifier::new(provider.clone())
                    .map_err(|e| FetchError::Setup(format!("the platform's trust store: {e}")))?,
            ),
        };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| FetchError::Setup(format!("TLS configuration: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        let mut builder = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .https_only(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .no_proxy()
            .user_agent(concat!(
                "passkeys-testkit-doctor/",
                env!("CARGO_PKG_VERSION")
            ));
        if let Some(addr) = transport.resolve {
            builder = builder.resolve(host, addr);
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Setup(format!("the HTTP client: {e}")))?;
        Ok(Self { client })
    }

    /// GETs `url` without following a redirect, reading at most [`MAX_FILE_BYTES`] of the body.
    pub async fn get(&self, url: &str) -> Result<Answer, FetchError> {
        let mut response = self
            .client
            .get(url)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| FetchError::Connection(describe(&e)))?;
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header(LOCATION);
        let content_type = header(CONTENT_TYPE);
        let declared = header(CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
        let status = response.status().as_u16();
        let body = match declared {
            Some(len) if len > MAX_FILE_BYTES as u64 => Body::TooLarge(len),
            _ => {
                let mut body = Vec::new();
                let mut too_large = None;
                while let Some(chunk) = response
                    .chunk()
                    .await
                    .map_err(|e| FetchError::Connection(describe(&e)))?
                {
                    body.extend_from_slice(&chunk);
                    if body.len() > MAX_FILE_BYTES {
                        too_large = Some(body.len() as u64);
                        break;
                    }
                }
                match too_large {
                    Some(len) => Body::TooLarge(len),
                    None => Body::Complete(body),
                }
            }
        };
        Ok(Answer {
            status,
            location,
            content_type,
            body,
        })
    }
}

/// The certificates of a PEM file, or the one certificate of a DER file.
fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, FetchError> {
    let bytes = std::fs::read(path)
        .map_err(|e| FetchError::Setup(format!("--ca-cert {}: {e}", path.display())))?;
    if bytes.starts_with(b"-----BEGIN") {
        CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| FetchError::Setup(format!("--ca-cert {}: {e}", path.display())))
    } else {
        Ok(vec![CertificateDer::from(bytes)])
    }
}

/// The error's causes on one line: reqwest's own message only repeats the URL ("error sending
/// request for url (…)"); the causes say what happened ("invalid peer certificate:
/// UnknownIssuer", "received corrupt message", "Connection refused").
fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return format!("timed out after {} s", TIMEOUT.as_secs());
    }
    let mut parts: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    if parts.is_empty() {
        err.to_string()
    } else {
        parts.join(": ")
    }
}
