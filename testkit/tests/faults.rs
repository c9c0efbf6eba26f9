//! The server killed with SIGKILL (issue 7, "Faults"): during Enable, and during passkey sign-ins
//! under load, then started again on the same `--db`. Afterwards no half state is left (never the
//! flag on with zero passkeys, never a session a flagged account should not have, the database
//! intact), and the client's retry completes: the pending registration is resent and accepted
//! once, and every account signs in with its passkey again.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use bingx_passkeys_core::PlatformAuthenticator;
use bingx_passkeys_core::webauthn::prepare_get;
use bingx_passkeys_testkit::harness::{Harness, RP_ID, TestAccount};
use bingx_passkeys_testkit::netcut::{Cut, NetCut};
use bingx_passkeys_testkit::softpm::SoftPasswordManager;
use rusqlite::Connection;
use serde_json::{Value, json};

mod common;
use common::{ServeProcess, TempDb};

const FINISH: &str = "/v1/passkeys/registration/finish";

/// What must hold in the database whatever moment the server died at.
fn assert_no_half_state(db: &Path) {
    // Read-write: after a kill, SQLite rolls an interrupted transaction back from its journal at
    // the first read, as the restarted server would.
    let conn = Connection::open(db).expect("the database opens");
    conn.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    let flagged_without_passkey: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM accounts a WHERE a.passkey_required = 1
               AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.account_id = a.id)",
            [],
            |row| row.get(0),
        )
        .expect("query");
    assert_eq!(
        flagged_without_passkey, 0,
        "the flag is on with zero passkeys"
    );
    // Enable revokes every other session, and no path but a passkey opens one afterwards: a
    // flagged account keeps at most one live session that no passkey opened (the one that
    // turned the flag on).
    let too_many: Vec<(String, i64)> = conn
        .prepare(
            "SELECT s.account_id, COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE a.passkey_required = 1 AND s.revoked_at IS NULL
               AND COALESCE(s.signed_in_with, '') <> 'passkey'
             GROUP BY s.account_id HAVING COUNT(*) > 1",
        )
        .expect("query")
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(
        too_many.is_empty(),
        "flagged accounts with live sessions no passkey opened: {too_many:?}"
    );
    // A used registration ceremony names a stored passkey (nothing here deletes passkeys).
    let used_without_passkey: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM ceremonies c WHERE c.status = 'used'
               AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.credential_id = c.credential_id)",
            [],
            |row| row.get(0),
        )
        .expect("query");
    assert_eq!(used_without_passkey, 0);
}

fn passkeys_stored(db: &Path, account_id: &str) -> i64 {
    let conn = Connection::open(db).expect("the database opens");
    conn.query_row(
        "SELECT COUNT(*) FROM passkeys WHERE account_id = ?1",
        [account_id],
        |row| row.get(0),
    )
    .expect("query")
}

async fn wait_for_request(proxy: &NetCut, path: &str) {
    while !proxy.seen().iter().any(|seen| seen.starts_with(path)) {
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_during_enable_the_retry_completes_and_nothing_is_half_done() {
    let db = TempDb::new("faults-enable");
    let mut server = ServeProcess::start(Some(&db.0), &[]);
    server.wait_ready().await;
    // From the moment the finish request is on its way: at once, and a little later each time,
    // so that the kill lands before, during and after the server's commit.
    for (round, delay_us) in [
        0u64, 2_000, 10_000, 16_000, 20_000, 24_000, 28_000, 32_000, 60_000,
    ]
    .into_iter()
    .enumerate()
    {
        let h = Harness::attach(&server.base).await;
        let proxy = NetCut::start(server.addr).await.expect("proxy");
        let account = h.sign_up(&format!("kill-{round}@faults.test")).await;
        let pm = h.password_manager();
        let phone = h.client_via(&proxy.base_url(), pm.clone());
        h.sign_in(&phone, &account, "phone")
            .await
            .expect("signed in");
        let flow = phone.enable();
        h.step_up(&flow, &account).await.expect("stepped up");

        let (first, ()) = tokio::join!(flow.create_passkey(None), async {
            wait_for_request(&proxy, FINISH).await;
            tokio::time::sleep(Duration::from_micros(delay_us)).await;
            server.kill();
        });
        assert_no_half_state(&db.0);
        let committed = passkeys_stored(&db.0, &account.account_id);
        eprintln!(
            "round {round}: killed {delay_us} µs after the finish left; stored before the kill: \
             {committed}; the client saw {}",
            if first.is_ok() {
                "the answer"
            } else {
                "a dropped connection"
            }
        );
        server.restart().await;
        assert_no_half_state(&db.0);

        // Whether or not the server committed before it died, the retry resends the same
        // response and ends with exactly one passkey and the flag on.
        let outcome = match first {
            Ok(outcome) => outcome,
            Err(err) => {
                assert!(err.is_retryable(), "round {round}: {err:?}");
                flow.create_passkey(None)
                    .await
                    .unwrap_or_else(|e| panic!("round {round}: the retry failed: {e:?}"))
            }
        };
        assert_eq!(pm.create_calls(), 1, "round {round}: one platform ceremony");
        assert!(outcome.policy.passkey_required, "round {round}");
        assert_eq!(outcome.passkeys.len(), 1, "round {round}");
        let policy = phone.passkeys().policy().await.expect("policy");
        assert_eq!((policy.passkey_required, policy.passkey_count), (true, 1));
        assert_no_half_state(&db.0);
    }
}

#[tokio::test]
async fn killed_after_committing_enable_whose_answer_was_lost_the_retry_is_answered() {
    let db = TempDb::new("faults-lost-answer");
    let mut server = ServeProcess::start(Some(&db.0), &[]);
    server.wait_ready().await;
    let h = Harness::attach(&server.base).await;
    let proxy = NetCut::start(server.addr).await.expect("proxy");
    let account = h.sign_up("lost-answer@faults.test").await;
    let pm = h.password_manager();
    let phone = h.client_via(&proxy.base_url(), pm.clone());
    h.sign_in(&phone, &account, "phone")
        .await
        .expect("signed in");
    let flow = phone.enable();
    h.step_up(&flow, &account).await.expect("stepped up");

    // The server commits; its answer never arrives; then it dies.
    proxy.cut(FINISH, Cut::AfterServer, 1);
    let err = flow
        .create_passkey(None)
        .await
        .expect_err("the answer is lost");
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(passkeys_stored(&db.0, &account.account_id), 1);
    server.restart().await;
    assert_no_half_state(&db.0);

    // The retry after the restart is recognised as the same request: answered, not stored twice.
    let outcome = flow
        .create_passkey(None)
        .await
        .expect("the retry is answered");
    assert!(outcome.policy.passkey_required);
    assert_eq!(outcome.passkeys.len(), 1);
    assert_eq!(pm.create_calls(), 1);
    assert_eq!(passkeys_stored(&db.0, &account.account_id), 1);
}

/// An account with the flag on and its passkey in its own password manager.
struct Flagged {
    account: TestAccount,
    pm: Arc<SoftPasswordManager>,
}

async fn try_post(http: &reqwest::Client, base: &str, path: &str, body: Value) -> Option<Value> {
    let response = http
        .post(format!("{base}{path}"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    let body: Value = response.json().await.ok()?;
    (status == 200).then_some(body)
}

/// One passkey sign-in without a panic when the server is gone: usernameless, or the passkey step
/// after the password. `true` when a session came back.
async fn passkey_sign_in(
    http: &reqwest::Client,
    base: &str,
    who: &Flagged,
    usernameless: bool,
) -> bool {
    let (options, id, finish) = if usernameless {
        let Some(begun) = try_post(http, base, "/v1/login/discoverable/begin", json!({})).await
        else {
            return false;
        };
        (
            begun["options"].clone(),
            ("ceremony_id", begun["ceremony_id"].clone()),
            "/v1/login/discoverable/finish",
        )
    } else {
        let body = json!({"email": who.account.email, "password": who.account.password,
                          "device_id": "load"});
        let Some(started) = try_post(http, base, "/v1/login/password", body).await else {
            return false;
        };
        assert_eq!(started["status"], "passkey_required", "{started}");
        (
            started["options"].clone(),
            ("login_id", started["login_id"].clone()),
            "/v1/login/passkey",
        )
    };
    let request = prepare_get(&options.to_string(), RP_ID).expect("options");
    let credential = who
        .pm
        .get(request)
        .await
        .expect("the password manager asserts");
    let credential: Value = serde_json::from_str(&credential).expect("JSON");
    let mut body = json!({ "credential": credential });
    body[id.0] = id.1;
    try_post(http, base, finish, body)
        .await
        .is_some_and(|answer| answer["session_token"].is_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_under_sign_in_load_every_account_signs_in_again() {
    const ACCOUNTS: usize = 6;
    let db = TempDb::new("faults-load");
    let mut server = ServeProcess::start(Some(&db.0), &[]);
    server.wait_ready().await;
    let h = Harness::attach(&server.base).await;
    let mut flagged = Vec::new();
    for i in 0..ACCOUNTS {
        let origin = url::Url::parse(&format!("https://{RP_ID}")).expect("origin");
        let pm = SoftPasswordManager::new(origin);
        // Half synced (counter 0), half device-bound (a counter the server checks).
        let pm = Arc::new(if i.is_multiple_of(2) {
            pm
        } else {
            pm.device_bound()
        });
        let account = h.sign_up(&format!("load-{i}@faults.test")).await;
        let session = h.raw_sign_in(&account, "phone", false).await;
        let (status, body) = h.raw_register(&account, &session, &pm, true).await;
        assert_eq!(status, 200, "{body}");
        flagged.push(Arc::new(Flagged { account, pm }));
    }

    // Sign-ins on every account at once, until the server is killed under them.
    let stop = Arc::new(AtomicBool::new(false));
    let signed_in = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for (i, who) in flagged.iter().enumerate() {
        let (who, stop, signed_in, base) = (
            who.clone(),
            stop.clone(),
            signed_in.clone(),
            server.base.clone(),
        );
        workers.spawn(async move {
            let http = reqwest::Client::new();
            let mut round = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let usernameless = !(i + round).is_multiple_of(3);
                if passkey_sign_in(&http, &base, &who, usernameless).await {
                    signed_in.fetch_add(1, Ordering::Relaxed);
                }
                round += 1;
            }
        });
    }
    while signed_in.load(Ordering::Relaxed) < 20 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    stop.store(true, Ordering::Relaxed);
    while workers.join_next().await.is_some() {}
    assert_no_half_state(&db.0);

    server.restart().await;
    assert_no_half_state(&db.0);
    let http = reqwest::Client::new();
    for who in &flagged {
        for usernameless in [true, false] {
            assert!(
                passkey_sign_in(&http, &server.base, who, usernameless).await,
                "{} cannot sign in with its passkey after the restart (usernameless: {usernameless})",
                who.account.email
            );
        }
    }
    assert_no_half_state(&db.0);
}
