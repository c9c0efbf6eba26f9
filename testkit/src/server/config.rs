//! Server configuration and its start-up validation.
//!
//! Origins are checked strictly here because webauthn-rs matches an `android:apk-key-hash:`
//! origin by exact string equality (PLATFORM.md §6): a padded, standard-alphabet or truncated
//! hash would be accepted by the builder and then silently never match a real client.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::catalogue::PolicyUpdate;
use super::hooks::TestHooks;
use super::policy_key::PolicyKey;

/// The prefix of an Android app origin.
pub const ANDROID_ORIGIN_PREFIX: &str = "android:apk-key-hash:";

/// The Android sample app's package (`android/sample`, flavour `store`): the default of
/// [`ServerConfig::android_packages`].
pub const SAMPLE_ANDROID_PACKAGE: &str = "com.bingx.passkeys.sample";

/// The iOS sample app under a placeholder Team ID (`ABCDE12345`; a real build replaces it with
/// its own): the default of [`ServerConfig::apple_app_ids`].
pub const SAMPLE_APPLE_APP_ID: &str = "ABCDE12345.com.bingx.passkeys.sample";

/// Everything the reference relying party needs to run.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The WebAuthn relying-party id (a registrable domain, e.g. `bingx.com`).
    pub rp_id: String,
    /// The relying-party name shown by password managers.
    pub rp_name: String,
    /// Allowed client origins: `https://<rp_id>` (first https origin is the main one) plus any
    /// `android:apk-key-hash:<43-char unpadded base64url SHA-256>` origins.
    pub origins: Vec<String>,
    /// The Android apps `GET /.well-known/assetlinks.json` associates with the rp id: each
    /// package gets one `get_login_creds` statement with the certificate of every
    /// `android:apk-key-hash:` origin above (no origin, no statement). Default: the sample app.
    pub android_packages: Vec<String>,
    /// The iOS apps (`<Team ID>.<bundle id>`) `GET /.well-known/apple-app-site-association`
    /// lists in `webcredentials.apps`. Default: the sample app under a placeholder Team ID.
    pub apple_app_ids: Vec<String>,
    /// SQLite file; `None` keeps everything in memory.
    pub db_path: Option<PathBuf>,
    /// Create the demo accounts of [`crate::server::DEMO_ACCOUNTS`] at start.
    pub seed_demo_accounts: bool,
    /// Lifetime of a WebAuthn ceremony (its challenge).
    pub ceremony_ttl: Duration,
    /// Lifetime of a step-up (the begin → finish window, and the token it yields).
    pub step_up_ttl: Duration,
    /// Lifetime of a pending password login and of emailed/SMS codes.
    pub code_ttl: Duration,
    /// Lifetime of a session.
    pub session_ttl: Duration,
    /// Lifetime of a "trust this device" mark.
    pub trusted_device_ttl: Duration,
    /// Lifetime of a passkey-verification proof (for a purpose or a scenario).
    pub proof_ttl: Duration,
    /// How long a dismissed "add a second passkey" nudge stays away (passkey health, BRIEF §7).
    pub nudge_snooze: Duration,
    /// How long a support reset stays pending before the back office may approve it (J8): a
    /// reset requested at `t` is approvable from `t + reset_cooling_off`.
    pub reset_cooling_off: Duration,
    /// How long withdrawals and security changes stay refused after an approved reset (J8).
    pub withdrawal_hold: Duration,
    /// How long a support reset may wait for the back office's decision (J8), counted from its
    /// first request: then it expires unchanged, and the user may ask again. Longer than
    /// `reset_cooling_off`.
    pub reset_expiry: Duration,
    /// How long a request's body may take to arrive after its head (30 s): a client holding
    /// connections open with bodies that never come ties up nothing for longer.
    pub body_timeout: Duration,
    /// The back office's credential for `/v1/testkit/admin/resets…` (header `X-Admin-Token`);
    /// `None` refuses those endpoints with 401 `ADMIN_REQUIRED`. `serve` reads it from the
    /// environment (`PASSKEYS_TESTKIT_ADMIN_TOKEN`), never from its arguments.
    pub admin_token: Option<AdminToken>,
    /// The key that signs policies; `None` uses the database's own, created at its first start
    /// and kept in it (a new one per start only for an in-memory database).
    pub policy_key: Option<PolicyKey>,
    /// Changes to the seeded global policy applied at start (`serve --scenario … --reopen …`).
    pub initial_policy: PolicyUpdate,
    /// Most assertion ceremonies open at once (sign-ins, verifications); a begin beyond is
    /// answered 503 `SERVER_BUSY` (each holds its state, about 1–2 KiB, until it expires).
    pub max_open_assertions: usize,
    /// Most usernameless sign-in ceremonies open at once: anyone can begin one without an
    /// account, so they get a bound of their own inside `max_open_assertions`.
    pub max_open_usernameless: usize,
    /// Most sign-in and verification ceremonies one account keeps open, of each kind: begun
    /// without a session (the password step's) and begun in its sessions. A begin beyond ends
    /// the oldest of its kind — among the sessions', the oldest of the session holding the most —
    /// so that one account cannot fill `max_open_assertions` for everyone, and one caller cannot
    /// end the owner's verification (16 by default; `passkeys-testkit load`, which begins many
    /// sign-ins per account ahead of its timed part, raises it).
    pub max_open_assertions_per_account: usize,
    /// Most code sends an account may have in 15 minutes (its logins, step-ups and reset
    /// requests; an email and an SMS together count one); the next is refused with 429
    /// `TOO_MANY_CODES` until the window ends. Without it, whoever has the password (or a
    /// session, for a step-up) could have the server mail and text the owner without end, at
    /// the exchange's cost. 20 by default; tests of the storage bounds, which repeat a step far
    /// more often, raise it.
    pub max_code_sends_per_account: i64,
    /// Most passkeys an account may hold; a registration beyond is refused with 409
    /// `PASSKEY_LIMIT`. Every sign-in ceremony of the account keeps all its passkeys in its
    /// state, so without a bound an account could make each of its ceremonies as large as it
    /// liked.
    pub max_passkeys_per_account: usize,
    /// How many password checks (Argon2, about 19 MiB each) may run and wait at once.
    pub password_limits: PasswordLimits,
    /// Pause points a test can hold requests at (see [`TestHooks`]); `None` outside tests.
    pub test_hooks: Option<Arc<TestHooks>>,
    /// Unix seconds the server's clock reads when it starts (it runs on from there); `None`: the
    /// wall clock. For recordings that must read the same on every day they are made, e.g. the
    /// dates on the sample's screenshots (`serve --clock-start`).
    pub clock_start: Option<i64>,
}

impl ServerConfig {
    /// Defaults for `rp_id`: in-memory SQLite, origin `https://<rp_id>`, the sample apps'
    /// identities for the well-known files, no demo accounts,
    /// 300 s ceremony, step-up, code and proof lifetimes, 24 h sessions, 30-day trusted devices,
    /// a dismissed passkey nudge back after 7 days, a 24 h cooling-off before a support reset can
    /// be approved and a 48 h withdrawal hold after it, 20 passkeys per account, no admin
    /// credential,
    /// the database's policy key, the seeded global policy unchanged.
    pub fn new(rp_id: &str) -> Self {
        Self {
            rp_id: rp_id.to_owned(),
            rp_name: "BingX".to_owned(),
            origins: vec![format!("https://{rp_id}")],
            android_packages: vec![SAMPLE_ANDROID_PACKAGE.to_owned()],
            apple_app_ids: vec![SAMPLE_APPLE_APP_ID.to_owned()],
            db_path: None,
            seed_demo_accounts: false,
            ceremony_ttl: Duration::from_secs(300),
            step_up_ttl: Duration::from_secs(300),
            code_ttl: Duration::from_secs(300),
            session_ttl: Duration::from_secs(24 * 3600),
            trusted_device_ttl: Duration::from_secs(30 * 24 * 3600),
            proof_ttl: Duration::from_secs(300),
            nudge_snooze: Duration::from_secs(7 * 24 * 3600),
            reset_cooling_off: Duration::from_secs(24 * 3600),
            withdrawal_hold: Duration::from_secs(48 * 3600),
            reset_expiry: Duration::from_secs(14 * 24 * 3600),
            body_timeout: Duration::from_secs(30),
            admin_token: None,
            policy_key: None,
            initial_policy: PolicyUpdate::default(),
            max_open_assertions: 200_000,
            max_open_usernameless: 50_000,
            max_open_assertions_per_account: 16,
            max_code_sends_per_account: 20,
            max_passkeys_per_account: 20,
            password_limits: PasswordLimits::default(),
            test_hooks: None,
            clock_start: None,
        }
    }

    /// A configuration for tests: the same as [`ServerConfig::new`].
    pub fn for_tests(rp_id: &str) -> Self {
        Self::new(rp_id)
    }

    /// Checks the relying-party id, the origins, the app identities, the lifetimes and the admin
    /// credential.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.parsed_origins().map(|_| ())?;
        if let Some(bad) = self.android_packages.iter().find(|p| !is_package_name(p)) {
            return Err(ConfigError::BadAndroidPackage(bad.clone()));
        }
        if let Some(bad) = self.apple_app_ids.iter().find(|id| !is_apple_app_id(id)) {
            return Err(ConfigError::BadAppleAppId(bad.clone()));
        }
        for (name, ttl) in [
            ("ceremony_ttl", self.ceremony_ttl),
            ("step_up_ttl", self.step_up_ttl),
            ("code_ttl", self.code_ttl),
            ("session_ttl", self.session_ttl),
            ("trusted_device_ttl", self.trusted_device_ttl),
            ("proof_ttl", self.proof_ttl),
            ("nudge_snooze", self.nudge_snooze),
            ("reset_cooling_off", self.reset_cooling_off),
            ("withdrawal_hold", self.withdrawal_hold),
            ("reset_expiry", self.reset_expiry),
            ("body_timeout", self.body_timeout),
        ] {
            if ttl.as_secs() == 0 || ttl.as_secs() > i64::MAX as u64 / 2 {
                return Err(ConfigError::BadTtl(name));
            }
        }
        if self.reset_expiry <= self.reset_cooling_off {
            // A reset that expires before it may be approved could never be decided.
            return Err(ConfigError::BadTtl("reset_expiry"));
        }
        if let Some(token) = &self.admin_token
            && !token.is_well_formed()
        {
            return Err(ConfigError::BadAdminToken);
        }
        Ok(())
    }

    /// The validated origins: the main https origin, then every other allowed origin.
    pub(crate) fn parsed_origins(&self) -> Result<(Url, Vec<Url>), ConfigError> {
        let rp_id = self.rp_id.as_str();
        let valid_rp_id = !rp_id.is_empty()
            && rp_id.len() <= 253
            && rp_id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && !rp_id.starts_with('.')
            && !rp_id.ends_with('.');
        if !valid_rp_id {
            return Err(ConfigError::BadRpId(self.rp_id.clone()));
        }
        let mut web = Vec::new();
        let mut android = Vec::new();
        for origin in &self.origins {
            if let Some(hash) = origin.strip_prefix(ANDROID_ORIGIN_PREFIX) {
                validate_apk_key_hash(hash)?;
                android
                    .push(Url::parse(origin).map_err(|_| ConfigError::BadOrigin(origin.clone()))?);
            } else {
                web.push(parse_web_origin(origin, rp_id)?);
            }
        }
        let mut web = web.into_iter();
        let main = web.next().ok_or(ConfigError::NoHttpsOrigin)?;
        Ok((main, web.chain(android).collect()))
    }
}

/// The SHA-256 fingerprints of the signing certificates of the allowed `android:apk-key-hash:`
/// origins, as assetlinks.json writes them: upper-case hex pairs separated by colons.
pub fn android_cert_fingerprints(config: &ServerConfig) -> Vec<String> {
    config
        .origins
        .iter()
        .filter_map(|origin| origin.strip_prefix(ANDROID_ORIGIN_PREFIX))
        .filter_map(|hash| data_encoding::BASE64URL_NOPAD.decode(hash.as_bytes()).ok())
        .map(|bytes| {
            bytes
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":")
        })
        .collect()
}

/// An Android package name: two or more dot-separated segments, each a letter followed by
/// letters, digits or underscores.
fn is_package_name(text: &str) -> bool {
    text.len() <= 255
        && text.split('.').count() >= 2
        && text.split('.').all(|segment| {
            let mut bytes = segment.bytes();
            bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
                && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

/// An Apple application identifier: a 10-character Team ID (A–Z, 0–9), a dot, a bundle id of
/// letters, digits, hyphens and dots.
fn is_apple_app_id(text: &str) -> bool {
    let Some((team, bundle)) = text.split_once('.') else {
        return false;
    };
    team.len() == 10
        && team
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && bundle.len() <= 255
        && bundle.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// The back office's credential for the admin endpoints. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken(String);

impl AdminToken {
    /// Shortest credential accepted, in characters.
    pub const MIN_LEN: usize = 16;
    /// Longest credential accepted, in characters.
    pub const MAX_LEN: usize = 256;

    /// Wraps a credential (checked by [`ServerConfig::validate`]: 16 to 256 visible ASCII
    /// characters, as an HTTP header carries it).
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The credential itself, to compare a request's header against or to send one.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn is_well_formed(&self) -> bool {
        (Self::MIN_LEN..=Self::MAX_LEN).contains(&self.0.len())
            && self.0.bytes().all(|b| b.is_ascii_graphic())
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// How many password checks may run and wait at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordLimits {
    /// Checks that run at once; `0` means one per available core.
    pub workers: usize,
    /// Checks that may wait for a worker; any more are refused with 503 `SERVER_BUSY`.
    pub queue: usize,
}

impl Default for PasswordLimits {
    /// One worker per core and a queue of 16.
    fn default() -> Self {
        Self {
            workers: 0,
            queue: 16,
        }
    }
}

impl PasswordLimits {
    /// The number of workers, with `0` resolved to the available cores.
    pub fn resolved_workers(&self) -> usize {
        if self.workers > 0 {
            self.workers
        } else {
            std::thread::available_parallelism().map_or(2, usize::from)
        }
    }
}

/// Checks a signing-certificate hash for an `android:apk-key-hash:` origin: unpadded base64url
/// of a SHA-256, i.e. exactly 43 characters that decode canonically to 32 bytes.
pub fn validate_apk_key_hash(hash: &str) -> Result<(), ConfigError> {
    let bad = || ConfigError::BadApkKeyHash(hash.to_owned());
    if hash.len() != 43 {
        return Err(bad());
    }
    match data_encoding::BASE64URL_NOPAD.decode(hash.as_bytes()) {
        Ok(bytes) if bytes.len() == 32 => Ok(()),
        _ => Err(bad()),
    }
}

fn parse_web_origin(origin: &str, rp_id: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(origin).map_err(|_| ConfigError::BadOrigin(origin.to_owned()))?;
    if url.scheme() != "https" {
        return Err(ConfigError::NotHttps(origin.to_owned()));
    }
    let host = url.host_str().unwrap_or_default();
    let within_rp = host == rp_id || host.ends_with(&format!(".{rp_id}"));
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !within_rp || !bare || !url.username().is_empty() {
        return Err(ConfigError::BadOrigin(origin.to_owned()));
    }
    Ok(url)
}

/// Why a [`ServerConfig`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The relying-party id is not a lowercase domain name.
    #[error("rp id {0:?} is not a lowercase domain name")]
    BadRpId(String),
    /// No `https://` origin was configured.
    #[error("at least one https origin (https://<rp_id>) is required")]
    NoHttpsOrigin,
    /// A web origin that is not https.
    #[error("origin {0:?} is not https; only https web origins are allowed")]
    NotHttps(String),
    /// An origin that is not a bare URL within the relying-party id.
    #[error("origin {0:?} is not a bare https origin on the rp id or one of its subdomains")]
    BadOrigin(String),
    /// An Android signing-certificate hash that would never match a real client.
    #[error(
        "android apk key hash {0:?} must be the unpadded base64url SHA-256 of the signing certificate (43 characters, alphabet A-Z a-z 0-9 - _)"
    )]
    BadApkKeyHash(String),
    /// An Android package name that is not one (`--android-package`).
    #[error("android package {0:?} is not a package name (e.g. com.bingx.app)")]
    BadAndroidPackage(String),
    /// An iOS application identifier that is not `<Team ID>.<bundle id>` (`--apple-app-id`).
    #[error(
        "apple app id {0:?} is not <Team ID>.<bundle id> (10 characters A-Z 0-9, a dot, the bundle id)"
    )]
    BadAppleAppId(String),
    /// A zero or absurd lifetime.
    #[error("{0} must be between 1 second and a few centuries")]
    BadTtl(&'static str),
    /// An admin credential that is too short, too long or not visible ASCII (its value is
    /// never shown).
    #[error("the admin token must be 16 to 256 visible ASCII characters")]
    BadAdminToken,
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD_HASH: &str = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";

    fn with_origins(origins: &[&str]) -> ServerConfig {
        let mut config = ServerConfig::for_tests("bingx.test");
        config.origins = origins.iter().map(|o| o.to_string()).collect();
        config
    }

    #[test]
    fn accepts_https_and_android_origins() {
        let android = format!("{ANDROID_ORIGIN_PREFIX}{GOOD_HASH}");
        let config = with_origins(&["https://bingx.test", &android]);
        assert_eq!(config.validate(), Ok(()));
        let (main, extra) = config.parsed_origins().expect("valid");
        assert_eq!(main.as_str(), "https://bingx.test/");
        assert_eq!(extra[0].as_str(), android);
    }

    #[test]
    fn refuses_bad_android_hashes() {
        for hash in [
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", // standard alphabet
            "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=", // padded
            "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuF",  // short
            "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFV", // non-canonical last char
        ] {
            let config = with_origins(&[
                "https://bingx.test",
                &format!("{ANDROID_ORIGIN_PREFIX}{hash}"),
            ]);
            assert!(
                matches!(config.validate(), Err(ConfigError::BadApkKeyHash(_))),
                "{hash}"
            );
        }
    }

    #[test]
    fn app_identities_default_to_the_samples_and_are_checked() {
        let config = ServerConfig::for_tests("bingx.test");
        assert_eq!(config.android_packages, [SAMPLE_ANDROID_PACKAGE]);
        assert_eq!(config.apple_app_ids, [SAMPLE_APPLE_APP_ID]);
        assert!(android_cert_fingerprints(&config).is_empty());
        let config = with_origins(&[
            "https://bingx.test",
            &format!("{ANDROID_ORIGIN_PREFIX}{GOOD_HASH}"),
        ]);
        assert_eq!(
            android_cert_fingerprints(&config),
            [
                "E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:78:52:B8:55"
            ]
        );
        for package in ["bingx", "com..bingx", "com.1bingx", "com.bingx-app", ""] {
            let mut config = ServerConfig::for_tests("bingx.test");
            config.android_packages = vec![package.to_owned()];
            assert!(
                matches!(config.validate(), Err(ConfigError::BadAndroidPackage(_))),
                "{package}"
            );
        }
        for id in [
            "com.bingx.app",
            "abcde12345.com.bingx.app",
            "ABCDE1234.com.bingx.app",
            "ABCDE12345.",
            "ABCDE12345.com/bingx",
        ] {
            let mut config = ServerConfig::for_tests("bingx.test");
            config.apple_app_ids = vec![id.to_owned()];
            assert!(
                matches!(config.validate(), Err(ConfigError::BadAppleAppId(_))),
                "{id}"
            );
        }
    }

    #[test]
    fn reset_durations_and_the_admin_credential_are_checked() {
        let config = ServerConfig::for_tests("bingx.test");
        assert_eq!(config.reset_cooling_off, Duration::from_secs(24 * 3600));
        assert_eq!(config.withdrawal_hold, Duration::from_secs(48 * 3600));
        assert_eq!(config.admin_token, None);
        let mut config = ServerConfig::for_tests("bingx.test");
        config.withdrawal_hold = Duration::ZERO;
        assert_eq!(
            config.validate(),
            Err(ConfigError::BadTtl("withdrawal_hold"))
        );
        let mut config = ServerConfig::for_tests("bingx.test");
        config.reset_cooling_off = Duration::ZERO;
        assert_eq!(
            config.validate(),
            Err(ConfigError::BadTtl("reset_cooling_off"))
        );
        let long = "x".repeat(257);
        for bad in [
            "short",
            "sixteen chars ok",
            long.as_str(),
            "tab\tinside0123456",
        ] {
            let mut config = ServerConfig::for_tests("bingx.test");
            config.admin_token = Some(AdminToken::new(bad));
            assert_eq!(
                config.validate(),
                Err(ConfigError::BadAdminToken),
                "{bad:?}"
            );
        }
        let mut config = ServerConfig::for_tests("bingx.test");
        config.admin_token = Some(AdminToken::new("a-good-admin-token-0123"));
        assert_eq!(config.validate(), Ok(()));
        assert!(!format!("{config:?}").contains("a-good-admin-token-0123"));
    }

    #[test]
    fn refuses_non_https_and_foreign_origins() {
        assert!(matches!(
            with_origins(&["http://bingx.test"]).validate(),
            Err(ConfigError::NotHttps(_))
        ));
        assert!(matches!(
            with_origins(&["https://evil.test"]).validate(),
            Err(ConfigError::BadOrigin(_))
        ));
        assert_eq!(
            with_origins(&[&format!("{ANDROID_ORIGIN_PREFIX}{GOOD_HASH}")]).validate(),
            Err(ConfigError::NoHttpsOrigin)
        );
    }
}
