//! What a user reads, as keys and values: never sentences. Every error and every state the app
//! shows names a [`PasskeysText`]: a stable key into the string tables translators edit (`i18n/texts.toml`,
//! generated into Android's `strings.xml` and an Apple String Catalog) and the values its
//! placeholders need. The core writes no words; [`KEYS`] lists every key it can produce with its
//! placeholders, and the tests hold the tables to it.

/// Whether `c` may be shown in text that a server or another person chose (a passkey name, a
/// provider, an activity line, a refusal's message): not a control character, and not one of the
/// invisible bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
/// which reorder whole runs of what follows them: a passkey planted with one in its name could
/// read on the Passkeys page as another provider's, or as "this device". The direction marks
/// (U+200E, U+200F, U+061C) stay: they only settle how a digit or a bracket next to Arabic or
/// Hebrew words is shown, and text pasted in those languages often holds them.
pub(crate) fn showable(c: char) -> bool {
    !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` as it may be shown: without what [`showable`] refuses, at most `max` characters.
pub(crate) fn shown(s: &str, max: usize) -> String {
    s.chars().filter(|c| showable(*c)).take(max).collect()
}

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
    ("error.invalid_name", &[]),
    ("error.policy_unavailable", &[]),
    ("error.not_supported", &[]),
    ("error.invalid_config", &["detail"]),
    ("error.keystore_failed", &[]),
    ("error.account_on_hold", &["until"]),
    ("error.reset_not_needed", &[]),
    ("error.server.account_on_hold", &[]),
    ("error.server.reset_not_found", &[]),
    ("error.server.reset_not_pending", &[]),
    ("error.server.reset_cooling_off", &[]),
    ("error.server.admin_required", &[]),
    ("error.server.passkey_limit", &[]),
    ("error.server.too_many_attempts", &[]),
    ("error.server.too_many_codes", &[]),
    ("error.not_allowed_in_this_state.request_recovery_code", &[]),
    ("recovery.state.pending", &["approvable_at"]),
    ("recovery.pending_notice", &["approvable_at"]),
    ("recovery.state.approved", &[]),
    ("recovery.state.cancelled", &[]),
    ("recovery.state.rejected", &[]),
    ("recovery.state.expired", &[]),
    ("recovery.hold", &["until"]),
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
    ("activity.reset_requested", &[]),
    ("activity.reset_cancelled", &[]),
    ("activity.reset_approved", &[]),
    ("activity.reset_rejected", &[]),
    ("activity.withdrawal_hold", &[]),
    ("activity.new_device_login", &[]),
    ("activity.password_changed", &[]),
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
    ("health.new_device_warning", &["model", "os"]),
];

/// `unix` seconds as a placeholder value: a UTC date and time that reads the same in every
/// language, e.g. `2026-12-04 16:00 UTC` (the app may format the raw time itself instead).
/// Years are kept within 0000–9999, so a hostile time still gives a short text.
pub(crate) fn utc_text(unix: i64) -> String {
    // 0000-01-01 and 9999-12-31 23:59:59 UTC.
    let unix = unix.clamp(-62_167_219_200, 253_402_300_799);
    let days = unix.div_euclid(86_400);
    let minutes = unix.rem_euclid(86_400) / 60;
    // Days since 1970-01-01 to a proleptic Gregorian date: 400-year eras of 146 097 days,
    // counted from 0000-03-01 so that a leap day ends its year.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

/// The placeholders of `key`, or `None` when the core never produces it.
pub fn placeholders(key: &str) -> Option<&'static [&'static str]> {
    KEYS.iter().find(|(k, _)| *k == key).map(|(_, p)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_utc_dates() {
        assert_eq!(utc_text(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_text(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc_text(1_796_400_000), "2026-12-04 16:00 UTC");
        assert_eq!(utc_text(1_709_251_199), "2024-02-29 23:59 UTC");
        assert_eq!(utc_text(-1), "1969-12-31 23:59 UTC");
        assert_eq!(utc_text(i64::MAX), "9999-12-31 23:59 UTC");
        assert_eq!(utc_text(i64::MIN), "0000-01-01 00:00 UTC");
    }

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
