//! The load driver on a small bounded run against the embedded server: no error, nothing lost.
//! No timing is asserted (BRIEF §6: benchmarks print, tests never time).

use std::time::Duration;

use bingx_passkeys_testkit::load::{self, LoadOptions, LoginKind, Mix, PasskeyKinds};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_run_verifies_every_login_and_loses_nothing() {
    let options = LoadOptions {
        accounts: 10,
        logins: 200,
        concurrency: 8,
        time_limit: Duration::from_secs(3600),
        mix: Mix::Both,
        passkeys: PasskeyKinds::Both,
        bare_time: Duration::from_millis(200),
        ..LoadOptions::default()
    };
    let report = load::run(options).await.expect("the run is carried out");
    let text = report.to_string();
    assert_eq!(report.timed.errors.len(), 0, "{text}");
    assert_eq!(report.error_count(), 0, "{text}");
    assert!(report.consistency.ok(), "{text}");
    assert_eq!(report.timed.attempted, 200, "{text}");
    assert_eq!(report.timed.verified, 200, "{text}");
    assert_eq!(report.consistency.sessions, 200, "{text}");
    assert_eq!(report.consistency.accounts_checked, 10, "{text}");
    // Every other account is device-bound, and each had logins: all five counters exact.
    assert_eq!(report.setup.device_bound, 5, "{text}");
    assert_eq!(report.consistency.counters_exact, 5, "{text}");
    // Every account's live sessions are its verified logins' one to one, plus the setup session.
    assert_eq!(report.consistency.session_lists_exact, 10, "{text}");
    assert_eq!(report.setup.j2_prepared, 100, "{text}");
    for (kind, latency) in LoginKind::ALL.iter().zip(&report.timed.latency) {
        assert_eq!(latency.map(|l| l.count), Some(100), "{kind:?}: {text}");
    }
    let bare = report.bare.as_ref().expect("measured");
    assert_eq!(bare.failures, 0, "{text}");
    assert!(bare.passkey_per_sec > 0.0, "{text}");
    assert!(report.passed(), "{text}");
    assert!(text.contains("result: PASS"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_against_a_url_with_only_usernameless_synced_logins() {
    let server = bingx_passkeys_testkit::server::start(
        bingx_passkeys_testkit::server::ServerConfig::new("localhost"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await
    .expect("server");
    let options = LoadOptions {
        url: Some(server.base_url()),
        accounts: 3,
        logins: 30,
        concurrency: 4,
        mix: Mix::Usernameless,
        passkeys: PasskeyKinds::Synced,
        bare_time: Duration::ZERO,
        ..LoadOptions::default()
    };
    let report = load::run(options).await.expect("the run is carried out");
    let text = report.to_string();
    assert!(report.passed(), "{text}");
    assert_eq!(report.timed.verified, 30, "{text}");
    assert_eq!(report.setup.j2_prepared, 0, "{text}");
    assert_eq!(report.consistency.counters_exact, 0, "{text}");
    assert!(report.bare.is_none());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_carries_no_secret_the_server_issued() {
    use bingx_passkeys_testkit::server::{ServerConfig, TestHooks, start};
    let hooks = TestHooks::with_secret_ledger();
    let mut config = ServerConfig::new("localhost");
    config.test_hooks = Some(hooks.clone());
    let server = start(config, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("server");
    let options = LoadOptions {
        url: Some(server.base_url()),
        accounts: 4,
        logins: 40,
        concurrency: 4,
        bare_time: Duration::from_millis(100),
        ..LoadOptions::default()
    };
    let report = load::run(options).await.expect("the run is carried out");
    let text = report.to_string();
    let debug = format!("{report:?}");
    assert!(report.passed(), "{text}");
    let secrets = hooks.secrets();
    // Session tokens of 40 logins and 4 setups, step-up tokens, emailed codes at least.
    assert!(secrets.len() >= 44, "the ledger is on: {}", secrets.len());
    for secret in secrets.iter().filter(|s| s.len() >= 6) {
        assert!(!text.contains(secret.as_str()), "a secret is in the report");
        // The Debug form holds long floats, where a 6-digit code could appear by chance.
        if !secret.bytes().all(|b| b.is_ascii_digit()) {
            assert!(
                !debug.contains(secret.as_str()),
                "a secret is in the report"
            );
        }
    }
    server.shutdown().await;
}
