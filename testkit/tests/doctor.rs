//! `passkeys-testkit doctor` run as a user runs it (the binary, its lines and exit status)
//! against loopback TLS servers with generated certificates: a good pair of files passes with
//! exit 0; each broken file breaks exactly its rule, prints a FAIL line with the fix and exits
//! 1; the reference server's own files pass.
//!
//! The servers here are hand-written HTTP/1.1 over tokio-rustls so that a test can answer what
//! a misconfigured site answers (a redirect, a wrong type, a body without a length). The
//! doctor reaches them through its test-only `--resolve` and `--ca-cert` options.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use bingx_passkeys_testkit::server::{self, ANDROID_ORIGIN_PREFIX, ServerConfig};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const RP_ID: &str = "bingx.test";
const PACKAGE: &str = "com.bingx.passkeys.sample";
const APPLE_APP_ID: &str = "ABCDE12345.com.bingx.passkeys.sample";
const ASSETLINKS: &str = "/.well-known/assetlinks.json";
const AASA: &str = "/.well-known/apple-app-site-association";

/// A made-up signing certificate's SHA-256.
const CERT: [u8; 32] = [
    0x14, 0x6D, 0xE9, 0x83, 0xC5, 0x73, 0x06, 0x50, 0xD8, 0xEE, 0xB9, 0x12, 0x73, 0xFF, 0xC6, 0xC6,
    0xEA, 0x6D, 0x83, 0x43, 0xB9, 0x0E, 0xD1, 0xB5, 0x9B, 0xDF, 0x6A, 0x20, 0xC1, 0xA5, 0x08, 0xBE,
];

fn upper_fingerprint() -> String {
    CERT.iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The origin an app signed with [`CERT`] sends, computed here from its definition.
fn implied_origin() -> String {
    format!(
        "{ANDROID_ORIGIN_PREFIX}{}",
        data_encoding::BASE64URL_NOPAD.encode(&CERT)
    )
}

// ---------------------------------------------------------------------------------------------
// Certificates

/// A CA (written to a DER file for `--ca-cert`) and a server certificate for [`RP_ID`].
struct Pki {
    ca_file: PathBuf,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

fn make_pki(name: &str) -> Pki {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, format!("doctor test CA {name}"));
    let ca = ca_params.self_signed(&ca_key).expect("CA");
    let issuer = Issuer::new(ca_params, &ca_key);
    let key = KeyPair::generate().expect("server key");
    let cert = CertificateParams::new(vec![RP_ID.to_owned()])
        .expect("server params")
        .signed_by(&key, &issuer)
        .expect("server certificate");
    let ca_file = std::env::temp_dir().join(format!(
        "passkeys-doctor-{name}-{}-{}.der",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::write(&ca_file, ca.der()).expect("CA file");
    Pki {
        ca_file,
        chain: vec![cert.der().clone(), ca.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

fn acceptor(pki: &Pki) -> tokio_rustls::TlsAcceptor {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_no_client_auth()
    .with_single_cert(pki.chain.clone(), pki.key.clone_key())
    .expect("server TLS config");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

// ---------------------------------------------------------------------------------------------
// Servers

/// What a test server answers for a path.
#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// Send `Content-Length` (otherwise the body ends when the connection closes).
    length: bool,
}

impl Answer {
    fn json(value: &Value) -> Self {
        Self::typed("application/json", value.to_string().into_bytes())
    }

    fn typed(content_type: &str, body: Vec<u8>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type", content_type.to_owned())],
            body,
            length: true,
        }
    }

    fn status(status: u16) -> Self {
        Self {
            status,
            headers: vec![("content-type", "text/html".to_owned())],
            body: b"<html>not here</html>".to_vec(),
            length: true,
        }
    }
}

/// The two files for a test server.
#[derive(Clone)]
struct Site {
    assetlinks: Answer,
    aasa: Answer,
}

fn good_assetlinks() -> Value {
    json!([{
        "relation": ["delegate_permission/common.handle_all_urls", "delegate_permission/common.get_login_creds"],
        "target": {"namespace": "android_app", "package_name": PACKAGE, "sha256_cert_fingerprints": [upper_fingerprint()]}
    }])
}

fn good_aasa() -> Value {
    json!({"webcredentials": {"apps": [APPLE_APP_ID]}, "applinks": {"details": []}})
}

fn good_site() -> Site {
    Site {
        assetlinks: Answer::json(&good_assetlinks()),
        aasa: Answer::json(&good_aasa()),
    }
}

/// Reads a request head (bounded) and returns its path.
async fn read_path<S: AsyncReadExt + Unpin>(stream: &mut S) -> Option<String> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || seen.len() > 64 * 1024 {
            return None;
        }
        seen.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&seen);
    head.split(' ').nth(1).map(str::to_owned)
}

fn response_bytes(answer: &Answer) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} Whatever\r\nconnection: close\r\n",
        answer.status
    );
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if answer.length {
        head.push_str(&format!("content-length: {}\r\n", answer.body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&answer.body);
    bytes
}

/// A loopback HTTPS server for `site`, with a certificate for [`RP_ID`] from `pki`'s CA.
async fn https_site(pki: &Pki, site: Site) -> SocketAddr {
    let acceptor = acceptor(pki);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let site = site.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Some(path) = read_path(&mut tls).await else {
                    return;
                };
                let answer = match path.as_str() {
                    ASSETLINKS => site.assetlinks,
                    AASA => site.aasa,
                    _ => Answer::status(404),
                };
                let _ = tls.write_all(&response_bytes(&answer)).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    addr
}

/// A loopback server that speaks plain HTTP (the good files, without TLS). Like a real HTTP
/// server it answers what it cannot read (a TLS hello) with 400 at once.
async fn plain_http_site() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let site = good_site();
                let mut buf = [0u8; 4096];
                let n = tcp.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                let answer = match head.split(' ').nth(1) {
                    Some(ASSETLINKS) if head.starts_with("GET ") => site.assetlinks,
                    Some(AASA) if head.starts_with("GET ") => site.aasa,
                    _ => Answer::status(400),
                };
                let _ = tcp.write_all(&response_bytes(&answer)).await;
                let _ = tcp.shutdown().await;
            });
        }
    });
    addr
}

/// A TLS front for a plain-HTTP server (the reference server serves plain HTTP).
async fn tls_front(pki: &Pki, backend: SocketAddr) -> SocketAddr {
    let acceptor = acceptor(pki);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut upstream) = TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
            });
        }
    });
    addr
}

// ---------------------------------------------------------------------------------------------
// Running the doctor

struct Run {
    code: Option<i32>,
    stdout: String,
}

impl Run {
    /// `"<file> <check>"` of every FAIL line.
    fn failed(&self) -> Vec<String> {
        self.stdout
            .lines()
            .filter_map(|l| l.strip_prefix("FAIL "))
            .map(|l| l.split(':').next().unwrap_or_default().to_owned())
            .collect()
    }
}

async fn doctor(addr: SocketAddr, ca_file: &std::path::Path, extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec![
        "doctor".into(),
        "--rp-id".into(),
        RP_ID.into(),
        "--resolve".into(),
        format!("{RP_ID}={addr}"),
        "--ca-cert".into(),
        ca_file.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_passkeys-testkit"))
            .args(&args)
            .output()
            .expect("run passkeys-testkit")
    })
    .await
    .expect("join");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    }
}

fn apps() -> Vec<String> {
    [
        "--android-package",
        PACKAGE,
        "--android-cert-sha256",
        &upper_fingerprint().to_lowercase().replace(':', ""),
        "--apple-app-id",
        APPLE_APP_ID,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

async fn doctor_with_apps(addr: SocketAddr, ca_file: &std::path::Path) -> Run {
    let apps = apps();
    let apps: Vec<&str> = apps.iter().map(String::as_str).collect();
    doctor(addr, ca_file, &apps).await
}

// ---------------------------------------------------------------------------------------------
// The tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_pair_of_files_passes_and_names_the_implied_origin() {
    let pki = make_pki("good");
    let addr = https_site(&pki, good_site()).await;
    let run = doctor_with_apps(addr, &pki.ca_file).await;
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(run.failed().is_empty(), "{}", run.stdout);
    for line in [
        "ok   assetlinks.json https:",
        "ok   assetlinks.json status: 200, no redirect",
        "ok   assetlinks.json relation:",
        "ok   apple-app-site-association app: ABCDE12345.com.bingx.passkeys.sample is listed",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
    assert!(
        run.stdout
            .contains(&format!("{} -> {}", upper_fingerprint(), implied_origin())),
        "{}",
        run.stdout
    );

    // --json for CI: the same verdict, every check with its fields, the origin.
    let run = doctor(addr, &pki.ca_file, &["--json"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let report: Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    assert_eq!(report["passed"], true);
    assert_eq!(report["rp_id"], RP_ID);
    assert_eq!(report["android_origins"], json!([implied_origin()]));
    let checks = report["checks"].as_array().expect("checks");
    assert!(checks.len() >= 10, "{report}");
    assert!(checks.iter().all(|c| c["ok"] == true && c["fix"].is_null()));
}

/// One broken file per rule: the file the site serves, and the checks that must fail.
fn broken_sites() -> Vec<(&'static str, Site, Vec<&'static str>)> {
    let with_assetlinks = |answer: Answer| Site {
        assetlinks: answer,
        ..good_site()
    };
    let with_aasa = |answer: Answer| Site {
        aasa: answer,
        ..good_site()
    };
    let statement = |relation: Value, package: &str, fingerprint: &str| {
        Answer::json(&json!([{
            "relation": relation,
            "target": {"namespace": "android_app", "package_name": package, "sha256_cert_fingerprints": [fingerprint]}
        }]))
    };
    let get_login = json!(["delegate_permission/common.get_login_creds"]);
    let mut redirect = Answer::status(301);
    redirect
        .headers
        .push(("location", format!("https://www.{RP_ID}{ASSETLINKS}")));
    let mut streamed = Answer::typed("application/json", vec![b' '; 1024 * 1024]);
    streamed.length = false;
    vec![
        (
            "redirect",
            with_assetlinks(redirect),
            vec!["assetlinks.json status"],
        ),
        (
            "404",
            with_aasa(Answer::status(404)),
            vec!["apple-app-site-association status"],
        ),
        (
            "wrong content type",
            with_assetlinks(Answer::typed(
                "text/html",
                good_assetlinks().to_string().into_bytes(),
            )),
            vec!["assetlinks.json content-type"],
        ),
        (
            "too big, declared",
            with_aasa(Answer::typed("application/json", vec![b' '; 200 * 1024])),
            vec!["apple-app-site-association size"],
        ),
        (
            "too big, streamed without a length",
            with_assetlinks(streamed),
            vec!["assetlinks.json size"],
        ),
        (
            "bad JSON",
            with_assetlinks(Answer::typed(
                "application/json",
                b"[{\"relation\": [},]".to_vec(),
            )),
            vec!["assetlinks.json json"],
        ),
        (
            "nested beyond any parser's depth",
            with_aasa(Answer::typed("application/json", vec![b'['; 100_000])),
            vec!["apple-app-site-association json"],
        ),
        (
            "only handle_all_urls",
            with_assetlinks(statement(
                json!(["delegate_permission/common.handle_all_urls"]),
                PACKAGE,
                &upper_fingerprint(),
            )),
            vec!["assetlinks.json relation"],
        ),
        (
            "wrong package",
            with_assetlinks(statement(
                get_login.clone(),
                "com.bingx.other",
                &upper_fingerprint(),
            )),
            vec!["assetlinks.json package"],
        ),
        (
            "lower-case fingerprint",
            with_assetlinks(statement(
                get_login.clone(),
                PACKAGE,
                &upper_fingerprint().to_lowercase(),
            )),
            vec![
                "assetlinks.json fingerprints",
                "assetlinks.json certificate",
            ],
        ),
        (
            "malformed fingerprint (no colons)",
            with_assetlinks(statement(
                get_login.clone(),
                PACKAGE,
                &upper_fingerprint().replace(':', ""),
            )),
            vec![
                "assetlinks.json fingerprints",
                "assetlinks.json certificate",
            ],
        ),
        (
            "another certificate",
            with_assetlinks(statement(
                get_login.clone(),
                PACKAGE,
                &upper_fingerprint().replace("14:6D", "14:6E"),
            )),
            vec!["assetlinks.json certificate"],
        ),
        (
            "not an array of statements",
            with_assetlinks(Answer::json(&json!({"relation": get_login}))),
            vec!["assetlinks.json statements"],
        ),
        (
            "missing webcredentials",
            with_aasa(Answer::json(&json!({"applinks": {"details": []}}))),
            vec!["apple-app-site-association webcredentials"],
        ),
        (
            "bundle without team prefix",
            with_aasa(Answer::json(
                &json!({"webcredentials": {"apps": ["com.bingx.passkeys.sample"]}}),
            )),
            vec![
                "apple-app-site-association app-ids",
                "apple-app-site-association app",
            ],
        ),
    ]
}

/// The site of [`broken_sites`] called `name`.
fn broken(name: &str) -> Site {
    broken_sites()
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, site, _)| site)
        .expect("a broken site of that name")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_broken_file_fails_its_rule_with_a_fix_and_exit_1() {
    let pki = make_pki("broken");
    for (name, site, expected) in broken_sites() {
        let addr = https_site(&pki, site).await;
        let run = doctor_with_apps(addr, &pki.ca_file).await;
        assert_eq!(run.code, Some(1), "{name}\n{}", run.stdout);
        assert_eq!(run.failed(), expected, "{name}\n{}", run.stdout);
        for line in run.stdout.lines().filter(|l| l.starts_with("FAIL ")) {
            assert!(line.contains(" -- fix: "), "{name}: {line}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_failing_lines_say_what_the_platform_saw() {
    let pki = make_pki("lines");
    let cases: Vec<(Site, String)> = vec![
        (
            broken("redirect"),
            "FAIL assetlinks.json status: 301 redirect to https://www.bingx.test/.well-known/assetlinks.json -- fix: serve the file itself".to_owned(),
        ),
        (
            broken("only handle_all_urls"),
            "has only delegate_permission/common.handle_all_urls (App Links)".to_owned(),
        ),
        (
            broken("lower-case fingerprint"),
            format!(
                    "-- fix: write it in upper case: \"{}\"",
                    upper_fingerprint()
                ),
        ),
        (
            broken("bundle without team prefix"),
            "-- fix: write each entry as <Team ID>.<bundle id>, e.g. \"TEAMID1234.com.bingx.passkeys.sample\"".to_owned(),
        ),
    ];
    for (site, expected) in cases {
        let addr = https_site(&pki, site).await;
        let run = doctor_with_apps(addr, &pki.ca_file).await;
        assert!(run.stdout.contains(&expected), "{expected}\n{}", run.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_and_an_untrusted_certificate_fail_https() {
    let pki = make_pki("plain");
    let addr = plain_http_site().await;
    let run = doctor_with_apps(addr, &pki.ca_file).await;
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(
        run.failed(),
        ["assetlinks.json https", "apple-app-site-association https"],
        "{}",
        run.stdout
    );

    // A certificate from a CA the device does not trust is as bad as none.
    let stranger = make_pki("stranger");
    let addr = https_site(&stranger, good_site()).await;
    let run = doctor_with_apps(addr, &pki.ca_file).await;
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(
        run.failed(),
        ["assetlinks.json https", "apple-app-site-association https"],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("invalid peer certificate: UnknownIssuer"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_command_lines_exit_2() {
    let pki = make_pki("usage");
    let addr = https_site(&pki, good_site()).await;
    for extra in [
        &["--apple-app-id", "com.bingx.passkeys.sample"][..],
        &["--android-cert-sha256", "AB:CD"],
        &["--android-package", "sample"],
        &["--bogus"],
    ] {
        let run = doctor(addr, &pki.ca_file, extra).await;
        assert_eq!(run.code, Some(2), "{extra:?}\n{}", run.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_servers_own_files_pass() {
    let pki = make_pki("reference");
    let mut config = ServerConfig::for_tests(RP_ID);
    config.origins.push(implied_origin());
    let running = server::start(config, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("server starts");
    let addr = tls_front(&pki, running.addr()).await;
    let run = doctor_with_apps(addr, &pki.ca_file).await;
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(run.stdout.contains(&implied_origin()), "{}", run.stdout);

    // Without an Android origin the server associates no Android app, and the doctor says so.
    let bare = server::start(
        ServerConfig::for_tests(RP_ID),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await
    .expect("server starts");
    let addr = tls_front(&pki, bare.addr()).await;
    let run = doctor_with_apps(addr, &pki.ca_file).await;
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.failed(), ["assetlinks.json package"], "{}", run.stdout);
    running.shutdown().await;
    bare.shutdown().await;
}
