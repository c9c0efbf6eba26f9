//! `GET /v1/security-events`: the account's security activity, newest first (BRIEF §7).

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::server::db::{self, SecurityEvent};
use crate::server::error::ApiResult;
use crate::server::extract::Authenticated;
use crate::server::state::AppState;

/// How many of the account's changes (passkeys, the requirement, resets, the password) `GET
/// /v1/security-events` returns at most.
const MAX_CHANGES: u32 = 100;

/// How many events of the other shelves it returns at most, on top, each shelf apart: refused
/// sign-ins (anyone with the password can cause them) and sign-in notices (whoever holds a passkey
/// can cause them) never push a reset request or a new passkey out of the owner's view.
const LISTED: db::Listed = db::Listed {
    changes: MAX_CHANGES,
    refusals: 50,
    routine: 50,
};

/// The answer of `GET /v1/security-events`.
#[derive(Serialize)]
pub struct EventsResponse {
    events: Vec<SecurityEvent>,
}

/// `GET /v1/security-events`: the account's last 100 changes, last 50 refused sign-ins and last 50
/// sign-in notices, newest first.
pub async fn list(
    State(app): State<AppState>,
    Authenticated(claim): Authenticated,
) -> ApiResult<Json<EventsResponse>> {
    let now = app.clock.now();
    let events = app.db.with(|conn| {
        let session = claim.live(conn, now)?;
        db::events_of(conn, &session.account_id, LISTED)
    })?;
    Ok(Json(EventsResponse { events }))
}
