//! `passkeys-testkit demo`: journey J1 (Enable) narrated as a user lives it, on the embedded
//! reference server with the software password manager. Every step goes through the core exactly
//! as the app would call it; any failure ends the demo with a non-zero exit.

use std::time::{SystemTime, UNIX_EPOCH};

use bingx_passkeys_core::{PasskeyError, PasskeyInfo, PlatformAuthenticator};

use crate::harness::{Harness, RP_ID};

/// A demo step that did not go as the journey says.
#[derive(Debug, thiserror::Error)]
#[error("demo step failed: {step}: {reason}")]
pub struct DemoError {
    step: &'static str,
    reason: String,
}

fn failed(step: &'static str) -> impl FnOnce(PasskeyError) -> DemoError {
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

/// Run the narrated Enable journey.
pub async fn run() -> Result<(), DemoError> {
    println!("BingX Passkeys — \"Must verify using passkeys for important scenarios\"");
    println!("=====================================================================");
    let harness = Harness::start().await;
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
    let phone = harness.client(password_manager.clone());
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
    let flow = phone.enable_flow();
    let capabilities = flow.check_device().await.map_err(failed("device check"))?;
    detail(&format!(
        "Device check: password manager available: {}, screen lock or biometrics: {}.",
        yes(capabilities.password_manager_available),
        yes(capabilities.user_can_authenticate)
    ));

    say(5, "The app shows a warning before going on:");
    for line in wrap(flow.warning(), 88) {
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
        factors.join(", ")
    ));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let code = crate::server::totp_code(&alice.totp_secret, now);
    flow.finish_step_up(&alice.password, "totp", &code)
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
    let passkeys = phone.passkeys().await.map_err(failed("list passkeys"))?;
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

    println!("\nDone: Alice's account now accepts only her passkey for important scenarios.");
    Ok(())
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

#[cfg(test)]
mod tests {
    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(1_795_000_000), "2026-11-18 11:06 UTC");
    }
}
