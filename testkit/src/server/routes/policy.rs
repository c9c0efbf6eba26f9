//! `GET /v1/policy` (the account policy the core caches, signed) and `GET /v1/policy-key` (the
//! public key that verifies it).

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::server::error::ApiResult;
use crate::server::extract::{Authenticated, PolicyNonce};
use crate::server::policy::{Policy, policy_of};
use crate::server::state::AppState;

/// `GET /v1/policy`.
pub async fn get(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
    nonce: PolicyNonce,
) -> ApiResult<Json<Policy>> {
    let now = app.clock.now();
    app.db
        .with(|conn| {
            let session = claim.live(conn, now)?;
            policy_of(conn, &app, &session.account_id, nonce.as_deref())
        })
        .map(Json)
}

/// The answer of `GET /v1/policy-key`.
#[derive(Debug, Serialize)]
pub struct PolicyKeyResponse {
    /// Always `"ES256"`.
    alg: &'static str,
    /// Unpadded base64url of the SEC1 uncompressed point (65 bytes).
    public_key: String,
}

/// `GET /v1/policy-key` (no auth): the public key that verifies `Policy.signed`.
pub async fn key(State(app): State<AppState>) -> Json<PolicyKeyResponse> {
    Json(PolicyKeyResponse {
        alg: "ES256",
        public_key: data_encoding::BASE64URL_NOPAD.encode(&app.policy_key.public_key_sec1()),
    })
}
