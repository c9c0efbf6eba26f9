//! The `passkeys-testkit serve` command: its arguments, and the banner that tells QA what is
//! being served and how to sign in.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::RunningServer;
use super::accounts::DEMO_ACCOUNTS;
use super::catalogue::{PolicyUpdate, Scenario};
use super::config::{ANDROID_ORIGIN_PREFIX, AdminToken, PasswordLimits, ServerConfig};
use super::routes::route_table;

/// Usage text of `serve`.
pub const USAGE: &str = "\
passkeys-testkit serve [--addr IP:PORT] [--db FILE] [--rp-id ID] [--origin URL]...
                       [--android-apk-key-hash HASH]... [--android-package P]...
                       [--apple-app-id TEAMID.BUNDLE]... [--scenario NAME=on|off]...
                       [--reopen h5|third-party]... [--password-workers N]
                       [--password-queue N] [--open-per-account N]
                       [--code-sends-per-account N] [--clock-start UNIX_SECONDS]

  --addr IP:PORT               listen address (default 127.0.0.1:8787)
  --db FILE                    SQLite file (default: in memory)
  --rp-id ID                   WebAuthn relying-party id (default localhost)
  --origin URL                 allowed https origin; repeatable (default https://<rp-id>)
  --android-apk-key-hash HASH  allow android:apk-key-hash:HASH, HASH being the unpadded
                               base64url SHA-256 of the app's signing certificate; repeatable
  --android-package P          the Android app GET /.well-known/assetlinks.json associates with
                               the rp id, with every --android-apk-key-hash certificate;
                               repeatable (default com.bingx.passkeys.sample, the sample app)
  --apple-app-id TEAMID.BUNDLE the iOS app GET /.well-known/apple-app-site-association lists in
                               webcredentials.apps; repeatable (default
                               ABCDE12345.com.bingx.passkeys.sample: the sample app under a
                               placeholder Team ID)
  --scenario NAME=on|off       switch a scenario of the global catalogue (withdrawal,
                               security_settings, api_keys; login is always on); repeatable.
                               Also at run time: PUT /v1/testkit/admin/policy (with
                               X-Admin-Token)
  --reopen h5|third-party      reopen H5 or third-party login for flagged accounts; repeatable
  --password-workers N         password checks (Argon2, 19 MiB each) run at once (default: one
                               per core)
  --password-queue N           password checks that may wait for a worker (default 16); beyond
                               that the answer is 503 SERVER_BUSY with Retry-After
  --open-per-account N         sign-in and verification ceremonies one account keeps open
                               (default 16; a begin beyond ends its oldest); scripts/load
                               --separate-server raises it for the sign-ins it begins ahead
  --code-sends-per-account N   code sends (email and SMS of one login, step-up or reset request
                               count one) an account gets in 15 minutes before 429
                               TOO_MANY_CODES (default 20); a QA server that runs journeys on
                               the demo accounts again and again may raise it
  --clock-start UNIX_SECONDS   start the server's clock at this time (it runs on from there;
                               default: the wall clock), so that recordings (scripts/screens)
                               show the same dates every day

Environment:
  PASSKEYS_TESTKIT_ADMIN_TOKEN the back office's credential (16 to 256 visible ASCII
                               characters) for PUT /v1/testkit/admin/policy, support resets
                               (/v1/testkit/admin/resets…) and the clock, sent as
                               X-Admin-Token; unset, those endpoints answer 401 ADMIN_REQUIRED";

/// The environment variable `serve` reads the back office's credential from (never from its
/// arguments, which other users of the machine can read; never printed).
pub const ADMIN_TOKEN_ENV: &str = "PASSKEYS_TESTKIT_ADMIN_TOKEN";

/// What `serve` runs with.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Listen address.
    pub addr: SocketAddr,
    /// Server configuration (demo accounts seeded).
    pub config: ServerConfig,
}

/// A command line `serve` can't run with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsageError {
    /// An option without its value.
    #[error("{0} needs a value")]
    MissingValue(String),
    /// An option that `serve` doesn't know.
    #[error("unknown option {0}")]
    UnknownOption(String),
    /// A value that doesn't parse.
    #[error("{option}: {reason}")]
    BadValue {
        /// The option.
        option: String,
        /// What is wrong.
        reason: String,
    },
}

/// Parses the arguments after `serve`, with the admin credential from [`ADMIN_TOKEN_ENV`].
pub fn parse_args(args: &[String]) -> Result<ServeOptions, UsageError> {
    parse_args_with(args, std::env::var(ADMIN_TOKEN_ENV).ok())
}

/// Parses the arguments after `serve`, with `admin_token` as the back office's credential (an
/// empty one is none).
pub fn parse_args_with(
    args: &[String],
    admin_token: Option<String>,
) -> Result<ServeOptions, UsageError> {
    let mut addr: SocketAddr = ([127, 0, 0, 1], 8787).into();
    let mut db_path = None;
    let mut rp_id = "localhost".to_owned();
    let mut web_origins = Vec::new();
    let mut android_origins = Vec::new();
    let mut android_packages = Vec::new();
    let mut apple_app_ids = Vec::new();
    let mut policy = PolicyUpdate::default();
    let mut password_limits = PasswordLimits::default();
    let mut open_per_account = None;
    let mut code_sends = None;
    let mut clock_start = None;
    let mut args = args.iter();
    while let Some(option) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| UsageError::MissingValue(option.clone()))
        };
        match option.as_str() {
            "--addr" => {
                let text = value()?;
                addr = text.parse().map_err(|_| UsageError::BadValue {
                    option: option.clone(),
                    reason: format!("{text:?} is not IP:PORT"),
                })?;
            }
            "--db" => db_path = Some(PathBuf::from(value()?)),
            "--rp-id" => rp_id = value()?,
            "--origin" => web_origins.push(value()?),
            "--android-apk-key-hash" => {
                let hash = value()?;
                let hash = hash.strip_prefix(ANDROID_ORIGIN_PREFIX).unwrap_or(&hash);
                android_origins.push(format!("{ANDROID_ORIGIN_PREFIX}{hash}"));
            }
            "--android-package" => android_packages.push(value()?),
            "--apple-app-id" => apple_app_ids.push(value()?),
            "--scenario" => {
                let text = value()?;
                let bad = |reason: &str| UsageError::BadValue {
                    option: option.clone(),
                    reason: format!("{text:?}: {reason}"),
                };
                let (name, state) = text
                    .split_once('=')
                    .ok_or_else(|| bad("expected NAME=on|off"))?;
                let on = match state {
                    "on" => true,
                    "off" => false,
                    _ => return Err(bad("expected NAME=on|off")),
                };
                let switch = match Scenario::parse(name) {
                    Some(Scenario::Withdrawal) => &mut policy.scenarios.withdrawal,
                    Some(Scenario::SecuritySettings) => &mut policy.scenarios.security_settings,
                    Some(Scenario::ApiKeys) => &mut policy.scenarios.api_keys,
                    Some(Scenario::Login) => return Err(bad("login is always on")),
                    None => {
                        return Err(bad(
                            "the scenarios are withdrawal, security_settings and api_keys",
                        ));
                    }
                };
                *switch = Some(on);
            }
            "--reopen" => match value()?.as_str() {
                "h5" => policy.reopen_h5_login = Some(true),
                "third-party" => policy.reopen_third_party_login = Some(true),
                other => {
                    return Err(UsageError::BadValue {
                        option: option.clone(),
                        reason: format!("{other:?} is not h5 or third-party"),
                    });
                }
            },
            "--password-workers" | "--password-queue" => {
                let text = value()?;
                let n: usize = text.parse().map_err(|_| UsageError::BadValue {
                    option: option.clone(),
                    reason: format!("{text:?} is not a number"),
                })?;
                if option == "--password-workers" {
                    if n == 0 {
                        return Err(UsageError::BadValue {
                            option: option.clone(),
                            reason: "at least one worker".to_owned(),
                        });
                    }
                    password_limits.workers = n;
                } else {
                    password_limits.queue = n;
                }
            }
            "--open-per-account" => open_per_account = Some(at_least_one(option, &value()?)?),
            "--code-sends-per-account" => code_sends = Some(at_least_one(option, &value()?)?),
            "--clock-start" => {
                let text = value()?;
                // 1970 to the year 9999: what the server's date texts can write.
                let start = text
                    .parse::<i64>()
                    .ok()
                    .filter(|secs| (0..=253_402_300_799).contains(secs))
                    .ok_or_else(|| UsageError::BadValue {
                        option: option.clone(),
                        reason: format!("{text:?} is not unix seconds between 1970 and 9999"),
                    })?;
                clock_start = Some(start);
            }
            other => return Err(UsageError::UnknownOption(other.to_owned())),
        }
    }
    let mut config = ServerConfig::new(&rp_id);
    if !web_origins.is_empty() {
        config.origins = web_origins;
    }
    config.origins.extend(android_origins);
    if !android_packages.is_empty() {
        config.android_packages = android_packages;
    }
    if !apple_app_ids.is_empty() {
        config.apple_app_ids = apple_app_ids;
    }
    config.db_path = db_path;
    config.seed_demo_accounts = true;
    config.initial_policy = policy;
    config.password_limits = password_limits;
    if let Some(n) = open_per_account {
        config.max_open_assertions_per_account = n;
    }
    if let Some(n) = code_sends {
        config.max_code_sends_per_account = n;
    }
    config.clock_start = clock_start;
    config.admin_token = admin_token
        .filter(|token| !token.is_empty())
        .map(AdminToken::new);
    Ok(ServeOptions { addr, config })
}

/// Makes the allocator hand large freed blocks (Argon2's 19 MiB) back to the operating system at
/// once. glibc otherwise raises its mmap threshold after the first such block is freed and keeps
/// later ones in its arenas, so the process would stay as large as its busiest moment. Process
/// wide; called once by the commands that run a server (`serve`, `load`).
pub fn return_large_blocks_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning parameter of glibc's allocator (thread safe); 1 MiB is
    // a valid M_MMAP_THRESHOLD. Setting it also turns glibc's dynamic threshold off.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// What `serve` prints once it listens: rp id, origins, URLs, endpoints and demo accounts.
pub fn banner(server: &RunningServer) -> String {
    let config = server.config();
    let base = server.base_url();
    let port = server.addr().port();
    let mut out = String::new();
    let _ = writeln!(out, "passkeys-testkit reference relying party");
    let _ = writeln!(out, "  rp id:    {}", config.rp_id);
    for origin in &config.origins {
        let _ = writeln!(out, "  origin:   {origin}");
    }
    for package in &config.android_packages {
        let _ = writeln!(out, "  android:  {package} (/.well-known/assetlinks.json)");
    }
    for app in &config.apple_app_ids {
        let _ = writeln!(
            out,
            "  ios:      {app} (/.well-known/apple-app-site-association)"
        );
    }
    let storage = config
        .db_path
        .as_ref()
        .map_or_else(|| "in memory".to_owned(), |p| p.display().to_string());
    let _ = writeln!(out, "  storage:  {storage}");
    let _ = writeln!(out, "  base URL: {base}");
    let _ = writeln!(
        out,
        "  Android emulators reach this host at http://10.0.2.2:{port}"
    );
    if let Ok(policy) = server.global_policy() {
        let s = &policy.scenarios;
        let on = |b: bool| if b { "on" } else { "off" };
        let _ = writeln!(
            out,
            "  policy:   scenarios login {}, withdrawal {}, security_settings {}, api_keys {}; \
             reopened for flagged accounts: h5 {}, third-party {}",
            on(s.login),
            on(s.withdrawal),
            on(s.security_settings),
            on(s.api_keys),
            if policy.reopen_h5_login { "yes" } else { "no" },
            if policy.reopen_third_party_login {
                "yes"
            } else {
                "no"
            },
        );
    }
    let admin = if config.admin_token.is_some() {
        format!("on (X-Admin-Token: the value of {ADMIN_TOKEN_ENV})")
    } else {
        format!("off (set {ADMIN_TOKEN_ENV} to change the global policy or approve resets)")
    };
    let _ = writeln!(out, "  admin:    {admin}");
    let _ = writeln!(out, "\nEndpoints (contract: docs/openapi.yaml):");
    for (method, path) in route_table() {
        let _ = writeln!(out, "  {:<5} {base}{path}", method.to_uppercase());
    }
    let _ = writeln!(out, "\nDemo accounts:");
    for demo in DEMO_ACCOUNTS {
        let phone = demo.phone.map_or(String::new(), |p| format!(", phone {p}"));
        let _ = writeln!(
            out,
            "  {} / {:?}{phone}, TOTP secret {}",
            demo.email, demo.password, demo.totp_secret,
        );
    }
    let _ = writeln!(
        out,
        "\nSign in: POST /v1/login/password {{email, password, device_id}} → login_id; then \
         POST /v1/login/code {{login_id, factor, code, trust_device}} with factor \"totp\" (any \
         RFC 6238 app with the secret above) or \"email\"/\"sms\" and the code from \
         GET /v1/testkit/outbox?to=<email or phone>."
    );
    out
}

/// `text`, the value of `option`, as a number of at least 1.
fn at_least_one<T>(option: &str, text: &str) -> Result<T, UsageError>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
{
    text.parse()
        .ok()
        .filter(|n| *n >= T::from(1))
        .ok_or_else(|| UsageError::BadValue {
            option: option.to_owned(),
            reason: format!("{text:?} is not a number of at least 1"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_and_options() {
        let opts = parse_args(&[]).expect("defaults");
        assert_eq!(opts.addr.to_string(), "127.0.0.1:8787");
        assert_eq!(opts.config.origins, vec!["https://localhost"]);
        assert!(opts.config.seed_demo_accounts);

        let hash = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
        let opts = parse_args(&args(&[
            "--addr",
            "0.0.0.0:9000",
            "--rp-id",
            "bingx.test",
            "--db",
            "/tmp/x.db",
            "--android-apk-key-hash",
            hash,
        ]))
        .expect("parses");
        assert_eq!(opts.addr.port(), 9000);
        assert_eq!(
            opts.config.origins,
            vec![
                "https://bingx.test".to_owned(),
                format!("{ANDROID_ORIGIN_PREFIX}{hash}")
            ]
        );
        assert_eq!(opts.config.validate(), Ok(()));

        let opts = parse_args(&args(&[
            "--android-package",
            "com.bingx.app",
            "--apple-app-id",
            "TEAM123456.com.bingx.app",
        ]))
        .expect("parses");
        assert_eq!(opts.config.android_packages, ["com.bingx.app"]);
        assert_eq!(opts.config.apple_app_ids, ["TEAM123456.com.bingx.app"]);
        assert_eq!(opts.config.validate(), Ok(()));
    }

    #[test]
    fn scenario_and_reopen_flags() {
        let opts = parse_args(&args(&[
            "--scenario",
            "withdrawal=on",
            "--scenario",
            "api_keys=off",
            "--reopen",
            "h5",
        ]))
        .expect("parses");
        let policy = &opts.config.initial_policy;
        assert_eq!(policy.scenarios.withdrawal, Some(true));
        assert_eq!(policy.scenarios.api_keys, Some(false));
        assert_eq!(policy.scenarios.security_settings, None);
        assert_eq!(policy.reopen_h5_login, Some(true));
        assert_eq!(policy.reopen_third_party_login, None);
        assert_eq!(opts.config.clock_start, None);
        let opts = parse_args(&args(&["--clock-start", "1780304400"])).expect("parses");
        assert_eq!(opts.config.clock_start, Some(1_780_304_400));
        assert!(
            parse_args(&[])
                .expect("defaults")
                .config
                .initial_policy
                .is_empty()
        );
        for bad in [
            &["--scenario", "login=off"][..],
            &["--scenario", "withdrawal"],
            &["--scenario", "withdrawal=maybe"],
            &["--scenario", "teleport=on"],
            &["--reopen", "everything"],
            &["--clock-start", "yesterday"],
            &["--clock-start", "-1"],
            &["--clock-start", "253402300800"],
        ] {
            assert!(
                matches!(parse_args(&args(bad)), Err(UsageError::BadValue { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_admin_credential_comes_from_the_environment_only() {
        let token = "a-back-office-credential-0123";
        let opts = parse_args_with(&[], Some(token.to_owned())).expect("parses");
        assert_eq!(opts.config.admin_token, Some(AdminToken::new(token)));
        assert_eq!(opts.config.validate(), Ok(()));
        let opts = parse_args_with(&[], Some(String::new())).expect("parses");
        assert_eq!(opts.config.admin_token, None);
        let opts = parse_args_with(&[], None).expect("parses");
        assert_eq!(opts.config.admin_token, None);
        assert!(matches!(
            parse_args_with(&args(&["--admin-token", token]), None),
            Err(UsageError::UnknownOption(_))
        ));
    }

    #[test]
    fn refuses_bad_arguments() {
        assert!(matches!(
            parse_args(&args(&["--db"])),
            Err(UsageError::MissingValue(_))
        ));
        assert!(matches!(
            parse_args(&args(&["--port", "1"])),
            Err(UsageError::UnknownOption(_))
        ));
        assert!(matches!(
            parse_args(&args(&["--addr", "nope"])),
            Err(UsageError::BadValue { .. })
        ));
        for bad in ["0", "-1", "many"] {
            assert!(matches!(
                parse_args(&args(&["--open-per-account", bad])),
                Err(UsageError::BadValue { .. })
            ));
        }
    }

    #[test]
    fn the_per_account_bound_of_open_ceremonies_is_16_unless_raised() {
        let opts = parse_args(&[]).expect("defaults");
        assert_eq!(opts.config.max_open_assertions_per_account, 16);
        let opts = parse_args(&args(&["--open-per-account", "500"])).expect("parses");
        assert_eq!(opts.config.max_open_assertions_per_account, 500);
    }

    #[test]
    fn an_accounts_code_sends_are_20_unless_raised() {
        let opts = parse_args(&[]).expect("defaults");
        assert_eq!(opts.config.max_code_sends_per_account, 20);
        let opts = parse_args(&args(&["--code-sends-per-account", "200"])).expect("parses");
        assert_eq!(opts.config.max_code_sends_per_account, 200);
        for bad in ["0", "-1", "many"] {
            assert!(matches!(
                parse_args(&args(&["--code-sends-per-account", bad])),
                Err(UsageError::BadValue { .. })
            ));
        }
    }
}
