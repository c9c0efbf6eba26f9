//! # bingx-passkeys-core
//!
//! The pure-Rust core behind BingX's "Must verify using passkeys for important scenarios".
//! It never draws UI and never calls a platform API itself: shells implement
//! [`platform::PlatformAuthenticator`]; the core checks everything that crosses it, talks to the
//! server ([`api`]), keeps secrets in the platform keystore ([`store`]) and drives the journeys
//! ([`enable`], [`login`], [`manage`], [`scenario`]).
//!
//! Imports run one way: journeys (`enable`, `login`, `manage`, `scenario`, `client`) →
//! mechanisms (`ceremony`, `policy`, `webauthn`) → edges (`platform`, `api`, `store`,
//! `config`) → `error`.

pub mod api;
mod ceremony;
pub mod client;
pub mod config;
pub mod enable;
pub mod error;
pub mod login;
pub mod manage;
pub mod platform;
pub mod policy;
pub mod scenario;
pub mod store;
pub mod webauthn;

pub use api::{PasskeyInfo, Policy, Proof, Scenarios, SecurityEvent, ServerCode};
pub use client::{PasskeysClient, SignInStep};
pub use config::Config;
pub use enable::{EnableFlow, EnableOutcome, EnableState};
pub use error::PasskeyError;
pub use manage::Purpose;
pub use platform::{
    Capabilities, CreateRequest, GetRequest, PlatformAuthenticator, PlatformError,
    UnavailableReason,
};
pub use policy::LoginPath;
pub use store::{SecretStore, SessionToken};
