//! Request extractors whose every rejection is the JSON error envelope: JSON bodies, query
//! strings, path parameters, the bearer session and the back office's credential. The checks of
//! the values inside are [`super::input`]'s.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use rusqlite::Connection;
use serde::de::DeserializeOwned;

use super::db::{self, Session};
use super::error::{ApiError, ErrorCode};
use super::secrets;
use super::state::AppState;

/// A JSON body: a JSON object read as `T`. Malformed or ill-typed JSON, and any top-level value
/// but an object (serde would also read a struct from an array of its members), is a 400
/// `BAD_REQUEST`; an oversized body a 413 `PAYLOAD_TOO_LARGE`.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_body(req, state).await?;
        parse_object(&bytes).map(Self)
    }
}

/// A JSON body and the SHA-256 of its exact bytes, for endpoints whose retry must be the first
/// request byte for byte (registration finish). Rejections as for [`ApiJson`].
pub struct DigestedJson<T> {
    /// The parsed body.
    pub value: T,
    /// SHA-256 of the body as received.
    pub digest: Vec<u8>,
}

impl<T, S> FromRequest<S> for DigestedJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_body(req, state).await?;
        Ok(Self {
            value: parse_object(&bytes)?,
            digest: secrets::digest_bytes(&bytes),
        })
    }
}

/// The bytes of a body sent as JSON (`application/json` or a `+json` type).
async fn json_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let json_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|mime| mime.trim().to_ascii_lowercase())
        .is_some_and(|mime| mime == "application/json" || mime.ends_with("+json"));
    if !json_type {
        return Err(ApiError::bad_request(
            "Send a JSON body with Content-Type: application/json.",
        ));
    }
    let timeout = req
        .extensions()
        .get::<BodyTimeout>()
        .map_or(DEFAULT_BODY_TIMEOUT, |t| t.0);
    let read = tokio::time::timeout(timeout, Bytes::from_request(req, state))
        .await
        .map_err(|_| ApiError::bad_request("The request body did not arrive in time."))?;
    read.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorCode::PayloadTooLarge)
        } else {
            ApiError::bad_request("The request body could not be read.")
        }
    })
}

/// How long a request's body may take to arrive after its head, as the router was configured
/// (`ServerConfig::body_timeout`; a request extension the router adds to every request).
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

/// The body timeout of a router built without [`BodyTimeout`].
const DEFAULT_BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// `bytes` as a JSON object read as `T`.
fn parse_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let shape =
        || ApiError::bad_request("The request body is not valid JSON of the expected shape.");
    let first = bytes.iter().find(|byte| !byte.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(shape());
    }
    serde_json::from_slice(bytes).map_err(|_| shape())
}

/// A query string; a missing or ill-typed parameter is a 400 `BAD_REQUEST`.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|_| {
                ApiError::bad_request("The query string is missing a parameter or malformed.")
            })
    }
}

/// A path parameter; one that does not decode is a 400 `BAD_REQUEST`.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|_| ApiError::bad_request("The path is malformed."))
    }
}

/// The session named by `Authorization: Bearer <session_token>`, live when the request's head
/// arrived; anything else is a 401 `UNAUTHENTICATED` before the body is read. A handler acts for
/// it only through [`SessionClaim::live`], inside the transaction that acts: the body arrives
/// after this check (as late as the client likes), and a session revoked meanwhile (Enable, a
/// support reset, a sign-out) or expired acts no more (BRIEF §5 #3).
pub struct Authenticated(pub SessionClaim);

/// A session as the request's head named it: not yet usable, see [`SessionClaim::live`].
pub struct SessionClaim(Session);

impl SessionClaim {
    /// The session, read again on `conn` (the transaction that acts): still unrevoked and
    /// unexpired at `now`, or a 401 `UNAUTHENTICATED`.
    pub fn live(&self, conn: &Connection, now: i64) -> Result<Session, ApiError> {
        db::live_session_by_id(conn, &self.0.id, now)?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))
    }

    /// The session as the head named it, unchecked since: only to match what is bound to it
    /// (a ceremony begun in it) before the transaction that acts reads it again with
    /// [`SessionClaim::live`].
    pub fn as_named(&self) -> &Session {
        &self.0
    }
}

/// Longest bearer token looked up (ours are 43 characters).
const MAX_TOKEN_LEN: usize = 512;

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthenticated = || ApiError::new(ErrorCode::Unauthenticated);
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(unauthenticated)?;
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|token| !token.is_empty() && token.len() <= MAX_TOKEN_LEN)
            .ok_or_else(unauthenticated)?;
        let digest = secrets::digest(token);
        let now = state.clock.now();
        state
            .db
            .with(|conn| db::live_session(conn, &digest, now))?
            .map(|session| Self(SessionClaim(session)))
            .ok_or_else(unauthenticated)
    }
}

/// The header that carries the back office's credential.
pub const ADMIN_TOKEN_HEADER: &str = "x-admin-token";

/// A request that carries the back office's credential in `X-Admin-Token`; anything else (no
/// credential configured, header missing, wrong) is a 401 `ADMIN_REQUIRED`. The comparison is of
/// SHA-256 digests in constant time, so neither the content nor the length of the configured
/// credential shows in how long a refusal takes.
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let required = || ApiError::new(ErrorCode::AdminRequired);
        let expected = state.config.admin_token.as_ref().ok_or_else(required)?;
        let offered = parts
            .headers
            .get(ADMIN_TOKEN_HEADER)
            .map(|value| value.as_bytes())
            .filter(|value| value.len() <= MAX_TOKEN_LEN)
            .ok_or_else(required)?;
        let matches = secrets::digests_equal(
            &secrets::digest_bytes(offered),
            &secrets::digest(expected.expose()),
        );
        matches.then_some(Self).ok_or_else(required)
    }
}

/// The header in which a client sends the nonce a returned policy must echo.
pub const POLICY_NONCE_HEADER: &str = "x-policy-nonce";

/// The `X-Policy-Nonce` of a request whose answer carries the account's policy: 16–64
/// base64url characters, or nothing (absent or any other value, never a refusal). The policy
/// signs it in as `nonce`, so a client can tell a policy made for its request from one replayed
/// from another (it accepts a lift of the passkey requirement only with its own nonce).
pub struct PolicyNonce(pub Option<String>);

impl PolicyNonce {
    /// The nonce, if the request carried a well-formed one.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PolicyNonce {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let nonce = parts
            .headers
            .get(POLICY_NONCE_HEADER)
            .and_then(|value| value.to_str().ok())
            .filter(|value| {
                (16..=64).contains(&value.len())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
            .map(str::to_owned);
        Ok(Self(nonce))
    }
}
