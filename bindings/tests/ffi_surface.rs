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
fn kotlin_exposes_the_whole_surface() {
    let kotlin = read("com/bingx/passkeys/bingx_passkeys.kt");
    assert_has(
        &kotlin,
        "Kotlin",
        &[
            "package com.bingx.passkeys",
            // The client: constructors, J2–J6, policy checks.
            "open class PasskeysClient",
            "constructor(`config`: PasskeysConfig, `platform`: PlatformAuthenticator, `store`: SecureStore)",
            "fun `newWithInMemoryStore`(`config`: PasskeysConfig, `platform`: PlatformAuthenticator): PasskeysClient",
            "fun `isSignedIn`(): kotlin.Boolean",
            "fun `requestsSent`(): kotlin.ULong",
            "suspend fun `signOut`()",
            "suspend fun `passkeys`(): List<PasskeyInfo>",
            "suspend fun `policy`(): Policy",
            "fun `enableFlow`(): EnableFlow",
            "suspend fun `signInWithPassword`(`email`: kotlin.String, `password`: kotlin.String, `deviceId`: kotlin.String, `trustToken`: kotlin.String?): SignInStep",
            "suspend fun `completeSignIn`(`loginId`: kotlin.String, `factor`: kotlin.String, `code`: kotlin.String, `trustDevice`: kotlin.Boolean): kotlin.String?",
            "suspend fun `completeSignInWithPasskey`(`loginId`: kotlin.String): kotlin.String",
            "suspend fun `signInWithPasskey`(): kotlin.String",
            "suspend fun `signInWithThirdParty`(`provider`: kotlin.String, `idToken`: kotlin.String): kotlin.String",
            "suspend fun `signInWithH5`(`email`: kotlin.String, `password`: kotlin.String, `deviceId`: kotlin.String): SignInStep",
            "fun `checkLoginPath`(`path`: LoginPath)",
            "suspend fun `renamePasskey`(`credentialId`: kotlin.ByteArray, `name`: kotlin.String): List<PasskeyInfo>",
            "suspend fun `deletePasskey`(`credentialId`: kotlin.ByteArray): List<PasskeyInfo>",
            "suspend fun `addPasskey`(`name`: kotlin.String?): EnableOutcome",
            "suspend fun `disablePasskeyRequirement`(): Policy",
            "suspend fun `verifyWithPasskey`(`purpose`: Purpose): PasskeyProof",
            "suspend fun `securityEvents`(): List<SecurityEvent>",
            "fun `scenarioNeedsPasskey`(`scenario`: kotlin.String): kotlin.Boolean",
            "suspend fun `verifyScenario`(`scenario`: kotlin.String, `params`: Map<kotlin.String, kotlin.String>): PasskeyProof",
            // Enable and its observer.
            "open class EnableFlow",
            "fun `state`(): EnableState",
            "fun `observe`(`observer`: EnableObserver): ObserverHandle",
            "suspend fun `checkDevice`(): Capabilities",
            "fun `warning`(): kotlin.String",
            "fun `acknowledgeWarning`()",
            "suspend fun `startStepUp`(): List<kotlin.String>",
            "suspend fun `finishStepUp`(`password`: kotlin.String, `factor`: kotlin.String, `code`: kotlin.String)",
            "suspend fun `createPasskey`(`name`: kotlin.String?): EnableOutcome",
            "suspend fun `resumePending`(): EnableOutcome?",
            "public interface EnableObserver",
            "fun `onState`(`state`: EnableState)",
            "open class ObserverHandle",
            "fun `cancel`()",
            // Foreign traits.
            "public interface PlatformAuthenticator",
            "suspend fun `capabilities`(): Capabilities",
            "suspend fun `create`(`request`: CreateRequest): kotlin.String",
            "suspend fun `get`(`request`: GetRequest): kotlin.String",
            "suspend fun `signalUnknownCredential`(`rpId`: kotlin.String, `credentialId`: kotlin.ByteArray)",
            "suspend fun `signalAllAcceptedCredentials`(`rpId`: kotlin.String, `userId`: kotlin.ByteArray, `credentialIds`: List<kotlin.ByteArray>)",
            "public interface SecureStore",
            "fun `get`(`name`: kotlin.String): kotlin.String?",
            "fun `set`(`name`: kotlin.String, `value`: kotlin.String)",
            "fun `delete`(`name`: kotlin.String)",
            // Errors: one small enum per concern, variants a UI switches on.
            "sealed class PasskeysException",
            "class NotSignedIn(",
            "class DeviceNotReady(",
            "class Cancelled(",
            "class PasskeyRequired(",
            "class DowngradeRefused(",
            "class PathBlocked(",
            "class Network(",
            "class ServerRefused(",
            "class InvalidResponse(",
            "class LastPasskey(",
            "class PolicyUnavailable(",
            "class NotSupported(",
            "sealed class PlatformAuthenticatorException",
            "sealed class SecureStoreException",
            "class Unavailable(",
            "class Unreadable(",
            // Records and enums.
            "data class PasskeysConfig",
            "data class EnableOutcome",
            "data class PasskeyInfo",
            "data class Policy",
            "data class SecurityEvent",
            // An object, not a data class: its toString() cannot print the proof.
            "open class PasskeyProof",
            "fun `proof`(): kotlin.String",
            "fun `expiresInSecs`(): kotlin.ULong",
            "`credentialId`: kotlin.ByteArray",
            "sealed class EnableState",
            "sealed class SignInStep",
            "enum class LoginPath",
            "THIRD_PARTY",
            "enum class Purpose",
            "SECURITY_SETTINGS",
        ],
    );
    if cfg!(feature = "softpm") {
        assert_has(
            &kotlin,
            "Kotlin (softpm)",
            &[
                "open class SoftwarePasswordManager",
                "constructor(`origin`: kotlin.String)",
                "fun `asPlatformAuthenticator`(): PlatformAuthenticator",
                "fun `setFault`(`fault`: SoftwareFault?)",
                "sealed class SoftwareFault",
            ],
        );
    } else {
        assert!(
            !kotlin.contains("SoftwarePasswordManager"),
            "softpm is QA only"
        );
    }
    // The public error is PasskeysException in Kotlin; no type may be plainly `Error`/`Exception`.
    assert!(!kotlin.contains("sealed class Exception"));
    // omit_checksums: no load-time checksum comparison (uniffi 0.31.2–0.32.0 regression).
    assert!(!kotlin.contains("uniffiCheckApiChecksums"));
    // The JVM flavour must not touch Android classes.
    assert!(!kotlin.contains("import android."));
}

#[test]
fn swift_exposes_the_whole_surface() {
    let swift = read("BingXPasskeys.swift");
    assert_has(
        &swift,
        "Swift",
        &[
            "import BingXPasskeysFFI",
            "open class PasskeysClient",
            "public convenience init(config: PasskeysConfig, platform: PlatformAuthenticator, store: SecureStore)throws",
            "static func newWithInMemoryStore(config: PasskeysConfig, platform: PlatformAuthenticator)",
            "func requestsSent()  -> UInt64",
            "func completeSignInWithPasskey(loginId: String) async throws  -> String",
            "func signInWithPasskey() async throws  -> String",
            "func signInWithThirdParty(provider: String, idToken: String) async throws  -> String",
            "func signInWithH5(email: String, password: String, deviceId: String) async throws  -> SignInStep",
            "func checkLoginPath(path: LoginPath) throws",
            "func renamePasskey(credentialId: Data, name: String) async throws  -> [PasskeyInfo]",
            "func deletePasskey(credentialId: Data) async throws  -> [PasskeyInfo]",
            "func addPasskey(name: String?) async throws  -> EnableOutcome",
            "func disablePasskeyRequirement() async throws  -> Policy",
            "func verifyWithPasskey(purpose: Purpose) async throws  -> PasskeyProof",
            "func securityEvents() async throws  -> [SecurityEvent]",
            "func scenarioNeedsPasskey(scenario: String)  -> Bool",
            "func verifyScenario(scenario: String, params: [String: String]) async throws  -> PasskeyProof",
            "open class EnableFlow",
            "func createPasskey(name: String?) async throws",
            "func observe(observer: EnableObserver)  -> ObserverHandle",
            "public protocol EnableObserver",
            "func onState(state: EnableState)",
            "open class ObserverHandle",
            "public protocol PlatformAuthenticator",
            "public protocol SecureStore",
            "func get(name: String) throws  -> String?",
            "enum PasskeysError: Swift.Error",
            "enum PlatformAuthenticatorError: Swift.Error",
            "enum SecureStoreError: Swift.Error",
            "case LastPasskey(",
            "case PolicyUnavailable(",
            "case NotSupported(",
            "public enum EnableState",
            "public enum LoginPath",
            "public enum Purpose",
            "public struct PasskeysConfig",
            "open class PasskeyProof",
            "open func proof() -> String",
            "public struct SecurityEvent",
        ],
    );
    if cfg!(feature = "softpm") {
        assert_has(
            &swift,
            "Swift (softpm)",
            &[
                "open class SoftwarePasswordManager",
                "func asPlatformAuthenticator()  -> PlatformAuthenticator",
                "public enum SoftwareFault",
            ],
        );
    }
    let header = read("BingXPasskeysFFI.h");
    for function in [
        "uniffi_bingx_passkeys_fn_constructor_passkeysclient_new",
        "uniffi_bingx_passkeys_fn_constructor_passkeysclient_new_with_in_memory_store",
        "uniffi_bingx_passkeys_fn_method_passkeysclient_scenario_needs_passkey",
        "uniffi_bingx_passkeys_fn_method_enableflow_observe",
    ] {
        assert!(header.contains(function), "the C header lacks {function}");
    }
    assert!(read("BingXPasskeysFFI.modulemap").contains("module BingXPasskeysFFI"));
}
