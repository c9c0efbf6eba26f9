//! The HTTP client for the server contract (`docs/openapi.yaml`): reqwest over rustls (ring
//! provider, `tls.rs`), timeouts, a cap on every answer's size, typed answers (`answers.rs`), and a
//! count of the requests it sends. Every refusal the server sends is a stable code plus a message;
//! the flows see it as [`PasskeysError`].

mod answers;
mod body;
mod endpoints;
mod recovery;
mod tls;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::error::PasskeysError;
use crate::secret::{ProofToken, SessionToken, StepUpToken};
use crate::vocabulary::ServerCode;

#[doc(hidden)]
pub use answers::parse_answer_for_fuzzing;
pub(crate) use answers::{PasswordLogin, SignedIn};
use answers::{answer, decode};
pub(crate) use body::Body;
#[doc(hidden)]
pub use body::finish_body_for_bench;
pub use tls::install_tls_provider;
#[cfg(target_os = "android")]
pub use tls::mark_platform_verifier_ready;

/// A failed call to the server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RequestError {
    /// No answer: no connection, timeout, or the connection dropped.
    #[error("could not reach BingX; check your connection and try again")]
    Network,
    /// The server refused, with its code and a message fit to show.
    #[error("{message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The stable code.
        code: ServerCode,
        /// The server's message (length-capped, control characters removed).
        message: String,
        /// The time the refusal lasts until (unix seconds), where the code has one
        /// (`ACCOUNT_ON_HOLD`, `RESET_COOLING_OFF`).
        until: Option<i64>,
    },
    /// The server's certificate was refused: it does not verify, or (`pin_mismatch`) it
    /// verifies but carries none of the pinned keys.
    #[error("the server's certificate was refused")]
    UntrustedServer {
        /// The chain verified but no certificate in it has a pinned key.
        pin_mismatch: bool,
    },
    /// Android: the platform's certificate verifier was not initialised by the shell yet.
    #[error("TLS is not initialised")]
    NotInitialized,
    /// The answer was not what the contract says (bad JSON, wrong types, too large).
    #[error("BingX sent an answer that could not be read")]
    InvalidAnswer,
}

impl RequestError {
    /// The server's code, when it refused.
    pub(crate) fn code(&self) -> Option<&ServerCode> {
        match self {
            Self::Refused { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether the same call may succeed later without the user changing anything.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Self::Network => true,
            Self::Refused { status, .. } => *status >= 500,
            Self::InvalidAnswer | Self::UntrustedServer { .. } | Self::NotInitialized => false,
        }
    }
}

impl From<RequestError> for PasskeysError {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Network => Self::Network,
            RequestError::InvalidAnswer => Self::InvalidResponse {
                detail: "the server's answer could not be read".to_owned(),
            },
            RequestError::Refused {
                status,
                code,
                until,
                ..
            } => Self::refused_until(code, status, until),
            RequestError::UntrustedServer { pin_mismatch } => {
                Self::UntrustedServer { pin_mismatch }
            }
            RequestError::NotInitialized => Self::NotInitialized,
        }
    }
}

/// The request header that carries a [`PolicyNonce`] (`docs/openapi.yaml`).
const POLICY_NONCE_HEADER: &str = "X-Policy-Nonce";

/// A fresh random value (16 bytes, base64url) sent with a request whose answer may carry the
/// account's signed policy; the server signs it into that policy as `nonce`. A policy that lifts
/// the device's "requires passkeys" mark counts only with the nonce of the very request it
/// answers (`PolicyCache::remember`): one the server signed for another request — captured
/// earlier and replayed after the requirement was turned on again — lifts nothing, however new
/// its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyNonce(String);

impl PolicyNonce {
    /// A new nonce; `None` if the system's random source fails.
    fn fresh() -> Option<Self> {
        let mut bytes = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).ok()?;
        Some(Self(crate::encoding::base64url::encode(&bytes)))
    }

    /// A nonce with a chosen value, for the policy cache's own tests.
    #[cfg(test)]
    pub(crate) fn for_tests(value: &str) -> Self {
        Self(value.to_owned())
    }

    /// As sent and as the signed policy echoes it.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a new passkey is authorised: the current factors (step-up) before the flag is on, a passkey
/// proof once it is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AddAuthorisation<'a> {
    /// A step-up token (password + one-time code).
    StepUp(&'a StepUpToken),
    /// A passkey proof for purpose `add_passkey`.
    Proof(&'a ProofToken),
}

/// The HTTP client of the server contract, one method per endpoint (`endpoints.rs`). Cheap to
/// clone (the connection pool and the request count are shared).
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    config: Arc<Config>,
    requests: Arc<AtomicU64>,
}

impl Http {
    /// A client for `config`. Certificate checks are never disabled (BRIEF §5 #16).
    pub(crate) fn new(config: Arc<Config>) -> Result<Self, PasskeysError> {
        config.check_for_client()?;
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls::client_config(&config)?)
            .https_only(!config.is_insecure_loopback())
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            // Never a proxy the process's environment names (`HTTP_PROXY`, …): it would see a
            // loopback test server's requests in clear and every https request's host.
            .no_proxy()
            .build()
            .map_err(|e| PasskeysError::InvalidConfig {
                detail: format!("the HTTP client could not be built: {e}"),
            })?;
        Ok(Self {
            client,
            config,
            requests: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Requests sent so far (the round-trip budgets of BRIEF §6 are tested on it).
    pub(crate) fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The configuration in use.
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        session: Option<&SessionToken>,
        body: Option<Body>,
    ) -> Result<T, RequestError> {
        let bytes = self.exchange(method, path, session, body).await?;
        decode(&bytes)
    }

    /// [`Http::call`] for an answer that may carry the account's policy: the request carries a
    /// fresh [`PolicyNonce`], returned with the answer, without which no policy in it can lift
    /// the device's "requires passkeys" mark.
    pub(crate) async fn call_asking<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        session: Option<&SessionToken>,
        body: Option<Body>,
    ) -> Result<(T, Option<PolicyNonce>), RequestError> {
        let (bytes, nonce) = self.exchange_asking(method, path, session, body).await?;
        Ok((decode(&bytes)?, nonce))
    }

    /// One request and its whole answer (capped), or the server's refusal. Not generic: the HTTP
    /// machinery is in the library once, not once per answer type.
    pub(crate) async fn exchange(
        &self,
        method: Method,
        path: &str,
        session: Option<&SessionToken>,
        body: Option<Body>,
    ) -> Result<Vec<u8>, RequestError> {
        self.send(method, path, session, body, None).await
    }

    /// [`Http::exchange`] with a fresh [`PolicyNonce`] (see [`Http::call_asking`]); `None` when
    /// the system's random source failed, and then no policy in the answer lifts anything.
    pub(crate) async fn exchange_asking(
        &self,
        method: Method,
        path: &str,
        session: Option<&SessionToken>,
        body: Option<Body>,
    ) -> Result<(Vec<u8>, Option<PolicyNonce>), RequestError> {
        let nonce = PolicyNonce::fresh();
        let bytes = self
            .send(method, path, session, body, nonce.as_ref())
            .await?;
        Ok((bytes, nonce))
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        session: Option<&SessionToken>,
        body: Option<Body>,
        nonce: Option<&PolicyNonce>,
    ) -> Result<Vec<u8>, RequestError> {
        let url = self
            .config
            .base_url
            .join(path)
            .map_err(|_| RequestError::InvalidAnswer)?;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self.client.request(method, url);
        if let Some(token) = session {
            request = request.bearer_auth(token.expose_secret());
        }
        if let Some(nonce) = nonce {
            request = request.header(POLICY_NONCE_HEADER, nonce.as_str());
        }
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.0);
        }
        if !self.config.is_insecure_loopback() && !tls::platform_verifier_ready() {
            return Err(RequestError::NotInitialized);
        }
        let mut response =
            request
                .send()
                .await
                .map_err(|e| match tls::certificate_refused(&e) {
                    Some(pin_mismatch) => RequestError::UntrustedServer { pin_mismatch },
                    None => RequestError::Network,
                })?;
        let status = response.status();
        let limit = self.config.max_response_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(RequestError::InvalidAnswer);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| RequestError::Network)? {
            if bytes.len() + chunk.len() > limit {
                return Err(RequestError::InvalidAnswer);
            }
            bytes.extend_from_slice(&chunk);
        }
        answer(status, bytes)
    }
}
