//! `GET /v1/security-events`: the account's security activity, newest first (BRIEF §7).

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::server::db::{self, SecurityEvent};
use crate::server::error::ApiResult;
use crate::server::extract::Authenticated;
use crate::server::state::AppState;

/// How many of the account's changes (passkeys, the requirement, resets, devices) `GET
/// /v1/security-events` returns at most.
const MAX_CHANGES: u32 = 100;

/// How many refused sign-ins it returns at most, on top: anyone with the password can cause
/// them, so they are listed apart and never push a reset request out of the owner's view.
const MAX_REFUSALS: u32 = 50;

/// The answer of `GET /v1/security-events`.
#[derive(Serialize)]
pub struct EventsResponse {
    events: Vec<SecurityEvent>,
}

/// `GET /v1/security-events`: the account's last 100 changes and last 50 refused sign-ins,
/// newest first.
pub async fn list(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
) -> ApiResult<Json<EventsResponse>> {
    let now = app.clock.now();
    let events = app.db.with(|conn| {
        let session = claim.live(conn, now)?;
        db::events_of(conn, &session.account_id, MAX_CHANGES, MAX_REFUSALS)
    })?;
    Ok(Json(EventsResponse { events }))
}
