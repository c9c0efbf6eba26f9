//! # bingx-passkeys
//!
//! The uniffi layer over [`bingx_passkeys_core`]: what Kotlin (`com.bingx.passkeys`) and Swift
//! (`BingXPasskeys`) see. It holds no business logic: objects are newtypes over core types, and
//! the core's records, enums and its one error (`PasskeysError`) cross as they are, mapped by
//! uniffi (`#[uniffi::remote]`, `src/types.rs`).
//!
//! What crosses the FFI, from the app's point of view:
//! - [`PasskeysClient`]: one per app install, built from a [`PasskeysConfig`], the platform
//!   authenticator and the app's keystore. It hands out the parts of the app, grouped as its
//!   screens: [`SignIn`] (J2–J4), [`PasskeysPage`] (J5), [`Scenarios`] (J6), [`Recovery`] (J8,
//!   lost passkeys) and, per attempt, an [`EnableFlow`] (J1).
//! - Errors and states carry typed values and a `PasskeysText` (a key of the string tables and its
//!   values), never a sentence: [`error_text`] names what to show for an error.
//! - [`EnableFlow`]: journey J1 (BRIEF §2), one async call per step; [`EnableFlow::observe`]
//!   tells an [`EnableObserver`] every state until its [`ObserverHandle`] is dropped.
//! - Foreign traits each shell implements, bridged to the core's traits by small adapters:
//!   [`PlatformAuthenticator`] (BRIEF §3) and [`SecureStore`] (the keystore).
//! - With the `softpm` feature (QA and test builds only): `SoftwarePasswordManager`, a
//!   passkey-rs authenticator for emulators without a password manager.
//!
//! Async methods run under uniffi's tokio adapter (`async_runtime = "tokio"`); the library owns
//! one tokio runtime, created once, on first use (see `src/runtime.rs`). Observers run on it too.

#![warn(missing_docs)]

uniffi::setup_scaffolding!();

#[cfg(target_os = "android")]
mod android;
mod client;
mod config;
mod enable;
mod observer;
mod platform;
mod recovery;
mod runtime;
mod secrets;
#[cfg(feature = "softpm")]
mod softpm;
mod store;
mod types;

pub use client::{PasskeysClient, PasskeysPage, Scenarios, SignIn};
pub use config::PasskeysConfig;
pub use enable::{EnableFlow, EnableObserver};
pub use observer::ObserverHandle;
pub use platform::{PlatformAuthenticator, PlatformAuthenticatorError};
pub use recovery::{Recovery, pending_reset_notice_text, recovery_hold_text, reset_status_text};
pub use secrets::{LoginId, PasskeyProof, TrustToken};
#[cfg(feature = "softpm")]
pub use softpm::{SoftwareFault, SoftwarePasswordManager};
pub use store::{SecureStore, SecureStoreError};
pub use types::SignInStep;
pub use types::{
    error_is_retryable, error_text, health_action_text, health_text, security_event_text,
};
