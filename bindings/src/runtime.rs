//! The library's one tokio runtime.
//!
//! Async methods are exported with `async_runtime = "tokio"`: uniffi wraps each future in
//! async-compat's `Compat`, which, whenever the foreign executor (Kotlin coroutines, Swift
//! concurrency) polls it, enters a tokio runtime — the polling thread's own if it has one,
//! otherwise async-compat's process-wide runtime, created once on first use: a current-thread
//! scheduler driven by its own thread (`async-compat/tokio-1`). That one is the library's
//! runtime: every request's I/O and timers run on it, and the library creates no other.
//!
//! What the library spawns itself (state observers) goes to the same runtime: [`handle`] asks
//! `Compat` for it exactly as an async method would find it.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use uniffi::deps::async_compat::Compat;

/// The runtime the library's async methods run on, from the calling thread.
pub(crate) fn handle() -> tokio::runtime::Handle {
    let probe = pin!(Compat::new(async { tokio::runtime::Handle::current() }));
    match probe.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(handle) => handle,
        // An async block with no `.await` in it is ready on its first poll.
        Poll::Pending => unreachable!("the runtime probe never waits"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_any_runtime_there_is_exactly_one() {
        let first = handle();
        let second = std::thread::spawn(handle).join().unwrap();
        assert_eq!(first.id(), second.id());
        // Tasks spawned on it run without anyone polling them (its own thread drives it).
        let (sender, receiver) = std::sync::mpsc::channel();
        first.spawn(async move { sender.send(()).unwrap() });
        receiver
            .recv_timeout(std::time::Duration::from_secs(5))
            .unwrap();
    }

    #[tokio::test]
    async fn inside_a_runtime_it_is_that_one() {
        assert_eq!(handle().id(), tokio::runtime::Handle::current().id());
    }
}
