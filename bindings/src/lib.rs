//! # bingx-passkeys
//!
//! The uniffi layer over [`bingx_passkeys_core`]: what Kotlin (`com.bingx.passkeys`) and Swift
//! (`BingXPasskeys`) see. It holds no business logic: objects are newtypes over core types,
//! records and enums are plain copies of core values, and every error becomes one
//! [`PasskeysError`] in one place (`src/error.rs`).
//!
//! What crosses the FFI, from the app's point of view:
//! - [`PasskeysClient`]: one per app install, built from a [`PasskeysConfig`], the platform
//!   authenticator and the app's keystore. Sign-in (J2–J4: password then code or passkey,
//!   usernameless passkey, H5 and third-party login, [`PasskeysClient::check_login_path`]), the
//!   Passkeys page and its changes (J5), scenario proofs (J6,
//!   [`PasskeysClient::scenario_needs_passkey`], [`PasskeysClient::verify_scenario`]), and
//!   [`PasskeysClient::enable_flow`].
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

mod account;
mod client;
mod config;
mod enable;
mod error;
mod login;
mod manage;
mod observer;
mod platform;
mod runtime;
mod scenario;
#[cfg(feature = "softpm")]
mod softpm;
mod store;

pub use account::{PasskeyInfo, Policy, Scenarios, SecurityEvent};
pub use client::PasskeysClient;
pub use config::PasskeysConfig;
pub use enable::{EnableFlow, EnableObserver, EnableOutcome, EnableState};
pub use error::PasskeysError;
pub use login::{LoginPath, SignInStep};
pub use manage::{PasskeyProof, Purpose};
pub use observer::ObserverHandle;
pub use platform::{
    Capabilities, CreateRequest, GetRequest, PlatformAuthenticator, PlatformAuthenticatorError,
    UnavailableReason,
};
#[cfg(feature = "softpm")]
pub use softpm::{SoftwareFault, SoftwarePasswordManager};
pub use store::{SecureStore, SecureStoreError};
