//! The handle of a state observer: the task that forwards a flow's states to a foreign observer
//! runs until the handle is dropped (or cancelled), like matrix-rust-sdk's `TaskHandle`.

use tokio::task::JoinHandle;

/// Keeps a state observer subscribed. Dropping it (Kotlin `close()`, or when Swift releases it)
/// unsubscribes; so does [`ObserverHandle::cancel`]. Hold it as long as the screen shows the
/// flow.
#[derive(Debug, uniffi::Object)]
pub struct ObserverHandle {
    task: JoinHandle<()>,
}

impl ObserverHandle {
    pub(crate) fn new(task: JoinHandle<()>) -> Self {
        Self { task }
    }
}

#[uniffi::export]
impl ObserverHandle {
    /// Unsubscribe now: no state reaches the observer after this returns, except one being
    /// delivered at this very moment on the library's runtime thread.
    pub fn cancel(&self) {
        self.task.abort();
    }
}

impl Drop for ObserverHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}
