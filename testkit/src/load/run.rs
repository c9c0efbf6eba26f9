//! The timed part: C workers take the planned passkey logins in order, each login under its
//! account's turn (a passkey is never in two ceremonies at once), and tally latencies, errors
//! and the sessions handed out.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use bingx_passkeys_core::PlatformAuthenticator;
use bingx_passkeys_core::webauthn::prepare_get;

use super::cpu;
use super::http::{Api, finish_body};
use super::options::Mix;
use super::setup::{LoadAccount, PreparedJ2};

/// The two kinds of timed login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginKind {
    /// J3: `POST /v1/login/discoverable/begin` → assertion → `/v1/login/discoverable/finish`.
    Usernameless,
    /// J2's passkey step: assertion on the prepared options → `POST /v1/login/passkey`.
    J2PasskeyStep,
}

impl LoginKind {
    /// Both kinds, in report order.
    pub const ALL: [LoginKind; 2] = [LoginKind::Usernameless, LoginKind::J2PasskeyStep];

    /// Its name in the report.
    pub fn label(self) -> &'static str {
        match self {
            LoginKind::Usernameless => "J3 usernameless",
            LoginKind::J2PasskeyStep => "J2 passkey step",
        }
    }

    fn slot(self) -> usize {
        match self {
            LoginKind::Usernameless => 0,
            LoginKind::J2PasskeyStep => 1,
        }
    }
}

/// One planned login.
pub(crate) struct Planned {
    pub(crate) account: usize,
    pub(crate) kind: LoginKind,
    /// The password step, done in the setup (J2 only).
    pub(crate) prepared: Option<PreparedJ2>,
}

/// The plan: login `i` uses account `i % accounts` (consecutive logins use different accounts,
/// so C workers rarely wait for an account's turn when C ≤ accounts); with [`Mix::Both`] the kind
/// alternates per account from one round to the next.
pub(crate) fn plan(accounts: usize, logins: usize, mix: Mix) -> Vec<(usize, LoginKind)> {
    (0..logins)
        .map(|i| {
            let account = i % accounts;
            let round = i / accounts;
            let kind = match mix {
                Mix::Usernameless => LoginKind::Usernameless,
                Mix::J2 => LoginKind::J2PasskeyStep,
                Mix::Both if (account + round).is_multiple_of(2) => LoginKind::Usernameless,
                Mix::Both => LoginKind::J2PasskeyStep,
            };
            (account, kind)
        })
        .collect()
}

/// A session a successful login handed out (the token is a secret: kept in memory for the
/// consistency check, never printed).
pub(crate) struct HandedOut {
    pub(crate) account: usize,
    pub(crate) token: String,
}

/// Time spent on the client's side of ceremonies (options check + software assertion).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientClock {
    /// Wall-clock time (includes waiting for a core on a busy machine).
    pub(crate) wall: Duration,
    /// CPU time of the threads that ran it (`None` once a reading failed).
    pub(crate) cpu: Option<Duration>,
}

impl Default for ClientClock {
    fn default() -> Self {
        Self {
            wall: Duration::ZERO,
            cpu: Some(Duration::ZERO),
        }
    }
}

impl ClientClock {
    fn add(&mut self, other: &ClientClock) {
        self.wall += other.wall;
        self.cpu = match (self.cpu, other.cpu) {
            (Some(mine), Some(theirs)) => Some(mine + theirs),
            _ => None,
        };
    }
}

/// What the workers saw.
#[derive(Default)]
pub(crate) struct Tally {
    /// Latencies of verified logins, per kind ([`LoginKind::slot`]).
    pub(crate) latencies: [Vec<Duration>; 2],
    /// Time spent in the client's authenticator.
    pub(crate) authenticator: ClientClock,
    /// Logins started.
    pub(crate) attempted: usize,
    /// Failed logins by kind of failure.
    pub(crate) errors: BTreeMap<String, u64>,
    /// Sessions handed out.
    pub(crate) sessions: Vec<HandedOut>,
    /// Logins started per account.
    pub(crate) attempts_per_account: Vec<u64>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (mine, theirs) in self.latencies.iter_mut().zip(other.latencies) {
            mine.extend(theirs);
        }
        self.authenticator.add(&other.authenticator);
        self.attempted += other.attempted;
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
        self.sessions.extend(other.sessions);
        if self.attempts_per_account.len() < other.attempts_per_account.len() {
            self.attempts_per_account
                .resize(other.attempts_per_account.len(), 0);
        }
        for (mine, theirs) in self
            .attempts_per_account
            .iter_mut()
            .zip(other.attempts_per_account)
        {
            *mine += theirs;
        }
    }
}

/// What the timed part shares between workers.
pub(crate) struct Timed {
    pub(crate) api: Api,
    pub(crate) rp_id: String,
    pub(crate) accounts: Arc<Vec<LoadAccount>>,
    pub(crate) plan: Vec<Planned>,
    next: AtomicUsize,
    deadline: Instant,
}

impl Timed {
    /// Ready to run `plan` until `deadline`.
    pub(crate) fn new(
        api: Api,
        rp_id: String,
        accounts: Arc<Vec<LoadAccount>>,
        plan: Vec<Planned>,
        deadline: Instant,
    ) -> Self {
        Self {
            api,
            rp_id,
            accounts,
            plan,
            next: AtomicUsize::new(0),
            deadline,
        }
    }
}

/// Runs `workers` workers to the end of the plan or the deadline; returns the merged tally and
/// the wall-clock time from the first start to the last finish.
pub(crate) async fn run(timed: Arc<Timed>, workers: usize) -> (Tally, Duration) {
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers.max(1) {
        set.spawn(worker(timed.clone()));
    }
    let mut tally = Tally::default();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(part) => tally.merge(part),
            Err(err) => std::panic::resume_unwind(err.into_panic()),
        }
    }
    (tally, started.elapsed())
}

async fn worker(timed: Arc<Timed>) -> Tally {
    let mut tally = Tally {
        attempts_per_account: vec![0; timed.accounts.len()],
        ..Tally::default()
    };
    loop {
        if Instant::now() >= timed.deadline {
            break;
        }
        let at = timed.next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = timed.plan.get(at) else {
            break;
        };
        let account = &timed.accounts[item.account];
        let _turn = account.turn.lock().await;
        tally.attempted += 1;
        tally.attempts_per_account[item.account] += 1;
        let started = Instant::now();
        let outcome = match (&item.prepared, item.kind) {
            (_, LoginKind::Usernameless) => {
                usernameless(
                    &timed.api,
                    &timed.rp_id,
                    account,
                    &format!("load-{at}"),
                    &mut tally.authenticator,
                )
                .await
            }
            (Some(prepared), LoginKind::J2PasskeyStep) => {
                passkey_step(
                    &timed.api,
                    &timed.rp_id,
                    account,
                    prepared,
                    &mut tally.authenticator,
                )
                .await
            }
            (None, LoginKind::J2PasskeyStep) => Err("J2: no prepared password step".to_owned()),
        };
        let took = started.elapsed();
        match outcome {
            Ok(token) => {
                tally.latencies[item.kind.slot()].push(took);
                tally.sessions.push(HandedOut {
                    account: item.account,
                    token,
                });
            }
            Err(kind) => *tally.errors.entry(kind).or_default() += 1,
        }
    }
    tally
}

/// A usernameless login (J3); returns the session token or the kind of failure.
pub(crate) async fn usernameless(
    api: &Api,
    rp_id: &str,
    account: &LoadAccount,
    device_id: &str,
    authenticator: &mut ClientClock,
) -> Result<String, String> {
    let label = LoginKind::Usernameless.label();
    let body = serde_json::json!({ "device_id": device_id }).to_string();
    let begun = api
        .send(
            Method::POST,
            "/v1/login/discoverable/begin",
            None,
            Some(body),
        )
        .await
        .map_err(|t| format!("{label} begin: {}", t.kind()))?;
    if begun.status != 200 {
        return Err(format!("{label} begin: {}", begun.kind()));
    }
    let Some(ceremony_id) = begun.body["ceremony_id"].as_str() else {
        return Err(format!("{label} begin: no ceremony_id"));
    };
    let options = begun.body["options"].to_string();
    let credential = assert(account, rp_id, &options, authenticator)
        .await
        .map_err(|kind| format!("{label} {kind}"))?;
    let finished = api
        .send(
            Method::POST,
            "/v1/login/discoverable/finish",
            None,
            Some(finish_body("ceremony_id", ceremony_id, &credential)),
        )
        .await
        .map_err(|t| format!("{label} finish: {}", t.kind()))?;
    signed_in(label, finished.status, &finished.body, account)
        .map_err(|kind| kind.unwrap_or_else(|| format!("{label} finish: {}", finished.kind())))
}

/// J2's passkey step on a prepared password step; returns the session token or the kind of
/// failure.
async fn passkey_step(
    api: &Api,
    rp_id: &str,
    account: &LoadAccount,
    prepared: &PreparedJ2,
    authenticator: &mut ClientClock,
) -> Result<String, String> {
    let label = LoginKind::J2PasskeyStep.label();
    let credential = assert(account, rp_id, &prepared.options, authenticator)
        .await
        .map_err(|kind| format!("{label} {kind}"))?;
    let finished = api
        .send(
            Method::POST,
            "/v1/login/passkey",
            None,
            Some(finish_body("login_id", &prepared.login_id, &credential)),
        )
        .await
        .map_err(|t| format!("{label} finish: {}", t.kind()))?;
    signed_in(label, finished.status, &finished.body, account)
        .map_err(|kind| kind.unwrap_or_else(|| format!("{label} finish: {}", finished.kind())))
}

/// The client's side of the ceremony, as an app does it: the options checked and shaped by the
/// core (`prepare_get`), then the account's software password manager answers.
async fn assert(
    account: &LoadAccount,
    rp_id: &str,
    options: &str,
    authenticator: &mut ClientClock,
) -> Result<String, String> {
    let started = Instant::now();
    let cpu_before = cpu::thread_time();
    let outcome = match prepare_get(options, rp_id) {
        Ok(request) => account
            .pm
            .get(request)
            .await
            .map_err(|e| format!("assertion: password manager {}", platform_kind(&e))),
        Err(e) => Err(format!("assertion: options refused ({e})")),
    };
    // The software assertion completes within one poll (no I/O, no timer), so the thread's CPU
    // time over it is the client's own work.
    authenticator.add(&ClientClock {
        wall: started.elapsed(),
        cpu: cpu::since(cpu_before, cpu::thread_time()),
    });
    outcome
}

/// The kind of a platform error, without its detail.
fn platform_kind(error: &bingx_passkeys_core::PlatformError) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The session token of a `signed_in` answer for `account`. `Err(None)`: not a 200 (the status
/// and code tell); `Err(Some(kind))`: a 200 that is not a sign-in to this account.
fn signed_in(
    label: &str,
    status: u16,
    body: &Value,
    account: &LoadAccount,
) -> Result<String, Option<String>> {
    if status != 200 {
        return Err(None);
    }
    if body["status"] != "signed_in" {
        return Err(Some(format!("{label} finish: 200 without signed_in")));
    }
    if body["account_id"].as_str() != Some(account.account_id.as_str()) {
        return Err(Some(format!(
            "{label} finish: signed in to another account"
        )));
    }
    body["session_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| Some(format!("{label} finish: 200 without a session token")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_spreads_accounts_and_alternates_kinds() {
        for accounts in [1, 2, 3, 10] {
            let plan = plan(accounts, 40, Mix::Both);
            for a in 0..accounts {
                let kinds: Vec<LoginKind> = plan
                    .iter()
                    .filter(|(account, _)| *account == a)
                    .map(|(_, kind)| *kind)
                    .collect();
                for pair in kinds.windows(2) {
                    assert_ne!(pair[0], pair[1], "{accounts} accounts, account {a}");
                }
            }
            let j2 = plan
                .iter()
                .filter(|(_, k)| *k == LoginKind::J2PasskeyStep)
                .count();
            assert!((19..=21).contains(&j2), "{accounts}: {j2}");
        }
        assert!(
            plan(5, 10, Mix::Usernameless)
                .iter()
                .all(|(_, k)| *k == LoginKind::Usernameless)
        );
        assert!(
            plan(5, 10, Mix::J2)
                .iter()
                .all(|(_, k)| *k == LoginKind::J2PasskeyStep)
        );
    }
}
