//! # bingx-passkeys
//!
//! The uniffi layer over [`bingx_passkeys_core`]: what Kotlin (`com.bingx.passkeys`) and Swift
//! (`BingXPasskeys`) see. It holds no business logic: objects are newtypes over core types,
//! records and enums are plain copies of core values, and every error becomes one
//! [`PasskeysError`] in one place (`src/error.rs`).
//!
//! What crosses the FFI, from the app's point of view:
//! - [`PasskeysClient`]: one per app install; sign-in with the user's current factors, the
//!   Passkeys page, the policy, and [`PasskeysClient::enable_flow`].
//! - [`EnableFlow`]: journey J1 (BRIEF §2), one async call per step.
//! - [`PlatformAuthenticator`]: the foreign trait each shell implements (BRIEF §3), bridged to
//!   the core's trait by a small adapter.
//!
//! Async methods run under uniffi's tokio adapter (`async_runtime = "tokio"`): the foreign side
//! polls the future, and I/O and timers run on one tokio runtime that the adapter creates once,
//! on first use, for the whole library.

#![warn(missing_docs)]

uniffi::setup_scaffolding!();

mod account;
mod client;
mod config;
mod enable;
mod error;
mod platform;

pub use account::{PasskeyInfo, Policy, Scenarios};
pub use client::{PasskeysClient, SignInStep};
pub use config::PasskeysConfig;
pub use enable::{EnableFlow, EnableOutcome, EnableState};
pub use error::PasskeysError;
pub use platform::{
    Capabilities, CreateRequest, GetRequest, PlatformAuthenticator, PlatformAuthenticatorError,
    UnavailableReason,
};
