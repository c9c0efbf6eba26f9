//! The global policy (`scenarios`, `reopened_paths`): the scenario catalogue and the reopened login
//! paths.

use rusqlite::{Connection, params};

use crate::server::catalogue::{GlobalPolicy, LoginPath, PolicyUpdate, Scenario, Scenarios};
use crate::server::error::ApiResult;

/// The scenario catalogue: `(name, enabled)`.
pub fn scenarios(conn: &Connection) -> ApiResult<Vec<(String, bool)>> {
    let mut stmt = conn.prepare_cached("SELECT name, enabled FROM scenarios ORDER BY name")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Switches a scenario on or off.
pub fn set_scenario(conn: &Connection, name: &str, enabled: bool) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO scenarios (name, enabled) VALUES (?1, ?2)
         ON CONFLICT(name) DO UPDATE SET enabled = excluded.enabled",
    )?
    .execute(params![name, enabled])?;
    Ok(())
}

/// The login paths and whether the global policy reopened them: `(path, reopened)`.
pub fn reopened_paths(conn: &Connection) -> ApiResult<Vec<(String, bool)>> {
    let mut stmt =
        conn.prepare_cached("SELECT path, reopened FROM reopened_paths ORDER BY path")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Reopens (or blocks again) a login path for flagged accounts.
pub fn set_reopened(conn: &Connection, path: &str, reopened: bool) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO reopened_paths (path, reopened) VALUES (?1, ?2)
         ON CONFLICT(path) DO UPDATE SET reopened = excluded.reopened",
    )?
    .execute(params![path, reopened])?;
    Ok(())
}

/// The global policy as it is now.
pub fn global_policy(conn: &Connection) -> ApiResult<GlobalPolicy> {
    let scenarios = scenarios(conn)?;
    let on = |scenario: Scenario| {
        scenario == Scenario::Login
            || scenarios
                .iter()
                .any(|(name, enabled)| name == scenario.as_str() && *enabled)
    };
    let reopened = reopened_paths(conn)?;
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
pub fn apply_policy_update(conn: &Connection, update: &PolicyUpdate) -> ApiResult<GlobalPolicy> {
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
            set_scenario(conn, scenario.as_str(), enabled)?;
        }
    }
    let paths = [
        (LoginPath::H5, update.reopen_h5_login),
        (LoginPath::ThirdParty, update.reopen_third_party_login),
    ];
    for (path, reopened) in paths {
        if let Some(reopened) = reopened {
            set_reopened(conn, path.as_str(), reopened)?;
        }
    }
    super::bump_all_policy_versions(conn)?;
    global_policy(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::Db;

    #[test]
    fn seeded_with_login_only_and_nothing_reopened() {
        let db = Db::open(None).expect("db");
        let policy = db.with(global_policy).expect("policy");
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
        let db = Db::open(None).expect("db");
        let update: PolicyUpdate =
            serde_json::from_str(r#"{"scenarios":{"withdrawal":true},"reopen_h5_login":true}"#)
                .expect("parses");
        let policy = db
            .transaction(|tx| apply_policy_update(tx, &update))
            .expect("applied");
        assert!(policy.scenarios.withdrawal && !policy.scenarios.api_keys);
        assert!(policy.reopen_h5_login && !policy.reopen_third_party_login);
        let update: PolicyUpdate =
            serde_json::from_str(r#"{"scenarios":{"api_keys":true}}"#).expect("parses");
        let policy = db
            .transaction(|tx| apply_policy_update(tx, &update))
            .expect("applied");
        assert!(policy.scenarios.withdrawal && policy.scenarios.api_keys);
        assert!(policy.reopen_h5_login);
    }
}
