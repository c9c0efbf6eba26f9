//! Link flags that make the release `libbingx_passkeys.so` smaller (BRIEF §6: ≤ 2.75 MiB), for the
//! cdylib only and only in release builds on Linux and Android. Debug and test builds, the
//! staticlib (iOS) and every other target link exactly as cargo would without this file.
//!
//! - Relative relocations packed as RELR: `.rela.dyn` shrinks from ~250 KB to ~2 KB.
//!   Linux: `-z pack-relative-relocs` (the library then needs glibc ≥ 2.36, and says so in its
//!   version needs, so an older glibc refuses it instead of misloading it). Android: the APS2 +
//!   RELR encoding with Android's own RELR tags, which API 28 and later load (standard RELR tags
//!   need API 30; the app's minSdk is 28).
//! - Identical code folding (`--icf=all`, lld only): monomorphized copies that compile to the
//!   same machine code are kept once. Rust never promises distinct function addresses.
//!
//! lld links the release library: the NDK's clang always uses it; on x86-64 Linux rustc ≥ 1.90
//! links with its own rust-lld; elsewhere an `ld.lld` on PATH is used. Without lld only the GNU ld
//! flag is passed. `BINGX_LINK_TUNING=0` turns all of this off (to measure what it saves).

use std::env;
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=BINGX_LINK_TUNING");
    if env::var("PROFILE").as_deref() != Ok("release")
        || env::var("BINGX_LINK_TUNING").as_deref() == Ok("0")
    {
        return;
    }
    let flags: &[&str] = match env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("android") => &[
            "-Wl,--pack-dyn-relocs=android+relr",
            "-Wl,--use-android-relr-tags",
            "-Wl,--icf=all",
        ],
        Ok("linux") => match linux_linker() {
            Linker::RustLld => &["-Wl,-z,pack-relative-relocs", "-Wl,--icf=all"],
            Linker::SystemLld => &[
                "-fuse-ld=lld",
                "-Wl,-z,pack-relative-relocs",
                "-Wl,--icf=all",
            ],
            Linker::GnuLd => &["-Wl,-z,pack-relative-relocs"],
        },
        _ => &[],
    };
    for flag in flags {
        println!("cargo:rustc-cdylib-link-arg={flag}");
    }
}

/// Which linker links the Linux library.
enum Linker {
    /// rustc's bundled rust-lld (x86-64 Linux, rustc 1.90 and later).
    RustLld,
    /// A system `ld.lld` on PATH, chosen with `-fuse-ld=lld`.
    SystemLld,
    /// GNU ld.
    GnuLd,
}

fn linux_linker() -> Linker {
    let target = env::var("TARGET").unwrap_or_default();
    let rustflags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let linker_overridden = rustflags.contains("linker-features=-lld")
        || rustflags.contains("link-self-contained=-linker")
        || rustflags.contains("linker=");
    if target == "x86_64-unknown-linux-gnu" && !linker_overridden && rustc_minor() >= Some(90) {
        return Linker::RustLld;
    }
    println!("cargo:rerun-if-env-changed=PATH");
    let on_path = env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| is_file(&dir.join("ld.lld"))));
    if on_path && !linker_overridden {
        Linker::SystemLld
    } else {
        Linker::GnuLd
    }
}

fn is_file(path: &Path) -> bool {
    path.metadata().is_ok_and(|m| m.is_file())
}

/// The minor version of the rustc building this crate (`rustc 1.95.0 (…)` → 95).
fn rustc_minor() -> Option<u32> {
    let rustc = env::var_os("RUSTC")?;
    let out = Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    let mut parts = version.split('.');
    if parts.next()? != "1" {
        return None;
    }
    parts.next()?.parse().ok()
}
