//! What a load run measured, and how it is printed (figures, error kinds and check results only:
//! no token, password, code or key ever goes in here).

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use super::bare::BareRate;
use super::check::Consistency;
use super::run::LoginKind;

/// BRIEF §6: verified passkey logins per second on 2 cores.
pub const GOAL_LOGINS_PER_SEC: f64 = 2_000.0;
/// BRIEF §6: the server's rate as a share of the bare webauthn-rs rate.
pub const GOAL_SHARE_OF_BARE: f64 = 0.5;

/// Latency percentiles of one kind of login.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    /// Verified logins measured.
    pub count: usize,
    /// Median.
    pub p50: Duration,
    /// 95th percentile.
    pub p95: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
}

impl Latency {
    /// Nearest-rank percentiles of `samples` (sorted here); `None` when empty.
    pub fn of(samples: &mut [Duration]) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        samples.sort_unstable();
        let rank = |p: f64| {
            let at = (p / 100.0 * samples.len() as f64).ceil() as usize;
            samples[at.clamp(1, samples.len()) - 1]
        };
        Some(Self {
            count: samples.len(),
            p50: rank(50.0),
            p95: rank(95.0),
            p99: rank(99.0),
            max: samples[samples.len() - 1],
        })
    }
}

/// The untimed setup.
#[derive(Debug, Clone, Default)]
pub struct SetupFigures {
    /// Accounts made (each with one passkey, flag on).
    pub accounts: usize,
    /// Of which with a device-bound passkey.
    pub device_bound: usize,
    /// Time to make them (three password checks each: sign-up, password login, step-up).
    pub accounts_time: Duration,
    /// J2 password steps done ahead of the timed part.
    pub j2_prepared: usize,
    /// Time for those (one password check each).
    pub j2_time: Duration,
    /// 503 answers retried after their Retry-After.
    pub busy_retries: u64,
}

/// The timed part.
#[derive(Debug, Clone, Default)]
pub struct TimedFigures {
    /// Logins planned.
    pub planned: usize,
    /// Logins started before the time limit.
    pub attempted: usize,
    /// Verified logins (a session handed out to the right account).
    pub verified: usize,
    /// Wall-clock time of the timed part.
    pub elapsed: Duration,
    /// Latencies per kind, in [`LoginKind::ALL`] order (`None`: no verified login of that kind).
    pub latency: [Option<Latency>; 2],
    /// Client time in the authenticator (options check + software assertion), all logins.
    pub authenticator_time: Duration,
    /// CPU time of the same (thread CPU time; `None` where it cannot be read).
    pub authenticator_cpu: Option<Duration>,
    /// CPU time the whole process used during the timed part (Linux; embedded server and driver
    /// together, or the driver alone with `--url`).
    pub process_cpu: Option<Duration>,
    /// CPU time of the `--url` server's process during the timed part (`--server-pid`).
    pub server_cpu: Option<Duration>,
    /// Failed logins by kind (`"<login kind> <step>: <status> <code>"`).
    pub errors: BTreeMap<String, u64>,
}

/// Everything a run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// The server: `embedded <url>` or the `--url` given.
    pub target: String,
    /// Cores of this machine (available parallelism).
    pub cores: usize,
    /// Workers of the timed part.
    pub concurrency: usize,
    /// The setup.
    pub setup: SetupFigures,
    /// The timed part.
    pub timed: TimedFigures,
    /// The consistency check.
    pub consistency: Consistency,
    /// The bare webauthn-rs rate (`None` when skipped).
    pub bare: Option<BareRate>,
}

impl LoadReport {
    /// Verified logins per second of the timed part.
    pub fn logins_per_sec(&self) -> f64 {
        let secs = self.timed.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.timed.verified as f64 / secs
        } else {
            0.0
        }
    }

    /// The server's rate over the bare `finish_passkey_authentication` rate.
    pub fn share_of_bare(&self) -> Option<f64> {
        self.bare
            .as_ref()
            .filter(|b| b.passkey_per_sec > 0.0)
            .map(|b| self.logins_per_sec() / b.passkey_per_sec)
    }

    /// CPU µs per verified login of the server's process (`--server-pid`), else of this process
    /// (server and driver together when embedded, the driver alone with `--url`), with a phrase
    /// saying which.
    pub fn server_cpu_per_login(&self) -> Option<(&'static str, f64)> {
        let t = &self.timed;
        let per_login = |cpu: Duration| cpu.as_secs_f64() * 1e6 / (t.verified.max(1) as f64);
        if let Some(cpu) = t.server_cpu.filter(|cpu| !cpu.is_zero()) {
            return Some(("the server process spent", per_login(cpu)));
        }
        let whose = if self.target.starts_with("embedded") {
            "this process (server and driver) spent"
        } else {
            "this process (the driver alone; pass --server-pid) spent"
        };
        t.process_cpu
            .filter(|cpu| !cpu.is_zero() && t.verified > 0)
            .map(|cpu| (whose, per_login(cpu)))
    }

    /// CPU µs the bare webauthn-rs verifications of this run's mix cost per login (J3 at the
    /// discoverable rate, J2 at the passkey rate, weighted by the verified logins of each).
    pub fn bare_cpu_per_login(&self) -> Option<f64> {
        let b = self.bare.as_ref()?;
        let [j3, j2] = self.timed.latency.map(|l| l.map_or(0, |l| l.count) as f64);
        if j3 + j2 == 0.0 {
            return None;
        }
        let j3_cost = 1e6 / b.discoverable_per_cpu_sec?.max(1e-9);
        let j2_cost = 1e6 / b.passkey_per_cpu_sec?.max(1e-9);
        Some((j3 * j3_cost + j2 * j2_cost) / (j3 + j2))
    }

    /// Failed logins, plus failed bare verifications.
    pub fn error_count(&self) -> u64 {
        self.timed.errors.values().sum::<u64>() + self.bare.as_ref().map_or(0, |b| b.failures)
    }

    /// No error and nothing lost (the exit code follows this; the goals of BRIEF §6 are printed,
    /// not enforced).
    pub fn passed(&self) -> bool {
        self.error_count() == 0 && self.consistency.ok()
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.setup;
        let t = &self.timed;
        let c = &self.consistency;
        writeln!(
            f,
            "passkeys-testkit load: {}, {} cores, concurrency {}",
            self.target, self.cores, self.concurrency
        )?;
        writeln!(
            f,
            "setup (untimed): {} accounts ({} device-bound, {} synced), each signed up, signed in \
             with password + emailed code, stepped up and enabled with a software passkey, in {:.1} s",
            s.accounts,
            s.device_bound,
            s.accounts - s.device_bound,
            s.accounts_time.as_secs_f64()
        )?;
        if s.j2_prepared > 0 {
            writeln!(
                f,
                "  J2 password steps (one Argon2 each, measured apart): {} in {:.1} s = {:.0}/s",
                s.j2_prepared,
                s.j2_time.as_secs_f64(),
                s.j2_prepared as f64 / s.j2_time.as_secs_f64().max(1e-9)
            )?;
        }
        if s.busy_retries > 0 {
            writeln!(
                f,
                "  503 (busy) answers retried after Retry-After: {}",
                s.busy_retries
            )?;
        }
        writeln!(
            f,
            "timed: {} of {} planned logins started, {} verified in {:.2} s",
            t.attempted,
            t.planned,
            t.verified,
            t.elapsed.as_secs_f64()
        )?;
        writeln!(
            f,
            "  throughput: {:.0} verified passkey logins/s",
            self.logins_per_sec()
        )?;
        for (kind, latency) in LoginKind::ALL.iter().zip(&t.latency) {
            if let Some(l) = latency {
                writeln!(
                    f,
                    "  {:<16} n={:<7} p50 {}  p95 {}  p99 {}  max {}",
                    kind.label(),
                    l.count,
                    ms(l.p50),
                    ms(l.p95),
                    ms(l.p99),
                    ms(l.max)
                )?;
            }
        }
        if t.attempted > 0 {
            let per = |d: Duration| d.as_secs_f64() * 1e6 / t.attempted as f64;
            let cpu = t
                .authenticator_cpu
                .map_or_else(String::new, |cpu| format!(", {:.0} µs CPU", per(cpu)));
            writeln!(
                f,
                "  client authenticator (options check + software assertion): {:.0} µs wall{cpu} \
                 per login",
                per(t.authenticator_time)
            )?;
        }
        if let Some(cpu) = t.process_cpu {
            let available = t.elapsed.as_secs_f64() * self.cores as f64;
            let per_login = cpu.as_secs_f64() * 1e6 / (t.verified.max(1) as f64);
            writeln!(
                f,
                "  process CPU: {:.2} s of {:.2} s available ({:.0}%): {:.0} µs per verified login \
                 ({}); {:.0} logins/s if it had all {} cores",
                cpu.as_secs_f64(),
                available,
                100.0 * cpu.as_secs_f64() / available.max(1e-9),
                per_login,
                if self.target.starts_with("embedded") {
                    "server and driver together"
                } else {
                    "the driver alone"
                },
                self.cores as f64 * 1e6 / per_login.max(1e-9),
                self.cores
            )?;
        }
        if let Some(cpu) = t.server_cpu.filter(|cpu| !cpu.is_zero()) {
            let per_login = cpu.as_secs_f64() * 1e6 / (t.verified.max(1) as f64);
            writeln!(
                f,
                "  server process CPU: {:.2} s: {:.0} µs per verified login; {:.0} logins/s if it \
                 had all {} cores",
                cpu.as_secs_f64(),
                per_login,
                self.cores as f64 * 1e6 / per_login.max(1e-9),
                self.cores
            )?;
        }
        if t.errors.is_empty() {
            writeln!(f, "  errors: none")?;
        } else {
            writeln!(f, "  errors:")?;
            for (kind, n) in &t.errors {
                writeln!(f, "    {n:>7}  {kind}")?;
            }
        }
        writeln!(
            f,
            "consistency: {} — {} sessions ({} duplicated, {} not live or not the account's); {} \
             Passkeys pages; {} session lists exact; {} device-bound counters exact, {} only bounded",
            if c.ok() { "ok" } else { "FAILED" },
            c.sessions,
            c.duplicate_sessions,
            c.dead_sessions,
            c.accounts_checked,
            c.session_lists_exact,
            c.counters_exact,
            c.counters_not_probed
        )?;
        for problem in c.problems.iter().take(20) {
            writeln!(f, "  {problem}")?;
        }
        if c.problems.len() > 20 {
            writeln!(f, "  … and {} more", c.problems.len() - 20)?;
        }
        match &self.bare {
            Some(b) => {
                let per_cpu = |rate: Option<f64>| {
                    rate.map_or_else(String::new, |r| format!(" ({r:.0} per CPU-second)"))
                };
                writeln!(
                    f,
                    "bare webauthn-rs on {} threads (no HTTP, no DB): finish_passkey_authentication \
                     {:.0}/s{}, finish_discoverable_authentication_v2 {:.0}/s{}{}",
                    b.threads,
                    b.passkey_per_sec,
                    per_cpu(b.passkey_per_cpu_sec),
                    b.discoverable_per_sec,
                    per_cpu(b.discoverable_per_cpu_sec),
                    if b.failures > 0 {
                        format!(", {} FAILED", b.failures)
                    } else {
                        String::new()
                    }
                )?;
                if let Some(share) = self.share_of_bare() {
                    writeln!(
                        f,
                        "server/bare: {:.2} (goal ≥ {:.2}: {})",
                        share,
                        GOAL_SHARE_OF_BARE,
                        verdict(share >= GOAL_SHARE_OF_BARE)
                    )?;
                }
                if let (Some(server), Some(verify)) =
                    (self.server_cpu_per_login(), self.bare_cpu_per_login())
                {
                    let (whose, per_login) = server;
                    writeln!(
                        f,
                        "  by CPU time (robust on a shared machine): the bare verifications of this \
                         mix cost {:.0} µs per login; {whose} {:.0} µs: share {:.2}",
                        verify,
                        per_login,
                        verify / per_login.max(1e-9)
                    )?;
                }
            }
            None => writeln!(f, "bare webauthn-rs: skipped")?,
        }
        writeln!(
            f,
            "goal ≥ {:.0} verified logins/s: {}; errors: {}",
            GOAL_LOGINS_PER_SEC,
            verdict(self.logins_per_sec() >= GOAL_LOGINS_PER_SEC),
            self.error_count()
        )?;
        write!(
            f,
            "result: {}",
            if self.passed() {
                "PASS (no error, nothing lost)"
            } else {
                "FAIL"
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        let l = Latency::of(&mut samples).expect("samples");
        assert_eq!(l.count, 100);
        assert_eq!(l.p50, Duration::from_millis(50));
        assert_eq!(l.p95, Duration::from_millis(95));
        assert_eq!(l.p99, Duration::from_millis(99));
        assert_eq!(l.max, Duration::from_millis(100));
        let mut one = vec![Duration::from_millis(7)];
        assert_eq!(
            Latency::of(&mut one).expect("one").p50,
            Duration::from_millis(7)
        );
        assert!(Latency::of(&mut []).is_none());
    }
}
