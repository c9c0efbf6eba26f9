//! What the server says about the signed-in account: its passkeys, its policy and its security
//! activity.

use bingx_passkeys_core as passkeys_core;

/// One passkey on the Passkeys page.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PasskeyInfo {
    /// The credential id, raw bytes.
    pub credential_id: Vec<u8>,
    /// The name the user gave it (the provider name by default).
    pub name: String,
    /// The authenticator's AAGUID.
    pub aaguid: String,
    /// The password manager that holds it ("Google Password Manager", "iCloud Keychain", …).
    pub provider: String,
    /// Whether the provider is known (false for an all-zero or unknown AAGUID).
    pub provider_known: bool,
    /// When it was added, unix seconds.
    pub created_at: i64,
    /// When it last signed in, unix seconds, if ever.
    pub last_used_at: Option<i64>,
    /// A synced passkey (backup eligible) rather than a device-bound one.
    pub backup_eligible: bool,
    /// Currently backed up.
    pub backed_up: bool,
    /// Transports the authenticator reported.
    pub transports: Vec<String>,
}

/// Which scenarios need a passkey, by server policy (BRIEF §2 J6).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Scenarios {
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
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Policy {
    /// The account.
    pub account_id: String,
    /// "Must verify using passkeys for important scenarios" is on.
    pub passkey_required: bool,
    /// How many passkeys the account has.
    pub passkey_count: u32,
    /// Scenarios that need a passkey.
    pub scenarios: Scenarios,
    /// Login paths refused for this account (`h5_login`, `third_party_login`).
    pub blocked_paths: Vec<String>,
    /// Policy version.
    pub version: i64,
}

/// One line of the account's security activity (passkeys added or removed, refused attempts on
/// blocked paths…).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SecurityEvent {
    /// What happened: `passkey_added`, `passkey_renamed`, `passkey_removed`, `flag_on`,
    /// `flag_off`, `blocked_h5_login`, `blocked_third_party_login`, `refused_otp_login`,
    /// `counter_regression`, or a kind this library does not know yet.
    pub kind: String,
    /// When, unix seconds.
    pub at: i64,
    /// Details fit to show.
    pub detail: String,
}

impl From<passkeys_core::PasskeyInfo> for PasskeyInfo {
    fn from(p: passkeys_core::PasskeyInfo) -> Self {
        Self {
            credential_id: p.credential_id,
            name: p.name,
            aaguid: p.aaguid,
            provider: p.provider,
            provider_known: p.provider_known,
            created_at: p.created_at,
            last_used_at: p.last_used_at,
            backup_eligible: p.backup_eligible,
            backed_up: p.backed_up,
            transports: p.transports,
        }
    }
}

impl From<passkeys_core::Scenarios> for Scenarios {
    fn from(s: passkeys_core::Scenarios) -> Self {
        Self {
            login: s.login,
            withdrawal: s.withdrawal,
            security_settings: s.security_settings,
            api_keys: s.api_keys,
        }
    }
}

impl From<passkeys_core::Policy> for Policy {
    fn from(p: passkeys_core::Policy) -> Self {
        Self {
            account_id: p.account_id,
            passkey_required: p.passkey_required,
            passkey_count: p.passkey_count,
            scenarios: p.scenarios.into(),
            blocked_paths: p.blocked_paths,
            version: p.version,
        }
    }
}

impl From<passkeys_core::SecurityEvent> for SecurityEvent {
    fn from(e: passkeys_core::SecurityEvent) -> Self {
        Self {
            kind: e.kind,
            at: e.at,
            detail: e.detail,
        }
    }
}
