//! The global phase policy (BRIEF §2 J6, §7): the scenario catalogue (which operations need a
//! passkey verification for flagged accounts) and whether H5 or third-party login is reopened
//! for them. It is data in SQLite (`db/catalogue.rs`), seeded at start (login on, everything else
//! off, nothing reopened), changed at run time through the test/QA admin endpoint or `serve`
//! flags, and read on every request, so a change takes effect for the next request without a
//! restart. This module is its vocabulary.

use serde::{Deserialize, Deserializer, Serialize};

/// A scenario that may need a passkey verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Login (always on).
    Login,
    /// Withdrawals.
    Withdrawal,
    /// Security-setting changes.
    SecuritySettings,
    /// API-key management.
    ApiKeys,
}

impl Scenario {
    /// Every scenario of the catalogue.
    pub const ALL: [Scenario; 4] = [
        Scenario::Login,
        Scenario::Withdrawal,
        Scenario::SecuritySettings,
        Scenario::ApiKeys,
    ];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Login => "login",
            Scenario::Withdrawal => "withdrawal",
            Scenario::SecuritySettings => "security_settings",
            Scenario::ApiKeys => "api_keys",
        }
    }

    /// The scenario spelled `name`, if the catalogue has it.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// A login path that the flag blocks unless the global policy reopens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginPath {
    /// Login on the H5 (mobile web) site.
    H5,
    /// Login through Google, Apple or Telegram.
    ThirdParty,
}

impl LoginPath {
    /// The spelling in `blocked_paths` and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            LoginPath::H5 => "h5_login",
            LoginPath::ThirdParty => "third_party_login",
        }
    }
}

/// Which scenarios are on (`Policy.scenarios` of the contract).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Scenarios {
    /// Login (always on).
    pub login: bool,
    /// Withdrawals.
    pub withdrawal: bool,
    /// Security-setting changes.
    pub security_settings: bool,
    /// API-key management.
    pub api_keys: bool,
}

impl Scenarios {
    /// Whether `scenario` is on.
    pub fn is_on(&self, scenario: Scenario) -> bool {
        match scenario {
            Scenario::Login => self.login,
            Scenario::Withdrawal => self.withdrawal,
            Scenario::SecuritySettings => self.security_settings,
            Scenario::ApiKeys => self.api_keys,
        }
    }
}

/// The whole global policy, as `GET /v1/testkit/admin/policy` shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GlobalPolicy {
    /// The scenario catalogue.
    pub scenarios: Scenarios,
    /// H5 login is open again for flagged accounts.
    pub reopen_h5_login: bool,
    /// Third-party login is open again for flagged accounts.
    pub reopen_third_party_login: bool,
}

impl GlobalPolicy {
    /// Whether `path` is reopened for flagged accounts.
    pub fn is_reopened(&self, path: LoginPath) -> bool {
        match path {
            LoginPath::H5 => self.reopen_h5_login,
            LoginPath::ThirdParty => self.reopen_third_party_login,
        }
    }
}

/// A partial change of the global policy (the body of `PUT /v1/testkit/admin/policy`, and what
/// `serve --scenario … --reopen …` applies at start). Absent members stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyUpdate {
    /// Scenario switches.
    #[serde(default, deserialize_with = "scenarios_object")]
    pub scenarios: ScenarioUpdate,
    /// Reopen (or block again) H5 login for flagged accounts.
    #[serde(default, deserialize_with = "present_bool")]
    pub reopen_h5_login: Option<bool>,
    /// Reopen (or block again) third-party login for flagged accounts.
    #[serde(default, deserialize_with = "present_bool")]
    pub reopen_third_party_login: Option<bool>,
}

/// Scenario switches of a [`PolicyUpdate`]; login is always on and cannot be switched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioUpdate {
    /// Withdrawals.
    #[serde(default, deserialize_with = "present_bool")]
    pub withdrawal: Option<bool>,
    /// Security-setting changes.
    #[serde(default, deserialize_with = "present_bool")]
    pub security_settings: Option<bool>,
    /// API-key management.
    #[serde(default, deserialize_with = "present_bool")]
    pub api_keys: Option<bool>,
}

/// A switch of a [`PolicyUpdate`]: absent means unchanged, present must be `true` or `false`
/// (`null` is refused, as the contract's `type: boolean` says).
fn present_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    bool::deserialize(deserializer).map(Some)
}

/// The `scenarios` member of a [`PolicyUpdate`], which must be a JSON object (serde would also
/// read the struct from an array of its members).
fn scenarios_object<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<ScenarioUpdate, D::Error> {
    let members = serde_json::Map::deserialize(deserializer)?;
    ScenarioUpdate::deserialize(serde_json::Value::Object(members))
        .map_err(serde::de::Error::custom)
}

impl PolicyUpdate {
    /// Whether the update changes nothing.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_cannot_be_switched_and_unknown_members_and_nulls_are_refused() {
        for body in [
            r#"{"scenarios":{"login":false}}"#,
            r#"{"scenarios":{"teleport":true}}"#,
            r#"{"reopen_everything":true}"#,
            r#"{"reopen_h5_login":"yes"}"#,
            r#"{"reopen_third_party_login":null}"#,
            r#"{"scenarios":{"withdrawal":null}}"#,
            r#"{"scenarios":null}"#,
            r#"{"scenarios":[true]}"#,
        ] {
            assert!(
                serde_json::from_str::<PolicyUpdate>(body).is_err(),
                "{body}"
            );
        }
    }
}
