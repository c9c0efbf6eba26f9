//! # bingx-passkeys-core
//!
//! The pure-Rust core behind BingX's "Must verify using passkeys for important scenarios".
//! It never draws UI, never writes a sentence a user reads and never calls a platform API itself:
//! shells implement [`PlatformAuthenticator`]; the core checks everything that crosses it, talks
//! to the server, keeps secrets in the platform keystore ([`SecretStore`]) and drives the
//! journeys. An app holds one [`PasskeysClient`] and reaches the journeys through it:
//! [`PasskeysClient::sign_in`], [`PasskeysClient::passkeys`], [`PasskeysClient::scenarios`],
//! [`PasskeysClient::recovery`], [`PasskeysClient::enable`].
//!
//! Imports run one way, from the top layer down (checked by `testkit/tests/layers.rs`):
//!
//! | layer | modules |
//! |---|---|
//! | client | `client` |
//! | journeys | `enable`, `sign_in`, `passkeys_page`, `scenarios`, `recovery` |
//! | mechanisms (2) | `registration`, `verification` |
//! | mechanisms (1) | `session` |
//! | mechanisms (0) | `ceremony`, `policy` |
//! | edges | `webauthn`, `store`, `http` |
//! | contract | `config`, `wire`, `platform` |
//! | error | `error` |
//! | ground | `text`, `secret`, `vocabulary`, `encoding` |

mod ceremony;
mod client;
pub mod config;
mod enable;
mod encoding;
mod error;
mod http;
mod passkeys_page;
pub mod platform;
mod policy;
mod recovery;
mod registration;
mod scenarios;
mod secret;
mod session;
mod sign_in;
pub mod store;
pub mod text;
mod verification;
mod vocabulary;
pub mod webauthn;
mod wire;

pub use client::PasskeysClient;
pub use config::{Config, ConfigError, DeviceDescription};
pub use enable::{EnableFlow, EnableState};
pub use error::{PasskeysError, Step};
#[doc(hidden)]
pub use http::finish_body_for_bench;
pub use http::install_tls_provider;
#[cfg(target_os = "android")]
pub use http::mark_platform_verifier_ready;
#[doc(hidden)]
pub use http::parse_answer_for_fuzzing;
pub use passkeys_page::PasskeysPage;
pub use platform::{Capabilities, CreateRequest, GetRequest, PlatformAuthenticator, PlatformError};
#[doc(hidden)]
pub use policy::read_stored_policy;
pub use recovery::Recovery;
pub use scenarios::Scenarios;
pub use secret::{LoginId, ProofToken, ResetToken, SessionToken, StepUpToken, TrustToken};
pub use sign_in::{SignIn, SignInStep};
pub use store::{SecretStore, StoreError};
pub use text::{PasskeysText, PasskeysTextArg};
pub use vocabulary::{Factor, LoginPath, Purpose, Scenario, ServerCode, UnavailableReason};
pub use wire::{
    HealthAction, HealthReason, NewDeviceNotice, PasskeyAdded, PasskeyHealth, PasskeyInfo,
    PasskeyProof, PasskeyScenarios, Policy, RecoveryCodeSent, RecoveryState, ResetState,
    ResetStatus, SecurityEvent, SignedPolicy, hold_text,
};
