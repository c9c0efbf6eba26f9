//! No secret in any output (issue 7; BRIEF §5 #17): the demo (and a load run) with every debug
//! log on (`RUST_LOG=trace`: webauthn-rs, rustls, hyper, reqwest…) print nothing of the secrets
//! issued during the run — session, step-up and trust tokens, proofs, the attempts a code or a
//! passkey finishes (login, step-up and reset-request ids), identity-provider tokens, reset
//! tokens, one-time codes (emailed and TOTP), TOTP secrets, passwords, and private keys (the
//! server's policy and identity-provider keys, the password managers' passkeys). The command keeps
//! a ledger of them (`PASSKEYS_TESTKIT_SECRET_LEDGER`); the test searches stdout and stderr for
//! each.

use std::process::Command;

mod common;
use common::TempDb;

/// Runs `passkeys-testkit <args>` with debug logs and the ledger; returns (output, secrets).
fn run_with_ledger(args: &[&str]) -> (String, Vec<String>) {
    let ledger = TempDb::new("ledger");
    let output = Command::new(env!("CARGO_BIN_EXE_passkeys-testkit"))
        .args(args)
        .env("RUST_LOG", "trace")
        .env("PASSKEYS_TESTKIT_SECRET_LEDGER", &ledger.0)
        .output()
        .expect("passkeys-testkit runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{args:?} failed:\n{text}");
    let secrets = std::fs::read_to_string(&ledger.0)
        .expect("the ledger was written")
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    (text, secrets)
}

/// The secrets that occur in `output`: plain substrings, and all-digit codes only where no digit
/// touches them (a 6-digit code inside a timestamp is not the code).
fn leaked<'a>(output: &str, secrets: &'a [String]) -> Vec<&'a str> {
    secrets
        .iter()
        .map(String::as_str)
        .filter(|secret| {
            if secret.bytes().all(|b| b.is_ascii_digit()) {
                output.match_indices(secret).any(|(at, _)| {
                    let before = output[..at].chars().next_back();
                    let after = output[at + secret.len()..].chars().next();
                    !before.is_some_and(|c| c.is_ascii_digit())
                        && !after.is_some_and(|c| c.is_ascii_digit())
                })
            } else {
                output.contains(secret)
            }
        })
        .collect()
}

/// Asserts that none of `secrets` occurs in `output`, naming only their first characters.
fn assert_none_leaked(output: &str, secrets: &[String]) {
    let leaked = leaked(output, secrets);
    assert!(
        leaked.is_empty(),
        "{} secret(s) of the run appear in its output (first characters: {:?})",
        leaked.len(),
        leaked
            .iter()
            .map(|s| s.chars().take(4).collect::<String>())
            .collect::<Vec<_>>()
    );
}

fn assert_kinds(secrets: &[String]) {
    let codes = secrets
        .iter()
        .filter(|s| s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()));
    let tokens = secrets.iter().filter(|s| s.len() == 43);
    let hex_keys = secrets
        .iter()
        .filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(codes.count() >= 1, "no one-time code was recorded");
    assert!(tokens.count() >= 5, "too few tokens were recorded");
    assert!(hex_keys.count() >= 3, "the private keys were not recorded");
}

#[test]
fn the_demo_with_debug_logs_prints_no_secret() {
    let (output, secrets) = run_with_ledger(&["demo"]);
    assert_kinds(&secrets);
    assert!(
        output.contains("[DEBUG") || output.contains("[TRACE"),
        "the debug logs were not on"
    );
    assert_none_leaked(&output, &secrets);
}

#[test]
fn a_load_run_with_debug_logs_prints_no_secret() {
    // The load signs accounts up and in (password, emailed code), enables each with a step-up
    // and signs in with passkeys: its report and every debug log stay free of what it issued.
    let (output, secrets) = run_with_ledger(&[
        "load",
        "--accounts",
        "3",
        "--logins",
        "12",
        "--concurrency",
        "2",
        "--setup-concurrency",
        "2",
        "--bare-seconds",
        "0",
    ]);
    let tokens = secrets.iter().filter(|s| s.len() == 43).count();
    assert!(tokens >= 3 * 3, "too few tokens were recorded ({tokens})");
    assert!(
        output.contains("[DEBUG") || output.contains("[TRACE"),
        "the debug logs were not on"
    );
    assert_none_leaked(&output, &secrets);
}

#[test]
fn the_search_finds_a_secret_that_is_printed() {
    // The search itself must be able to fail.
    let secrets = vec!["123456".to_owned(), "tok_abcdefghijklmnop".to_owned()];
    assert_eq!(
        leaked("code 123456 sent", &secrets),
        vec!["123456"],
        "a code on its own"
    );
    assert!(
        leaked("at 1712345678", &secrets).is_empty(),
        "inside a number"
    );
    assert_eq!(leaked("x tok_abcdefghijklmnop y", &secrets).len(), 1);
}
