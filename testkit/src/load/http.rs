//! The driver's HTTP side: one shared reqwest client (HTTP/1.1, keep-alive, a pool sized to the
//! concurrency), JSON answers, error kinds without secrets, and the 503 + Retry-After retry of
//! the setup.

use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde_json::Value;

/// Longest wait the driver accepts from one Retry-After.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
/// The wait after a 503 without a usable Retry-After.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_millis(100);
/// How long one setup request may keep being refused with 503 before it counts as failed.
const RETRY_BUDGET: Duration = Duration::from_secs(120);

/// A server answer: status and JSON body (`null` when empty or not JSON).
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Value,
    retry_after: Option<Duration>,
}

impl Answer {
    /// `"<status> <error code>"`: what an error is counted as. Error codes and statuses are never
    /// secret; bodies of successful answers (tokens, codes) never go in here.
    pub(crate) fn kind(&self) -> String {
        let code = self.body["error"]["code"].as_str().unwrap_or("-");
        format!("{} {code}", self.status)
    }
}

/// A request that got no HTTP answer; only the kind of failure is kept (a reqwest error's text
/// may carry the URL, which is not secret, but nothing more is needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    /// Could not connect.
    Connect,
    /// Timed out.
    Timeout,
    /// The body could not be read.
    Body,
    /// Anything else (request building, protocol).
    Other,
}

impl Transport {
    fn of(err: &reqwest::Error) -> Self {
        if err.is_connect() {
            Transport::Connect
        } else if err.is_timeout() {
            Transport::Timeout
        } else if err.is_body() || err.is_decode() {
            Transport::Body
        } else {
            Transport::Other
        }
    }

    /// How it is counted in the error table.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Transport::Connect => "transport: connect",
            Transport::Timeout => "transport: timeout",
            Transport::Body => "transport: body",
            Transport::Other => "transport: other",
        }
    }
}

/// The server at `base` through one pooled client.
#[derive(Clone)]
pub(crate) struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    /// One client for the whole run: HTTP/1.1 with keep-alive, at most `pool` idle connections
    /// kept (one per worker), no request timeout beyond `timeout`.
    pub(crate) fn new(base: &str, pool: usize, timeout: Duration) -> Result<Self, reqwest::Error> {
        bingx_passkeys_core::install_tls_provider();
        let client = reqwest::Client::builder()
            .http1_only()
            .pool_max_idle_per_host(pool)
            .tcp_nodelay(true)
            .timeout(timeout)
            .build()?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// One request. `body` is JSON text.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<String>,
    ) -> Result<Answer, Transport> {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = bearer {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let response = request.send().await.map_err(|e| Transport::of(&e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_secs_f64(s).min(MAX_RETRY_AFTER));
        let bytes = response.bytes().await.map_err(|e| Transport::of(&e))?;
        Ok(Answer {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            retry_after,
        })
    }

    /// [`Api::send`], retried while the server answers 503 (busy: it bounds concurrent password
    /// checks), each time after its Retry-After (at most 5 s; 100 ms when absent), for up to
    /// two minutes. Returns the answer and how many 503s came before it.
    pub(crate) async fn send_retrying(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<String>,
    ) -> Result<(Answer, u64), Transport> {
        let started = Instant::now();
        let mut busy = 0;
        loop {
            let answer = self
                .send(method.clone(), path, bearer, body.clone())
                .await?;
            if answer.status != 503 || started.elapsed() > RETRY_BUDGET {
                return Ok((answer, busy));
            }
            busy += 1;
            tokio::time::sleep(answer.retry_after.unwrap_or(DEFAULT_RETRY_AFTER)).await;
        }
    }
}

/// `{"<key>":<JSON string>,"credential":<credential>}`. `credential` is the software password
/// manager's `serde_json::to_string` output, embedded as it is (a real client sends the
/// platform's JSON unchanged too), so it is not parsed again here.
pub(crate) fn finish_body(key: &str, id: &str, credential: &str) -> String {
    let id = Value::String(id.to_owned());
    format!("{{\"{key}\":{id},\"credential\":{credential}}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_bodies_are_json() {
        let body = finish_body("login_id", "a\"b", r#"{"id":"x","rawId":"x"}"#);
        let value: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(value["login_id"], "a\"b");
        assert_eq!(value["credential"]["rawId"], "x");
    }

    #[test]
    fn error_kinds_carry_status_and_code_only() {
        let answer = Answer {
            status: 403,
            body: serde_json::json!({"error": {"code": "COUNTER_REGRESSION", "message": "m"}}),
            retry_after: None,
        };
        assert_eq!(answer.kind(), "403 COUNTER_REGRESSION");
        let answer = Answer {
            status: 502,
            body: Value::Null,
            retry_after: None,
        };
        assert_eq!(answer.kind(), "502 -");
    }
}
