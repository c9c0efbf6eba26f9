//! `passkeys-testkit`: the reference relying party for QA, emulators and the demo.
//!
//! Subcommands: `serve` (see `passkeys-testkit serve --help`), `demo` (the narrated Enable
//! journey on an embedded server, the main job of `scripts/demo`), `load` (passkey sign-ins
//! under load with a consistency check; see `passkeys-testkit load --help`) and `replay` (an
//! instant server for the SDK overhead benchmarks; see `passkeys-testkit replay --help`) and
//! `doctor` (checks a domain's assetlinks.json and apple-app-site-association; see
//! `passkeys-testkit doctor --help`).

mod doctor;

use std::process::ExitCode;

use std::path::PathBuf;
use std::sync::Arc;

use bingx_passkeys_testkit::harness::RP_ID;
use bingx_passkeys_testkit::server::{self, ServerConfig, TestHooks, serve};
use bingx_passkeys_testkit::{demo, load, logging, replay};

const USAGE: &str = "usage: passkeys-testkit <command> [options]\n\ncommands:\n  serve   run the reference relying party with seeded demo accounts\n  demo    narrate the Enable journey on an embedded server (exits non-zero on failure)\n  load    passkey sign-ins under load, checked for losses (exits non-zero on any error)\n  replay  answer recorded journeys instantly from memory (the SDK overhead benchmarks)\n  doctor  check a domain's assetlinks.json and apple-app-site-association for passkeys";

#[tokio::main]
async fn main() -> ExitCode {
    end_quietly_when_stdout_closes();
    logging::init_from_env();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("serve") => run_serve(rest).await,
        Some("demo") => run_demo().await,
        Some("load") => run_load(rest).await,
        Some("replay") => ExitCode::from(replay::run(rest).await),
        Some("doctor") => run_doctor(rest).await,
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// End as every Unix command-line tool does when the reader of its output goes away
/// (`passkeys-testkit serve --help | head`): killed by SIGPIPE, quietly, instead of a panic in
/// `println!` (Rust ignores SIGPIPE, so a write to a closed pipe returns an error that `println!`
/// panics on). Sockets are not affected: std and tokio write to them with `MSG_NOSIGNAL`.
fn end_quietly_when_stdout_closes() {
    #[cfg(unix)]
    // SAFETY: `signal` with the default disposition touches no memory of ours; it only changes
    // what the process does on SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Leak tests set this to a file: the command keeps a ledger of every secret it issued and
/// writes it there (one per line) when it ends, for the test to search the output for.
const SECRET_LEDGER_ENV: &str = "PASSKEYS_TESTKIT_SECRET_LEDGER";

/// The secret ledger, when a leak test asked for one.
fn secret_ledger() -> Option<(Arc<TestHooks>, PathBuf)> {
    let path = std::env::var_os(SECRET_LEDGER_ENV)?;
    Some((TestHooks::with_secret_ledger(), PathBuf::from(path)))
}

fn write_ledger(ledger: Option<(Arc<TestHooks>, PathBuf)>) {
    if let Some((hooks, path)) = ledger
        && let Err(err) = std::fs::write(&path, hooks.secrets().join("\n"))
    {
        eprintln!("passkeys-testkit: the secret ledger could not be written: {err}");
    }
}

/// `passkeys-testkit demo`: the narrated journeys; exits non-zero on failure.
async fn run_demo() -> ExitCode {
    let ledger = secret_ledger();
    let mut config = ServerConfig::for_tests(RP_ID);
    config.test_hooks = ledger.as_ref().map(|(hooks, _)| hooks.clone());
    let outcome = demo::run_with(config).await;
    write_ledger(ledger);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\npasskeys-testkit demo: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `passkeys-testkit serve …`: runs until Ctrl-C.
async fn run_serve(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", serve::USAGE);
        return ExitCode::SUCCESS;
    }
    let options = match serve::parse_args(args) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("passkeys-testkit serve: {err}\n\n{}", serve::USAGE);
            return ExitCode::from(2);
        }
    };
    serve::return_large_blocks_to_the_os();
    let running = match server::start(options.config, options.addr).await {
        Ok(running) => running,
        Err(err) => {
            eprintln!("passkeys-testkit serve: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", serve::banner(&running));
    println!("Press Ctrl-C to stop.");
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("passkeys-testkit serve: waiting for Ctrl-C failed: {err}");
    }
    running.shutdown().await;
    ExitCode::SUCCESS
}

/// `passkeys-testkit load …`: prints the report; exits 1 when a login failed or something was
/// lost, 2 on a bad command line.
async fn run_load(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", load::USAGE);
        return ExitCode::SUCCESS;
    }
    let options = match load::parse_args(args) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("passkeys-testkit load: {err}\n\n{}", load::USAGE);
            return ExitCode::from(2);
        }
    };
    let ledger = secret_ledger();
    let outcome = load::run_with(options, ledger.as_ref().map(|(hooks, _)| hooks.clone())).await;
    write_ledger(ledger);
    match outcome {
        Ok(report) => {
            println!("{report}");
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(err) => {
            eprintln!("passkeys-testkit load: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `passkeys-testkit doctor …`: prints one line per check (or JSON); exits 1 when a check
/// failed, 2 on a bad command line.
async fn run_doctor(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", doctor::USAGE);
        return ExitCode::SUCCESS;
    }
    let options = match doctor::parse_args(args) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("passkeys-testkit doctor: {err}\n\n{}", doctor::USAGE);
            return ExitCode::from(2);
        }
    };
    let report = match doctor::run(&options).await {
        Ok(report) => report,
        Err(err) => {
            eprintln!("passkeys-testkit doctor: {err}");
            return ExitCode::from(2);
        }
    };
    if options.json {
        println!("{}", report.to_json());
    } else {
        println!("{report}");
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
