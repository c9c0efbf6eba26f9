//! The route table (the single source of the router and of the OpenAPI check) and the router:
//! body limit, JSON 404/405 envelopes. The handlers live in one module per group of endpoints;
//! they never import each other: what two of them share is a module below.

mod accounts;
mod events;
mod login;
mod manage;
mod policy;
mod recovery;
mod registration;
mod step_up;
mod testkit;
mod third_party;
mod verify;
mod well_known;
mod withdrawals;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use axum::{Extension, Router};

use crate::server::error::{ApiError, ErrorCode};
use crate::server::extract::BodyTimeout;
use crate::server::state::AppState;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

macro_rules! endpoints {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Every endpoint as `(method, path)`, method in lowercase as OpenAPI spells it. The
        /// router is built from this same list.
        pub fn route_table() -> &'static [(&'static str, &'static str)] {
            &[$((stringify!($method), $path)),*]
        }

        fn method_routers() -> Vec<(&'static str, MethodRouter<AppState>)> {
            vec![$(($path, $method($handler))),*]
        }
    };
}

endpoints! {
    post "/v1/accounts" => accounts::sign_up;
    post "/v1/login/password" => login::password;
    post "/v1/login/code" => login::code;
    post "/v1/login/passkey" => login::passkey;
    post "/v1/login/discoverable/begin" => login::discoverable_begin;
    post "/v1/login/discoverable/finish" => login::discoverable_finish;
    post "/v1/login/h5" => login::h5;
    post "/v1/login/third-party" => third_party::login;
    get "/v1/testkit/outbox" => testkit::outbox;
    post "/v1/testkit/idp/token" => testkit::idp_token;
    get "/v1/testkit/admin/policy" => testkit::get_policy;
    put "/v1/testkit/admin/policy" => testkit::put_policy;
    post "/v1/step-up/begin" => step_up::begin;
    post "/v1/step-up/finish" => step_up::finish;
    post "/v1/passkeys/registration/begin" => registration::begin;
    post "/v1/passkeys/registration/finish" => registration::finish;
    get "/v1/passkeys" => manage::list;
    post "/v1/passkeys/nudge/dismiss" => manage::dismiss_nudge;
    post "/v1/passkeys/verify/begin" => verify::begin_purpose;
    post "/v1/passkeys/verify/finish" => verify::finish_purpose;
    patch "/v1/passkeys/{credential_id}" => manage::rename;
    delete "/v1/passkeys/{credential_id}" => manage::delete;
    get "/v1/policy" => policy::get;
    post "/v1/policy/disable" => manage::disable;
    get "/v1/policy-key" => policy::key;
    post "/v1/scenarios/verify/begin" => verify::begin_scenario;
    post "/v1/scenarios/verify/finish" => verify::finish_scenario;
    post "/v1/withdrawals" => withdrawals::create;
    get "/v1/security-events" => events::list;
    get "/v1/sessions" => accounts::sessions;
    get "/.well-known/assetlinks.json" => well_known::assetlinks;
    get "/.well-known/apple-app-site-association" => well_known::apple_app_site_association;
    post "/v1/logout" => accounts::logout;
    post "/v1/account/password" => accounts::change_password;
    post "/v1/recovery/begin" => recovery::begin;
    post "/v1/recovery/finish" => recovery::finish;
    post "/v1/recovery/status" => recovery::status;
    get "/v1/recovery" => recovery::overview;
    post "/v1/recovery/cancel" => recovery::cancel;
    get "/v1/testkit/admin/resets" => testkit::list_resets;
    post "/v1/testkit/admin/resets/{reset_id}/approve" => testkit::approve_reset;
    post "/v1/testkit/admin/resets/{reset_id}/reject" => testkit::reject_reset;
    post "/v1/testkit/clock/advance" => testkit::advance_clock;
}

/// The router for `state`.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for (path, method_router) in method_routers() {
        router = router.route(path, method_router);
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(refuse_large_bodies))
        .layer(Extension(BodyTimeout(state.config.body_timeout)))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound)
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(ErrorCode::MethodNotAllowed)
}

/// Refuses a declared oversized body before any handler runs (streamed bodies are cut by
/// `DefaultBodyLimit` in the JSON extractor).
async fn refuse_large_bodies(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    match declared {
        Some(len) if len > MAX_BODY_BYTES as u64 => {
            ApiError::new(ErrorCode::PayloadTooLarge).into_response()
        }
        _ => next.run(request).await,
    }
}
