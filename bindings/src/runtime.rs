//! The library's one tokio runtime, and how async methods run on it.
//!
//! Every async method hands its work to [`run`]: the work becomes one task on the library's
//! runtime — a current-thread scheduler driven by its own thread (`bingx-passkeys`), created once,
//! on first use — and the future uniffi exports only waits for that task's result. So a ceremony's
//! requests, timers and checks run to the end on the runtime thread, and the foreign executor
//! (Kotlin coroutines, Swift concurrency) is woken **once per call**, when the result is there.
//! Had the foreign executor polled the work itself (uniffi's `async_runtime = "tokio"` adapter),
//! every wake-up inside the work (connect, response headers, body, each callback) would have
//! crossed the FFI twice: a callback into the foreign runtime, a hop to its dispatcher and a poll
//! back, about 40–70 µs each from Kotlin over JNA (docs/performance.md).
//!
//! - **Cancellation**: when the foreign task is cancelled, uniffi drops the exported future, which
//!   aborts the work at its next `.await`, as dropping it in place would (the core's steps are
//!   written to be dropped at any `.await`).
//! - **Panics** inside the work (bugs; BRIEF §5 asks for none) are caught by tokio and raised again
//!   in the exported future, where uniffi turns them into the foreign `InternalException`, as
//!   before.
//! - **The app's callbacks**: the `SecureStore` and the `PlatformAuthenticator` are called from the
//!   runtime thread; observers are told their states on it too.
//!
//! Only QA builds (the `softpm` feature) still export futures through uniffi's tokio adapter:
//! the software password manager's own methods, when an app calls them directly.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The runtime the library's work runs on; created with its thread on first use.
pub(crate) fn handle() -> Handle {
    static RUNTIME: OnceLock<Handle> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                // Only when the OS refuses an epoll instance or a timer: nothing can run then.
                .expect("the library's runtime could not be created");
            let handle = runtime.handle().clone();
            std::thread::Builder::new()
                .name("bingx-passkeys".to_owned())
                .spawn(move || runtime.block_on(std::future::pending::<()>()))
                .expect("the library's runtime thread could not be started");
            handle
        })
        .clone()
}

/// Aborts the task when the waiting future is dropped (the foreign caller was cancelled).
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What a task hands back: its output, type-erased so that one copy of the machinery below
/// serves every async method.
type Output = Box<dyn Any + Send>;

/// Run `work` to the end on the library's runtime and return its output (see the module docs).
pub(crate) async fn run<T, F>(work: F) -> T
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let output = run_erased(Box::pin(async move { Box::new(work.await) as Output })).await;
    match output.downcast::<T>() {
        Ok(output) => *output,
        // The task above is the only one that answers, with a `T`.
        Err(_) => unreachable!("a task answered with another type"),
    }
}

/// The one copy of spawning, waiting, aborting and passing on a panic.
async fn run_erased(work: Pin<Box<dyn Future<Output = Output> + Send>>) -> Output {
    let (sender, receiver) = oneshot::channel();
    let task: Pin<Box<dyn Future<Output = ()> + Send>> = Box::pin(async move {
        // The receiver is gone only when the caller was cancelled; nobody wants the result then.
        let _ = sender.send(work.await);
    });
    let mut task = AbortOnDrop(handle().spawn(task));
    match receiver.await {
        Ok(output) => output,
        // The task ended without an answer: it panicked (or the runtime is shutting down).
        Err(_) => match (&mut task.0).await {
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            _ => panic!("the library's runtime stopped"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_exactly_one_runtime_and_its_thread_drives_it() {
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

    /// Polls `future` on this thread with no runtime of its own, as a foreign executor does.
    fn block_on_foreign<T>(future: impl Future<Output = T>) -> T {
        struct Unpark(std::thread::Thread);
        impl std::task::Wake for Unpark {
            fn wake(self: std::sync::Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
        let mut context = std::task::Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
            std::thread::park();
        }
    }

    #[test]
    fn work_runs_on_the_runtime_thread_with_its_timers() {
        let (name, slept) = block_on_foreign(run(async {
            let start = tokio::time::Instant::now();
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            (
                std::thread::current().name().map(str::to_owned),
                start.elapsed(),
            )
        }));
        assert_eq!(name.as_deref(), Some("bingx-passkeys"));
        assert!(slept >= std::time::Duration::from_millis(20));
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| {
            block_on_foreign(run(async {
                if std::hint::black_box(true) {
                    panic!("a bug in the work");
                }
            }))
        })
        .unwrap_err();
        assert_eq!(caught.downcast_ref::<&str>(), Some(&"a bug in the work"));
    }

    #[test]
    fn dropping_the_caller_aborts_the_work() {
        struct Flag(std::sync::mpsc::Sender<()>);
        impl Drop for Flag {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        let (dropped, was_dropped) = std::sync::mpsc::channel();
        let (started, has_started) = std::sync::mpsc::channel();
        let mut caller = Box::pin(run(async move {
            let _flag = Flag(dropped);
            started.send(()).unwrap();
            std::future::pending::<()>().await;
        }));
        let waker = std::task::Waker::noop();
        assert!(
            caller
                .as_mut()
                .poll(&mut std::task::Context::from_waker(waker))
                .is_pending()
        );
        has_started
            .recv_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        drop(caller);
        // The work's state is dropped on the runtime thread soon after.
        was_dropped
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("the work was aborted");
    }
}
