//! What a user reads, as keys and values: never sentences. Every error and every state the app
//! shows names a [`PasskeysText`]: a stable key into the string tables translators edit (`i18n/texts.toml`,
//! generated into Android's `strings.xml` and an Apple String Catalog) and the values its
//! placeholders need. The core writes no words; [`KEYS`] lists every key it can produce with its
//! placeholders, and the tests hold the tables to it.

/// A text to show: a key of the string tables and the values of its placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeysText {
    /// The key, e.g. `error.cancelled` (see [`KEYS`]).
    pub key: String,
    /// The placeholders' values, by name.
    pub args: Vec<PasskeysTextArg>,
}

/// One placeholder's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeysTextArg {
    /// The placeholder's name, as the tables write it (`{name}`).
    pub name: String,
    /// Its value (never a secret).
    pub value: String,
}

impl PasskeysText {
    /// A text without placeholders. `key` must be one of [`KEYS`].
    pub(crate) fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            args: Vec::new(),
        }
    }

    /// The same text with one more placeholder value.
    pub(crate) fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.args.push(PasskeysTextArg {
            name: name.to_owned(),
            value: value.into(),
        });
        self
    }
}

/// Every key the core produces, with the names of its placeholders. The string tables must have
/// each of them in every language, with exactly these placeholders.
pub const KEYS: &[(&str, &[&str])] = &[
    ("error.not_signed_in", &[]),
    ("error.device_not_ready.no_password_manager", &[]),
    ("error.device_not_ready.no_screen_lock", &[]),
    ("error.device_not_ready.os_too_old", &[]),
    ("error.device_not_ready.account_missing", &[]),
    ("error.device_not_ready.other", &["detail"]),
    ("error.cancelled", &[]),
    ("error.no_credential", &[]),
    ("error.already_registered", &[]),
    ("error.domain_not_associated", &[]),
    ("error.interrupted", &[]),
    ("error.timed_out", &[]),
    ("error.password_manager_failed", &[]),
    ("error.step_up_required", &[]),
    ("error.passkey_required", &[]),
    ("error.downgrade_refused", &[]),
    ("error.path_blocked.h5", &[]),
    ("error.path_blocked.third_party", &[]),
    ("error.in_progress", &[]),
    ("error.network", &[]),
    ("error.untrusted_server", &[]),
    ("error.not_initialized", &[]),
    ("error.server.invalid_credentials", &[]),
    ("error.server.code_invalid", &[]),
    ("error.server.login_expired", &[]),
    ("error.server.ceremony_expired", &[]),
    ("error.server.account_exists", &[]),
    ("error.server.busy", &[]),
    ("error.server.passkey_not_found", &[]),
    ("error.server.counter_regression", &[]),
    ("error.server.id_token_invalid", &[]),
    ("error.server.passkey_not_accepted", &[]),
    ("error.server.registration_rejected", &[]),
    ("error.server.other", &["code"]),
    ("error.invalid_response", &[]),
    ("error.not_allowed_in_this_state.check_device", &[]),
    ("error.not_allowed_in_this_state.accept_warning", &[]),
    ("error.not_allowed_in_this_state.request_code", &[]),
    ("error.not_allowed_in_this_state.verify_step_up", &[]),
    ("error.not_allowed_in_this_state.sign_in_with_password", &[]),
    ("error.last_passkey", &[]),
    ("error.policy_unavailable", &[]),
    ("error.not_supported", &[]),
    ("error.invalid_config", &["detail"]),
    ("error.keystore_failed", &[]),
    ("enable.warning", &[]),
    ("activity.passkey_added", &[]),
    ("activity.passkey_renamed", &[]),
    ("activity.passkey_removed", &[]),
    ("activity.flag_on", &[]),
    ("activity.flag_off", &[]),
    ("activity.blocked_h5_login", &[]),
    ("activity.blocked_third_party_login", &[]),
    ("activity.refused_otp_login", &[]),
    ("activity.counter_regression", &[]),
    ("activity.signed_out_device_bound", &[]),
    ("activity.other", &[]),
    ("health.ok", &[]),
    ("health.reason.device_bound_only", &[]),
    ("health.reason.single_passkey", &[]),
    ("health.reason.other", &[]),
    ("health.action.add_synced_passkey", &[]),
    ("health.action.add_second_password_manager", &[]),
    ("health.action.other", &[]),
    ("health.nudge", &[]),
    ("health.sign_out_warning", &[]),
];

/// The placeholders of `key`, or `None` when the core never produces it.
pub fn placeholders(key: &str) -> Option<&'static [&'static str]> {
    KEYS.iter().find(|(k, _)| *k == key).map(|(_, p)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_dotted_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for (key, _) in KEYS {
            assert!(seen.insert(*key), "{key} twice");
            assert!(
                key.split('.').all(|part| !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')),
                "{key}"
            );
        }
    }
}
