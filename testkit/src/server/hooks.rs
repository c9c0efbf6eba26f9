//! Pause points for tests: a test can hold every request that reaches a named point of a
//! handler, act while it is held (run Enable, say), then let it go on. This makes the
//! interleavings of concurrent requests that a race needs happen every time instead of once in
//! many runs. A server without [`TestHooks`] in its configuration passes every point at once.
//!
//! ```no_run
//! # async fn demo() {
//! use bingx_passkeys_testkit::server::{Pause, ServerConfig, TestHooks};
//! let hooks = TestHooks::new();
//! let mut config = ServerConfig::for_tests("bingx.test");
//! config.test_hooks = Some(hooks.clone());
//! let gate = hooks.hold(Pause::BeforeSessionDecision);
//! // … send a login; then:
//! gate.arrived().await; // the login is held just before it decides on the account's flag
//! // … turn the flag on; then:
//! gate.release();
//! # }
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

/// A named point in a handler where a test can hold requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pause {
    /// A sign-in has checked the factor it was given (password and trust mark, one-time code,
    /// third-party id token, H5 password) and is about to decide, from the account's passkey
    /// flag, whether it may open a session.
    BeforeSessionDecision,
    /// A registration finish is about to read its ceremony, verify and store the passkey.
    BeforeRegistrationFinish,
    /// A password check holds one of the bounded hashing workers and is about to run Argon2.
    InPasswordCheck,
    /// A reset request (J8) has checked the password and is about to send its codes.
    BeforeResetRequest,
}

/// The pause points a test holds, and (when asked for) a ledger of every secret the server
/// issued, so that a test can search a run's output for them. Shared between the test and the
/// server's configuration.
#[derive(Debug, Default)]
pub struct TestHooks {
    gates: Mutex<HashMap<Pause, Arc<Gate>>>,
    /// `Some` when the secret ledger is on.
    secrets: Mutex<Option<Vec<String>>>,
}

/// One held point: requests that reach it wait until the test releases them.
#[derive(Debug)]
pub struct Gate {
    arrivals: Semaphore,
    releases: Semaphore,
}

impl TestHooks {
    /// New hooks that hold nothing yet.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Hooks that also keep a ledger of every secret issued while they are in use: session,
    /// step-up and trust tokens, proofs, one-time codes, and private keys (see
    /// [`TestHooks::record_key`]). The ledger lives in memory; it exists only for tests that
    /// prove none of these reaches any output.
    pub fn with_secret_ledger() -> Arc<Self> {
        Arc::new(Self {
            gates: Mutex::default(),
            secrets: Mutex::new(Some(Vec::new())),
        })
    }

    /// Adds a secret to the ledger (nothing when the ledger is off).
    pub fn record_secret(&self, secret: &str) {
        if let Ok(mut guard) = self.secrets.lock()
            && let Some(ledger) = guard.as_mut()
        {
            ledger.push(secret.to_owned());
        }
    }

    /// Adds private key bytes to the ledger in the encodings an output could carry them in:
    /// lowercase hex, unpadded base64url and padded base64.
    pub fn record_key(&self, key: &[u8]) {
        self.record_secret(&data_encoding::HEXLOWER.encode(key));
        self.record_secret(&data_encoding::BASE64URL_NOPAD.encode(key));
        self.record_secret(&data_encoding::BASE64.encode(key));
    }

    /// Every secret recorded so far (empty when the ledger is off).
    pub fn secrets(&self) -> Vec<String> {
        self.secrets
            .lock()
            .ok()
            .and_then(|guard| guard.clone())
            .unwrap_or_default()
    }

    /// From now on, every request that reaches `point` waits at it until released through the
    /// returned gate (or until [`TestHooks::unhold`]).
    pub fn hold(&self, point: Pause) -> Arc<Gate> {
        let gate = Arc::new(Gate {
            arrivals: Semaphore::new(0),
            releases: Semaphore::new(0),
        });
        if let Ok(mut gates) = self.gates.lock()
            && let Some(old) = gates.insert(point, gate.clone())
        {
            old.release_all();
        }
        gate
    }

    /// Stops holding `point`; requests waiting at it go on.
    pub fn unhold(&self, point: Pause) {
        if let Some(gate) = self.gates.lock().ok().and_then(|mut g| g.remove(&point)) {
            gate.release_all();
        }
    }

    /// Called by handlers at `point`: waits while a test holds it.
    pub(crate) async fn pass(&self, point: Pause) {
        let gate = self.gates.lock().ok().and_then(|g| g.get(&point).cloned());
        if let Some(gate) = gate {
            gate.arrivals.add_permits(1);
            if let Ok(permit) = gate.releases.acquire().await {
                permit.forget();
            }
        }
    }
}

impl Gate {
    /// Waits until one more request has arrived at the point (and is being held).
    pub async fn arrived(&self) {
        if let Ok(permit) = self.arrivals.acquire().await {
            permit.forget();
        }
    }

    /// Lets one held request (or the next to arrive) go on.
    pub fn release(&self) {
        self.releases.add_permits(1);
    }

    /// Lets every held request go on, and every later one pass without waiting.
    pub fn release_all(&self) {
        self.releases.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_held_point_waits_until_released() {
        let hooks = TestHooks::new();
        let gate = hooks.hold(Pause::BeforeSessionDecision);
        let passer = {
            let hooks = hooks.clone();
            tokio::spawn(async move { hooks.pass(Pause::BeforeSessionDecision).await })
        };
        gate.arrived().await;
        assert!(!passer.is_finished());
        gate.release();
        passer.await.expect("passes after release");
        // Other points and unheld points pass at once.
        hooks.pass(Pause::BeforeRegistrationFinish).await;
        hooks.unhold(Pause::BeforeSessionDecision);
        hooks.pass(Pause::BeforeSessionDecision).await;
    }
}
