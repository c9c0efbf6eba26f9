//! `GET /v1/security-events`: the account's security activity, newest first (BRIEF §7).

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::server::db::{self, SecurityEvent};
use crate::server::error::ApiResult;
use crate::server::extract::Authenticated;
use crate::server::state::AppState;

/// How many events `GET /v1/security-events` returns at most.
const MAX_EVENTS: u32 = 100;

/// The answer of `GET /v1/security-events`.
#[derive(Serialize)]
pub struct EventsResponse {
    events: Vec<SecurityEvent>,
}

/// `GET /v1/security-events`: the account's last 100 events, newest first.
pub async fn list(
    State(app): State<AppState>,
    Authenticated(session): Authenticated,
) -> ApiResult<Json<EventsResponse>> {
    let events = app
        .db
        .with(|conn| db::events_of(conn, &session.account_id, MAX_EVENTS))?;
    Ok(Json(EventsResponse { events }))
}
