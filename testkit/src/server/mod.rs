//! The reference relying party (BRIEF §4): the server contract of `docs/openapi.yaml` on axum,
//! webauthn-rs for verification, SQLite for storage (a file, or in memory for tests).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use bingx_passkeys_testkit::server::{ServerConfig, start};
//! let server = start(ServerConfig::for_tests("bingx.test"), "127.0.0.1:0".parse()?).await?;
//! println!("serving on {}", server.base_url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! ## Layers
//!
//! Imports run one way, from the commands down to the ground: a module imports only modules of
//! lower layers, never one of its own layer or above, so no two modules can import each other,
//! directly or around a circle. `testkit/tests/layers.rs` holds every `use` and path of this
//! directory to this table (a file under `db/` is part of `db`; `routes/login.rs` is
//! `routes::login`). From the top:
//!
//! ```text
//! entry        serve · fuzzing
//! root         mod
//! router       routes
//! handlers     routes::accounts · routes::login · routes::third_party · routes::step_up
//!              routes::registration · routes::manage · routes::verify · routes::policy
//!              routes::events · routes::withdrawals · routes::testkit · routes::well_known
//!              routes::recovery
//! sign-in      sessions
//! rules        extract · accounts · codes · step_up · assertion · proofs · policy · passkeys
//!              resets
//! app          state
//! mechanisms   rp · passwords · idp · events
//! storage      db
//! config       config
//! ground       error · clock · secrets · totp · hooks · aaguid · input · catalogue · policy_key
//! ```
//!
//! - **entry**: the commands that run a server (`serve`'s arguments and banner, the fuzz target).
//! - **root**: this file: the modules, the public re-exports, [`start`] and [`RunningServer`].
//! - **router**: the route table (the one source of the router and of the OpenAPI check) and the
//!   router.
//! - **handlers**: one module per group of endpoints, with its request and answer types. A
//!   handler module never imports another: what two share (what a sign-in answers, a proof check,
//!   a passkey as the Passkeys page shows it) is a module below.
//! - **sign-in**: the one place a session is opened (`sessions::open_session`, inside the
//!   transaction that decides it), and what a sign-in step answers.
//! - **rules**: what the handlers share over the `App`: request extractors, account creation,
//!   one-time codes, step-up tokens, assertion ceremonies, proofs, the signed account policy,
//!   passkeys as the Passkeys page shows them, support resets and the withdrawal hold.
//! - **app**: `App`, what every handler holds: configuration, storage, relying party, clock,
//!   keys, identity provider, password checker.
//! - **mechanisms**: one machine each over configuration and storage: webauthn-rs, the bounded
//!   Argon2 checker, the test identity provider, security events.
//! - **storage**: SQLite: one connection, one module per table or idea; queries take a connection,
//!   so the caller decides what one transaction holds.
//! - **config**: what the server runs with, validated at start.
//! - **ground**: vocabulary and tools that import nothing of the server: errors, the clock,
//!   secrets and digests, TOTP, test pause points, AAGUID names, the contract's value checks, the
//!   scenario catalogue's words, the policy key.

mod aaguid;
mod accounts;
mod assertion;
mod catalogue;
mod clock;
mod codes;
mod config;
mod db;
mod error;
mod events;
mod extract;
#[doc(hidden)]
pub mod fuzzing;
mod hooks;
mod idp;
mod input;
mod passkeys;
mod passwords;
mod policy;
mod policy_key;
mod proofs;
mod resets;
mod routes;
mod rp;
mod secrets;
pub mod serve;
mod sessions;
mod state;
mod step_up;
mod totp;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use aaguid::{AaguidTable, Provider, UNKNOWN_PROVIDER};
pub use accounts::{DEMO_ACCOUNTS, DemoAccount};
pub use catalogue::{GlobalPolicy, PolicyUpdate, ScenarioUpdate, Scenarios};
pub use config::{
    ANDROID_ORIGIN_PREFIX, AdminToken, ConfigError, PasswordLimits, ServerConfig,
    validate_apk_key_hash,
};
pub use error::{ApiError, ErrorCode};
pub use hooks::{Gate, Pause, TestHooks};
pub use idp::{IDP_AUDIENCE, IDP_ISSUER};
pub use policy_key::PolicyKey;
pub use routes::{MAX_BODY_BYTES, route_table};
pub use totp::totp_code;

use clock::Clock;
use policy_key::POLICY_KEY_NAME;
use state::App;

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration was refused.
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    /// webauthn-rs refused the configuration.
    #[error("{0}")]
    RelyingParty(#[from] rp::RpError),
    /// The database could not be opened or set up.
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    /// The AAGUID table did not parse.
    #[error("AAGUID table: {0}")]
    AaguidTable(#[from] serde_json::Error),
    /// The demo accounts, the global policy or the policy key could not be set up.
    #[error("seeding: {0}")]
    Seed(ApiError),
    /// The address could not be bound.
    #[error("binding {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// A server running on the current tokio runtime.
pub struct RunningServer {
    addr: SocketAddr,
    app: Arc<App>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl RunningServer {
    /// The bound address (the real port when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<ip>:<port>`, with `127.0.0.1` when bound to an unspecified address.
    pub fn base_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{addr}")
    }

    /// The validated configuration the server runs with.
    pub fn config(&self) -> &ServerConfig {
        &self.app.config
    }

    /// Unix seconds as the server sees them (wall clock plus [`Self::advance_clock`]); compute
    /// TOTP codes for this server with `totp_code(secret, server.unix_time())`.
    pub fn unix_time(&self) -> u64 {
        u64::try_from(self.app.clock.now()).unwrap_or(0)
    }

    /// The global phase policy as it is now (the scenario catalogue and reopened paths).
    pub fn global_policy(&self) -> Result<GlobalPolicy, ApiError> {
        self.app.db.with(db::global_policy)
    }

    /// How many password checks (Argon2) the server has run: a test's window into the work a
    /// login did, e.g. that an unknown email costs the same one check as a known one.
    pub fn password_checks_run(&self) -> u64 {
        self.app.passwords.runs()
    }

    /// Moves the server's clock forward, e.g. past `ceremony_ttl` to test expiry.
    pub fn advance_clock(&self, by: Duration) {
        self.app.clock.advance(by);
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Validates `config`, opens storage, seeds demo accounts if asked, binds `addr` (port 0
/// allowed) and serves on the current tokio runtime.
pub async fn start(config: ServerConfig, addr: SocketAddr) -> Result<RunningServer, StartError> {
    config.validate()?;
    let webauthn = rp::relying_party(&config)?;
    let db = db::Db::open(config.db_path.as_deref())?;
    if !config.initial_policy.is_empty() {
        db.transaction(|tx| db::apply_policy_update(tx, &config.initial_policy))
            .map_err(StartError::Seed)?;
    }
    let clock = config
        .clock_start
        .map_or_else(Clock::default, Clock::starting_at);
    // A configured key wins; otherwise the database's own, created at its first start.
    let policy_key = match config.policy_key.clone() {
        Some(key) => key,
        None => stored_policy_key(&db, clock.now()).map_err(StartError::Seed)?,
    };
    let idp = idp::TestIdp::generate();
    if let Some(hooks) = &config.test_hooks {
        hooks.record_key(&policy_key.secret_bytes());
        hooks.record_key(&idp.secret_bytes());
        if let Some(token) = &config.admin_token {
            hooks.record_secret(token.expose());
        }
    }
    let app = Arc::new(App {
        webauthn,
        db,
        aaguids: AaguidTable::builtin()?,
        clock,
        policy_key,
        idp,
        passwords: passwords::Passwords::new(config.password_limits, config.test_hooks.clone()),
        config,
    });
    if app.config.seed_demo_accounts {
        accounts::seed_demo_accounts(&app)
            .await
            .map_err(StartError::Seed)?;
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    let (stop, stopped) = oneshot::channel::<()>();
    let router = routes::router(app.clone());
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, router).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(err) = serve.await {
            eprintln!("passkeys-testkit: server stopped: {err}");
        }
    });
    Ok(RunningServer {
        addr,
        app,
        stop,
        task,
    })
}

/// The policy key kept in the database under [`POLICY_KEY_NAME`]: created at the first start on a
/// database and the same at every later start, so that devices that pinned its public key keep
/// verifying policies after a restart.
fn stored_policy_key(db: &db::Db, now: i64) -> Result<PolicyKey, ApiError> {
    let secret = db.transaction(|tx| {
        db::server_key(
            tx,
            POLICY_KEY_NAME,
            || PolicyKey::generate().secret_bytes(),
            now,
        )
    })?;
    PolicyKey::from_secret_bytes(&secret).ok_or_else(|| ApiError::new(ErrorCode::Internal))
}
