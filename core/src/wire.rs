//! The server contract's data as the app sees it (`docs/openapi.yaml`): the Passkeys page, the
//! policy, the security activity, proofs. Plain values; the HTTP client (`crate::http`) reads
//! them from the server's answers.

use crate::encoding::base64url;
use serde::{Deserialize, Deserializer, Serialize};

use crate::secret::ProofToken;
use crate::text::{PasskeysText, utc_text};
use crate::vocabulary::Factor;

/// Decode a base64url string member into bytes.
pub(crate) fn b64url<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let s = String::deserialize(d)?;
    base64url::decode(&s).ok_or_else(|| serde::de::Error::custom("not base64url"))
}

/// A string member the app shows, as [`crate::text::shown`] makes it: without control and
/// bidirectional control characters, at most `MAX` characters (the server's own bounds are lower;
/// only a misbehaving server reaches them).
fn shown_text<'de, D: Deserializer<'de>, const MAX: usize>(d: D) -> Result<String, D::Error> {
    Ok(crate::text::shown(&String::deserialize(d)?, MAX))
}

/// One passkey on the Passkeys page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PasskeyInfo {
    /// The credential id.
    #[serde(deserialize_with = "b64url")]
    pub credential_id: Vec<u8>,
    /// The name the user gave it (the provider name by default). Shown as it may be shown: no
    /// control or bidirectional control characters, at most 64 characters.
    #[serde(deserialize_with = "shown_text::<_, 64>")]
    pub name: String,
    /// The authenticator's AAGUID.
    #[serde(deserialize_with = "shown_text::<_, 36>")]
    pub aaguid: String,
    /// The password manager that holds it ("Google Password Manager", "iCloud Keychain", …), at
    /// most 100 characters.
    #[serde(deserialize_with = "shown_text::<_, 100>")]
    pub provider: String,
    /// Whether the provider is known (false for an all-zero or unknown AAGUID).
    pub provider_known: bool,
    /// When it was added (unix seconds).
    pub created_at: i64,
    /// When it last signed in (unix seconds), if ever.
    pub last_used_at: Option<i64>,
    /// Backup eligible: a synced passkey rather than a device-bound one.
    pub backup_eligible: bool,
    /// Currently backed up.
    pub backed_up: bool,
    /// Transports the authenticator reported.
    #[serde(default)]
    pub transports: Vec<String>,
}

/// Which scenarios need a passkey, by server policy (BRIEF §2 J6).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct PasskeyScenarios {
    /// Login.
    pub login: bool,
    /// Withdrawals.
    pub withdrawal: bool,
    /// Security-setting changes.
    pub security_settings: bool,
    /// API-key management.
    pub api_keys: bool,
}

/// The account's policy, as the server decides it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Policy {
    /// The account.
    pub account_id: String,
    /// "Must verify using passkeys for important scenarios" is on.
    pub passkey_required: bool,
    /// How many passkeys the account has.
    pub passkey_count: u32,
    /// Scenarios that need a passkey.
    pub scenarios: PasskeyScenarios,
    /// Login paths refused for this account (`h5_login`, `third_party_login`).
    pub blocked_paths: Vec<String>,
    /// Policy version.
    pub version: i64,
    /// When the server issued this policy (unix seconds).
    #[serde(default)]
    pub issued_at: i64,
    /// The server's signature over this policy, for the device cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<SignedPolicy>,
}

/// A policy as the server signed it: the exact payload bytes and an ES256 (DER) signature.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SignedPolicy {
    /// The policy JSON, base64url.
    pub payload: String,
    /// ECDSA P-256 SHA-256 signature over the payload bytes, DER, base64url.
    pub signature: String,
}

/// One line of the account's security activity.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SecurityEvent {
    /// What happened: `passkey_added`, `passkey_renamed`, `passkey_removed`, `flag_on`,
    /// `flag_off`, `blocked_h5_login`, `blocked_third_party_login`, `refused_otp_login`,
    /// `counter_regression`, `signed_out_device_bound`, `reset_requested`, `reset_cancelled`,
    /// `reset_approved`, `reset_rejected`, `withdrawal_hold`, `new_device_login`,
    /// `password_changed`, or a kind this core does not know yet.
    #[serde(deserialize_with = "shown_text::<_, 64>")]
    pub kind: String,
    /// When (unix seconds).
    pub at: i64,
    /// Details fit to show (no control or bidirectional control characters, at most 300
    /// characters).
    #[serde(default, deserialize_with = "shown_text::<_, 300>")]
    pub detail: String,
}

/// A fresh passkey proof for one purpose (or one scenario and its parameters), single use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyProof {
    /// The proof (a secret: never logged).
    pub token: ProofToken,
    /// Seconds it stays valid.
    pub expires_in_secs: u64,
}

/// A passkey was added (by Enable, or from the Passkeys page): the server stored it, turned the
/// flag on, and answered with the Passkeys page and the new policy in the same answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PasskeyAdded {
    /// The new passkey.
    pub passkey: PasskeyInfo,
    /// Every passkey of the account (the Passkeys page, without another round trip).
    pub passkeys: Vec<PasskeyInfo>,
    /// The account's policy afterwards.
    pub policy: Policy,
    /// Other sessions signed out.
    pub revoked_sessions: u32,
    /// Trusted-device marks cleared.
    pub revoked_trusted_devices: u32,
    /// Passkeys the account had before Enable that the user did not keep, now removed (0 from a
    /// server that predates the keep list).
    #[serde(default)]
    pub removed_passkeys: u32,
    /// The account's passkey health right after the addition: with one passkey, or only
    /// device-bound ones, at risk and carrying the nudge (`None` from a server without health).
    #[serde(default)]
    pub health: Option<PasskeyHealth>,
}

/// Whether one lost, reset or replaced phone could lock the account out (BRIEF §7), as the server
/// computes it for the Passkeys page. It never blocks anything: the app shows the reasons, the
/// action, and the nudge until the user dismisses it for a while.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PasskeyHealth {
    /// One lost phone could leave the account without a passkey.
    pub at_risk: bool,
    /// Why, most important first.
    pub reasons: Vec<HealthReason>,
    /// What the user should do; `None` when nothing is at risk.
    pub action: Option<HealthAction>,
    /// Show the "add a second passkey" nudge now (at risk, not dismissed lately).
    pub nudge: bool,
}

/// A sign-in from a device model or OS the account had not used before (BRIEF §7, before a device
/// change): the server recorded it in the security activity (`new_device_login`) and sent the
/// account's passkey health with it. The app shows [`NewDeviceNotice::text`] with the health's
/// headline and action (a new phone may be replacing the one that holds the passkeys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDeviceNotice {
    /// The new device's model, as the app described it (capped, no control characters).
    pub model: String,
    /// Its operating system, as the app described it (capped, no control characters).
    pub os: String,
    /// The account's passkey health at the sign-in.
    pub health: PasskeyHealth,
}

impl NewDeviceNotice {
    /// The warning to show: `health.new_device_warning`, with the device's model and OS.
    pub fn text(&self) -> PasskeysText {
        PasskeysText::new("health.new_device_warning")
            .with("model", self.model.clone())
            .with("os", self.os.clone())
    }
}

/// Why an account's passkeys are at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthReason {
    /// Every passkey is bound to its device (not backup eligible): it goes with the phone.
    DeviceBoundOnly,
    /// The account has exactly one passkey.
    SinglePasskey,
    /// A reason this core does not know yet (a newer server).
    #[serde(other)]
    Other,
}

/// What the user should do about passkeys at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthAction {
    /// Add a synced passkey (Google Password Manager, iCloud Keychain, …).
    AddSyncedPasskey,
    /// Add a passkey in a second password manager.
    AddSecondPasswordManager,
    /// An action this core does not know yet (a newer server).
    #[serde(other)]
    Other,
}

impl PasskeyHealth {
    /// The headline to show: `health.ok`, or the first reason's `health.reason.*`.
    pub fn text(&self) -> PasskeysText {
        match self.reasons.first() {
            _ if !self.at_risk => PasskeysText::new("health.ok"),
            Some(HealthReason::DeviceBoundOnly) => {
                PasskeysText::new("health.reason.device_bound_only")
            }
            Some(HealthReason::SinglePasskey) => PasskeysText::new("health.reason.single_passkey"),
            Some(HealthReason::Other) | None => PasskeysText::new("health.reason.other"),
        }
    }

    /// The recommended action's text (`health.action.*`), when there is one.
    pub fn action_text(&self) -> Option<PasskeysText> {
        self.action.map(|action| {
            PasskeysText::new(match action {
                HealthAction::AddSyncedPasskey => "health.action.add_synced_passkey",
                HealthAction::AddSecondPasswordManager => {
                    "health.action.add_second_password_manager"
                }
                HealthAction::Other => "health.action.other",
            })
        })
    }
}

impl SecurityEvent {
    /// The text naming this kind of event (`activity.*`; `activity.other` for a kind this core
    /// does not know yet). `detail` is shown next to it as the server wrote it.
    pub fn text(&self) -> PasskeysText {
        const KNOWN: &[&str] = &[
            "passkey_added",
            "passkey_renamed",
            "passkey_removed",
            "flag_on",
            "flag_off",
            "blocked_h5_login",
            "blocked_third_party_login",
            "refused_otp_login",
            "counter_regression",
            "signed_out_device_bound",
            "reset_requested",
            "reset_cancelled",
            "reset_approved",
            "reset_rejected",
            "withdrawal_hold",
            "new_device_login",
            "password_changed",
        ];
        match KNOWN.iter().find(|k| **k == self.kind) {
            Some(kind) => PasskeysText::new(&format!("activity.{kind}")),
            None => PasskeysText::new("activity.other"),
        }
    }
}

/// A support reset was asked for (lost passkeys, J8): the code went to these factors. Enter it
/// with [`crate::Recovery::confirm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryCodeSent {
    /// The factors the server accepts the code from (unknown ones left out).
    pub factors: Vec<Factor>,
    /// Seconds the code stays valid.
    pub expires_in_secs: u64,
}

/// Where a support reset of the account's passkeys stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResetState {
    /// Waiting for the back office, not before [`ResetStatus::approvable_at`]; the owner's
    /// passkey can still cancel it.
    Pending,
    /// Approved: the passkeys are gone, the requirement is off, every session was signed out,
    /// and withdrawals and security changes are on hold until [`ResetStatus::hold_until`].
    Approved,
    /// Cancelled with a passkey of the account.
    Cancelled,
    /// Refused by the back office: nothing changed. The user may ask again (another code).
    Rejected,
    /// Not decided in time (the server's `reset_expiry` after the first request): nothing
    /// changed. The user may ask again.
    Expired,
}

/// A support reset of the account's passkeys, as the server shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetStatus {
    /// The reset's reference (for support).
    pub reset_id: String,
    /// Where it stands.
    pub state: ResetState,
    /// When it was first requested (unix seconds); a repeated request keeps it.
    pub requested_at: i64,
    /// From when the back office may approve it (unix seconds): the cooling-off's end.
    pub approvable_at: i64,
    /// When the withdrawal hold its approval started ends (unix seconds); set once approved.
    pub hold_until: Option<i64>,
}

impl ResetStatus {
    /// The notice to show for a reset pending when the user signs in
    /// ([`crate::SignIn::pending_reset`]; `recovery.pending_notice`, naming when it may be
    /// approved), next to a button that cancels it ([`crate::Recovery::cancel`]).
    pub fn notice_text(&self) -> PasskeysText {
        PasskeysText::new("recovery.pending_notice")
            .with("approvable_at", utc_text(self.approvable_at))
    }

    /// The text to show for where it stands (`recovery.state.*`; a pending one names when it
    /// may be approved). An approved one's hold: [`hold_text`] of [`ResetStatus::hold_until`].
    pub fn text(&self) -> PasskeysText {
        match self.state {
            ResetState::Pending => PasskeysText::new("recovery.state.pending")
                .with("approvable_at", utc_text(self.approvable_at)),
            ResetState::Approved => PasskeysText::new("recovery.state.approved"),
            ResetState::Cancelled => PasskeysText::new("recovery.state.cancelled"),
            ResetState::Rejected => PasskeysText::new("recovery.state.rejected"),
            ResetState::Expired => PasskeysText::new("recovery.state.expired"),
        }
    }
}

/// What a signed-in owner sees of support resets: a pending one to cancel with a passkey, and
/// the withdrawal hold in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryState {
    /// A reset waiting for the back office (someone knows the password and a code, or the owner
    /// asked): cancel it with [`crate::Recovery::cancel`] if the owner did not ask.
    pub pending_reset: Option<ResetStatus>,
    /// When the withdrawal hold after an approved reset ends (unix seconds), while one is in
    /// force.
    pub hold_until: Option<i64>,
}

/// The text for a withdrawal hold in force until `until` (unix seconds): `recovery.hold`.
pub fn hold_text(until: i64) -> PasskeysText {
    PasskeysText::new("recovery.hold").with("until", utc_text(until))
}

/// The account as the password manager knows it, for signals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PasskeyUser {
    /// The WebAuthn user handle.
    pub(crate) id: Vec<u8>,
    /// The account name.
    pub(crate) name: String,
    /// The display name.
    pub(crate) display_name: String,
}
