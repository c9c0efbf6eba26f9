import XCTest
@testable import BingXPasskeys

/// J7 on iOS: each platform failure of ErrorMappingCases.json, mapped by ErrorMapping and thrown
/// by the password manager during a passkey sign-in against `passkeys-testkit serve`, reaches the
/// app as a PasskeysError whose text is the row's, and leaves the device signed out.
final class ErrorMappingJourneyTests: XCTestCase {
    func testEveryPlatformFailureReachesTheAppAsItsText() async throws {
        let kit = try TestKit.fromEnvironment()
        for row in try ErrorMappingCase.all() {
            let client = try await kit.client(FailingAuthenticator(row.mapped))
            do {
                let account = try await client.signIn().withPasskey()
                XCTFail("\(row): signed in as \(account) with a failing password manager")
            } catch let error as PasskeysError {
                XCTAssertEqual(errorText(error: error).key, row.text, "\(row): \(error)")
            }
            XCTAssertFalse(try client.signIn().isSignedIn(), "\(row)")
        }
    }
}

/// A password manager whose every ceremony and signal fails with `error`.
private final class FailingAuthenticator: PlatformAuthenticator {
    private let error: PlatformAuthenticatorError

    init(_ error: PlatformAuthenticatorError) {
        self.error = error
    }

    func capabilities() async throws -> Capabilities {
        Capabilities(
            passwordManagerAvailable: true, userCanAuthenticate: true, supportsSignals: false,
            unavailableReason: nil)
    }

    func create(request: CreateRequest) async throws -> String {
        throw error
    }

    func get(request: GetRequest) async throws -> String {
        throw error
    }

    func signalUnknownCredential(rpId: String, credentialId: Data) async throws {
        throw error
    }

    func signalAllAcceptedCredentials(rpId: String, userId: Data, credentialIds: [Data]) async throws {
        throw error
    }

    func signalCurrentUserDetails(
        rpId: String, userId: Data, name: String, displayName: String
    ) async throws {
        throw error
    }
}
