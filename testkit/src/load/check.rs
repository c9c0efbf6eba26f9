//! After the timed part: was anything lost? Checked only through what the server exposes over
//! HTTP (no peeking into its database), so it works against `--url` too.
//!
//! - Every verified login handed out its own session: the tokens are pairwise distinct, and each
//!   one is live and belongs to the account that logged in (`GET /v1/passkeys` with it answers
//!   200 with that account's passkey).
//! - Each account's passkey (read with the setup session): still exactly the one registered; its
//!   `last_used_at` set (and not before its creation) when it was used, untouched when not; its
//!   `use_count` exactly the account's verified logins (each moved it once, none twice).
//! - Each device-bound passkey's `sign_count` equals its verified logins when every login of the
//!   account succeeded (and never exceeds the assertions made); a synced passkey's stays 0.
//! - Each account's live sessions (`GET /v1/sessions` with the setup session): exactly one opened
//!   with a passkey per verified login, and besides them only the setup session.
//! - Client side: the password manager made exactly one assertion per login started.

use reqwest::Method;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Arc;

use super::http::Api;
use super::run::HandedOut;
use super::setup::{LoadAccount, in_parallel};

/// The outcome of the consistency check.
#[derive(Debug, Clone, Default)]
pub struct Consistency {
    /// Sessions handed out by verified logins.
    pub sessions: usize,
    /// Sessions whose token another login also got.
    pub duplicate_sessions: usize,
    /// Sessions the server does not accept, or that belong to another account.
    pub dead_sessions: usize,
    /// Accounts whose Passkeys page was checked.
    pub accounts_checked: usize,
    /// Device-bound passkeys whose stored counter equals their verified logins.
    pub counters_exact: usize,
    /// Device-bound passkeys whose counter could only be bounded (the account had failed logins,
    /// or none at all).
    pub counters_not_probed: usize,
    /// Accounts whose live sessions matched their verified logins one to one.
    pub session_lists_exact: usize,
    /// Everything that did not add up, one line each (no secrets: account numbers, statuses and
    /// error codes only).
    pub problems: Vec<String>,
}

impl Consistency {
    /// Nothing lost, nothing doubled.
    pub fn ok(&self) -> bool {
        self.duplicate_sessions == 0 && self.dead_sessions == 0 && self.problems.is_empty()
    }
}

/// Checks what the run left behind. `successes[a]` / `attempts[a]`: verified / started logins of
/// account `a` in the timed part.
pub(crate) async fn check(
    api: &Api,
    accounts: &Arc<Vec<LoadAccount>>,
    sessions: Vec<HandedOut>,
    attempts: &[u64],
    concurrency: usize,
) -> Consistency {
    let mut report = Consistency {
        sessions: sessions.len(),
        ..Consistency::default()
    };
    let mut successes = vec![0u64; accounts.len()];
    for session in &sessions {
        successes[session.account] += 1;
    }

    let distinct: HashSet<&str> = sessions.iter().map(|s| s.token.as_str()).collect();
    report.duplicate_sessions = sessions.len() - distinct.len();
    drop(distinct);

    // Every session live and the right account's.
    let live = in_parallel(sessions, concurrency, |session| {
        let api = api.clone();
        let accounts = accounts.clone();
        async move {
            let account = &accounts[session.account];
            match passkeys_page(&api, &session.token).await {
                Ok(page) => holds(&page, &account.credential_id),
                Err(_) => false,
            }
        }
    })
    .await;
    report.dead_sessions = live.iter().filter(|ok| !**ok).count();

    // Each account's Passkeys page, through the setup session.
    let indices: Vec<usize> = (0..accounts.len()).collect();
    let pages = in_parallel(indices, concurrency, |a| {
        let api = api.clone();
        let accounts = accounts.clone();
        async move { passkeys_page(&api, &accounts[a].session).await }
    })
    .await;
    for (a, page) in pages.into_iter().enumerate() {
        report.accounts_checked += 1;
        let account = &accounts[a];
        let page = match page {
            Ok(page) => page,
            Err(kind) => {
                report
                    .problems
                    .push(format!("account {a}: Passkeys page: {kind}"));
                continue;
            }
        };
        let listed = page["passkeys"].as_array().cloned().unwrap_or_default();
        if listed.len() != 1 || !holds(&page, &account.credential_id) {
            report.problems.push(format!(
                "account {a}: {} passkeys listed, expected exactly its own one",
                listed.len()
            ));
            continue;
        }
        let last_used = listed[0]["last_used_at"].as_i64();
        match (successes[a], last_used) {
            (0, now) if now != account.last_used_before => report
                .problems
                .push(format!("account {a}: last_used_at changed without a login")),
            (0, _) => {}
            (n, None) => report.problems.push(format!(
                "account {a}: last_used_at not set after {n} logins"
            )),
            (_, Some(t)) if t < account.created_at => report.problems.push(format!(
                "account {a}: last_used_at is before the passkey was created"
            )),
            _ => {}
        }
        let uses = listed[0]["use_count"].as_u64();
        if uses != Some(successes[a]) {
            report.problems.push(format!(
                "account {a}: use_count {uses:?} for {} verified logins",
                successes[a]
            ));
        }
        let counter = listed[0]["sign_count"].as_u64().unwrap_or(u64::MAX);
        if !account.device_bound {
            if counter != 0 {
                report.problems.push(format!(
                    "account {a}: a synced passkey with sign_count {counter}"
                ));
            }
        } else if successes[a] == attempts[a] && successes[a] > 0 {
            if counter == successes[a] {
                report.counters_exact += 1;
            } else {
                report.problems.push(format!(
                    "account {a}: sign_count {counter} after {} verified logins",
                    successes[a]
                ));
            }
        } else {
            report.counters_not_probed += 1;
            if counter > attempts[a] {
                report.problems.push(format!(
                    "account {a}: sign_count {counter} above the {} assertions made",
                    attempts[a]
                ));
            }
        }
        let assertions = account.pm.get_calls() as u64;
        if assertions != attempts[a] {
            report.problems.push(format!(
                "account {a}: the password manager made {assertions} assertions for {} logins",
                attempts[a]
            ));
        }
    }

    // Each account's live sessions, through the setup session.
    let indices: Vec<usize> = (0..accounts.len()).collect();
    let lists = in_parallel(indices, concurrency, |a| {
        let api = api.clone();
        let accounts = accounts.clone();
        async move { sessions_list(&api, &accounts[a].session).await }
    })
    .await;
    for (a, list) in lists.into_iter().enumerate() {
        let list = match list {
            Ok(list) => list,
            Err(kind) => {
                report
                    .problems
                    .push(format!("account {a}: sessions: {kind}"));
                continue;
            }
        };
        let all = list["sessions"].as_array().cloned().unwrap_or_default();
        let with_passkey = all
            .iter()
            .filter(|s| s["signed_in_with"] == "passkey")
            .count() as u64;
        let others = all.len() as u64 - with_passkey;
        if with_passkey != successes[a] || others != 1 {
            report.problems.push(format!(
                "account {a}: {with_passkey} live passkey sessions and {others} others for {} \
                 verified logins and the setup session",
                successes[a]
            ));
        } else {
            report.session_lists_exact += 1;
        }
    }
    report
}

/// `GET /v1/sessions` with `token`; the list or the kind of failure.
async fn sessions_list(api: &Api, token: &str) -> Result<Value, String> {
    let answer = api
        .send(Method::GET, "/v1/sessions", Some(token), None)
        .await
        .map_err(|t| t.kind().to_owned())?;
    if answer.status != 200 {
        return Err(answer.kind());
    }
    Ok(answer.body)
}

/// `GET /v1/passkeys` with `token`; the page or the kind of failure.
async fn passkeys_page(api: &Api, token: &str) -> Result<Value, String> {
    let answer = api
        .send(Method::GET, "/v1/passkeys", Some(token), None)
        .await
        .map_err(|t| t.kind().to_owned())?;
    if answer.status != 200 {
        return Err(answer.kind());
    }
    Ok(answer.body)
}

fn holds(page: &Value, credential_id: &str) -> bool {
    page["passkeys"]
        .as_array()
        .is_some_and(|list| list.iter().any(|p| p["credential_id"] == credential_id))
}
