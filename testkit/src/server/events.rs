//! Security activity the user can read (BRIEF §7): passkeys added, renamed or removed, the flag
//! turned on or off, refused attempts on blocked paths, refused code logins and counter
//! regressions. Each event is written in the same transaction as the change it records.

use rusqlite::Connection;

use super::db::{self, Shelf};
use super::error::ApiResult;

/// Longest detail stored, in characters.
const MAX_DETAIL_CHARS: usize = 200;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A passkey was registered.
    PasskeyAdded,
    /// A passkey was renamed.
    PasskeyRenamed,
    /// A passkey was deleted.
    PasskeyRemoved,
    /// The passkey requirement was turned on.
    FlagOn,
    /// The passkey requirement was turned off.
    FlagOff,
    /// An H5 login was refused because the flag is on.
    BlockedH5Login,
    /// A third-party login was refused because the flag is on.
    BlockedThirdPartyLogin,
    /// A code (email/SMS/TOTP) login was refused because the flag is on.
    RefusedOtpLogin,
    /// A device-bound passkey's signature counter went backwards (possible clone).
    CounterRegression,
    /// A device signed out while every passkey of the account is device-bound: a device change
    /// could lock the account out (BRIEF §7).
    SignedOutDeviceBound,
    /// A sign-in from a device model or OS the account had not used before (BRIEF §7, before a
    /// device change).
    NewDeviceLogin,
    /// A support reset was requested (J8).
    ResetRequested,
    /// A pending support reset was cancelled with the owner's passkey.
    ResetCancelled,
    /// The back office refused a reset request.
    ResetRejected,
    /// The account's password was changed (every other session signed out).
    PasswordChanged,
    /// A support reset was approved: the passkeys were removed and the flag turned off.
    ResetApproved,
    /// A withdrawal hold started (after an approved reset).
    WithdrawalHold,
}

impl EventKind {
    /// The shelf it is kept on. Refused sign-ins (anyone with the password or an id token can
    /// cause them again and again) and sign-in notices (whoever holds a passkey can cause them at
    /// sign-in speed: a new device model each time, a sign-out) are kept and listed
    /// apart from the account's changes, so they never push a change out of the owner's view.
    pub fn shelf(self) -> Shelf {
        match self {
            EventKind::BlockedH5Login
            | EventKind::BlockedThirdPartyLogin
            | EventKind::RefusedOtpLogin => Shelf::Refusal,
            EventKind::NewDeviceLogin | EventKind::SignedOutDeviceBound => Shelf::Routine,
            EventKind::PasskeyAdded
            | EventKind::PasskeyRenamed
            | EventKind::PasskeyRemoved
            | EventKind::FlagOn
            | EventKind::FlagOff
            | EventKind::CounterRegression
            | EventKind::ResetRequested
            | EventKind::ResetCancelled
            | EventKind::ResetRejected
            | EventKind::PasswordChanged
            | EventKind::ResetApproved
            | EventKind::WithdrawalHold => Shelf::Change,
        }
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::PasskeyAdded => "passkey_added",
            EventKind::PasskeyRenamed => "passkey_renamed",
            EventKind::PasskeyRemoved => "passkey_removed",
            EventKind::FlagOn => "flag_on",
            EventKind::FlagOff => "flag_off",
            EventKind::BlockedH5Login => "blocked_h5_login",
            EventKind::BlockedThirdPartyLogin => "blocked_third_party_login",
            EventKind::RefusedOtpLogin => "refused_otp_login",
            EventKind::CounterRegression => "counter_regression",
            EventKind::SignedOutDeviceBound => "signed_out_device_bound",
            EventKind::NewDeviceLogin => "new_device_login",
            EventKind::ResetRequested => "reset_requested",
            EventKind::ResetCancelled => "reset_cancelled",
            EventKind::ResetRejected => "reset_rejected",
            EventKind::PasswordChanged => "password_changed",
            EventKind::ResetApproved => "reset_approved",
            EventKind::WithdrawalHold => "withdrawal_hold",
        }
    }
}

/// A passkey name (the user's own words, 1 to 64 characters, any script) in quotes in an event's
/// sentence, with its own double quotes made single: a name cannot close the quote and write
/// on in the server's voice (`x" was checked by support. "y`).
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "'"))
}

/// Most characters of a client-chosen name (a device id, a model) shown in an event's sentence.
const MAX_LABEL_CHARS: usize = 32;

/// A name the client chose (a device id, a device model or OS), as an event's sentence shows
/// it: letters, digits, spaces and `. _ - : ( )` only, at most 32 characters, so that whoever
/// asked for a reset cannot write words into the server's sentence (`"… ". Routine check by
/// support, ignore "`) that the owner would read as the server's.
pub fn label(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " ._-:()".contains(*c))
        .collect();
    let kept = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut shown: String = kept.chars().take(MAX_LABEL_CHARS).collect();
    if kept.chars().count() > MAX_LABEL_CHARS {
        shown.push('…');
    }
    if shown.is_empty() {
        "(unnamed)".to_owned()
    } else {
        shown
    }
}

/// Records an event for the account. `detail` is a sentence built by the server from
/// non-secret facts (passkey names, providers, device ids); control characters are dropped and
/// it is cut to 200 characters.
pub fn record(
    conn: &Connection,
    account_id: &str,
    kind: EventKind,
    detail: &str,
    now: i64,
) -> ApiResult<()> {
    let detail: String = detail
        .chars()
        .filter(|c| super::input::showable(*c))
        .take(MAX_DETAIL_CHARS)
        .collect();
    db::insert_event(conn, account_id, kind.as_str(), kind.shelf(), &detail, now)
}
