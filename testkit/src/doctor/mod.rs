//! `passkeys-testkit doctor`: checks a relying party's domain association the way Android and
//! iOS check it, one line per check with the fix when it fails.
//!
//! A passkey ceremony in an app fails with "app not associated with the domain" when
//! `https://<rp id>/.well-known/assetlinks.json` (Android) or `…/apple-app-site-association`
//! (iOS) is missing, redirected, served with the wrong type, too large, malformed, or does not
//! name the app. The doctor fetches both files as the platforms do (HTTPS with a trusted
//! certificate, no redirect followed, a bounded body) and reads what they read: for Android the
//! `delegate_permission/common.get_login_creds` relation, the package name and the signing
//! certificate's SHA-256 in upper-case colon-separated hex (printing the
//! `android:apk-key-hash:` origin each implies, which the server must allow); for iOS
//! `webcredentials.apps` with `<Team ID>.<bundle id>` entries.
//!
//! The checks are pure functions of the fetched bytes ([`assetlinks`], [`aasa`]); [`fetch`]
//! is the one place that talks to the network.

pub mod aasa;
pub mod assetlinks;
pub mod fetch;
pub mod fingerprint;

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde_json::{Value, json};

use fetch::{Body, FetchError, Fetcher, MAX_FILE_BYTES, Transport};
use fingerprint::Fingerprint;

/// Usage text of `doctor`.
pub const USAGE: &str = "\
passkeys-testkit doctor --rp-id ID [--android-package P [--android-cert-sha256 F]...]...
                        [--apple-app-id TEAMID.BUNDLE]... [--json]

  --rp-id ID                 the relying-party id: the doctor fetches
                             https://ID/.well-known/assetlinks.json and
                             https://ID/.well-known/apple-app-site-association
  --android-package P        an Android app that must be associated (its applicationId);
                             repeatable
  --android-cert-sha256 F    the SHA-256 of a certificate that signs the package named before it
                             (keytool -list -v, or Play Console > App integrity; any case, colons
                             optional); repeatable
  --apple-app-id TEAM.BUNDLE an iOS app that must be associated: Team ID, a dot, the bundle id;
                             repeatable
  --json                     print the report as one JSON object (for CI)

Without --android-package or --apple-app-id both files are checked for what they hold; with only
one of them, only that platform's file. Exit status: 0 every check passed, 1 a check failed,
2 a bad command line.

For tests only (a loopback server with a generated certificate):
  --resolve ID=IP:PORT       connect to IP:PORT instead of resolving ID
  --ca-cert FILE             trust only this CA (PEM or DER) instead of the system's roots";

/// An Android app the file must associate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndroidApp {
    /// The package name (applicationId).
    pub package: String,
    /// Signing certificates that must be listed for it.
    pub certificates: Vec<Fingerprint>,
}

/// An Apple application identifier: `<Team ID>.<bundle id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppleAppId {
    team: String,
    bundle: String,
}

impl AppleAppId {
    /// Reads `TEAMID.BUNDLE`: a 10-character Team ID (A–Z, 0–9), a dot, and a bundle id of
    /// letters, digits, hyphens and dots.
    pub fn parse(text: &str) -> Option<Self> {
        let (team, bundle) = text.split_once('.')?;
        let team_ok = team.len() == 10
            && team
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        let bundle_ok = bundle.len() <= 255
            && bundle.split('.').all(|segment| {
                !segment.is_empty()
                    && segment
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        (team_ok && bundle_ok).then(|| Self {
            team: team.to_owned(),
            bundle: bundle.to_owned(),
        })
    }
}

impl fmt::Display for AppleAppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.team, self.bundle)
    }
}

/// What `doctor` runs with.
#[derive(Debug, Clone)]
pub struct DoctorOptions {
    /// The relying-party id (a domain).
    pub rp_id: String,
    /// Android apps to look for.
    pub android: Vec<AndroidApp>,
    /// iOS apps to look for.
    pub apple: Vec<AppleAppId>,
    /// Print JSON instead of lines.
    pub json: bool,
    /// Where to connect and whom to trust (tests).
    pub transport: Transport,
}

/// A command line `doctor` can't run with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsageError {
    /// An option without its value.
    #[error("{0} needs a value")]
    MissingValue(String),
    /// An option `doctor` doesn't know.
    #[error("unknown option {0}")]
    UnknownOption(String),
    /// `--rp-id` is missing.
    #[error("--rp-id is required")]
    NoRpId,
    /// A value that doesn't parse.
    #[error("{option}: {reason}")]
    BadValue {
        /// The option.
        option: String,
        /// What is wrong.
        reason: String,
    },
}

/// Parses the arguments after `doctor`.
pub fn parse_args(args: &[String]) -> Result<DoctorOptions, UsageError> {
    let mut rp_id = None;
    let mut android: Vec<AndroidApp> = Vec::new();
    let mut apple = Vec::new();
    let mut json = false;
    let mut resolve = None;
    let mut ca_cert = None;
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
            "--rp-id" => {
                let id = value()?;
                if !is_domain(&id) {
                    return Err(bad(format!(
                        "{:?} is not a lowercase domain name",
                        assetlinks::clip(&id)
                    )));
                }
                rp_id = Some(id);
            }
            "--android-package" => {
                let package = value()?;
                if !is_package_name(&package) {
                    return Err(bad(format!(
                        "{:?} is not a package name (e.g. com.example.app)",
                        assetlinks::clip(&package)
                    )));
                }
                android.push(AndroidApp {
                    package,
                    certificates: Vec::new(),
                });
            }
            "--android-cert-sha256" => {
                let text = value()?;
                let fp = Fingerprint::parse_lenient(&text).map_err(|_| {
                    bad("not a SHA-256 fingerprint (64 hex digits, colons optional)".to_owned())
                })?;
                let app = android
                    .last_mut()
                    .ok_or_else(|| bad("comes after the --android-package it signs".to_owned()))?;
                app.certificates.push(fp);
            }
            "--apple-app-id" => {
                let text = value()?;
                let id = AppleAppId::parse(&text).ok_or_else(|| {
                    bad(format!(
                        "{:?} is not TEAMID.BUNDLE (a 10-character Team ID, a dot, the bundle id)",
                        assetlinks::clip(&text)
                    ))
                })?;
                apple.push(id);
            }
            "--json" => json = true,
            "--resolve" => {
                let text = value()?;
                let (host, addr) = text
                    .split_once('=')
                    .ok_or_else(|| bad("expected ID=IP:PORT".to_owned()))?;
                let addr: SocketAddr = addr
                    .parse()
                    .map_err(|_| bad("expected ID=IP:PORT".to_owned()))?;
                resolve = Some((host.to_owned(), addr));
            }
            "--ca-cert" => ca_cert = Some(PathBuf::from(value()?)),
            other => return Err(UsageError::UnknownOption(other.to_owned())),
        }
    }
    let rp_id = rp_id.ok_or(UsageError::NoRpId)?;
    let resolve = match resolve {
        Some((host, addr)) if host == rp_id => Some(addr),
        Some(_) => {
            return Err(UsageError::BadValue {
                option: "--resolve".to_owned(),
                reason: "the host must be the --rp-id".to_owned(),
            });
        }
        None => None,
    };
    Ok(DoctorOptions {
        rp_id,
        android,
        apple,
        json,
        transport: Transport { resolve, ca_cert },
    })
}

fn is_domain(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

fn is_package_name(text: &str) -> bool {
    let mut segments = 0;
    for segment in text.split('.') {
        segments += 1;
        let mut bytes = segment.bytes();
        let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
        if !first_ok || !bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return false;
        }
    }
    segments >= 2 && text.len() <= 255
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// `assetlinks.json` or `apple-app-site-association`.
    pub file: &'static str,
    /// The check: `https`, `status`, `content-type`, `size`, `json`, then the file's own.
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// What was found.
    pub detail: String,
    /// What to change, when it failed.
    pub fix: Option<String>,
}

/// Everything the doctor found.
#[derive(Debug, Clone)]
pub struct Report {
    /// The relying-party id checked.
    pub rp_id: String,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// The `android:apk-key-hash:` origins the assetlinks file grants (the server must allow
    /// them).
    pub android_origins: Vec<String>,
}

impl Report {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    /// The report as JSON, for CI.
    pub fn to_json(&self) -> Value {
        json!({
            "rp_id": self.rp_id,
            "passed": self.passed(),
            "checks": self.checks.iter().map(|c| json!({
                "file": c.file,
                "check": c.name,
                "ok": c.ok,
                "detail": c.detail,
                "fix": c.fix,
            })).collect::<Vec<_>>(),
            "android_origins": self.android_origins,
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "domain association of {}", self.rp_id)?;
        for check in &self.checks {
            let mark = if check.ok { "ok  " } else { "FAIL" };
            write!(f, "{mark} {} {}: {}", check.file, check.name, check.detail)?;
            if let Some(fix) = &check.fix {
                write!(f, " -- fix: {fix}")?;
            }
            writeln!(f)?;
        }
        if !self.android_origins.is_empty() {
            writeln!(
                f,
                "origins the server must allow (passkeys-testkit serve --android-apk-key-hash):"
            )?;
            for origin in &self.android_origins {
                writeln!(f, "  {origin}")?;
            }
        }
        let failed = self.checks.iter().filter(|c| !c.ok).count();
        write!(f, "{} checks, {failed} failed", self.checks.len())
    }
}

/// The path of assetlinks.json.
pub const ASSETLINKS_PATH: &str = "/.well-known/assetlinks.json";
/// The path of apple-app-site-association.
pub const AASA_PATH: &str = "/.well-known/apple-app-site-association";

/// Fetches and checks the files `options` asks for. `Err` only when the HTTP client cannot be
/// set up (e.g. an unreadable `--ca-cert`); everything the server does is a failed check.
pub async fn run(options: &DoctorOptions) -> Result<Report, FetchError> {
    let fetcher = Fetcher::new(&options.rp_id, &options.transport)?;
    let neither = options.android.is_empty() && options.apple.is_empty();
    let mut report = Report {
        rp_id: options.rp_id.clone(),
        checks: Vec::new(),
        android_origins: Vec::new(),
    };
    if neither || !options.android.is_empty() {
        let url = format!("https://{}{ASSETLINKS_PATH}", options.rp_id);
        if let Some(json) =
            fetch_and_parse(&fetcher, assetlinks::FILE, &url, &mut report.checks).await
        {
            let (checks, origins) = assetlinks::check_file(&json, &options.android);
            report.checks.extend(checks);
            report.android_origins = origins;
        }
    }
    if neither || !options.apple.is_empty() {
        let url = format!("https://{}{AASA_PATH}", options.rp_id);
        if let Some(json) = fetch_and_parse(&fetcher, aasa::FILE, &url, &mut report.checks).await {
            report
                .checks
                .extend(aasa::check_file(&json, &options.apple));
        }
    }
    Ok(report)
}

/// The transport checks of one file (https, status, content-type, size, json); the parsed JSON
/// when the file's own checks can run.
async fn fetch_and_parse(
    fetcher: &Fetcher,
    file: &'static str,
    url: &str,
    checks: &mut Vec<Check>,
) -> Option<Value> {
    let mut push = |name, ok, detail: String, fix: Option<String>| {
        checks.push(Check {
            file,
            name,
            ok,
            detail,
            fix,
        });
    };
    let answer = match fetcher.get(url).await {
        Ok(answer) => answer,
        Err(err) => {
            push(
                "https",
                false,
                format!("{url}: {}", assetlinks::clip_to(&err.to_string(), 300)),
                Some(format!(
                    "make {url} reachable over HTTPS (port 443) with a certificate chain from a public CA that matches the domain; plain HTTP and self-signed certificates are refused"
                )),
            );
            return None;
        }
    };
    push("https", true, format!("{url}: certificate verified"), None);
    match answer.status {
        200 => push("status", true, "200, no redirect".to_owned(), None),
        300..=399 => {
            let to = answer
                .location
                .as_deref()
                .map_or("nowhere".to_owned(), assetlinks::clip);
            push(
                "status",
                false,
                format!("{} redirect to {to}", answer.status),
                Some(format!(
                    "serve the file itself at {url} with status 200: the platforms do not follow redirects"
                )),
            );
            return None;
        }
        status => {
            push(
                "status",
                false,
                format!("status {status}"),
                Some(format!("publish the file at {url} with status 200")),
            );
            return None;
        }
    }
    let content_type = answer.content_type.as_deref().unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" {
        push("content-type", true, content_type.to_owned(), None);
    } else {
        push(
            "content-type",
            false,
            if content_type.is_empty() {
                "no Content-Type".to_owned()
            } else {
                assetlinks::clip(content_type)
            },
            Some("serve the file with Content-Type: application/json".to_owned()),
        );
    }
    let body = match answer.body {
        Body::Complete(body) => {
            push(
                "size",
                true,
                format!("{} bytes (limit {MAX_FILE_BYTES})", body.len()),
                None,
            );
            body
        }
        Body::TooLarge(len) => {
            push(
                "size",
                false,
                format!("at least {len} bytes, over the limit of {MAX_FILE_BYTES}"),
                Some(format!(
                    "keep the file under {MAX_FILE_BYTES} bytes: drop statements or apps that are not needed"
                )),
            );
            return None;
        }
    };
    match serde_json::from_slice::<Value>(&body) {
        Ok(json) => {
            push("json", true, "parses".to_owned(), None);
            Some(json)
        }
        Err(err) => {
            push(
                "json",
                false,
                format!("not JSON: {err}"),
                Some("fix the JSON syntax (no comments, no trailing commas)".to_owned()),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    const FP: &str = "E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:78:52:B8:55";

    #[test]
    fn parses_apps_and_pairs_certificates_with_the_package_before_them() {
        let options = parse_args(&args(&[
            "--rp-id",
            "bingx.test",
            "--android-package",
            "com.bingx.a",
            "--android-cert-sha256",
            FP,
            "--android-package",
            "com.bingx.b",
            "--apple-app-id",
            "ABCDE12345.com.bingx.app",
            "--json",
        ]))
        .expect("parses");
        assert_eq!(options.android.len(), 2);
        assert_eq!(options.android[0].certificates.len(), 1);
        assert!(options.android[1].certificates.is_empty());
        assert_eq!(options.apple[0].to_string(), "ABCDE12345.com.bingx.app");
        assert!(options.json);
        assert!(options.transport.resolve.is_none());
    }

    #[test]
    fn refuses_bad_command_lines() {
        for bad in [
            &[][..],
            &["--rp-id"],
            &["--rp-id", "BingX.com"],
            &["--rp-id", "bingx.test/x"],
            &["--rp-id", "bingx.test", "--android-cert-sha256", FP],
            &["--rp-id", "bingx.test", "--android-package", "bingx"],
            &[
                "--rp-id",
                "bingx.test",
                "--android-package",
                "com.b",
                "--android-cert-sha256",
                "AB:CD",
            ],
            &["--rp-id", "bingx.test", "--apple-app-id", "com.bingx.app"],
            &[
                "--rp-id",
                "bingx.test",
                "--apple-app-id",
                "abcde12345.com.bingx.app",
            ],
            &[
                "--rp-id",
                "bingx.test",
                "--resolve",
                "other.test=127.0.0.1:1",
            ],
            &["--rp-id", "bingx.test", "--resolve", "bingx.test"],
            &["--rp-id", "bingx.test", "--verbose"],
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn assetlinks_rules() {
        let app = AndroidApp {
            package: "com.bingx.a".to_owned(),
            certificates: vec![Fingerprint::parse_strict(FP).expect("valid")],
        };
        let failing = |json: Value| -> Vec<&'static str> {
            assetlinks::check_file(&json, std::slice::from_ref(&app))
                .0
                .into_iter()
                .filter(|c| !c.ok)
                .map(|c| c.name)
                .collect()
        };
        let statement = |relation: &str, package: &str, fp: &str| json!([{"relation": [relation], "target": {"namespace": "android_app", "package_name": package, "sha256_cert_fingerprints": [fp]}}]);
        let good = statement(assetlinks::GET_LOGIN_CREDS, "com.bingx.a", FP);
        let (checks, origins) = assetlinks::check_file(&good, std::slice::from_ref(&app));
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        assert_eq!(
            origins,
            ["android:apk-key-hash:47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"]
        );
        assert_eq!(
            failing(statement(assetlinks::HANDLE_ALL_URLS, "com.bingx.a", FP)),
            ["relation"]
        );
        assert_eq!(
            failing(statement(assetlinks::GET_LOGIN_CREDS, "com.bingx.b", FP)),
            ["package"]
        );
        assert_eq!(
            failing(statement(
                assetlinks::GET_LOGIN_CREDS,
                "com.bingx.a",
                &FP.to_lowercase()
            )),
            ["fingerprints", "certificate"]
        );
        assert_eq!(failing(json!({"relation": []})), ["statements"]);
        // An include statement is not a broken one (the doctor reads one file).
        let mut with_include = good.clone();
        with_include
            .as_array_mut()
            .expect("array")
            .push(json!({"include": "https://other.test/.well-known/assetlinks.json"}));
        assert!(failing(with_include).is_empty());
        assert_eq!(
            failing(json!([{"relation": "x", "target": {}}])),
            ["statements", "package"]
        );
    }

    #[test]
    fn aasa_rules() {
        let app = AppleAppId::parse("ABCDE12345.com.bingx.app").expect("valid");
        let failing = |json: Value| -> Vec<&'static str> {
            aasa::check_file(&json, std::slice::from_ref(&app))
                .into_iter()
                .filter(|c| !c.ok)
                .map(|c| c.name)
                .collect()
        };
        assert!(
            failing(json!({"webcredentials": {"apps": ["ABCDE12345.com.bingx.app"]}})).is_empty()
        );
        assert_eq!(failing(json!({"applinks": {}})), ["webcredentials"]);
        assert_eq!(
            failing(json!({"webcredentials": {"apps": "x"}})),
            ["webcredentials"]
        );
        assert_eq!(failing(json!([])), ["webcredentials"]);
        assert_eq!(
            failing(json!({"webcredentials": {"apps": ["com.bingx.app"]}})),
            ["app-ids", "app"]
        );
    }
}
