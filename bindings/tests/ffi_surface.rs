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
            // The client: constructors, and the parts it hands out, grouped as the app's screens.
            "open class PasskeysClient",
            "constructor(`config`: PasskeysConfig, `platform`: PlatformAuthenticator, `store`: SecureStore)",
            "fun `requestsSent`(): kotlin.ULong",
            "fun `signIn`(): SignIn",
            "fun `passkeys`(): PasskeysPage",
            "fun `scenarios`(): Scenarios",
            "fun `enable`(): EnableFlow",
            // Signing in and out (J2–J4).
            "open class SignIn",
            "fun `isSignedIn`(): kotlin.Boolean",
            "suspend fun `withPassword`(`email`: kotlin.String, `password`: kotlin.String, `deviceId`: kotlin.String, `trust`: TrustToken?): SignInStep",
            "suspend fun `completeWithCode`(`loginId`: LoginId, `factor`: Factor, `code`: kotlin.String, `trustDevice`: kotlin.Boolean): TrustToken?",
            "suspend fun `completeWithPasskey`(`loginId`: LoginId): kotlin.String",
            "suspend fun `withPasskey`(): kotlin.String",
            "suspend fun `withThirdParty`(`provider`: kotlin.String, `idToken`: kotlin.String): kotlin.String",
            "suspend fun `withH5`(`email`: kotlin.String, `password`: kotlin.String, `deviceId`: kotlin.String): SignInStep",
            "fun `checkPath`(`path`: LoginPath)",
            "suspend fun `signOut`()",
            // The Passkeys page (J5).
            "open class PasskeysPage",
            "suspend fun `list`(): List<PasskeyInfo>",
            "suspend fun `policy`(): Policy",
            "suspend fun `activity`(): List<SecurityEvent>",
            "suspend fun `verify`(`purpose`: Purpose): PasskeyProof",
            "suspend fun `rename`(`credentialId`: kotlin.ByteArray, `name`: kotlin.String): List<PasskeyInfo>",
            "suspend fun `delete`(`credentialId`: kotlin.ByteArray): List<PasskeyInfo>",
            "suspend fun `add`(`name`: kotlin.String?): PasskeyAdded",
            "suspend fun `turnOffRequirement`(): Policy",
            // Scenarios (J6).
            "open class Scenarios",
            "fun `needsPasskey`(`scenario`: Scenario): kotlin.Boolean",
            "suspend fun `verify`(`scenario`: Scenario, `params`: Map<kotlin.String, kotlin.String>): PasskeyProof",
            // Enable and its observer.
            "open class EnableFlow",
            "fun `state`(): EnableState",
            "fun `observe`(`observer`: EnableObserver): ObserverHandle",
            "suspend fun `checkDevice`(): Capabilities",
            "fun `warning`(): PasskeysText",
            "fun `acknowledgeWarning`()",
            "suspend fun `startStepUp`(): List<Factor>",
            "suspend fun `finishStepUp`(`password`: kotlin.String, `factor`: Factor, `code`: kotlin.String)",
            "suspend fun `createPasskey`(`name`: kotlin.String?): PasskeyAdded",
            "suspend fun `resumePending`(): PasskeyAdded?",
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
            "suspend fun `signalCurrentUserDetails`(`rpId`: kotlin.String, `userId`: kotlin.ByteArray, `name`: kotlin.String, `displayName`: kotlin.String)",
            "public interface SecureStore",
            "fun `get`(`name`: kotlin.String): kotlin.String?",
            "fun `set`(`name`: kotlin.String, `value`: kotlin.String)",
            "fun `delete`(`name`: kotlin.String)",
            // The one error: variants a UI switches on, with their data, and the text to show.
            "sealed class PasskeysException",
            "class NotSignedIn(",
            "class DeviceNotReady(",
            "val `reason`: UnavailableReason",
            "class Cancelled(",
            "class NoCredential(",
            "class TimedOut(",
            "class PasskeyRequired(",
            "class DowngradeRefused(",
            "class PathBlocked(",
            "val `path`: LoginPath",
            "class InProgress(",
            "class Network(",
            "class ServerRefused(",
            "val `code`: ServerCode",
            "val `status`: kotlin.UShort",
            "class InvalidResponse(",
            "class NotAllowedInThisState(",
            "val `needs`: Step",
            "class LastPasskey(",
            "class InvalidName(",
            "class PolicyUnavailable(",
            "class NotSupported(",
            "class KeystoreFailed(",
            "fun `errorText`(`error`: PasskeysException): PasskeysText",
            "fun `errorIsRetryable`(`error`: PasskeysException): kotlin.Boolean",
            "fun `securityEventText`(`event`: SecurityEvent): PasskeysText",
            "sealed class PlatformAuthenticatorException",
            "sealed class SecureStoreException",
            "class Unavailable(",
            "class Unreadable(",
            // Records and enums.
            "data class PasskeysConfig",
            "data class PasskeyAdded",
            "data class PasskeyInfo",
            "data class Policy",
            "data class SecurityEvent",
            "data class PasskeysText",
            "data class PasskeysTextArg",
            // Objects, not data classes: their toString() cannot print the secret.
            "open class PasskeyProof",
            "fun `proof`(): kotlin.String",
            "fun `expiresInSecs`(): kotlin.ULong",
            "open class TrustToken",
            "fun `fromStored`(`value`: kotlin.String): TrustToken",
            "fun `exposeSecret`(): kotlin.String",
            "open class LoginId",
            "val `loginId`: com.bingx.passkeys.LoginId",
            "`credentialId`: kotlin.ByteArray",
            "sealed class EnableState",
            "val `text`: com.bingx.passkeys.PasskeysText",
            "sealed class SignInStep",
            "sealed class ServerCode",
            "sealed class Scenario",
            "sealed class UnavailableReason",
            "enum class Factor",
            "enum class Step",
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
                "fun `signals`(): List<SoftwareSignal>",
                "sealed class SoftwareSignal",
                "fun `newWithInMemoryStore`(`config`: PasskeysConfig, `platform`: PlatformAuthenticator): PasskeysClient",
            ],
        );
    } else {
        for qa_only in ["SoftwarePasswordManager", "newWithInMemoryStore"] {
            assert!(!kotlin.contains(qa_only), "{qa_only} is QA only");
        }
    }
    // A sign-in attempt crosses as an object: nothing can print or read it.
    assert!(!kotlin.contains("val `loginId`: kotlin.String"));
    // The public error is PasskeysException in Kotlin; no type may be plainly `Error`/`Exception`.
    assert!(!kotlin.contains("sealed class Exception"));
    // Errors and states carry typed values and a text key, never an English sentence.
    for sentence in ["val `msg`", "val `message`: kotlin.String"] {
        assert!(
            !kotlin.contains(sentence),
            "Kotlin bindings carry {sentence}"
        );
    }
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
            "func requestsSent()  -> UInt64",
            "func signIn()  -> SignIn",
            "func passkeys()  -> PasskeysPage",
            "func scenarios()  -> Scenarios",
            "func enable()  -> EnableFlow",
            "open class SignIn",
            "func withPassword(email: String, password: String, deviceId: String, trust: TrustToken?) async throws  -> SignInStep",
            "func completeWithCode(loginId: LoginId, factor: Factor, code: String, trustDevice: Bool) async throws  -> TrustToken?",
            "func completeWithPasskey(loginId: LoginId) async throws  -> String",
            "open class LoginId",
            "return .codeRequired(loginId: try FfiConverterTypeLoginId.read(from: &buf)",
            "func withPasskey() async throws  -> String",
            "func withThirdParty(provider: String, idToken: String) async throws  -> String",
            "func withH5(email: String, password: String, deviceId: String) async throws  -> SignInStep",
            "func checkPath(path: LoginPath) throws",
            "open class PasskeysPage",
            "func list() async throws  -> [PasskeyInfo]",
            "func rename(credentialId: Data, name: String) async throws  -> [PasskeyInfo]",
            "func delete(credentialId: Data) async throws  -> [PasskeyInfo]",
            "func add(name: String?) async throws  -> PasskeyAdded",
            "func turnOffRequirement() async throws  -> Policy",
            "func verify(purpose: Purpose) async throws  -> PasskeyProof",
            "func activity() async throws  -> [SecurityEvent]",
            "open class Scenarios",
            "func needsPasskey(scenario: Scenario)  -> Bool",
            "func verify(scenario: Scenario, params: [String: String]) async throws  -> PasskeyProof",
            "open class EnableFlow",
            "func createPasskey(name: String?) async throws",
            "func warning()  -> PasskeysText",
            "func observe(observer: EnableObserver)  -> ObserverHandle",
            "public protocol EnableObserver",
            "func onState(state: EnableState)",
            "open class ObserverHandle",
            "public protocol PlatformAuthenticator",
            "func signalCurrentUserDetails(rpId: String, userId: Data, name: String, displayName: String) async throws",
            "public protocol SecureStore",
            "func get(name: String) throws  -> String?",
            "enum PasskeysError: Swift.Error",
            "case NotAllowedInThisState(needs: Step",
            "case ServerRefused(code: ServerCode, status: UInt16",
            "case PathBlocked(path: LoginPath",
            "case LastPasskey",
            "case InvalidName",
            "case PolicyUnavailable",
            "case NotSupported",
            "public func errorText(error: PasskeysError) -> PasskeysText",
            "public func errorIsRetryable(error: PasskeysError) -> Bool",
            "public func securityEventText(event: SecurityEvent) -> PasskeysText",
            "enum PlatformAuthenticatorError: Swift.Error",
            "enum SecureStoreError: Swift.Error",
            "public enum EnableState",
            "public enum LoginPath",
            "public enum Purpose",
            "public enum ServerCode",
            "public enum Scenario",
            "public enum Factor",
            "public struct PasskeysConfig",
            "public struct PasskeysText",
            "open class PasskeyProof",
            "open func proof() -> String",
            "open class TrustToken",
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
                "func signals()  -> [SoftwareSignal]",
                "public enum SoftwareSignal",
                "static func newWithInMemoryStore(config: PasskeysConfig, platform: PlatformAuthenticator)",
            ],
        );
    } else {
        assert!(!swift.contains("newWithInMemoryStore"), "QA only");
    }
    let header = read("BingXPasskeysFFI.h");
    for function in [
        "uniffi_bingx_passkeys_fn_constructor_passkeysclient_new",
        "uniffi_bingx_passkeys_fn_method_scenarios_needs_passkey",
        "uniffi_bingx_passkeys_fn_method_signin_with_password",
        "uniffi_bingx_passkeys_fn_method_passkeyspage_delete",
        "uniffi_bingx_passkeys_fn_method_platformauthenticator_signal_current_user_details",
        "uniffi_bingx_passkeys_fn_func_error_text",
        "uniffi_bingx_passkeys_fn_method_enableflow_observe",
    ] {
        assert!(header.contains(function), "the C header lacks {function}");
    }
    assert!(read("BingXPasskeysFFI.modulemap").contains("module BingXPasskeysFFI"));
}
