//! `POST /v1/login/third-party`: login (Google, Apple, Telegram) with an id token of the test
//! identity provider ([`crate::server::idp`]), verified strictly and refused for flagged accounts
//! (BRIEF §2 J4, §5 #2) unless the global policy has reopened third-party login.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use crate::server::accounts;
use crate::server::db;
use crate::server::error::{ApiError, ApiResult, ErrorCode};
use crate::server::events::{self, EventKind};
use crate::server::extract::{ApiJson, PolicyNonce};
use crate::server::hooks::Pause;
use crate::server::idp::IdentityProvider;
use crate::server::policy;
use crate::server::resets;
use crate::server::sessions::{self, DeviceDescription, LoginResponse, SignedInWith};
use crate::server::state::AppState;

/// Third-party login body.
#[derive(Deserialize)]
pub struct ThirdPartyLoginRequest {
    provider: String,
    id_token: String,
    /// The device the session is for (optional; the contract's body has no device id).
    #[serde(default)]
    device_id: Option<String>,
    /// The install key the device's library keeps (optional): its digest names the device's room
    /// (`db::SignInRoom`).
    #[serde(default)]
    install_key: Option<String>,
    /// The device's model and OS, for the new-device notice (optional).
    #[serde(default)]
    device: Option<DeviceDescription>,
}

/// `POST /v1/login/third-party`.
pub async fn login(
    State(app): State<AppState>,
    nonce: PolicyNonce,
    ApiJson(body): ApiJson<ThirdPartyLoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let invalid = || ApiError::new(ErrorCode::IdTokenInvalid);
    let now = app.clock.now();
    let provider = IdentityProvider::parse(&body.provider).ok_or_else(invalid)?;
    let claims = app
        .idp
        .verify(&body.id_token, provider, now)
        .map_err(|refusal| {
            eprintln!("passkeys-testkit: id token refused: {refusal}");
            invalid()
        })?;
    let device_id = match body.device_id {
        Some(device_id) if accounts::valid_device_id(&device_id) => device_id,
        Some(_) => {
            return Err(ApiError::bad_request(
                "device_id must be 1 to 128 characters without control characters.",
            ));
        }
        None => format!("third-party:{}", provider.as_str()),
    };
    DeviceDescription::check(body.device.as_ref())?;
    let room = accounts::room_of(&app, body.install_key.as_deref())?;
    let email = accounts::normalise_email(&claims.email)
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidCredentials))?;
    app.pause(Pause::BeforeSessionDecision).await;
    // The account is read, the flag decided on and the session opened in one transaction, so an
    // Enable that commits meanwhile is seen (BRIEF §5 #2, #3).
    let outcome = app.db.transaction(|tx| {
        let account = db::account_by_email(tx, &email)?
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidCredentials))?;
        match sessions::open_session(
            tx,
            &app,
            &account.id,
            &device_id,
            room.as_deref(),
            body.device.as_ref(),
            SignedInWith::ThirdParty,
        ) {
            Ok(opened) => Ok(Ok(LoginResponse::SignedIn {
                session_token: opened.token,
                account_id: account.id.clone(),
                trust_token: None,
                new_device: opened.new_device,
                policy: policy::policy_of(tx, &app, &account.id, nonce.as_deref())?,
                pending_reset: resets::pending(tx, &app, &account.id, now)?,
            })),
            Err(refused) if refused.code == ErrorCode::ThirdPartyLoginBlocked => {
                // The refusal is recorded (committed) and then answered.
                events::record(
                    tx,
                    &account.id,
                    EventKind::BlockedThirdPartyLogin,
                    &format!(
                        "Sign-in with {} was refused: this account requires a passkey.",
                        provider.as_str()
                    ),
                    now,
                )?;
                Ok(Err(refused))
            }
            Err(other) => Err(other),
        }
    })?;
    outcome.map(Json)
}
