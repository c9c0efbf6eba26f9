//! Sessions: the one place a session is opened, and what a sign-in step answers.
//!
//! Every session the server hands out is opened by [`open_session`], inside the SQLite
//! transaction that decides it: the account is read again there and its passkey flag checked
//! against what the sign-in proved ([`SignedInWith`]). A passkey is always enough; a code or a
//! trust mark never is for a flagged account; a third-party token only while the global policy has
//! reopened that path.
//!
//! A sign-in may describe its device (`device: {model, os}`, [`DeviceDescription`]). There, in
//! the same transaction, a model and OS the account has not used before (while it has used
//! another) is a new-device sign-in (BRIEF §7, before a device change): it is recorded in the
//! security activity and the answer carries the notice with the account's passkey health.

use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::catalogue::LoginPath;
use super::clock::secs;
use super::codes::Factor;
use super::db::{self, Session};
use super::error::{ApiError, ApiResult, ErrorCode};
use super::events::{self, EventKind};
use super::input;
use super::passkeys::{self, PasskeyHealth};
use super::policy;
use super::resets;
use super::secrets;
use super::state::App;

/// What a new session rests on: the factor the sign-in proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedInWith<'a> {
    /// A verified passkey assertion (J2's passkey step, J3 usernameless) with the passkey of
    /// this credential id: always enough. Deleting the passkey ends the session.
    Passkey(&'a [u8]),
    /// Password plus an email/SMS/TOTP code: never enough for a flagged account.
    Code,
    /// Password plus a "trust this device" mark: never enough for a flagged account.
    TrustedDevice,
    /// A third-party identity provider's id token: enough for a flagged account only while the
    /// global policy has reopened third-party login.
    ThirdParty,
}

impl SignedInWith<'_> {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SignedInWith::Passkey(_) => "passkey",
            SignedInWith::Code => "code",
            SignedInWith::TrustedDevice => "trusted_device",
            SignedInWith::ThirdParty => "third_party",
        }
    }
}

/// Longest device model or OS name, in characters.
const MAX_DEVICE_CHARS: usize = 64;

/// The device a sign-in comes from, as the app describes it (`device` in the login bodies):
/// e.g. model `Pixel 8`, OS `Android 15`. Each 1 to 64 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DeviceDescription {
    /// The device model.
    pub model: String,
    /// The operating system and its version.
    pub os: String,
}

impl DeviceDescription {
    /// `device` as a login body has it: `Ok` when absent or within the contract, 400
    /// `BAD_REQUEST` otherwise.
    pub fn check(device: Option<&Self>) -> ApiResult<()> {
        match device {
            Some(d)
                if !input::valid_text(&d.model, MAX_DEVICE_CHARS)
                    || !input::valid_text(&d.os, MAX_DEVICE_CHARS) =>
            {
                Err(ApiError::bad_request(
                    "device.model and device.os must be 1 to 64 characters without control characters.",
                ))
            }
            _ => Ok(()),
        }
    }
}

/// A sign-in from a device model or OS the account has not used before (the `new_device` member
/// of a `signed_in` answer).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NewDevice {
    /// The new device's model.
    pub model: String,
    /// Its operating system.
    pub os: String,
    /// The account's passkey health now, for the app's warning.
    pub health: PasskeyHealth,
}

/// A session just opened.
#[derive(Debug)]
pub struct Opened {
    /// The bearer token.
    pub token: String,
    /// Set when the sign-in came from a device the account has not used before.
    pub new_device: Option<NewDevice>,
}

/// Opens a session for the account on `device_id` (whose room is `room`, when its sign-in sent an
/// install key: the device becomes one the account has signed in from) and returns the bearer
/// token. Every session
/// the server hands out is opened here, inside the transaction that decides it: the account is
/// read again in `tx` and the passkey flag checked against `with`, so an Enable that commits
/// while a sign-in is under way (its revocation of every other session and trust mark) is either
/// seen here or sees this session. SQLite runs one transaction at a time on the one connection.
///
/// With a `device` description, the account's devices are looked at in the same transaction
/// (see [`note_device`]): a refused sign-in records nothing.
pub fn open_session(
    tx: &Transaction<'_>,
    app: &App,
    account_id: &str,
    device_id: &str,
    room: Option<&str>,
    device: Option<&DeviceDescription>,
    with: SignedInWith<'_>,
) -> ApiResult<Opened> {
    let account = db::account_by_id(tx, account_id)?
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidCredentials))?;
    let allowed = match with {
        SignedInWith::Passkey(_) => true,
        SignedInWith::Code | SignedInWith::TrustedDevice => !account.passkey_required,
        SignedInWith::ThirdParty => !policy::is_blocked(tx, &account, LoginPath::ThirdParty)?,
    };
    if !allowed {
        return Err(ApiError::new(match with {
            SignedInWith::ThirdParty => ErrorCode::ThirdPartyLoginBlocked,
            _ => ErrorCode::PasskeyRequired,
        }));
    }
    let now = app.clock.now();
    let token = secrets::new_token();
    app.note_secret(&token);
    let session = Session {
        id: Uuid::new_v4().to_string(),
        account_id: account.id,
        device_id: device_id.to_owned(),
        room: room.map(str::to_owned),
    };
    let expires_at = now.saturating_add(secs(app.config.session_ttl));
    let credential_id = match with {
        SignedInWith::Passkey(id) => Some(id),
        _ => None,
    };
    db::insert_session(
        tx,
        &session,
        &secrets::digest(&token),
        with.as_str(),
        credential_id,
        now,
        expires_at,
    )?;
    if let Some(room) = room {
        db::note_signed_in_device(tx, &session.account_id, room, now)?;
    }
    let new_device = match device {
        Some(device) => note_device(tx, &session.account_id, device, now)?,
        None => None,
    };
    Ok(Opened { token, new_device })
}

/// Notes a described device for a sign-in being opened in `tx`: a model and OS already seen says
/// nothing; the account's first described device is recorded silently; any other new one is
/// recorded, goes into the security activity as `new_device_login`, and comes back as the
/// notice, with the account's passkey health as this transaction sees it.
fn note_device(
    tx: &Transaction<'_>,
    account_id: &str,
    device: &DeviceDescription,
    now: i64,
) -> ApiResult<Option<NewDevice>> {
    if db::device_seen(tx, account_id, &device.model, &device.os)? {
        return Ok(None);
    }
    let first = !db::has_seen_devices(tx, account_id)?;
    db::insert_seen_device(tx, account_id, &device.model, &device.os, now)?;
    if first {
        return Ok(None);
    }
    events::record(
        tx,
        account_id,
        EventKind::NewDeviceLogin,
        &format!(
            "Signed in on a new device: {}, {}.",
            events::label(&device.model),
            events::label(&device.os)
        ),
        now,
    )?;
    Ok(Some(NewDevice {
        model: device.model.clone(),
        os: device.os.clone(),
        health: passkeys::health_of(tx, account_id, now)?,
    }))
}

/// The answer to a login step.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LoginResponse {
    /// A second factor is needed.
    CodeRequired {
        /// Names this login attempt in `/v1/login/code`.
        login_id: String,
        /// Factors the account can use.
        factors: Vec<Factor>,
        /// The account's signed policy (it does not require passkeys, or no code would be
        /// offered): the device that remembers the account as requiring them lifts its mark
        /// only with a verified policy newer than the one it holds, and refuses the code
        /// otherwise as a downgrade (a phishing proxy cannot sign one).
        policy: policy::Policy,
    },
    /// Signed in.
    SignedIn {
        /// Bearer token.
        session_token: String,
        /// The account.
        account_id: String,
        /// A "trust this device" mark, when asked for.
        #[serde(skip_serializing_if = "Option::is_none")]
        trust_token: Option<String>,
        /// The sign-in came from a device model or OS the account has not used before.
        #[serde(skip_serializing_if = "Option::is_none")]
        new_device: Option<NewDevice>,
        /// The account's signed policy: a device learns from the sign-in itself whether the
        /// account needs passkeys (after a passkey sign-in), or that a requirement it remembers
        /// was lifted (after the others, which only an account without it can complete).
        /// Always present (the contract requires it).
        policy: policy::Policy,
        /// The account's reset waiting for support, if any, read in the transaction that opens
        /// the session, so that an owner who did not ask for it sees it at once and cancels it
        /// with a passkey (a reset asked by someone holding the password and a code must not stay
        /// out of sight of an owner who signs in every day). Left out when none is pending.
        #[serde(skip_serializing_if = "Option::is_none")]
        pending_reset: Option<resets::Reset>,
    },
    /// The account is protected by a passkey: no code is sent; the login goes on with a passkey
    /// assertion at `POST /v1/login/passkey`.
    PasskeyRequired {
        /// Names this login in `/v1/login/passkey` (single use, expires with the ceremony).
        login_id: String,
        /// `PublicKeyCredentialRequestOptionsJSON` listing the account's passkeys.
        options: serde_json::Value,
    },
}
