//! What every handler shares: configuration, storage, the relying party, the clock and the
//! server's signing keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use webauthn_rs::Webauthn;

use super::aaguid::AaguidTable;
use super::config::ServerConfig;
use super::db::Db;
use super::hooks::Pause;
use super::passwords::Passwords;
use super::policy::PolicyKey;
use super::third_party::TestIdp;

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

/// Wall-clock time plus an offset that tests can move forward to expire things.
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Unix seconds, as the server sees them.
    pub fn now(&self) -> i64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        wall.saturating_add(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

/// A duration in whole seconds as stored (validated configs keep these far from overflow).
pub fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX / 2)
}
