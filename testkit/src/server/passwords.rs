//! Password checks under a bound. One Argon2id check takes about 19 MiB and tens of milliseconds
//! of one core, by design; without a bound, a burst of logins (for any email, known or not) runs
//! that many checks at once and the server's memory grows with the burst (64 concurrent logins:
//! 1.2 GiB). Here at most `workers` checks run at once (one per core by default), at most `queue`
//! more wait their turn, and any request beyond that is answered at once with 503 `SERVER_BUSY`
//! and `Retry-After`. Memory for hashing is therefore at most `workers` × 19 MiB, whatever the
//! load.
//!
//! A login for an unknown email runs the same check against a dummy hash of the same cost, in
//! the same queue, so its answer takes as long as a wrong password for a real account.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Semaphore;

use super::config::PasswordLimits;
use super::error::{ApiError, ApiResult, ErrorCode};
use super::hooks::{Pause, TestHooks};
use super::secrets;

/// The bounded password checker every handler shares.
#[derive(Debug)]
pub struct Passwords {
    admitted: Semaphore,
    working: Semaphore,
    hooks: Option<Arc<TestHooks>>,
    runs: AtomicU64,
}

impl Passwords {
    /// A checker with these limits; `hooks` lets a test hold a running check.
    pub fn new(limits: PasswordLimits, hooks: Option<Arc<TestHooks>>) -> Self {
        let workers = limits.resolved_workers();
        Self {
            admitted: Semaphore::new(workers.saturating_add(limits.queue)),
            working: Semaphore::new(workers),
            hooks,
            runs: AtomicU64::new(0),
        }
    }

    /// Whether `password` matches the stored Argon2 hash; with no stored hash (unknown email) the
    /// same work is done against a dummy hash and the answer is `false`. 503 `SERVER_BUSY` when
    /// the queue is full.
    pub async fn verify(&self, password: String, stored: Option<String>) -> ApiResult<bool> {
        self.run(move || match stored {
            Some(hash) => secrets::verify_password(&password, &hash),
            None => {
                secrets::verify_password(&password, secrets::dummy_password_hash());
                false
            }
        })
        .await
    }

    /// The Argon2id hash of a new password (sign-up). 503 `SERVER_BUSY` when the queue is full.
    pub async fn hash(&self, password: String) -> ApiResult<String> {
        self.run(move || secrets::hash_password(&password))
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::Internal))
    }

    /// How many checks have run (a test's window into the work done, never a secret).
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> ApiResult<T> {
        let busy = || ApiError::new(ErrorCode::ServerBusy);
        let _admitted = self.admitted.try_acquire().map_err(|_| busy())?;
        let _working = self.working.acquire().await.map_err(|_| busy())?;
        if let Some(hooks) = &self.hooks {
            hooks.pass(Pause::InPasswordCheck).await;
        }
        self.runs.fetch_add(1, Ordering::Relaxed);
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|_| ApiError::new(ErrorCode::Internal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unknown_email_costs_one_check_like_a_known_one() {
        let passwords = Passwords::new(
            PasswordLimits {
                workers: 1,
                queue: 0,
            },
            None,
        );
        let stored = passwords.hash("right password".into()).await.expect("hash");
        assert_eq!(passwords.runs(), 1);
        assert!(
            passwords
                .verify("right password".into(), Some(stored.clone()))
                .await
                .expect("checked")
        );
        assert!(
            !passwords
                .verify("wrong".into(), Some(stored))
                .await
                .expect("checked")
        );
        assert!(!passwords.verify("any".into(), None).await.expect("checked"));
        assert_eq!(passwords.runs(), 4);
    }

    #[tokio::test]
    async fn beyond_the_workers_and_the_queue_the_answer_is_busy() {
        let hooks = TestHooks::new();
        let passwords = Arc::new(Passwords::new(
            PasswordLimits {
                workers: 1,
                queue: 1,
            },
            Some(hooks.clone()),
        ));
        let gate = hooks.hold(Pause::InPasswordCheck);
        let spawn = || {
            let passwords = passwords.clone();
            tokio::spawn(async move { passwords.verify("x".into(), None).await })
        };
        let running = spawn();
        gate.arrived().await;
        let queued = spawn();
        tokio::task::yield_now().await;
        let refused = passwords.verify("x".into(), None).await;
        assert_eq!(refused.map_err(|e| e.code), Err(ErrorCode::ServerBusy));
        gate.release_all();
        assert_eq!(
            running.await.expect("joined").map_err(|e| e.code),
            Ok(false)
        );
        assert_eq!(queued.await.expect("joined").map_err(|e| e.code), Ok(false));
        // With the burst over, checks are admitted again.
        assert_eq!(
            passwords.verify("x".into(), None).await.map_err(|e| e.code),
            Ok(false)
        );
    }
}
