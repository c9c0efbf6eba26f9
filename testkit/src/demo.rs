//! `passkeys-testkit demo`: journey J1 (Enable), then life with the flag on (J2–J6), narrated
//! as a user lives it, on the embedded reference server with the software password manager.
//! Every product step goes through the core exactly as the app would call it (the attacker's and
//! the server operator's steps are raw HTTP); any failure ends the demo with a non-zero exit.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bingx_passkeys_core::{
    LoginPath, PasskeyInfo, PasskeysClient, PasskeysError, PlatformAuthenticator, SecretStore,
    SignInStep,
};
use serde_json::json;

use crate::harness::{Harness, RP_ID, RawSession, TestAccount, TwoPasswordManagers};
use crate::server::ServerConfig;
use crate::softpm::SoftPasswordManager;

/// 1Password's AAGUID (passkey-authenticator-aaguids), so the second passkey shows a provider.
const ONE_PASSWORD_AAGUID: [u8; 16] = [
    0xba, 0xda, 0x55, 0x66, 0xa7, 0xaa, 0x40, 0x1f, 0xbd, 0x96, 0x45, 0x61, 0x9a, 0x55, 0x12, 0x0d,
];

/// A demo step that did not go as the journey says.
#[derive(Debug, thiserror::Error)]
#[error("demo step failed: {step}: {reason}")]
pub struct DemoError {
    step: &'static str,
    reason: String,
}

fn failed(step: &'static str) -> impl FnOnce(PasskeysError) -> DemoError {
    move |e| DemoError {
        step,
        reason: e.to_string(),
    }
}

fn check(ok: bool, step: &'static str, reason: &str) -> Result<(), DemoError> {
    if ok {
        Ok(())
    } else {
        Err(DemoError {
            step,
            reason: reason.to_owned(),
        })
    }
}

fn say(n: usize, text: &str) {
    println!("\n{n:>2}. {text}");
}

fn detail(text: &str) {
    println!("    {text}");
}

/// Run the narrated journeys.
pub async fn run() -> Result<(), DemoError> {
    run_with(ServerConfig::for_tests(RP_ID)).await
}

/// The demo on a server with `config` (e.g. with the secret ledger of
/// [`TestHooks::with_secret_ledger`](crate::server::TestHooks::with_secret_ledger), to prove the run prints no secret). The keys of the demo's
/// password managers and the codes it types go into that ledger too.
pub async fn run_with(config: ServerConfig) -> Result<(), DemoError> {
    println!("BingX Passkeys — \"Must verify using passkeys for important scenarios\"");
    println!("=====================================================================");
    let hooks = config.test_hooks.clone();
    let harness = Harness::start_with(config).await;
    say(
        1,
        &format!(
            "The BingX reference server is running at {} for {RP_ID}.",
            harness.base_url()
        ),
    );
    detail("It verifies every passkey with webauthn-rs and keeps accounts in SQLite (in memory).");

    let alice = harness.sign_up("alice@demo.bingx.test").await;
    let password_manager = harness.password_manager();
    // A second password manager on the phone, for "add another passkey" later (the demo's
    // software password manager again, presenting 1Password's AAGUID).
    let second_manager = Arc::new(
        SoftPasswordManager::new(
            url::Url::parse(&format!("https://{RP_ID}")).expect("static origin"),
        )
        .with_aaguid(ONE_PASSWORD_AAGUID),
    );
    let keystore = SecretStore::in_memory().map_err(|e| failed("keystore")(e.into()))?;
    let phone = harness.client_with(
        &harness.base_url(),
        keystore.clone(),
        Arc::new(TwoPasswordManagers {
            first: password_manager.clone(),
            second: second_manager.clone(),
        }),
    );
    say(
        2,
        "Alice opens the BingX app and signs in with her email and password.",
    );
    harness
        .sign_in(&phone, &alice, "alice-phone")
        .await
        .map_err(failed("sign in with password and emailed code"))?;
    detail("BingX emailed her a 6-digit code; she typed it in. She is signed in.");

    let laptop = harness.raw_sign_in(&alice, "alice-laptop", true).await;
    say(
        3,
        "Alice is also signed in on her laptop, which she once marked as a trusted device.",
    );

    say(
        4,
        "On her phone she opens Security Center → Passkeys → Enable.",
    );
    let before = phone.requests_sent();
    let flow = phone.enable();
    let capabilities = flow.check_device().await.map_err(failed("device check"))?;
    detail(&format!(
        "Device check: password manager available: {}, screen lock or biometrics: {}.",
        yes(capabilities.password_manager_available),
        yes(capabilities.user_can_authenticate)
    ));

    say(5, "The app shows a warning before going on:");
    for line in wrap(&shown(&flow.warning()), 88) {
        detail(&format!("│ {line}"));
    }
    flow.acknowledge_warning()
        .map_err(failed("accept the warning"))?;
    detail("Alice taps Continue.");

    say(
        6,
        "BingX asks Alice to prove it's her with her current factors.",
    );
    let factors = flow
        .start_step_up()
        .await
        .map_err(failed("start step-up"))?;
    detail(&format!(
        "Accepted: password plus one of {}.",
        factors
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let code = crate::server::totp_code(&alice.totp_secret, now);
    if let Some(hooks) = &hooks {
        hooks.record_secret(&code);
    }
    flow.finish_step_up(&alice.password, bingx_passkeys_core::Factor::Totp, &code)
        .await
        .map_err(failed("finish step-up"))?;
    detail("She enters her password and the code from her authenticator app. Verified.");

    say(
        7,
        "Her password manager asks for her fingerprint and creates a passkey for BingX.",
    );
    let after_step_up = phone.requests_sent();
    let outcome = flow
        .create_passkey(None)
        .await
        .map_err(failed("create the passkey"))?;
    let round_trips = phone.requests_sent() - after_step_up;
    detail(&format!(
        "The core checked the request and the passkey before sending it; BingX verified it. \
         ({round_trips} requests after step-up, {} in all.)",
        phone.requests_sent() - before
    ));
    check(
        round_trips == 2,
        "round trips",
        "Enable must take 2 requests after step-up",
    )?;

    say(
        8,
        "\"Must verify using passkeys for important scenarios\" is now ON.",
    );
    let policy = &outcome.policy;
    check(
        policy.passkey_required,
        "flag",
        "the server did not turn the flag on",
    )?;
    detail(&format!(
        "Blocked for this account from now on: {}.",
        policy
            .blocked_paths
            .iter()
            .map(|p| match p.as_str() {
                "h5_login" => "H5 (web) login".to_owned(),
                "third_party_login" => "third-party login (Google, Apple, Telegram…)".to_owned(),
                other => other.replace('_', " "),
            })
            .collect::<Vec<_>>()
            .join(", ")
    ));
    detail(&format!(
        "Signed out elsewhere: {} session(s); trusted-device marks removed: {}.",
        outcome.revoked_sessions, outcome.revoked_trusted_devices
    ));

    say(9, "The Passkeys page:");
    let passkeys = phone
        .passkeys()
        .list()
        .await
        .map_err(failed("list passkeys"))?;
    check(
        passkeys.len() == 1,
        "passkeys page",
        "expected exactly one passkey",
    )?;
    for p in &passkeys {
        show_passkey(p);
    }
    check(
        password_manager.credential_ids(RP_ID).len() == 1
            && password_manager.capabilities().await.ready(),
        "password manager",
        "the password manager should hold the new passkey",
    )?;

    say(
        10,
        "Meanwhile the laptop's old session has stopped working:",
    );
    let (status, body) = harness
        .raw("GET", "/v1/passkeys", Some(&laptop.token), None)
        .await;
    check(
        status == 401,
        "old session",
        "the laptop session still works",
    )?;
    detail(&format!(
        "BingX answers {status} {}: \"{}\"",
        body["error"]["code"].as_str().unwrap_or("?"),
        body["error"]["message"].as_str().unwrap_or("?")
    ));

    println!(
        "\nPart one done: Alice's account now accepts only her passkey for important scenarios."
    );
    with_the_flag_on(
        &harness,
        &alice,
        &phone,
        &keystore,
        &password_manager,
        &laptop,
    )
    .await?;
    if let Some(hooks) = &hooks {
        for pm in [&password_manager, &second_manager] {
            for key in pm.private_keys_for_leak_tests() {
                hooks.record_key(&key);
            }
        }
    }
    println!("\nDone: every journey of the demo went as a user would expect.");
    Ok(())
}

/// Part two: life with the flag on (BRIEF §2 J2–J6).
async fn with_the_flag_on(
    harness: &Harness,
    alice: &TestAccount,
    phone: &PasskeysClient,
    keystore: &SecretStore,
    password_manager: &Arc<SoftPasswordManager>,
    laptop: &RawSession,
) -> Result<(), DemoError> {
    println!("\nPart two: with passkeys required");
    println!("--------------------------------");
    phone
        .passkeys()
        .policy()
        .await
        .map_err(failed("refresh policy"))?;

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

    say(13, "Her old laptop shows its \"trusted device\" mark:");
    let (status, body) = harness
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

    say(
        14,
        "On the login screen, H5 and \"Continue with Google\" are refused:",
    );
    let before = phone.requests_sent();
    for (path, label) in [
        (LoginPath::H5, "H5 (web) login"),
        (LoginPath::ThirdParty, "Google"),
    ] {
        let err = phone.sign_in().check_path(path).err();
        check(
            err.is_some(),
            "blocked path",
            "the device allowed a blocked path",
        )?;
        detail(&format!(
            "{label}: refused on the device, nothing sent — \"{}\"",
            err.map(|e| shown(&e.text())).unwrap_or_default()
        ));
    }
    check(
        phone.requests_sent() == before,
        "blocked path",
        "a request was sent",
    )?;
    let web = harness.client(harness.password_manager());
    let err = web
        .sign_in()
        .with_h5(&alice.email, &alice.password, "browser")
        .await
        .err();
    check(
        matches!(err, Some(PasskeysError::PathBlocked { .. })),
        "h5 on the server",
        "H5 login was not refused",
    )?;
    detail(&format!(
        "From a browser the device knows nothing, so BingX refuses: \"{}\"",
        err.map(|e| shown(&e.text())).unwrap_or_default()
    ));

    say(
        15,
        "On her tablet (same synced password manager) she taps \"Sign in with a passkey\" — no email typed.",
    );
    let tablet = harness.client(password_manager.clone());
    let account = tablet
        .sign_in()
        .with_passkey()
        .await
        .map_err(failed("usernameless sign-in"))?;
    check(
        account == alice.account_id,
        "usernameless",
        "signed in to the wrong account",
    )?;
    detail("The passkey she picked tells BingX who she is. Signed in.");

    say(
        16,
        "On the Passkeys page she renames her passkey and adds a second one in another password manager.",
    );
    let first = phone.passkeys().list().await.map_err(failed("list"))?;
    let first_id = first
        .first()
        .map(|p| p.credential_id.clone())
        .unwrap_or_default();
    phone
        .passkeys()
        .rename(&first_id, "Alice's phone")
        .await
        .map_err(failed("rename"))?;
    detail("Renaming needs her passkey first (fingerprint), then the new name is saved.");
    phone
        .passkeys()
        .add(Some("Backup in 1Password"))
        .await
        .map_err(failed("add a passkey"))?;
    detail("Adding one needs her passkey too; then the second password manager creates it.");
    for p in &phone.passkeys().list().await.map_err(failed("list"))? {
        show_passkey(p);
    }

    say(
        17,
        "BingX switches on \"withdrawals need a passkey\" on the server — no app update.",
    );
    let status = harness
        .set_server_policy(json!({"scenarios": {"withdrawal": true}}))
        .await;
    check(status == 200, "server policy", "the admin switch failed")?;
    phone
        .passkeys()
        .policy()
        .await
        .map_err(failed("refresh policy"))?;
    check(
        phone
            .scenarios()
            .needs_passkey(&bingx_passkeys_core::Scenario::Withdrawal),
        "scenario",
        "the app does not know withdrawals need a passkey",
    )?;
    let session = keystore
        .session_token()
        .ok()
        .flatten()
        .map(|t| t.expose_secret().to_owned())
        .unwrap_or_default();
    let withdrawal = |proof: Option<String>| json!({"asset": "USDT", "address": "TXdemo4N2ab", "amount": "250", "proof": proof});
    let (status, body) = harness
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&session),
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
    let params: BTreeMap<String, String> = [
        ("asset", "USDT"),
        ("address", "TXdemo4N2ab"),
        ("amount", "250"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let proof = phone
        .scenarios()
        .verify(&bingx_passkeys_core::Scenario::Withdrawal, &params)
        .await
        .map_err(failed("verify the withdrawal"))?;
    let (status, body) = harness
        .raw(
            "POST",
            "/v1/withdrawals",
            Some(&session),
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

    say(
        18,
        "Finally she turns \"Must verify using passkeys\" off — which also needs her passkey.",
    );
    let policy = phone
        .passkeys()
        .turn_off_requirement()
        .await
        .map_err(failed("turn the flag off"))?;
    check(!policy.passkey_required, "flag off", "the flag is still on")?;
    check(
        phone.sign_in().check_path(LoginPath::H5).is_ok()
            && phone.sign_in().check_path(LoginPath::ThirdParty).is_ok(),
        "paths reopened",
        "blocked paths stayed blocked",
    )?;
    detail("H5 and third-party login are available again; her passkeys stay for sign-in.");

    say(19, "Her recent security activity:");
    for event in phone
        .passkeys()
        .activity()
        .await
        .map_err(failed("security activity"))?
        .iter()
        .take(12)
    {
        detail(&format!(
            "{}  {:<26} {}",
            utc(event.at),
            event.kind,
            event.detail
        ));
    }
    Ok(())
}

fn server_said(status: u16, body: &serde_json::Value) -> String {
    format!(
        "BingX answers {status} {}: \"{}\"",
        body["error"]["code"].as_str().unwrap_or("?"),
        body["error"]["message"].as_str().unwrap_or("?")
    )
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn show_passkey(p: &PasskeyInfo) {
    detail(&format!("• {}", p.name));
    detail(&format!(
        "  Provider: {}{}",
        p.provider,
        if p.provider_known {
            ""
        } else {
            " (not recognised)"
        }
    ));
    detail(&format!("  Created: {}", utc(p.created_at)));
    detail(&format!(
        "  Last used: {}",
        p.last_used_at.map(utc).unwrap_or_else(|| "never".into())
    ));
    detail(&format!(
        "  {}",
        if p.backup_eligible {
            "Synced passkey (backed up by the password manager)"
        } else {
            "Device-bound passkey (only on this device)"
        }
    ));
}

/// `YYYY-MM-DD HH:MM UTC` from unix seconds (Howard Hinnant's civil-from-days).
fn utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() && last.len() + 1 + word.len() > width {
            lines.push(word.to_owned());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// A text of the string tables (`i18n/texts.toml`, the same table the apps' resources are
/// generated from), in English, as the demo shows it.
fn shown(text: &bingx_passkeys_core::PasskeysText) -> String {
    crate::texts::format_text(text, crate::texts::Lang::En)
        .unwrap_or_else(|e| format!("[{}: {e}]", text.key))
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(1_795_000_000), "2026-11-18 11:06 UTC");
    }
}
