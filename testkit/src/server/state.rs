//! What every handler shares: configuration, storage, the relying party, the clock and the
//! server's signing keys.

use std::sync::Arc;

use webauthn_rs::Webauthn;

use super::aaguid::AaguidTable;
use super::clock::Clock;
use super::config::ServerConfig;
use super::db::Db;
use super::hooks::Pause;
use super::idp::TestIdp;
use super::passwords::Passwords;
use super::policy_key::PolicyKey;

/// Shared application state.
pub struct App {
    /// The validated configuration.
    pub config: ServerConfig,
    /// Storage.
    pub db: Db,
    /// The webauthn-rs relying party.
    pub webauthn: Webauthn,
    /// AAGUID → provider names.
    pub aaguids: AaguidTable,
    /// The server's clock.
    pub clock: Clock,
    /// The key that signs policies.
    pub policy_key: PolicyKey,
    /// The test identity provider behind third-party login.
    pub idp: TestIdp,
    /// The bounded password checker.
    pub passwords: Passwords,
}

impl App {
    /// Notes a secret just issued in the test's secret ledger, if one is kept (see
    /// [`super::TestHooks::with_secret_ledger`]); nothing outside such tests.
    pub fn note_secret(&self, secret: &str) {
        if let Some(hooks) = &self.config.test_hooks {
            hooks.record_secret(secret);
        }
    }

    /// Waits at `point` while a test holds it (no wait outside tests).
    pub async fn pause(&self, point: Pause) {
        if let Some(hooks) = &self.config.test_hooks {
            hooks.pass(point).await;
        }
    }
}

/// The state handlers receive.
pub type AppState = Arc<App>;
