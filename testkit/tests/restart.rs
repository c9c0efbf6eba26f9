//! A server restarted on the same database file (issue 7, item 7): the policy-signing key that
//! devices pin is the same after the restart, and a policy signed before it still verifies.

use bingx_passkeys_testkit::harness::{Harness, RP_ID};
use bingx_passkeys_testkit::server::ServerConfig;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::Value;

mod common;
use common::TempDb;

const B64: data_encoding::Encoding = data_encoding::BASE64URL_NOPAD;

/// Whether `policy.signed` verifies with the SEC1 public key `key` (unpadded base64url).
fn verifies(key: &str, policy: &Value) -> bool {
    let decode = |text: &Value| B64.decode(text.as_str().unwrap_or("!").as_bytes()).ok();
    let (Some(point), Some(payload), Some(der)) = (
        decode(&Value::from(key)),
        decode(&policy["signed"]["payload"]),
        decode(&policy["signed"]["signature"]),
    ) else {
        return false;
    };
    let (Ok(key), Ok(signature)) = (
        VerifyingKey::from_sec1_bytes(&point),
        Signature::from_der(&der),
    ) else {
        return false;
    };
    key.verify(&payload, &signature).is_ok()
}

async fn policy_key(h: &Harness) -> String {
    let (status, body) = h.raw("GET", "/v1/policy-key", None, None).await;
    assert_eq!(status, 200, "{body}");
    body["public_key"].as_str().expect("public_key").to_owned()
}

#[tokio::test]
async fn the_policy_key_survives_a_restart_on_the_same_database() {
    let db = TempDb::new("policy-key");
    let config = || {
        let mut config = ServerConfig::for_tests(RP_ID);
        config.db_path = Some(db.0.clone());
        config
    };

    let first = Harness::start_with(config()).await;
    let key_before = policy_key(&first).await;
    let account = first.sign_up("restart@example.test").await;
    let session = first.raw_sign_in(&account, "phone", false).await;
    let (status, policy_before) = first
        .raw("GET", "/v1/policy", Some(&session.token), None)
        .await;
    assert_eq!(status, 200, "{policy_before}");
    first.shutdown().await;

    let second = Harness::start_with(config()).await;
    assert_eq!(policy_key(&second).await, key_before);
    // The session and the account are there too; the policies signed before and after the
    // restart both verify with the key the device pinned before it.
    let (status, policy_after) = second
        .raw("GET", "/v1/policy", Some(&session.token), None)
        .await;
    assert_eq!(status, 200, "{policy_after}");
    assert!(verifies(&key_before, &policy_before));
    assert!(verifies(&key_before, &policy_after));

    // A database of its own has a key of its own.
    let other_db = TempDb::new("policy-key-other");
    let mut other = ServerConfig::for_tests(RP_ID);
    other.db_path = Some(other_db.0.clone());
    let third = Harness::start_with(other).await;
    assert_ne!(policy_key(&third).await, key_before);
}
