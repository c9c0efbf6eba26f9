import XCTest
@testable import BingXPasskeys

/// J7 Things go wrong (BRIEF §2): the platform's own failure codes, mapped by the shell's
/// ErrorMapping, reach the app as typed errors with their texts and leave a state the user can
/// simply retry from.
final class FailureJourneyTests: XCTestCase {
    /// The user closes the passkey sheet (ASAuthorizationError 1001): nothing is enabled, the
    /// flow says it can be retried, and the same flow then enables.
    func testJ7ACancelledSheetEnablesNothingAndTheSameFlowRetries() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let keychain = TestPasswordManager(rpId: kit.rpId)
        let phone = try await kit.signedInClient(account, keychain, deviceId: "iphone")
        let flow = try await kit.steppedUp(phone, account)
        keychain.failNext(ErrorMapping.map(
            domain: ErrorMapping.authorizationDomain, code: 1001,
            message: "The operation couldn't be completed."))

        await assertRefused(.Cancelled, "error.cancelled") {
            _ = try await flow.createPasskey(name: nil)
        }
        guard case let .failed(retryable, text) = flow.state() else {
            return XCTFail("expected a failed state, got \(flow.state())")
        }
        XCTAssertTrue(retryable)
        XCTAssertEqual(text.key, "error.cancelled")
        XCTAssertTrue(errorIsRetryable(error: .Cancelled))
        XCTAssertFalse(text.localized(language: "en").isEmpty)
        let policy = try await phone.passkeys().policy()
        XCTAssertFalse(policy.passkeyRequired, "the flag is never on without a passkey")
        let none = try await phone.passkeys().list()
        XCTAssertTrue(none.isEmpty)
        XCTAssertTrue(keychain.credentialIds(kit.rpId).isEmpty)

        _ = try await flow.createPasskey(name: nil)
        XCTAssertEqual(flow.state(), .enabled)
        let listed = try await phone.passkeys().list()
        XCTAssertEqual(listed.count, 1)
    }

    /// A phone whose password manager holds no passkey for the account: a flagged account's
    /// passkey step and a usernameless sign-in both end in NoCredential, with no session.
    func testJ7NoPasskeyOnThisDeviceIsNoCredentialAndNoSession() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let phone = try await kit.signedInClient(
            account, TestPasswordManager(rpId: kit.rpId), deviceId: "iphone")
        _ = try await kit.enablePasskeys(phone, account)

        let stranger = try await kit.client(TestPasswordManager(rpId: kit.rpId))
        let signIn = stranger.signIn()
        let step = try await signIn.withPassword(
            email: account.email, password: account.password, deviceId: "stranger", trust: nil)
        guard case let .passkeyRequired(loginId) = step else {
            return XCTFail("expected passkeyRequired, got \(step)")
        }
        await assertRefused(.NoCredential, "error.no_credential") {
            _ = try await signIn.completeWithPasskey(loginId: loginId)
        }
        await assertRefused(.NoCredential, "error.no_credential") {
            _ = try await stranger.signIn().withPasskey()
        }
        XCTAssertFalse(try signIn.isSignedIn())
        await assertRefused(.NotSignedIn, "error.not_signed_in") {
            _ = try await stranger.passkeys().list()
        }
    }

    /// The immediate-mode answer of a password manager with nothing to offer (1005
    /// notInteractive) is NoCredential too, and the right passkey then signs in.
    func testJ7NotInteractiveIsNoCredentialAndARetrySignsIn() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let keychain = TestPasswordManager(rpId: kit.rpId)
        let phone = try await kit.signedInClient(account, keychain, deviceId: "iphone")
        _ = try await kit.enablePasskeys(phone, account)

        let ipad = try await kit.client(keychain)
        keychain.failNext(ErrorMapping.map(
            domain: ErrorMapping.authorizationDomain, code: 1005, message: "No credentials."))
        await assertRefused(.NoCredential, "error.no_credential") {
            _ = try await ipad.signIn().withPasskey()
        }
        XCTAssertFalse(try ipad.signIn().isSignedIn())
        let accountId = try await ipad.signIn().withPasskey()
        XCTAssertEqual(accountId, account.id)
    }
}
