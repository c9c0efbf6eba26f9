//! # bingx-passkeys-testkit
//!
//! The reference relying party of BRIEF §4 ([`server`]: webauthn-rs, SQLite, axum) and the
//! software password manager ([`softpm`]: passkey-rs behind the core's `PlatformAuthenticator`).
//! The server never imports the core's validation code: the two sides check each other.

pub mod server;
pub mod softpm;
