//! After the timed part: was anything lost? Checked only through what the server exposes over
//! HTTP (no peeking into its database), so it works against `--url` too.
//!
//! - Every verified login handed out its own session: the tokens are pairwise distinct, and each
//!   one is live and belongs to the account that logged in (`GET /v1/passkeys` with it answers
//!   200 with that account's passkey).
//! - Each account's passkey (read with the setup session): still exactly the one registered; its
//!   `last_used_at` set (and not before its creation) when it was used, untouched when not.
//! - Each device-bound passkey's stored counter went up by exactly the number of its logins.
//!   The Passkeys page does not show the counter, so it is probed: the password manager repeats
//!   its last counter once (`rewind_counter(rp, 0)`), which the server must refuse with
//!   `COUNTER_REGRESSION` (so the stored counter is at least that), then the next one (last + 1)
//!   must be accepted (so it is at most that): the stored counter equals the number of
//!   assertions made, which equals the number of verified logins when nothing failed.
//! - Client side: the password manager made exactly one assertion per login started.

use reqwest::Method;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Arc;

use super::http::Api;
use super::run::{ClientClock, HandedOut, usernameless};
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
    /// Device-bound passkeys whose stored counter was probed and found exact.
    pub counters_exact: usize,
    /// Device-bound passkeys not probed (the account had failed logins, or none at all).
    pub counters_not_probed: usize,
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
    rp_id: &str,
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
        let assertions = account.pm.get_calls() as u64;
        if assertions != attempts[a] {
            report.problems.push(format!(
                "account {a}: the password manager made {assertions} assertions for {} logins",
                attempts[a]
            ));
        }
    }

    // Device-bound counters, probed one account at a time per worker.
    let probed: Vec<usize> = (0..accounts.len())
        .filter(|&a| accounts[a].device_bound)
        .collect();
    let outcomes = in_parallel(probed, concurrency, |a| {
        let api = api.clone();
        let accounts = accounts.clone();
        let rp_id = rp_id.to_owned();
        let clean = successes[a] == attempts[a] && successes[a] > 0;
        async move {
            if !clean {
                return (a, None);
            }
            (a, Some(probe_counter(&api, &rp_id, &accounts[a], a).await))
        }
    })
    .await;
    for (a, outcome) in outcomes {
        match outcome {
            None => report.counters_not_probed += 1,
            Some(Ok(())) => report.counters_exact += 1,
            Some(Err(problem)) => report.problems.push(format!("account {a}: {problem}")),
        }
    }
    report
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

/// The stored counter equals the last one the password manager signed (see the module doc).
async fn probe_counter(
    api: &Api,
    rp_id: &str,
    account: &LoadAccount,
    a: usize,
) -> Result<(), String> {
    let mut unused = ClientClock::default();
    let signed = account.pm.get_calls();
    account.pm.rewind_counter(rp_id, 0);
    let repeat = usernameless(api, rp_id, account, &format!("load-probe-{a}"), &mut unused).await;
    match repeat {
        Err(kind) if kind.ends_with("403 COUNTER_REGRESSION") => {}
        Err(kind) => {
            return Err(format!(
                "counter probe: repeating counter {signed} got {kind}, expected 403 COUNTER_REGRESSION"
            ));
        }
        Ok(_) => {
            return Err(format!(
                "counter probe: repeating counter {signed} was accepted: the server stored less \
                 than the {signed} assertions made"
            ));
        }
    }
    let next = usernameless(api, rp_id, account, &format!("load-probe-{a}"), &mut unused).await;
    next.map(|_| ()).map_err(|kind| {
        format!(
            "counter probe: counter {} was refused ({kind}): the server stored more than the \
             {signed} assertions made",
            signed + 1
        )
    })
}
