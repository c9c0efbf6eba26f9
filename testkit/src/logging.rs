//! Debug logs for the `passkeys-testkit` commands: with `RUST_LOG` set to a level (`error`,
//! `warn`, `info`, `debug`, `trace`), every `log` record and every `tracing` event of the
//! libraries underneath (webauthn-rs, rustls, hyper, reqwest…) goes to stderr. Tests turn it on
//! to prove that no secret reaches a log line (BRIEF §5 #17). Release builds of the workspace
//! compile `log` records out (the core asks for `release_max_level_off`), so this shows records
//! in debug builds only.

use log::{LevelFilter, Log, Metadata, Record};

struct Stderr;

impl Log for Stderr {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!("[{} {}] {}", record.level(), record.target(), record.args());
        }
    }

    fn flush(&self) {}
}

static LOGGER: Stderr = Stderr;

/// Installs the stderr logger at the level `RUST_LOG` names; nothing when it is unset or names
/// no level. Returns the level installed.
pub fn init_from_env() -> Option<LevelFilter> {
    let level: LevelFilter = std::env::var("RUST_LOG").ok()?.trim().parse().ok()?;
    log::set_logger(&LOGGER).ok()?;
    log::set_max_level(level);
    Some(level)
}
