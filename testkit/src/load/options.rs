//! The command line of `passkeys-testkit load` and the options it yields.

use std::path::PathBuf;
use std::time::Duration;

/// Usage text of `load`.
pub const USAGE: &str = "\
passkeys-testkit load [--url URL | --db FILE] [--rp-id ID] [--accounts N] [--concurrency C]
                      [--logins M] [--seconds S] [--mix usernameless|j2|both]
                      [--passkeys synced|device-bound|both] [--setup-concurrency K]
                      [--bare-seconds B] [--server-pid PID]

Passkey sign-ins against the reference relying party, with a consistency check afterwards and
the bare webauthn-rs verification rate of this machine. Prints no secret. Exits non-zero when a
login failed or the check found something lost.

  --url URL              a running `passkeys-testkit serve` (default: an embedded server on
                         127.0.0.1:0, in this process)
  --db FILE              SQLite file of the embedded server (default: in memory)
  --rp-id ID             the server's relying-party id; origin https://<ID> (default localhost,
                         as `serve`)
  --accounts N           accounts made in the untimed setup, each with its own software
                         password manager and one passkey, flag on (default 200)
  --concurrency C        workers in the timed part; one HTTP/1.1 connection each (default 32)
  --logins M             passkey logins in the timed part, in total (default 10000)
  --seconds S            stop starting logins after S seconds (default 60)
  --mix KIND             usernameless: J3 only (discoverable begin, assertion, finish);
                         j2: J2's passkey step only (assertion, POST /v1/login/passkey; the
                         password step is done in the setup, one Argon2 each);
                         both: half and half (default)
  --passkeys KIND        synced (counter 0), device-bound (a counter that counts) or both:
                         every other account (default both)
  --setup-concurrency K  concurrent requests in the setup, which costs Argon2 checks
                         (default 4; a 503 is retried after its Retry-After)
  --bare-seconds B       how long to measure the bare webauthn-rs rate (default 3; 0 skips it)
  --server-pid PID       with --url: the server's process id on this machine, to report its own
                         CPU time per login (Linux /proc)

Progress goes to stderr, the report to stdout.";

/// Which passkey logins the timed part runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// Usernameless logins only (J3).
    Usernameless,
    /// The passkey step of a password login only (J2).
    J2,
    /// Both, alternating per account.
    Both,
}

/// Which kind of passkey the accounts get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyKinds {
    /// Synced passkeys: BE and BS set, signature counter always 0.
    Synced,
    /// Device-bound passkeys: BE and BS clear, a counter that goes up by one per assertion.
    DeviceBound,
    /// Every other account device-bound (the even ones), the others synced.
    Both,
}

/// Everything a load run is made of.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// A running server's base URL; `None` starts an embedded server in this process.
    pub url: Option<String>,
    /// SQLite file of the embedded server; `None` keeps it in memory.
    pub db_path: Option<PathBuf>,
    /// The server's relying-party id (origin `https://<rp_id>`).
    pub rp_id: String,
    /// Accounts made in the setup.
    pub accounts: usize,
    /// Workers in the timed part.
    pub concurrency: usize,
    /// Logins in the timed part, in total.
    pub logins: usize,
    /// No login starts after this long.
    pub time_limit: Duration,
    /// Which logins run.
    pub mix: Mix,
    /// Which passkeys the accounts get.
    pub passkeys: PasskeyKinds,
    /// Concurrent requests in the setup.
    pub setup_concurrency: usize,
    /// How long the bare webauthn-rs rate is measured; zero skips it.
    pub bare_time: Duration,
    /// The `--url` server's process id on this machine, to read its CPU time.
    pub server_pid: Option<u32>,
}

impl Default for LoadOptions {
    /// The defaults of `passkeys-testkit load` without options.
    fn default() -> Self {
        Self {
            url: None,
            db_path: None,
            rp_id: "localhost".to_owned(),
            accounts: 200,
            concurrency: 32,
            logins: 10_000,
            time_limit: Duration::from_secs(60),
            mix: Mix::Both,
            passkeys: PasskeyKinds::Both,
            setup_concurrency: 4,
            bare_time: Duration::from_secs(3),
            server_pid: None,
        }
    }
}

/// A command line `load` can't run with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsageError {
    /// An option without its value.
    #[error("{0} needs a value")]
    MissingValue(String),
    /// An option that `load` doesn't know.
    #[error("unknown option {0}")]
    UnknownOption(String),
    /// A value that doesn't parse or is out of range.
    #[error("{option}: {reason}")]
    BadValue {
        /// The option.
        option: String,
        /// What is wrong.
        reason: String,
    },
}

/// Parses the arguments after `load`.
pub fn parse_args(args: &[String]) -> Result<LoadOptions, UsageError> {
    let mut options = LoadOptions::default();
    let mut args = args.iter();
    while let Some(option) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| UsageError::MissingValue(option.clone()))
        };
        let bad = |reason: String| UsageError::BadValue {
            option: option.clone(),
            reason,
        };
        match option.as_str() {
            "--url" => {
                let url = value()?;
                let parsed = url::Url::parse(&url).map_err(|e| bad(format!("{url:?}: {e}")))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(bad(format!("{url:?} is not an http(s) URL")));
                }
                options.url = Some(url.trim_end_matches('/').to_owned());
            }
            "--db" => options.db_path = Some(PathBuf::from(value()?)),
            "--rp-id" => options.rp_id = value()?,
            "--accounts" => options.accounts = positive(&value()?).map_err(bad)?,
            "--concurrency" => options.concurrency = positive(&value()?).map_err(bad)?,
            "--logins" => options.logins = positive(&value()?).map_err(bad)?,
            "--setup-concurrency" => {
                options.setup_concurrency = positive(&value()?).map_err(bad)?
            }
            "--seconds" => {
                options.time_limit = seconds(&value()?).map_err(bad)?;
                if options.time_limit.is_zero() {
                    return Err(bad("must be more than 0".to_owned()));
                }
            }
            "--bare-seconds" => options.bare_time = seconds(&value()?).map_err(bad)?,
            "--server-pid" => {
                let text = value()?;
                options.server_pid = Some(
                    text.parse()
                        .map_err(|_| bad(format!("{text:?} is not a pid")))?,
                );
            }
            "--mix" => {
                options.mix = match value()?.as_str() {
                    "usernameless" | "j3" => Mix::Usernameless,
                    "j2" => Mix::J2,
                    "both" => Mix::Both,
                    other => {
                        return Err(bad(format!("{other:?} is not usernameless, j2 or both")));
                    }
                }
            }
            "--passkeys" => {
                options.passkeys = match value()?.as_str() {
                    "synced" => PasskeyKinds::Synced,
                    "device-bound" => PasskeyKinds::DeviceBound,
                    "both" => PasskeyKinds::Both,
                    other => {
                        return Err(bad(format!(
                            "{other:?} is not synced, device-bound or both"
                        )));
                    }
                }
            }
            other => return Err(UsageError::UnknownOption(other.to_owned())),
        }
    }
    if options.url.is_none() && options.server_pid.is_some() {
        return Err(UsageError::BadValue {
            option: "--server-pid".to_owned(),
            reason: "only with --url (the embedded server is this process)".to_owned(),
        });
    }
    if options.url.is_some() && options.db_path.is_some() {
        return Err(UsageError::BadValue {
            option: "--db".to_owned(),
            reason: "only for the embedded server (not with --url)".to_owned(),
        });
    }
    Ok(options)
}

fn positive(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{text:?} is not a positive whole number")),
    }
}

fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=86_400.0).contains(&s) => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!("{text:?} is not a number of seconds (0 to 86400)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_and_options() {
        let options = parse_args(&[]).expect("defaults");
        assert_eq!(options.accounts, 200);
        assert_eq!(options.mix, Mix::Both);
        assert!(options.url.is_none());
        let options = parse_args(&args(&[
            "--url",
            "http://127.0.0.1:8787/",
            "--accounts",
            "10",
            "--concurrency",
            "8",
            "--logins",
            "200",
            "--seconds",
            "2.5",
            "--mix",
            "usernameless",
            "--passkeys",
            "device-bound",
            "--bare-seconds",
            "0",
        ]))
        .expect("options");
        assert_eq!(options.url.as_deref(), Some("http://127.0.0.1:8787"));
        assert_eq!(
            (options.accounts, options.concurrency, options.logins),
            (10, 8, 200)
        );
        assert_eq!(options.time_limit, Duration::from_millis(2500));
        assert_eq!(options.mix, Mix::Usernameless);
        assert_eq!(options.passkeys, PasskeyKinds::DeviceBound);
        assert!(options.bare_time.is_zero());
    }

    #[test]
    fn refusals() {
        assert!(matches!(
            parse_args(&args(&["--accounts", "0"])),
            Err(UsageError::BadValue { .. })
        ));
        assert!(matches!(
            parse_args(&args(&["--mix", "h5"])),
            Err(UsageError::BadValue { .. })
        ));
        assert!(matches!(
            parse_args(&args(&["--url"])),
            Err(UsageError::MissingValue(_))
        ));
        assert!(matches!(
            parse_args(&args(&["--fast"])),
            Err(UsageError::UnknownOption(_))
        ));
        assert!(matches!(
            parse_args(&args(&["--url", "http://x:1", "--db", "f.sqlite"])),
            Err(UsageError::BadValue { .. })
        ));
        assert!(matches!(
            parse_args(&args(&["--seconds", "0"])),
            Err(UsageError::BadValue { .. })
        ));
    }
}
