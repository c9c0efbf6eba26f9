//! # bingx-passkeys-core
//!
//! The pure-Rust core behind BingX's "Must verify using passkeys for important scenarios".
//! It never draws UI and never calls a platform API itself: shells implement
//! [`platform::PlatformAuthenticator`], the core validates everything that crosses it.

pub mod platform;
pub mod webauthn;
