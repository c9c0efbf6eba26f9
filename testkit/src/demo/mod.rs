//! `passkeys-testkit demo`: journey J1 (Enable), then life with the flag on (J2–J6), then a lost
//! phone (J8), narrated as a user lives it, on the embedded reference server with the software password manager.
//! Every product step goes through the core exactly as the app would call it (the attacker's and
//! the server operator's steps are raw HTTP); any failure ends the demo with a non-zero exit.
//!
//! One file per chapter of the story, each told over the same `Story`:
//!
//! | file | steps | chapter |
//! |---|---|---|
//! | `enable.rs` | 1–10 | the setting, then Enable: device check, warning, step-up, the passkey, what changed |
//! | `sign_in.rs` | 11–13 | signing in with the flag on: the passkey, the refused code route, the trusted device |
//! | `blocked.rs` | 14 | H5 and third-party login refused |
//! | `manage.rs` | 15–16, 18–19 | the tablet, the Passkeys page, turning the requirement off, activity |
//! | `withdrawal.rs` | 17 | a withdrawal that needs a passkey proof |
//! | `lost_phone.rs` | 20–27 | J8: a lost phone, the support reset after its cooling-off, the hold, a new passkey |
//! | `format.rs` | — | how the story writes dates, passkeys and the server's answers |

mod blocked;
mod enable;
mod format;
mod lost_phone;
mod manage;
mod sign_in;
mod withdrawal;

use std::sync::Arc;

use bingx_passkeys_core::{PasskeysClient, PasskeysError, SecretStore};

use crate::harness::{Harness, RP_ID, RawSession, TestAccount};
use crate::server::{ServerConfig, TestHooks};
use crate::softpm::SoftPasswordManager;

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

/// Everyone and everything in the story, from step 1 to the end.
struct Story {
    /// The server's test hooks (the secret ledger), when the run keeps one.
    hooks: Option<Arc<TestHooks>>,
    /// The reference server and the means to drive it.
    harness: Harness,
    /// Alice's account.
    alice: TestAccount,
    /// The password manager on Alice's phone (synced to her tablet).
    password_manager: Arc<SoftPasswordManager>,
    /// A second password manager on the phone (1Password's AAGUID), for "add another passkey".
    second_manager: Arc<SoftPasswordManager>,
    /// The phone app's secret store.
    keystore: SecretStore,
    /// The BingX app on Alice's phone.
    phone: PasskeysClient,
    /// Alice's laptop session from before the flag, marked as a trusted device.
    laptop: RawSession,
}

impl Story {
    /// Puts the private keys of the demo's password managers into the secret ledger.
    fn record_keys(&self) {
        if let Some(hooks) = &self.hooks {
            for pm in [&self.password_manager, &self.second_manager] {
                for key in pm.private_keys_for_leak_tests() {
                    hooks.record_key(&key);
                }
            }
        }
    }
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
    let story = enable::set_the_scene(config).await?;
    enable::enable(&story).await?;
    println!(
        "\nPart one done: Alice's account now accepts only her passkey for important scenarios."
    );
    with_the_flag_on(&story).await?;
    println!("\nPart three: a lost phone");
    println!("------------------------");
    lost_phone::lost_phone(&story).await?;
    story.record_keys();
    println!("\nDone: every journey of the demo went as a user would expect.");
    Ok(())
}

/// Part two: life with the flag on (BRIEF §2 J2–J6).
async fn with_the_flag_on(story: &Story) -> Result<(), DemoError> {
    println!("\nPart two: with passkeys required");
    println!("--------------------------------");
    story
        .phone
        .passkeys()
        .policy()
        .await
        .map_err(failed("refresh policy"))?;
    sign_in::with_a_passkey(story).await?;
    sign_in::the_code_route(story).await?;
    sign_in::the_trusted_device(story).await?;
    blocked::h5_and_third_party(story).await?;
    manage::usernameless_on_a_tablet(story).await?;
    manage::rename_and_add(story).await?;
    withdrawal::with_a_proof(story).await?;
    manage::turn_the_requirement_off(story).await?;
    manage::activity(story).await
}
