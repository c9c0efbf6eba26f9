//! The test/QA-only endpoints under `/v1/testkit/`: the outbox (the codes "delivered" by email
//! and SMS), the test identity provider's id tokens, the global phase policy, and the back
//! office's side of support resets (J8: list an account's resets, approve one) and the server's
//! clock moved forward (a cooling-off or a hold that ends in a QA run). Changing the global
//! policy, the resets and the clock need the back office's credential in `X-Admin-Token`: the
//! policy reopens H5 and third-party login for flagged accounts and switches scenario proofs
//! off, so on a shared QA server anyone could otherwise undo every account's requirement.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::server::accounts;
use crate::server::catalogue::{GlobalPolicy, PolicyUpdate};
use crate::server::db::{self, OutboxMessage};
use crate::server::error::{ApiError, ApiResult, ErrorCode};
use crate::server::extract::{Admin, ApiJson, ApiPath, ApiQuery};
use crate::server::idp::{IDP_AUDIENCE, IdentityProvider};
use crate::server::input;
use crate::server::resets::{self, Reset};
use crate::server::state::AppState;

// ---------------------------------------------------------------------------------------------
// GET /v1/testkit/outbox

/// Outbox query.
#[derive(Deserialize)]
pub struct OutboxQuery {
    to: String,
}

/// Outbox answer.
#[derive(Serialize)]
pub struct OutboxResponse {
    messages: Vec<OutboxMessage>,
}

/// `GET /v1/testkit/outbox?to=…`: the codes "delivered" to an email or phone, newest last.
pub async fn outbox(
    State(app): State<AppState>,
    ApiQuery(query): ApiQuery<OutboxQuery>,
) -> ApiResult<Json<OutboxResponse>> {
    let to = accounts::normalise_email(&query.to).unwrap_or_else(|| query.to.trim().to_owned());
    let messages = app.db.with(|conn| db::outbox_for(conn, &to))?;
    Ok(Json(OutboxResponse { messages }))
}

// ---------------------------------------------------------------------------------------------
// POST /v1/testkit/idp/token

/// Token request body (test-only identity provider).
#[derive(Deserialize)]
pub struct TokenRequest {
    provider: String,
    email: String,
    /// The client the token is for; BingX's [`IDP_AUDIENCE`] unless a test asks for a token
    /// made for another app.
    #[serde(default)]
    audience: Option<String>,
}

/// Token answer.
#[derive(Serialize)]
pub struct TokenResponse {
    id_token: String,
}

/// `POST /v1/testkit/idp/token` (test-only): the identity provider signs the user in and hands
/// out an id token.
pub async fn idp_token(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<TokenRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let provider = IdentityProvider::parse(&body.provider).ok_or_else(|| {
        ApiError::bad_request("provider must be \"google\", \"apple\" or \"telegram\".")
    })?;
    let email = accounts::normalise_email(&body.email)
        .ok_or_else(|| ApiError::bad_request("Enter a valid email address."))?;
    let audience = body.audience.as_deref().unwrap_or(IDP_AUDIENCE);
    if !input::char_len_within(audience, 1, 128) {
        return Err(ApiError::bad_request(
            "audience must be 1 to 128 characters.",
        ));
    }
    let id_token = app
        .idp
        .issue(provider, &email, audience, app.clock.now())
        .map_err(|_| ApiError::new(ErrorCode::Internal))?;
    app.note_secret(&id_token);
    Ok(Json(TokenResponse { id_token }))
}

// ---------------------------------------------------------------------------------------------
// GET, PUT /v1/testkit/admin/policy

/// `GET /v1/testkit/admin/policy` (test/QA only).
pub async fn get_policy(State(app): State<AppState>) -> ApiResult<Json<GlobalPolicy>> {
    app.db.with(db::global_policy).map(Json)
}

/// `PUT /v1/testkit/admin/policy` (test/QA only, the back office's credential): a partial
/// update; answers the whole policy. 401 `ADMIN_REQUIRED` without the credential.
pub async fn put_policy(
    _admin: Admin,
    State(app): State<AppState>,
    ApiJson(update): ApiJson<PolicyUpdate>,
) -> ApiResult<Json<GlobalPolicy>> {
    app.db
        .transaction(|tx| db::apply_policy_update(tx, &update))
        .map(Json)
}

// ---------------------------------------------------------------------------------------------
// GET /v1/testkit/admin/resets, POST /v1/testkit/admin/resets/{reset_id}/approve

/// Reset list query.
#[derive(Deserialize)]
pub struct ResetsQuery {
    email: String,
}

/// Reset list answer.
#[derive(Serialize)]
pub struct ResetsResponse {
    resets: Vec<Reset>,
}

/// `GET /v1/testkit/admin/resets?email=…` (back office): the account's resets, newest first;
/// an empty list for an unknown email. 401 `ADMIN_REQUIRED` without the credential.
pub async fn list_resets(
    _admin: Admin,
    State(app): State<AppState>,
    ApiQuery(query): ApiQuery<ResetsQuery>,
) -> ApiResult<Json<ResetsResponse>> {
    let Some(email) = accounts::normalise_email(&query.email) else {
        return Ok(Json(ResetsResponse { resets: Vec::new() }));
    };
    let now = app.clock.now();
    app.db.with(|conn| {
        let resets = match db::account_by_email(conn, &email)? {
            Some(account) => {
                resets::expire_due(conn, &app, &account.id, now)?;
                db::resets_of(conn, &account.id)?
            }
            .into_iter()
            .map(Reset::from)
            .collect(),
            None => Vec::new(),
        };
        Ok(Json(ResetsResponse { resets }))
    })
}

/// `POST /v1/testkit/admin/resets/{reset_id}/approve` (back office): see
/// [`crate::server::resets::approve`]. 401 `ADMIN_REQUIRED` without the credential.
pub async fn approve_reset(
    _admin: Admin,
    State(app): State<AppState>,
    ApiPath(reset_id): ApiPath<String>,
) -> ApiResult<Json<Reset>> {
    let now = app.clock.now();
    resets::approve(&app, &reset_id, now).map(Json)
}

/// `POST /v1/testkit/admin/resets/{reset_id}/reject` (back office): see
/// [`crate::server::resets::reject`]. 401 `ADMIN_REQUIRED` without the credential.
pub async fn reject_reset(
    _admin: Admin,
    State(app): State<AppState>,
    ApiPath(reset_id): ApiPath<String>,
) -> ApiResult<Json<Reset>> {
    let now = app.clock.now();
    resets::reject(&app, &reset_id, now).map(Json)
}

// ---------------------------------------------------------------------------------------------
// POST /v1/testkit/clock/advance

/// The longest single move of the clock: a year (a QA run needs a day or two; the cap keeps the
/// server's times far from overflow).
pub const MAX_CLOCK_ADVANCE_SECS: u64 = 366 * 24 * 3600;

/// Clock advance body.
#[derive(Deserialize)]
pub struct AdvanceRequest {
    seconds: u64,
}

/// Clock advance answer.
#[derive(Serialize)]
pub struct AdvanceResponse {
    /// The server's time afterwards (unix seconds).
    now: i64,
}

/// `POST /v1/testkit/clock/advance` (test/QA only, back office's credential): moves the server's
/// clock forward by `seconds` (1 to a year), for everything it times — codes, sessions, resets'
/// cooling-off, holds. Never backwards. 401 `ADMIN_REQUIRED` without the credential.
pub async fn advance_clock(
    _admin: Admin,
    State(app): State<AppState>,
    ApiJson(body): ApiJson<AdvanceRequest>,
) -> ApiResult<Json<AdvanceResponse>> {
    if !(1..=MAX_CLOCK_ADVANCE_SECS).contains(&body.seconds) {
        return Err(ApiError::bad_request(
            "seconds must be 1 to 31622400 (a year).",
        ));
    }
    app.clock.advance(Duration::from_secs(body.seconds));
    Ok(Json(AdvanceResponse {
        now: app.clock.now(),
    }))
}
