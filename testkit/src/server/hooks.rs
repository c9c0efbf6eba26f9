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
}

/// The pause points a test holds. Shared between the test and the server's configuration.
#[derive(Debug, Default)]
pub struct TestHooks {
    gates: Mutex<HashMap<Pause, Arc<Gate>>>,
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
