//! The global phase policy (BRIEF §2 J6, §7): the scenario catalogue (which operations need a
//! passkey verification for flagged accounts) and whether H5 or third-party login is reopened
//! for them. It is data in SQLite, seeded at start (login on, everything else off, nothing
//! reopened), changed at run time through the test/QA admin endpoint or `serve` flags, and read
//! on every request, so a change takes effect for the next request without a restart.

use axum::Json;
use axum::extract::State;
use rusqlite::Connection;
use serde::{Deserialize, Deserializer, Serialize};

use super::db;
use super::error::ApiResult;
use super::extract::ApiJson;
use super::state::AppState;

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

/// The current global policy.
pub fn current(conn: &Connection) -> ApiResult<GlobalPolicy> {
    let scenarios = db::scenarios(conn)?;
    let on = |scenario: Scenario| {
        scenario == Scenario::Login
            || scenarios
                .iter()
                .any(|(name, enabled)| name == scenario.as_str() && *enabled)
    };
    let reopened = db::reopened_paths(conn)?;
    let open = |path: LoginPath| {
        reopened
            .iter()
            .any(|(name, reopened)| name == path.as_str() && *reopened)
    };
    Ok(GlobalPolicy {
        scenarios: Scenarios {
            login: on(Scenario::Login),
            withdrawal: on(Scenario::Withdrawal),
            security_settings: on(Scenario::SecuritySettings),
            api_keys: on(Scenario::ApiKeys),
        },
        reopen_h5_login: open(LoginPath::H5),
        reopen_third_party_login: open(LoginPath::ThirdParty),
    })
}

/// Applies `update` and bumps every account's policy version (their cached policies are stale).
pub fn apply(conn: &Connection, update: &PolicyUpdate) -> ApiResult<GlobalPolicy> {
    let switches = [
        (Scenario::Withdrawal, update.scenarios.withdrawal),
        (
            Scenario::SecuritySettings,
            update.scenarios.security_settings,
        ),
        (Scenario::ApiKeys, update.scenarios.api_keys),
    ];
    for (scenario, enabled) in switches {
        if let Some(enabled) = enabled {
            db::set_scenario(conn, scenario.as_str(), enabled)?;
        }
    }
    let paths = [
        (LoginPath::H5, update.reopen_h5_login),
        (LoginPath::ThirdParty, update.reopen_third_party_login),
    ];
    for (path, reopened) in paths {
        if let Some(reopened) = reopened {
            db::set_reopened(conn, path.as_str(), reopened)?;
        }
    }
    db::bump_all_policy_versions(conn)?;
    current(conn)
}

/// `GET /v1/testkit/admin/policy` (test/QA only).
pub async fn get(State(app): State<AppState>) -> ApiResult<Json<GlobalPolicy>> {
    app.db.with(current).map(Json)
}

/// `PUT /v1/testkit/admin/policy` (test/QA only): a partial update; answers the whole policy.
pub async fn put(
    State(app): State<AppState>,
    ApiJson(update): ApiJson<PolicyUpdate>,
) -> ApiResult<Json<GlobalPolicy>> {
    app.db.transaction(|tx| apply(tx, &update)).map(Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_with_login_only_and_nothing_reopened() {
        let db = db::Db::open(None).expect("db");
        let policy = db.with(current).expect("policy");
        assert_eq!(
            policy.scenarios,
            Scenarios {
                login: true,
                withdrawal: false,
                security_settings: false,
                api_keys: false
            }
        );
        assert!(!policy.reopen_h5_login && !policy.reopen_third_party_login);
    }

    #[test]
    fn partial_updates_leave_the_rest() {
        let db = db::Db::open(None).expect("db");
        let update: PolicyUpdate =
            serde_json::from_str(r#"{"scenarios":{"withdrawal":true},"reopen_h5_login":true}"#)
                .expect("parses");
        let policy = db.transaction(|tx| apply(tx, &update)).expect("applied");
        assert!(policy.scenarios.withdrawal && !policy.scenarios.api_keys);
        assert!(policy.reopen_h5_login && !policy.reopen_third_party_login);
        let update: PolicyUpdate =
            serde_json::from_str(r#"{"scenarios":{"api_keys":true}}"#).expect("parses");
        let policy = db.transaction(|tx| apply(tx, &update)).expect("applied");
        assert!(policy.scenarios.withdrawal && policy.scenarios.api_keys);
        assert!(policy.reopen_h5_login);
    }

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
