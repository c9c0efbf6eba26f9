//! # bingx-passkeys-core
//!
//! The pure-Rust core behind BingX's "Must verify using passkeys for important scenarios".
//! It never draws UI and never calls a platform API itself: shells implement
//! [`platform::PlatformAuthenticator`]; the core checks everything that crosses it, talks to the
//! server ([`api`]), keeps secrets in the platform keystore ([`store`]) and drives the journeys
//! ([`enable`]).
//!
//! Imports run one way: journeys (`enable`, `client`) → mechanisms (`webauthn`) → edges
//! (`platform`, `api`, `store`, `config`) → `error`.

pub mod api;
pub mod client;
pub mod config;
pub mod enable;
pub mod error;
pub mod platform;
pub mod store;
pub mod webauthn;

pub use api::{PasskeyInfo, Policy, Scenarios, ServerCode};
pub use client::{PasskeysClient, SignInStep};
pub use config::Config;
pub use enable::{EnableFlow, EnableOutcome, EnableState};
pub use error::PasskeyError;
pub use platform::{
    Capabilities, CreateRequest, GetRequest, PlatformAuthenticator, PlatformError,
    UnavailableReason,
};
pub use store::{SecretStore, SessionToken};
