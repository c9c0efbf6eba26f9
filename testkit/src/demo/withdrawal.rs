//! Part two, step 17: BingX turns on "withdrawals need a passkey" on the server; a withdrawal
//! without a proof is refused, one with the proof her passkey signs for it is accepted.

use std::collections::BTreeMap;

use bingx_passkeys_core::Scenario;
use serde_json::json;

use super::format::server_said;
use super::{DemoError, Story, check, detail, failed, say};

/// The withdrawal Alice makes: 250 USDT to `TXdemo4N2ab`.
const WITHDRAWAL: [(&str, &str); 3] = [
    ("asset", "USDT"),
    ("address", "TXdemo4N2ab"),
    ("amount", "250"),
];

/// The body of `POST /v1/withdrawals` for [`WITHDRAWAL`], with `proof`.
fn withdrawal(proof: Option<String>) -> serde_json::Value {
    json!({"asset": "USDT", "address": "TXdemo4N2ab", "amount": "250", "proof": proof})
}

/// Step 17: the server's switch, the app learning of it, and the withdrawal without and with
/// a passkey proof.
pub(super) async fn with_a_proof(story: &Story) -> Result<(), DemoError> {
    say(
        17,
        "BingX switches on \"withdrawals need a passkey\" on the server — no app update.",
    );
    switch_on(story).await?;
    let session = story
        .keystore
        .session_token()
        .ok()
        .flatten()
        .map(|t| t.expose_secret().to_owned())
        .unwrap_or_default();
    refused_without_a_proof(story, &session).await?;
    accepted_with_a_proof(story, &session).await
}

/// The operator's switch (raw HTTP), and the phone's refreshed policy knowing of it.
async fn switch_on(story: &Story) -> Result<(), DemoError> {
    let status = story
        .harness
        .set_server_policy(json!({"scenarios": {"withdrawal": true}}))
        .await;
    check(status == 200, "server policy", "the admin switch failed")?;
    story
        .phone
        .passkeys()
        .policy()
        .await
        .map_err(failed("refresh policy"))?;
    check(
        story.phone.scenarios().needs_passkey(&Scenario::Withdrawal),
        "scenario",
        "the app does not know withdrawals need a passkey",
    )
}

/// Without a proof, on her `session`: 403.
async fn refused_without_a_proof(story: &Story, session: &str) -> Result<(), DemoError> {
    let (status, body) = story
        .harness
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(session),
            Some(withdrawal(None)),
        )
        .await;
    check(
        status == 403,
        "withdrawal without proof",
        "accepted without a passkey",
    )?;
    detail(&format!(
        "Without a passkey: {}",
        server_said(status, &body)
    ));
    Ok(())
}

/// Her passkey signs a proof for exactly this withdrawal; with it, on her `session`: 200.
async fn accepted_with_a_proof(story: &Story, session: &str) -> Result<(), DemoError> {
    let params: BTreeMap<String, String> = WITHDRAWAL
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let proof = story
        .phone
        .scenarios()
        .verify(&Scenario::Withdrawal, &params)
        .await
        .map_err(failed("verify the withdrawal"))?;
    let (status, body) = story
        .harness
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(session),
            Some(withdrawal(Some(proof.token.expose_secret().to_owned()))),
        )
        .await;
    check(
        status == 200,
        "withdrawal with proof",
        "refused with a valid proof",
    )?;
    detail(&format!(
        "She confirms 250 USDT to TXdemo4N2ab with her passkey: withdrawal {} accepted (the proof fits only this one).",
        body["withdrawal_id"].as_str().unwrap_or("?")
    ));
    Ok(())
}
