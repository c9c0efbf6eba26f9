//! The SDK's own overhead per ceremony, from Rust (BRIEF §6): the core called directly, the Rust
//! half of the Kotlin/Rust ratio that `scripts/bench` reports (the Kotlin half is
//! `bindings/jvm/src/bench`, run by `scripts/bench-kotlin`).
//!
//! The server is `passkeys-testkit replay` (testkit/src/replay.rs), started as a child process: it
//! recorded the journeys once against the reference server and answers every request instantly
//! from memory. The authenticator answers instantly too, with the password manager's responses to
//! the replayed (fixed) challenges. So what a ceremony costs here is the core's checks, JSON, the
//! HTTP client (reqwest over loopback, keep-alive) and the runtime (a current-thread tokio runtime,
//! `block_on` per ceremony): the least an app calling the core from Rust could pay.
//!
//! Figures (printed as `bench:` lines, read by scripts/perf_doc.py), p50/p95/p99 and mean after a
//! warm-up, the ceremonies interleaved so that the machine's noise falls on all three alike:
//! - `enable`: check device → warning → step-up start/finish → create passkey (4 requests);
//! - `password_login`: the password step answered `passkey_required` → complete with the passkey
//!   (2 requests);
//! - `usernameless`: a usernameless sign-in (2 requests);
//! - `cold`: a client's cold start in a fresh process (this binary again, `--cold-child`), the
//!   keystore already holding a session and the server-signed policy: runtime, client creation,
//!   keystore read, policy verification (the first policy check), the first async call;
//!   The child also times a second client in the same process (`second`: what was once per
//!   process);
//! - `new_client`: the same in this warm process, many times (no runtime start);
//! - `cpu_us`: the process's CPU time per ceremony, each kind in a block of its own (the machine
//!   is shared: contention stretches wall-clock time, hardly CPU time).
//!
//! Prints, never asserts a time. Environment: `PASSKEYS_REPLAY_BIN` (the `passkeys-testkit`
//! binary; by default the newest of target/{server,release,debug}), `OVERHEAD_ITERATIONS`
//! (default 2000 per ceremony), `OVERHEAD_WARMUP` (300), `OVERHEAD_COLD_RUNS` (40).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use bingx_passkeys_core::{
    Capabilities, Config, CreateRequest, Factor, GetRequest, LoginPath, PasskeysClient,
    PasskeysError, PlatformAuthenticator, PlatformError, Scenario, SecretStore, SessionToken,
    SignInStep,
};
use passkey_types::encoding::{base64url, try_from_base64url};

/// What `passkeys-testkit replay` printed.
#[derive(Default)]
struct Fixture {
    base_url: String,
    values: HashMap<String, String>,
    created: HashMap<Vec<u8>, String>,
    asserted: HashMap<Vec<u8>, String>,
}

impl Fixture {
    fn value(&self, key: &str) -> &str {
        self.values
            .get(key)
            .unwrap_or_else(|| panic!("the replay printed no {key}"))
    }

    fn config(&self) -> Config {
        let key = try_from_base64url(self.value("policy_key")).expect("policy key");
        Config::for_loopback_test_server(&self.base_url, self.value("rp_id"))
            .expect("loopback config")
            .with_policy_key(key)
            .expect("policy key")
    }
}

/// The replay server, stopped when dropped (its standard input closes; then it is killed).
struct Replay {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Drop for Replay {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn replay_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("PASSKEYS_REPLAY_BIN") {
        return bin.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    ["server", "release", "debug"]
        .iter()
        .map(|profile| target.join(profile).join("passkeys-testkit"))
        .filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p)))
        .max()
        .map(|(_, p)| p)
        .expect("no passkeys-testkit binary: set PASSKEYS_REPLAY_BIN (scripts/bench builds one)")
}

fn start_replay() -> (Replay, Fixture) {
    let bin = replay_bin();
    let mut child = Command::new(&bin)
        .args(["replay", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let stdin = child.stdin.take();
    let stdout = child.stdout.take().expect("stdout");
    let replay = Replay { child, stdin };
    let mut fixture = Fixture::default();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("the replay's output");
        if let Some(url) = line.strip_prefix("base URL:") {
            fixture.base_url = url.trim().to_owned();
            return (replay, fixture);
        }
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["fixture", "create", challenge, json] => {
                fixture
                    .created
                    .insert(challenge_bytes(challenge), (*json).to_owned());
            }
            ["fixture", "get", challenge, json] => {
                fixture
                    .asserted
                    .insert(challenge_bytes(challenge), (*json).to_owned());
            }
            ["fixture", key, value] => {
                fixture
                    .values
                    .insert((*key).to_owned(), (*value).to_owned());
            }
            _ => {}
        }
    }
    panic!("{} replay printed no base URL", bin.display());
}

fn challenge_bytes(b64: &str) -> Vec<u8> {
    try_from_base64url(b64).expect("challenge")
}

/// Answers at once with the prepared responses, by challenge.
struct InstantAuthenticator {
    created: HashMap<Vec<u8>, String>,
    asserted: HashMap<Vec<u8>, String>,
}

fn unprepared() -> PlatformError {
    PlatformError::Other {
        kind: "bench".to_owned(),
        message: "no prepared answer for this challenge".to_owned(),
    }
}

#[async_trait]
impl PlatformAuthenticator for InstantAuthenticator {
    async fn capabilities(&self) -> Capabilities {
        Capabilities::ready_device()
    }
    async fn create(&self, request: CreateRequest) -> Result<String, PlatformError> {
        self.created
            .get(&request.challenge)
            .cloned()
            .ok_or_else(unprepared)
    }
    async fn get(&self, request: GetRequest) -> Result<String, PlatformError> {
        self.asserted
            .get(&request.challenge)
            .cloned()
            .ok_or_else(unprepared)
    }
    async fn signal_unknown_credential(&self, _: String, _: Vec<u8>) -> Result<(), PlatformError> {
        Ok(())
    }
    async fn signal_all_accepted_credentials(
        &self,
        _: String,
        _: Vec<u8>,
        _: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError> {
        Ok(())
    }
    async fn signal_current_user_details(
        &self,
        _: String,
        _: Vec<u8>,
        _: String,
        _: String,
    ) -> Result<(), PlatformError> {
        Ok(())
    }
}

async fn enable(client: &PasskeysClient, f: &Fixture) {
    let flow = client.enable();
    flow.check_device().await.expect("check device");
    let _warning = flow.warning();
    flow.acknowledge_warning().expect("warning");
    flow.start_step_up().await.expect("step-up start");
    flow.finish_step_up(f.value("password"), Factor::Email, "000000")
        .await
        .expect("step-up finish");
    flow.create_passkey(None).await.expect("create passkey");
}

async fn password_login(client: &PasskeysClient, f: &Fixture) {
    let sign_in = client.sign_in();
    match sign_in
        .with_password(f.value("email"), f.value("password"), "bench", None)
        .await
        .expect("password step")
    {
        SignInStep::PasskeyRequired { login_id } => {
            sign_in
                .complete_with_passkey(&login_id)
                .await
                .expect("passkey step");
        }
        other => panic!("the password step answered {other:?}"),
    }
}

async fn usernameless(client: &PasskeysClient) {
    client
        .sign_in()
        .with_passkey()
        .await
        .expect("usernameless sign-in");
}

/// p50, p95, p99 (nearest rank) and mean, in µs.
fn summary(mut us: Vec<f64>) -> String {
    us.sort_by(f64::total_cmp);
    let rank = |p: f64| us[((p * us.len() as f64).ceil() as usize).clamp(1, us.len()) - 1];
    let mean = us.iter().sum::<f64>() / us.len() as f64;
    format!(
        "n={} p50_us={:.1} p95_us={:.1} p99_us={:.1} mean_us={:.1}",
        us.len(),
        rank(0.50),
        rank(0.95),
        rank(0.99),
        mean
    )
}

/// CPU time of this process so far (every thread alive), in µs: the scheduler's
/// `se.sum_exec_runtime` of each thread (/proc/self/task/*/sched, ns precision), or, where the
/// kernel has no such file, utime + stime from /proc/self/stat (10 ms ticks).
fn process_cpu_us() -> f64 {
    let sched: f64 = std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("sched")).ok())
        .filter_map(|text| {
            let line = text
                .lines()
                .find(|l| l.starts_with("se.sum_exec_runtime"))?;
            line.split(':').nth(1)?.trim().parse::<f64>().ok()
        })
        .sum();
    if sched > 0.0 {
        return sched * 1000.0;
    }
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<f64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default()
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    // After the command name: state is field 3, utime field 14, stime field 15.
    let ticks = fields.get(11).unwrap_or(&0.0) + fields.get(12).unwrap_or(&0.0);
    ticks * 10_000.0
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--cold-child") {
        cold_child(&args[i + 1]);
        return;
    }
    let iterations = env_usize("OVERHEAD_ITERATIONS", 2000);
    let warmup = env_usize("OVERHEAD_WARMUP", 300);
    let cold_runs = env_usize("OVERHEAD_COLD_RUNS", 40);

    let (_replay, fixture) = start_replay();
    let rt = runtime();
    let store = SecretStore::in_memory().expect("store");
    let platform = Arc::new(InstantAuthenticator {
        created: fixture.created.clone(),
        asserted: fixture.asserted.clone(),
    });
    let client =
        PasskeysClient::new(fixture.config(), store.clone(), platform.clone()).expect("client");

    // Requests per ceremony (the budgets' round trips), once.
    let mut requests = [0u64; 3];
    for (i, n) in requests.iter_mut().enumerate() {
        let before = client.requests_sent();
        rt.block_on(async {
            match i {
                0 => password_login(&client, &fixture).await,
                1 => enable(&client, &fixture).await,
                _ => usernameless(&client).await,
            }
        });
        *n = client.requests_sent() - before;
    }

    let mut times: [Vec<f64>; 3] = Default::default();
    for round in 0..warmup + iterations {
        for (i, samples) in times.iter_mut().enumerate() {
            let start = Instant::now();
            rt.block_on(async {
                match i {
                    0 => enable(&client, &fixture).await,
                    1 => password_login(&client, &fixture).await,
                    _ => usernameless(&client).await,
                }
            });
            if round >= warmup {
                samples.push(start.elapsed().as_nanos() as f64 / 1000.0);
            }
        }
    }
    // CPU time per ceremony: each kind in a block of its own, the process's CPU time (every
    // thread; not the replay's, another process) over the block. Contention on a shared machine
    // stretches wall-clock time, hardly CPU time.
    let blocks = (iterations / 2).max(1);
    let mut cpu_us = [0.0f64; 3];
    for (i, cpu) in cpu_us.iter_mut().enumerate() {
        let before = process_cpu_us();
        for _ in 0..blocks {
            rt.block_on(async {
                match i {
                    0 => enable(&client, &fixture).await,
                    1 => password_login(&client, &fixture).await,
                    _ => usernameless(&client).await,
                }
            });
        }
        *cpu = (process_cpu_us() - before) / blocks as f64;
    }
    let [enable_us, login_us, usernameless_us] = times;
    for (i, (name, n, us)) in [
        ("enable", requests[1], enable_us),
        ("password_login", requests[0], login_us),
        ("usernameless", requests[2], usernameless_us),
    ]
    .into_iter()
    .enumerate()
    {
        println!(
            "bench: overhead side=rust ceremony={name} requests={n} {} cpu_us={:.1}",
            summary(us),
            cpu_us[i]
        );
    }

    // The keystore as an app start finds it: the session, the account and its signed policy.
    let account = store.account().expect("store").expect("an account");
    let keystore = Keystore {
        session: store
            .session_token()
            .expect("store")
            .expect("a session")
            .expose_secret()
            .to_owned(),
        email: store.account_email().expect("store").unwrap_or_default(),
        policy: store
            .policy(&account)
            .expect("store")
            .expect("a signed policy"),
        flagged: store.is_flagged(&account).expect("store"),
        account,
    };

    // Cold: fresh processes.
    let file = std::env::temp_dir().join(format!("bingx-overhead-cold-{}.tsv", std::process::id()));
    let mut lines = vec![
        format!("base_url\t{}", fixture.base_url),
        format!("rp_id\t{}", fixture.value("rp_id")),
        format!("policy_key\t{}", fixture.value("policy_key")),
    ];
    lines.extend(keystore.lines());
    std::fs::write(&file, lines.join("\n")).expect("cold-start fixture");
    let exe = std::env::current_exe().expect("this binary");
    let mut parts: [Vec<f64>; 5] = Default::default();
    for _ in 0..cold_runs {
        let out = Command::new(&exe)
            .args(["--cold-child", file.to_str().expect("path")])
            .output()
            .expect("cold child");
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("cold "))
            .unwrap_or_else(|| {
                panic!(
                    "cold child: {text} {}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
        for (samples, v) in parts.iter_mut().zip(line.split_whitespace()) {
            samples.push(v.parse::<f64>().expect("ns") / 1000.0);
        }
    }
    let _ = std::fs::remove_file(&file);
    let median = |v: &Vec<f64>| {
        let mut v = v.clone();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "bench: cold side=rust {} create_p50_us={:.1} policy_p50_us={:.1} runtime_p50_us={:.1} second_p50_us={:.1}",
        summary(parts[0].clone()),
        median(&parts[1]),
        median(&parts[2]),
        median(&parts[3]),
        median(&parts[4]),
    );

    // A new client in this warm process (the runtime already runs).
    let mut new_client = Vec::new();
    for round in 0..warmup + iterations / 2 {
        let store = keystore.fill();
        let start = Instant::now();
        let client =
            PasskeysClient::new(fixture.config(), store, platform.clone()).expect("client");
        first_checks(&client);
        rt.block_on(client.enable().check_device())
            .expect("check device");
        if round >= warmup {
            new_client.push(start.elapsed().as_nanos() as f64 / 1000.0);
        }
    }
    println!("bench: new_client side=rust {}", summary(new_client));
}

/// What the keystore holds when the app starts.
struct Keystore {
    session: String,
    account: String,
    email: String,
    policy: String,
    flagged: bool,
}

impl Keystore {
    fn lines(&self) -> Vec<String> {
        vec![
            format!("session\t{}", self.session),
            format!("account\t{}", self.account),
            format!("email\t{}", self.email),
            format!("policy\t{}", self.policy),
            format!("flagged\t{}", self.flagged),
        ]
    }

    fn parse(values: &HashMap<&str, &str>) -> Self {
        Self {
            session: values["session"].to_owned(),
            account: values["account"].to_owned(),
            email: values["email"].to_owned(),
            policy: values["policy"].to_owned(),
            flagged: values["flagged"] == "true",
        }
    }

    /// A fresh in-memory keystore holding these values.
    fn fill(&self) -> SecretStore {
        let store = SecretStore::in_memory().expect("store");
        store
            .set_session_token(&SessionToken::new(self.session.clone()))
            .expect("store");
        store.set_account(&self.account).expect("store");
        store.set_account_email(&self.email).expect("store");
        store
            .set_policy(&self.account, &self.policy)
            .expect("store");
        store
            .set_flagged(&self.account, self.flagged)
            .expect("store");
        store
    }
}

/// What an app start asks first: signed in? may H5 show? (the first policy check: keystore read
/// and signature verification), does a withdrawal need a passkey?
fn first_checks(client: &PasskeysClient) {
    assert!(client.sign_in().is_signed_in().expect("keystore"));
    let h5 = client.sign_in().check_path(LoginPath::H5);
    assert!(
        matches!(h5, Err(PasskeysError::PathBlocked { .. })),
        "the signed policy blocks H5: {h5:?}"
    );
    std::hint::black_box(client.scenarios().needs_passkey(&Scenario::Withdrawal));
}

/// One cold start in this fresh process; prints `cold <total> <create> <policy> <runtime>` in ns.
fn cold_child(file: &str) {
    let text = std::fs::read_to_string(file).expect("cold-start fixture");
    let values: HashMap<&str, &str> = text.lines().filter_map(|l| l.split_once('\t')).collect();
    let keystore = Keystore::parse(&values);
    let store = keystore.fill();
    let platform = no_answers();
    let key = try_from_base64url(values["policy_key"]).expect("policy key");
    assert_eq!(base64url(&key), values["policy_key"]);

    let t0 = Instant::now();
    let config = Config::for_loopback_test_server(values["base_url"], values["rp_id"])
        .expect("config")
        .with_policy_key(key)
        .expect("policy key");
    let client = PasskeysClient::new(config, store, platform).expect("client");
    let t1 = Instant::now();
    first_checks(&client);
    let t2 = Instant::now();
    let rt = runtime();
    rt.block_on(client.enable().check_device())
        .expect("check device");
    let t3 = Instant::now();
    // A second client in the same process: what of the above was once per process.
    let store = keystore.fill();
    let t4 = Instant::now();
    let config = Config::for_loopback_test_server(values["base_url"], values["rp_id"])
        .expect("config")
        .with_policy_key(try_from_base64url(values["policy_key"]).expect("policy key"))
        .expect("policy key");
    let second = PasskeysClient::new(config, store, no_answers()).expect("client");
    first_checks(&second);
    rt.block_on(second.enable().check_device())
        .expect("check device");
    let t5 = Instant::now();
    let ns = |a: Instant, b: Instant| b.duration_since(a).as_nanos();
    println!(
        "cold {} {} {} {} {}",
        ns(t0, t3),
        ns(t0, t1),
        ns(t1, t2),
        ns(t2, t3),
        ns(t4, t5)
    );
}

/// An instant authenticator without prepared answers (a cold start runs no ceremony).
fn no_answers() -> Arc<InstantAuthenticator> {
    Arc::new(InstantAuthenticator {
        created: HashMap::new(),
        asserted: HashMap::new(),
    })
}
