//! `passkeys-testkit load`: the reference server under passkey sign-ins (BRIEF §6: at least
//! 2,000 verified passkey logins per second on 2 cores, at least half the bare webauthn-rs rate,
//! nothing lost).
//!
//! 1. Setup, untimed: N accounts made through the real HTTP flow (sign-up, password + emailed
//!    code from the test outbox, step-up, registration with `enable: true`), each with a passkey
//!    in its own [`SoftPasswordManager`](crate::softpm::SoftPasswordManager); then the password
//!    step of every planned J2 login (`passkey_required` with a `login_id`), since it costs an
//!    Argon2 by design. Limited concurrency; a 503 is retried after its Retry-After.
//! 2. Timed: C workers on one pooled HTTP/1.1 client run usernameless logins (J3: begin →
//!    assertion → finish) and J2 passkey steps (assertion → `POST /v1/login/passkey`), each login
//!    under its account's turn, bounded in count and in time.
//! 3. Check ([`Consistency`]): sessions distinct, live and the right account's; Passkeys pages
//!    intact with `last_used_at` moved exactly where logins happened; device-bound counters equal
//!    to the number of logins (probed).
//! 4. The bare webauthn-rs verification rate on this machine ([`BareRate`]) and the server's share
//!    of it.
//!
//! The embedded server (without `--url`) runs in this process, on the same runtime and cores as
//! the driver: the client's own signing and HTTP cost count against the same 2 cores.
//! Nothing secret (tokens, passwords, codes, keys) is printed.

mod bare;
mod check;
mod cpu;
mod http;
mod options;
mod report;
mod run;
mod setup;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use bare::{BareRate, measure as measure_bare_rate};
pub use check::Consistency;
pub use options::{LoadOptions, Mix, PasskeyKinds, USAGE, UsageError, parse_args};
pub use report::{
    GOAL_LOGINS_PER_SEC, GOAL_SHARE_OF_BARE, Latency, LoadReport, SetupFigures, TimedFigures,
};
pub use run::LoginKind;

use crate::server::{self, ServerConfig, StartError, TestHooks};
use http::Api;
use run::{Planned, Timed};
use setup::{LoadAccount, Target, in_parallel};

/// Why a load run could not be carried out (failed logins are not this: they are counted in
/// the report).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The embedded server did not start.
    #[error("the embedded server did not start: {0}")]
    Start(#[from] StartError),
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    /// The untimed setup failed (an account or a J2 password step).
    #[error("setup: {0}")]
    Setup(String),
    /// The bare webauthn-rs measurement could not make its assertions.
    #[error("bare webauthn-rs measurement: {0}")]
    Bare(String),
}

/// How long one request may take before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The embedded server's ceremony lifetime: J2 logins are begun in the setup and finished in the
/// timed part, which may together outlast the default 300 s with many J2 logins.
const EMBEDDED_CEREMONY_TTL: Duration = Duration::from_secs(3600);

/// Runs a load: setup, timed part, consistency check, bare rate. `Err` only when the run could
/// not be carried out; look at [`LoadReport::passed`] for its verdict.
pub async fn run(options: LoadOptions) -> Result<LoadReport, LoadError> {
    run_with(options, None).await
}

/// [`run`], with test hooks for the embedded server (the secret ledger of a leak test); a
/// `--url` server keeps its own.
pub async fn run_with(
    options: LoadOptions,
    hooks: Option<Arc<TestHooks>>,
) -> Result<LoadReport, LoadError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (embedded, base) = match &options.url {
        Some(url) => (None, url.clone()),
        None => {
            let mut config = ServerConfig::new(&options.rp_id);
            config.db_path = options.db_path.clone();
            config.ceremony_ttl = EMBEDDED_CEREMONY_TTL;
            // Every planned J2 login of an account is begun in the setup and held open.
            config.max_open_assertions_per_account = options.logins.max(16);
            config.test_hooks = hooks;
            let addr: SocketAddr = ([127, 0, 0, 1], 0).into();
            let running = server::start(config, addr).await?;
            let base = running.base_url();
            (Some(running), base)
        }
    };
    let target_name = match &embedded {
        Some(_) => format!("embedded server {base} (in this process)"),
        None => base.clone(),
    };
    let outcome = drive(&options, &base, cores, target_name).await;
    if let Some(running) = embedded {
        // Idle keep-alive connections are closed by the graceful shutdown; do not wait forever.
        let _ = tokio::time::timeout(Duration::from_secs(5), running.shutdown()).await;
    }
    outcome
}

async fn drive(
    options: &LoadOptions,
    base: &str,
    cores: usize,
    target_name: String,
) -> Result<LoadReport, LoadError> {
    let pool = options.concurrency.max(options.setup_concurrency);
    let api = Api::new(base, pool, REQUEST_TIMEOUT)?;
    let target = Arc::new(Target::new(api.clone(), &options.rp_id).map_err(LoadError::Setup)?);
    let mut setup_figures = SetupFigures::default();

    // Accounts, each with its passkey and the flag on.
    eprintln!("load: {target_name}: setup: {} accounts", options.accounts);
    let started = Instant::now();
    let kinds = options.passkeys;
    let device_bound = move |i: usize| match kinds {
        PasskeyKinds::Synced => false,
        PasskeyKinds::DeviceBound => true,
        PasskeyKinds::Both => i.is_multiple_of(2),
    };
    let made = in_parallel(
        (0..options.accounts).collect(),
        options.setup_concurrency,
        |i| {
            let target = target.clone();
            async move { setup::make_account(&target, i, device_bound(i)).await }
        },
    )
    .await;
    let mut accounts: Vec<LoadAccount> = Vec::with_capacity(made.len());
    for (i, made) in made.into_iter().enumerate() {
        let (account, busy) =
            made.map_err(|e| LoadError::Setup(format!("account {i}: {}", e.what)))?;
        setup_figures.busy_retries += busy;
        accounts.push(account);
    }
    setup_figures.accounts = accounts.len();
    setup_figures.device_bound = accounts.iter().filter(|a| a.device_bound).count();
    setup_figures.accounts_time = started.elapsed();
    eprintln!(
        "load: setup: {} accounts in {:.1} s",
        accounts.len(),
        setup_figures.accounts_time.as_secs_f64()
    );
    let accounts = Arc::new(accounts);

    // The password steps of the planned J2 logins.
    let plan = run::plan(options.accounts, options.logins, options.mix);
    let j2: Vec<(usize, usize)> = plan
        .iter()
        .enumerate()
        .filter(|(_, (_, kind))| *kind == LoginKind::J2PasskeyStep)
        .map(|(at, (account, _))| (at, *account))
        .collect();
    if !j2.is_empty() {
        eprintln!(
            "load: setup: {} J2 password steps (one Argon2 each)",
            j2.len()
        );
    }
    let started = Instant::now();
    let prepared = in_parallel(j2, options.setup_concurrency, |(at, a)| {
        let target = target.clone();
        let accounts = accounts.clone();
        async move {
            setup::prepare_j2(&target, &accounts[a], &format!("load-{at}"))
                .await
                .map(|(prepared, busy)| (at, prepared, busy))
        }
    })
    .await;
    setup_figures.j2_time = started.elapsed();
    let mut planned: Vec<Planned> = plan
        .into_iter()
        .map(|(account, kind)| Planned {
            account,
            kind,
            prepared: None,
        })
        .collect();
    for outcome in prepared {
        let (at, prepared, busy) = outcome.map_err(|e| LoadError::Setup(e.what))?;
        setup_figures.busy_retries += busy;
        setup_figures.j2_prepared += 1;
        planned[at].prepared = Some(prepared);
    }
    drop(target);

    // The timed part.
    eprintln!(
        "load: timed part: {} logins, {} workers, at most {:.0} s",
        options.logins,
        options.concurrency,
        options.time_limit.as_secs_f64()
    );
    let server_pid = options.server_pid;
    let server_before = server_pid.and_then(cpu::process_time_of);
    let cpu_before = cpu::process_time();
    let timed = Arc::new(Timed::new(
        api.clone(),
        options.rp_id.clone(),
        accounts.clone(),
        planned,
        Instant::now() + options.time_limit,
    ));
    let (mut tally, elapsed) = run::run(timed, options.concurrency).await;
    let process_cpu = cpu::since(cpu_before, cpu::process_time());
    let server_cpu = cpu::since(server_before, server_pid.and_then(cpu::process_time_of));
    eprintln!(
        "load: timed part done in {:.1} s; checking consistency",
        elapsed.as_secs_f64()
    );
    let [usernameless, j2] = &mut tally.latencies;
    let timed_figures = TimedFigures {
        planned: options.logins,
        attempted: tally.attempted,
        verified: tally.sessions.len(),
        elapsed,
        latency: [Latency::of(usernameless), Latency::of(j2)],
        authenticator_time: tally.authenticator.wall,
        authenticator_cpu: tally.authenticator.cpu,
        process_cpu,
        server_cpu,
        errors: std::mem::take(&mut tally.errors),
    };

    // Was anything lost?
    let consistency = check::check(
        &api,
        &accounts,
        std::mem::take(&mut tally.sessions),
        &tally.attempts_per_account,
        options.concurrency,
    )
    .await;
    drop(api);

    // The ceiling.
    if !options.bare_time.is_zero() {
        eprintln!("load: measuring bare webauthn-rs verification");
    }
    let bare = if options.bare_time.is_zero() {
        None
    } else {
        Some(
            bare::measure(&options.rp_id, cores, options.bare_time)
                .await
                .map_err(LoadError::Bare)?,
        )
    };

    Ok(LoadReport {
        target: target_name,
        cores,
        concurrency: options.concurrency,
        setup: setup_figures,
        timed: timed_figures,
        consistency,
        bare,
    })
}
