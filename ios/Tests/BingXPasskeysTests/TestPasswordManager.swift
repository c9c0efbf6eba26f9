import BingXPasskeys
import Foundation

/// The password manager the journeys run with, behind the platform contract as the iOS shell is:
/// on Apple platforms `SoftwareAuthenticator` (CryptoKit, written in Swift for the tests); on
/// Linux, which has no CryptoKit, the core's software password manager (`SoftwarePasswordManager`
/// of the QA bindings, passkey-rs), so the package must be built against the `softpm` library.
/// `failNext` makes the next ceremony fail as the platform would, through the shell's own
/// `ErrorMapping`. Two clients sharing one instance are two devices on one synced keychain.
final class TestPasswordManager: PlatformAuthenticator, @unchecked Sendable {
    #if canImport(CryptoKit)
    private let base = SoftwareAuthenticator()
    #else
    private let software: SoftwarePasswordManager
    private let base: PlatformAuthenticator
    #endif
    private let lock = NSLock()
    private var failure: PlatformAuthenticatorError? // guarded by `lock`

    init(rpId: String) {
        #if !canImport(CryptoKit)
        // An rp id that is a host is a valid origin's host; `try!` cannot fail on one.
        software = try! SoftwarePasswordManager(origin: "https://\(rpId)")
        base = software.asPlatformAuthenticator()
        #endif
    }

    /// The next create or get fails with `error` (once).
    func failNext(_ error: PlatformAuthenticatorError) {
        lock.lock()
        defer { lock.unlock() }
        failure = error
    }

    /// Ids of the passkeys held for `rpId`, oldest first.
    func credentialIds(_ rpId: String) -> [Data] {
        #if canImport(CryptoKit)
        base.credentialIds(rpId)
        #else
        software.credentialIds(rpId: rpId)
        #endif
    }

    private func takeFailure() throws {
        lock.lock()
        let error = failure
        failure = nil
        lock.unlock()
        if let error { throw error }
    }

    func capabilities() async throws -> Capabilities {
        try await base.capabilities()
    }

    func create(request: CreateRequest) async throws -> String {
        try takeFailure()
        return try await base.create(request: request)
    }

    func get(request: GetRequest) async throws -> String {
        try takeFailure()
        return try await base.get(request: request)
    }

    func signalUnknownCredential(rpId: String, credentialId: Data) async throws {
        try await base.signalUnknownCredential(rpId: rpId, credentialId: credentialId)
    }

    func signalAllAcceptedCredentials(rpId: String, userId: Data, credentialIds: [Data]) async throws {
        try await base.signalAllAcceptedCredentials(
            rpId: rpId, userId: userId, credentialIds: credentialIds)
    }

    func signalCurrentUserDetails(
        rpId: String, userId: Data, name: String, displayName: String
    ) async throws {
        try await base.signalCurrentUserDetails(
            rpId: rpId, userId: userId, name: name, displayName: displayName)
    }
}
