//! `GET /v1/sessions` and the Passkey object's counters: after Enable an account's live sessions
//! are the enabling one and those opened with a passkey, each saying what it rests on; each
//! verified assertion moves `use_count` once, and a device-bound passkey's `sign_count` follows its
//! authenticator (a synced one stays 0).

use std::sync::Arc;

use bingx_passkeys_testkit::harness::{Harness, RP_ID};
use bingx_passkeys_testkit::server::ServerConfig;
use bingx_passkeys_testkit::softpm::SoftPasswordManager;
use serde_json::Value;

async fn sessions(h: &Harness, token: &str) -> Vec<Value> {
    let (status, body) = h.raw("GET", "/v1/sessions", Some(token), None).await;
    assert_eq!(status, 200, "{body}");
    body["sessions"].as_array().cloned().unwrap_or_default()
}

/// The first 8 hex digits of SHA-256 of `device_id`, as the contract defines `device_hint`.
fn hint(device_id: &str) -> String {
    use sha2_010::Digest;
    sha2_010::Sha256::digest(device_id.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A session (a stolen one, say) reads the account's sessions: its own device id, and of the
/// others only a hint. The ids are what the pending sign-ins of a device the account has signed
/// in from are kept apart by, so a list that showed them would let its reader, holding the
/// password, end the owner's sign-in on that phone.
async fn the_list_shows_no_other_sessions_device_id(h: &Harness, laptop: &str) {
    let list = sessions(h, laptop).await;
    let text = serde_json::to_string(&list).unwrap();
    assert!(!text.contains("\"phone\""), "{text}");
    let (mine, theirs): (Vec<_>, Vec<_>) = list.iter().partition(|s| s["current"] == true);
    assert_eq!(mine[0]["device_id"], "laptop");
    assert_eq!(theirs[0]["device_id"], Value::Null);
    assert_eq!(theirs[0]["device_hint"], hint("phone"));
}

async fn the_passkey(h: &Harness, token: &str) -> Value {
    let (status, body) = h.raw("GET", "/v1/passkeys", Some(token), None).await;
    assert_eq!(status, 200, "{body}");
    body["passkeys"][0].clone()
}

#[tokio::test]
async fn sessions_say_what_they_rest_on_and_counters_count_each_use_once() {
    let h = Harness::start().await;
    for device_bound in [false, true] {
        let email = format!("sessions-{device_bound}@example.test");
        let account = h.sign_up(&email).await;
        let laptop = h.raw_sign_in(&account, "laptop", false).await;
        let phone = h.raw_sign_in(&account, "phone", false).await;
        assert_eq!(sessions(&h, &phone.token).await.len(), 2);
        if !device_bound {
            the_list_shows_no_other_sessions_device_id(&h, &laptop.token).await;
        }

        let origin = url::Url::parse(&format!("https://{RP_ID}")).expect("origin");
        let pm = SoftPasswordManager::new(origin);
        let pm = Arc::new(if device_bound { pm.device_bound() } else { pm });
        let (status, body) = h.raw_register(&account, &phone, &pm, true).await;
        assert_eq!(status, 200, "{body}");
        let enabled = the_passkey(&h, &phone.token).await;
        assert_eq!(
            (
                enabled["use_count"].as_u64(),
                enabled["sign_count"].as_u64()
            ),
            (Some(0), Some(0))
        );

        // Enable signed the laptop out: only the phone's session is left.
        let list = sessions(&h, &phone.token).await;
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0]["device_id"], "phone");
        assert_eq!(list[0]["device_hint"], hint("phone"));
        assert_eq!(list[0]["signed_in_with"], "code");
        assert_eq!(list[0]["current"], true);
        assert_eq!(
            h.raw("GET", "/v1/sessions", Some(&laptop.token), None)
                .await
                .0,
            401
        );

        // Two passkey sign-ins: two more sessions, each use counted once.
        let first = h.raw_sign_in_with_passkey(&account, &pm).await;
        let _second = h.raw_sign_in_with_passkey(&account, &pm).await;
        let list = sessions(&h, &first).await;
        let by: Vec<(&str, bool)> = list
            .iter()
            .map(|s| {
                (
                    s["signed_in_with"].as_str().unwrap_or("?"),
                    s["current"] == true,
                )
            })
            .collect();
        assert_eq!(by, [("code", false), ("passkey", true), ("passkey", false)]);
        let used = the_passkey(&h, &first).await;
        assert_eq!(used["use_count"].as_u64(), Some(2));
        assert_eq!(
            used["sign_count"].as_u64(),
            Some(if device_bound { 2 } else { 0 }),
            "device-bound: {device_bound}"
        );
        // No token ever appears in the list.
        let text = serde_json::to_string(&list).expect("JSON");
        assert!(!text.contains(&first) && !text.contains(&phone.token));
    }
}

/// A request sent as far as its head (with `token`): its body follows with [`Held::send`].
struct Held(tokio::net::TcpStream);

impl Held {
    async fn start(h: &Harness, path: &str, token: &str, body_len: usize) -> Self {
        use tokio::io::AsyncWriteExt;
        let host = h.base_url().trim_start_matches("http://").to_owned();
        let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {body_len}\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        // The server reads the head and checks the session before it waits for the body.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        Self(stream)
    }

    /// Sends the body; the answer's status and body.
    async fn send(mut self, body: &str) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.0.write_all(body.as_bytes()).await.unwrap();
        let mut answer = String::new();
        self.0.read_to_string(&mut answer).await.unwrap();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, answer)
    }

    /// Sends nothing more: the answer's status and body, or `None` if none came within `wait`.
    async fn answer_within(mut self, wait: std::time::Duration) -> Option<(u16, String)> {
        use tokio::io::AsyncReadExt;
        let mut answer = String::new();
        tokio::time::timeout(wait, self.0.read_to_string(&mut answer))
            .await
            .ok()?
            .ok()?;
        let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok())?;
        Some((status, answer))
    }
}

#[tokio::test]
async fn a_body_that_never_comes_is_refused_after_the_body_timeout() {
    // A client holding connections open with bodies that never arrive ties up nothing for longer
    // than the body timeout (30 s by default; 1 s here).
    let mut config = ServerConfig::for_tests(RP_ID);
    config.body_timeout = std::time::Duration::from_secs(1);
    let h = Harness::start_with(config).await;
    let account = h.sign_up("slow@example.test").await;
    let session = h.raw_sign_in(&account, "laptop", false).await;
    let held = Held::start(&h, "/v1/withdrawals", &session.token, 64).await;
    let (status, answer) = held
        .answer_within(std::time::Duration::from_secs(20))
        .await
        .expect("an answer before the client gives up");
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("did not arrive in time"), "{answer}");
    // The session itself is untouched.
    let (status, _) = h
        .raw("GET", "/v1/sessions", Some(&session.token), None)
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_request_held_open_acts_no_more_once_its_session_ended() {
    // BRIEF §5 #3: an old session cannot act. The session is checked when a request's head
    // arrives; an attacker holding a stolen session can send heads at once and bodies later,
    // choosing the withdrawal's address and amount after the owner has revoked the session (by
    // Enable), or after it was signed out. Each body arrives to a 401, and nothing is done.
    let h = Harness::start().await;
    let account = h.sign_up("held@example.test").await;
    let stolen = h.raw_sign_in(&account, "laptop", false).await;
    let phone = h.raw_sign_in(&account, "phone", false).await;
    let withdrawal =
        serde_json::json!({"asset": "USDT", "address": "TAttacker", "amount": "100"}).to_string();
    let held = Held::start(&h, "/v1/withdrawals", &stolen.token, withdrawal.len()).await;
    let step_up_begin = serde_json::json!({"purpose": "passkey_registration"}).to_string();
    let held_step_up =
        Held::start(&h, "/v1/step-up/begin", &stolen.token, step_up_begin.len()).await;

    let origin = url::Url::parse(&format!("https://{RP_ID}")).expect("origin");
    let pm = SoftPasswordManager::new(origin);
    let (status, body) = h.raw_register(&account, &phone, &pm, true).await;
    assert_eq!(status, 200, "{body}");

    let (status, answer) = held.send(&withdrawal).await;
    assert_eq!(status, 401, "{answer}");
    assert!(answer.contains("UNAUTHENTICATED"), "{answer}");
    let (status, answer) = held_step_up.send(&step_up_begin).await;
    assert_eq!(status, 401, "{answer}");

    // Signed out: the same for a session the owner ended on the phone itself.
    let held = Held::start(&h, "/v1/withdrawals", &phone.token, withdrawal.len()).await;
    assert_eq!(
        h.raw("POST", "/v1/logout", Some(&phone.token), None)
            .await
            .0,
        204
    );
    let (status, answer) = held.send(&withdrawal).await;
    assert_eq!(status, 401, "{answer}");
}

#[tokio::test]
async fn a_proof_made_with_a_deleted_passkey_authorises_nothing() {
    // With the requirement off, someone holding the password and a code signed in on a laptop and
    // added a passkey of their own. They take a delete proof with it and keep it. The owner finds
    // the passkey and deletes it: the laptop's password session stays (it was not opened with
    // that passkey), but the proof the deleted passkey made must not delete the owner's passkey.
    let h = Harness::start().await;
    let account = h.sign_up("kept-proof@example.test").await;
    let origin = url::Url::parse(&format!("https://{RP_ID}")).expect("origin");
    let owners = SoftPasswordManager::new(origin.clone());
    let planted = SoftPasswordManager::new(origin);
    let laptop = h.raw_sign_in(&account, "laptop", false).await;
    let (status, body) = h.raw_register(&account, &laptop, &planted, false).await;
    assert_eq!(status, 200, "{body}");
    let phone = h.raw_sign_in(&account, "phone", false).await;
    let (status, body) = h.raw_register(&account, &phone, &owners, false).await;
    assert_eq!(status, 200, "{body}");
    let kept = h.raw_proof(&laptop.token, &planted, "delete_passkey").await;

    let proof = h.raw_proof(&phone.token, &owners, "delete_passkey").await;
    let planted_id = passkey_types::encoding::base64url(&planted.credential_ids(RP_ID)[0]);
    let (status, body) = h
        .raw(
            "DELETE",
            &format!("/v1/passkeys/{planted_id}"),
            Some(&phone.token),
            Some(serde_json::json!({ "proof": proof })),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let owners_id = passkey_types::encoding::base64url(&owners.credential_ids(RP_ID)[0]);
    let (status, body) = h
        .raw(
            "DELETE",
            &format!("/v1/passkeys/{owners_id}"),
            Some(&laptop.token),
            Some(serde_json::json!({ "proof": kept })),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        body["error"]["code"], "PASSKEY_VERIFICATION_REQUIRED",
        "{body}"
    );
    let (status, body) = h.raw("GET", "/v1/passkeys", Some(&phone.token), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["passkeys"].as_array().map(Vec::len), Some(1), "{body}");
    // The laptop's session itself was not opened with the passkey and goes on.
    assert_eq!(
        h.raw("GET", "/v1/policy", Some(&laptop.token), None)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn deleting_a_passkey_signs_out_the_sessions_it_opened_elsewhere() {
    // A passkey the owner no longer trusts (a lost tablet's, or one an attacker added while the
    // requirement was off): deleting it must end the sessions it opened, or whoever holds one
    // keeps acting (withdrawals included) until it expires.
    let h = Harness::start().await;
    let account = h.sign_up("planted@example.test").await;
    let origin = url::Url::parse(&format!("https://{RP_ID}")).expect("origin");
    let owners = SoftPasswordManager::new(origin.clone());
    let other = SoftPasswordManager::new(origin);
    let laptop = h.raw_sign_in(&account, "laptop", false).await;
    let (status, body) = h.raw_register(&account, &laptop, &other, false).await;
    assert_eq!(status, 200, "{body}");
    let phone = h.raw_sign_in(&account, "phone", false).await;
    let (status, body) = h.raw_register(&account, &phone, &owners, true).await;
    assert_eq!(status, 200, "{body}");
    let elsewhere = h.raw_sign_in_with_passkey(&account, &other).await;
    let owner = h.raw_sign_in_with_passkey(&account, &owners).await;
    assert_eq!(
        h.raw("GET", "/v1/policy", Some(&elsewhere), None).await.0,
        200
    );

    let proof = h.raw_proof(&owner, &owners, "delete_passkey").await;
    let id = passkey_types::encoding::base64url(&other.credential_ids(RP_ID)[0]);
    let (status, body) = h
        .raw(
            "DELETE",
            &format!("/v1/passkeys/{id}"),
            Some(&owner),
            Some(serde_json::json!({ "proof": proof })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = h.raw("GET", "/v1/policy", Some(&elsewhere), None).await;
    assert_eq!(status, 401, "{body}");
    let withdrawal = serde_json::json!({"asset": "USDT", "address": "TAttacker", "amount": "1"});
    let (status, _) = h
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&elsewhere),
            Some(withdrawal),
        )
        .await;
    assert_eq!(status, 401);
    // The owner's sessions stay: the one that deleted it, and the phone's.
    assert_eq!(h.raw("GET", "/v1/policy", Some(&owner), None).await.0, 200);
    assert_eq!(
        h.raw("GET", "/v1/policy", Some(&phone.token), None).await.0,
        200
    );
}
