//! # bingx-passkeys-testkit
//!
//! The reference relying party of BRIEF §4 ([`server`]: webauthn-rs, SQLite, axum) and the
//! software password manager ([`softpm`]: passkey-rs behind the core's `PlatformAuthenticator`).
//! The server never imports the core's validation code: the two sides check each other.
//!
//! [`harness`] wires both to the core for end-to-end tests and the demo ([`demo`]); [`netcut`]
//! drops connections on purpose; [`replay`] answers instantly from memory for the SDK overhead
//! benchmarks.

pub mod demo;
pub mod harness;
pub mod load;
pub mod logging;
pub mod netcut;
pub mod replay;
pub mod server;
/// The software password manager, its own crate (`softpm/`) so QA builds link it without the
/// server; re-exported here under its old path.
pub use bingx_passkeys_softpm as softpm;
pub mod texts;
