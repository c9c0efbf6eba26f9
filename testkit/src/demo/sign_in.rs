//! Part two, steps 11–13: signing in once passkeys are required — with her passkey (the app
//! refuses a code), the attacker's code route, and the old "trusted device" mark.

use bingx_passkeys_core::{PasskeysError, SignInStep};
use serde_json::json;

use super::format::{server_said, shown};
use super::{DemoError, Story, check, detail, failed, say};

/// Step 11: email and password, then "passkey required": a code is refused on the device and
/// her passkey signs her in.
pub(super) async fn with_a_passkey(story: &Story) -> Result<(), DemoError> {
    let (phone, alice) = (&story.phone, &story.alice);
    say(
        11,
        "Alice signs out of the app, then signs in again with her email and password.",
    );
    phone
        .sign_in()
        .sign_out()
        .await
        .map_err(failed("sign out"))?;
    let before = phone.requests_sent();
    let step = phone
        .sign_in()
        .with_password(&alice.email, &alice.password, "alice-phone", None)
        .await
        .map_err(failed("password step"))?;
    let SignInStep::PasskeyRequired { login_id } = step else {
        return Err(DemoError {
            step: "password step",
            reason: format!("expected \"passkey required\", got {step:?}"),
        });
    };
    detail("BingX answers \"passkey required\" — no code is sent, and the app would refuse one:");
    let refused = phone
        .sign_in()
        .complete_with_code(
            &login_id,
            bingx_passkeys_core::Factor::Email,
            "123456",
            false,
        )
        .await;
    check(
        refused == Err(PasskeysError::PasskeyRequired),
        "no code",
        "a code was accepted",
    )?;
    detail(&format!(
        "\"{}\"",
        refused.err().map(|e| shown(&e.text())).unwrap_or_default()
    ));
    phone
        .sign_in()
        .complete_with_passkey(&login_id)
        .await
        .map_err(failed("passkey sign-in"))?;
    detail(&format!(
        "Her password manager asks for her fingerprint; she is signed in ({} requests from password to session).",
        phone.requests_sent() - before
    ));
    Ok(())
}

/// Step 12: someone with her password and her email tries a code over raw HTTP; BingX refuses.
pub(super) async fn the_code_route(story: &Story) -> Result<(), DemoError> {
    let (harness, alice) = (&story.harness, &story.alice);
    say(
        12,
        "Someone who stole her password and can read her email tries the code route:",
    );
    let (_, started) = harness
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(
                json!({"email": alice.email, "password": alice.password, "device_id": "attacker"}),
            ),
        )
        .await;
    let (status, body) = harness
        .raw(
            "POST",
            "/v1/login/code",
            None,
            Some(json!({"login_id": started["login_id"], "factor": "email", "code": "000000", "trust_device": true})),
        )
        .await;
    check(
        status == 403,
        "otp refused",
        "the code route gave an answer other than 403",
    )?;
    detail(&server_said(status, &body));
    Ok(())
}

/// Step 13: the laptop's trust mark no longer skips anything: passkey required, no session.
pub(super) async fn the_trusted_device(story: &Story) -> Result<(), DemoError> {
    let (alice, laptop) = (&story.alice, &story.laptop);
    say(13, "Her old laptop shows its \"trusted device\" mark:");
    let (status, body) = story
        .harness
        .raw(
            "POST",
            "/v1/login/password",
            None,
            Some(json!({"email": alice.email, "password": alice.password, "device_id": "alice-laptop", "trust_token": laptop.trust_token})),
        )
        .await;
    check(
        body["status"] == "passkey_required" && body.get("session_token").is_none(),
        "trusted device",
        "the trusted device got a session",
    )?;
    detail(&format!(
        "BingX answers {status}: passkey required, exactly as for any other device."
    ));
    Ok(())
}
