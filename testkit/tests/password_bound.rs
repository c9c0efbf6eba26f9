//! Password checks are bounded (issue 7, item 3): each costs one Argon2 (about 19 MiB); at most
//! one per core runs at once, a short queue waits, and the rest are told 503 `SERVER_BUSY` with
//! `Retry-After`. An unknown email costs the same single check as a wrong password. The server
//! process's memory stays bounded under a burst of 256 concurrent logins and falls back after it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bingx_passkeys_testkit::harness::{Harness, RP_ID};
use bingx_passkeys_testkit::server::{PasswordLimits, Pause, ServerConfig, TestHooks};
use serde_json::{Value, json};

mod common;
use common::ServeProcess;

fn login_body(email: &str, password: &str) -> Value {
    json!({"email": email, "password": password, "device_id": "bound-test"})
}

async fn post_login(http: &reqwest::Client, base: &str, body: &Value) -> reqwest::Response {
    http.post(format!("{base}/v1/login/password"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the server answers")
}

#[tokio::test]
async fn beyond_the_workers_and_the_queue_a_login_is_told_to_retry() {
    let hooks = TestHooks::new();
    let mut config = ServerConfig::for_tests(RP_ID);
    config.password_limits = PasswordLimits {
        workers: 1,
        queue: 0,
    };
    config.test_hooks = Some(hooks.clone());
    let h = Harness::start_with(config).await;
    let account = h.sign_up("busy@example.test").await;
    let http = reqwest::Client::new();
    let base = h.base_url();

    let gate = hooks.hold(Pause::InPasswordCheck);
    let held_body = login_body(&account.email, "wrong password");
    let held = post_login(&http, &base, &held_body);
    let meanwhile = async {
        gate.arrived().await;
        let busy = post_login(&http, &base, &login_body("nobody@example.test", "x")).await;
        gate.release_all();
        busy
    };
    let (held, busy) = tokio::join!(held, meanwhile);
    hooks.unhold(Pause::InPasswordCheck);

    assert_eq!(busy.status().as_u16(), 503);
    assert_eq!(
        busy.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let busy: Value = busy.json().await.expect("an error envelope");
    assert_eq!(busy["error"]["code"], "SERVER_BUSY");
    assert_eq!(held.status().as_u16(), 401);

    // With the burst over, the same login is checked again.
    let again = post_login(&http, &base, &login_body("nobody@example.test", "x")).await;
    assert_eq!(again.status().as_u16(), 401);
}

#[tokio::test]
async fn an_unknown_email_costs_one_check_and_answers_like_a_wrong_password() {
    let h = Harness::start().await;
    let account = h.sign_up("known@example.test").await;
    let http = reqwest::Client::new();
    let base = h.base_url();

    let before = h.server().password_checks_run();
    let known = post_login(&http, &base, &login_body(&account.email, "wrong password")).await;
    let after_known = h.server().password_checks_run();
    let unknown = post_login(
        &http,
        &base,
        &login_body("unknown@example.test", "whatever"),
    )
    .await;
    let after_unknown = h.server().password_checks_run();

    assert_eq!(after_known - before, 1, "a wrong password runs one check");
    assert_eq!(
        after_unknown - after_known,
        1,
        "an unknown email runs one check"
    );
    assert_eq!(known.status(), unknown.status());
    let known: Value = known.json().await.expect("envelope");
    let unknown: Value = unknown.json().await.expect("envelope");
    assert_eq!(known, unknown, "the answers tell the two apart");
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_under_256_concurrent_logins_and_falls_back() {
    const CONCURRENT: usize = 256;
    const CEILING_MIB: f64 = 300.0;
    let server = ServeProcess::start(None, &[]);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    server.wait_ready().await;
    // One login first, so the baseline includes what any first login allocates.
    let warm = post_login(&http, &server.base, &login_body("warm@example.test", "x")).await;
    assert_eq!(warm.status().as_u16(), 401);
    let baseline = server.rss_mib();

    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (pid, stop) = (server.pid(), stop.clone());
        tokio::spawn(async move {
            let mut peak: f64 = 0.0;
            while !stop.load(Ordering::Relaxed) {
                let Some(rss) = common::rss_mib(pid) else {
                    break;
                };
                peak = peak.max(rss);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            peak
        })
    };
    let mut logins = tokio::task::JoinSet::new();
    for i in 0..CONCURRENT {
        let (http, base) = (http.clone(), server.base.clone());
        // Half for unknown emails, half for a seeded demo account with a wrong password.
        let email = if i % 2 == 0 {
            format!("unknown-{i}@example.test")
        } else {
            "alice@demo.bingx.test".to_owned()
        };
        logins.spawn(async move {
            let response = post_login(&http, &base, &login_body(&email, "not the password")).await;
            let retry_after = response.headers().contains_key("retry-after");
            (response.status().as_u16(), retry_after)
        });
    }
    let (mut refused, mut busy) = (0, 0);
    while let Some(joined) = logins.join_next().await {
        match joined.expect("a login task") {
            (401, _) => refused += 1,
            (503, true) => busy += 1,
            other => panic!("unexpected answer to a wrong password: {other:?}"),
        }
    }
    let burst_end = server.rss_mib();
    stop.store(true, Ordering::Relaxed);
    let peak = sampler.await.expect("the sampler").max(burst_end);

    // Afterwards the hashing memory goes back.
    let mut after = server.rss_mib();
    let deadline = Instant::now() + Duration::from_secs(10);
    while after > baseline + 40.0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        after = server.rss_mib();
    }
    eprintln!(
        "RSS: baseline {baseline:.1} MiB, peak {peak:.1} MiB, after {after:.1} MiB; \
         {refused} refused (401), {busy} told to retry (503)"
    );
    assert_eq!(refused + busy, CONCURRENT);
    assert!(refused > 0, "no login was checked at all");
    assert!(
        peak < CEILING_MIB,
        "RSS peaked at {peak:.1} MiB (ceiling {CEILING_MIB} MiB)"
    );
    assert!(
        after <= baseline + 40.0,
        "RSS stayed at {after:.1} MiB after the burst (baseline {baseline:.1} MiB)"
    );
}

#[tokio::test]
async fn an_oversized_password_is_refused_without_a_check() {
    let h = Harness::start().await;
    let account = h.sign_up("long@example.test").await;
    let session = h.raw_sign_in(&account, "phone", false).await;
    let (status, begun) = h
        .raw(
            "POST",
            "/v1/step-up/begin",
            Some(&session.token),
            Some(json!({"purpose": "passkey_registration"})),
        )
        .await;
    assert_eq!(status, 200, "{begun}");
    let code = h.code_for(&account.email, "step_up").await;
    let too_long = "p".repeat(1025);
    let before = h.server().password_checks_run();
    for (path, body) in [
        ("/v1/login/password", login_body(&account.email, &too_long)),
        (
            "/v1/step-up/finish",
            json!({"step_up_id": begun["step_up_id"], "password": too_long,
                   "factor": "email", "code": code}),
        ),
    ] {
        let (status, answer) = h.raw("POST", path, Some(&session.token), Some(body)).await;
        assert_eq!(status, 401, "{path}: {answer}");
        assert_eq!(answer["error"]["code"], "INVALID_CREDENTIALS", "{path}");
    }
    assert_eq!(h.server().password_checks_run(), before, "Argon2 ran on it");
}
