//! The generated Kotlin and Swift expose the names the shells are written against. Runs uniffi's
//! generator, as a library, with the root `uniffi.toml` on the cdylib that `cargo test` builds
//! beside this test; `scripts/bindings` does the same with the CLI, for the JVM, Android and iOS.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Generate both languages once for all tests; returns the output folder.
fn generated() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        // The cdylib is built beside this test: target/<profile>/deps/ (cargo test does not copy
        // it up to target/<profile>/).
        let exe = std::env::current_exe().expect("test executable path");
        let deps = exe.parent().expect("deps dir");
        let library = deps.join(format!("{DLL_PREFIX}bingx_passkeys{DLL_SUFFIX}"));
        assert!(library.exists(), "{} was not built", library.display());

        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ffi_surface");
        let _ = std::fs::remove_dir_all(&out);
        let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../uniffi.toml");
        let utf8 = |p: &Path| p.to_str().expect("UTF-8 path").to_owned().into();
        uniffi::generate(uniffi::GenerateOptions {
            languages: vec![
                uniffi::TargetLanguage::Kotlin,
                uniffi::TargetLanguage::Swift,
            ],
            source: utf8(&library),
            out_dir: utf8(&out),
            config_override: Some(utf8(&config)),
            format: false,
            crate_filter: Some("bingx_passkeys".to_owned()),
            metadata_no_deps: true,
        })
        .expect("uniffi generates the bindings");
        out
    })
}

fn read(relative: &str) -> String {
    let path = generated().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_has(text: &str, language: &str, expected: &[&str]) {
    let missing: Vec<_> = expected.iter().filter(|e| !text.contains(*e)).collect();
    assert!(missing.is_empty(), "{language} bindings lack {missing:?}");
}

#[test]
fn kotlin_exposes_the_enable_slice() {
    let kotlin = read("com/bingx/passkeys/bingx_passkeys.kt");
    assert_has(
        &kotlin,
        "Kotlin",
        &[
            "package com.bingx.passkeys",
            "open class PasskeysClient",
            "fun `newWithInMemoryStore`(`config`: PasskeysConfig, `platform`: PlatformAuthenticator): PasskeysClient",
            "suspend fun `signInWithPassword`(",
            "suspend fun `completeSignIn`(",
            "fun `enableFlow`(): EnableFlow",
            "open class EnableFlow",
            "fun `state`(): EnableState",
            "suspend fun `checkDevice`(): Capabilities",
            "fun `acknowledgeWarning`()",
            "suspend fun `startStepUp`(): List<kotlin.String>",
            "suspend fun `finishStepUp`(",
            "suspend fun `createPasskey`(`name`: kotlin.String?): EnableOutcome",
            "suspend fun `resumePending`(): EnableOutcome?",
            "public interface PlatformAuthenticator",
            "suspend fun `create`(`request`: CreateRequest): kotlin.String",
            "sealed class PlatformAuthenticatorException",
            "sealed class PasskeysException",
            "class DeviceNotReady(",
            "class ServerRefused(",
            "sealed class EnableState",
            "sealed class SignInStep",
            "data class PasskeysConfig",
            "data class EnableOutcome",
            "`credentialId`: kotlin.ByteArray",
        ],
    );
    // The public error is PasskeysException in Kotlin; no type may be plainly `Error`/`Exception`.
    assert!(!kotlin.contains("sealed class Exception"));
    // omit_checksums: no load-time checksum comparison (uniffi 0.31.2–0.32.0 regression).
    assert!(!kotlin.contains("uniffiCheckApiChecksums"));
    // The JVM flavour must not touch Android classes.
    assert!(!kotlin.contains("import android."));
}

#[test]
fn swift_exposes_the_enable_slice() {
    let swift = read("BingXPasskeys.swift");
    assert_has(
        &swift,
        "Swift",
        &[
            "import BingXPasskeysFFI",
            "open class PasskeysClient",
            "static func newWithInMemoryStore(config: PasskeysConfig, platform: PlatformAuthenticator)",
            "open class EnableFlow",
            "func createPasskey(name: String?) async throws",
            "public protocol PlatformAuthenticator",
            "enum PasskeysError: Swift.Error",
            "enum PlatformAuthenticatorError: Swift.Error",
            "public enum EnableState",
            "public struct PasskeysConfig",
        ],
    );
    let header = read("BingXPasskeysFFI.h");
    assert!(
        header.contains(
            "uniffi_bingx_passkeys_fn_constructor_passkeysclient_new_with_in_memory_store"
        )
    );
    assert!(read("BingXPasskeysFFI.modulemap").contains("module BingXPasskeysFFI"));
}
