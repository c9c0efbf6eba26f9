import BingXPasskeys
import XCTest

/// Journeys J1 and J2 (BRIEF §2) through the Swift bindings, against `passkeys-testkit serve`,
/// with a Swift password manager (SoftwareAuthenticator) in place of AuthenticationServices.
final class JourneyTests: XCTestCase {
    /// J1 Enable: device check, warning, step-up with the current factor, the ceremony, and the
    /// flag on with the passkey listed; every other session and trust mark is revoked.
    func testJ1EnableTurnsTheFlagOnAndListsThePasskey() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let laptop = try await kit.signedInClient(
            account, SoftwareAuthenticator(), deviceId: "laptop", trustDevice: true)
        let keychain = SoftwareAuthenticator()
        let phone = try await kit.signedInClient(account, keychain, deviceId: "iphone")

        let flow = phone.enable()
        XCTAssertEqual(flow.state(), .notStarted)
        let capabilities = try await flow.checkDevice()
        XCTAssertTrue(capabilities.passwordManagerAvailable && capabilities.userCanAuthenticate)
        let warning = flow.warning()
        XCTAssertEqual(warning.key, "enable.warning")
        let shown = warning.localized(language: "en")
        XCTAssertTrue(shown.contains("H5") && shown.contains("third-party"), shown)
        try flow.acknowledgeWarning()
        XCTAssertEqual(flow.state(), .warned)
        let factors = try await flow.startStepUp()
        XCTAssertTrue(factors.contains(.email))
        let code = try await kit.code(to: account.email, purpose: "step_up")
        try await flow.finishStepUp(password: account.password, factor: .email, code: code)
        XCTAssertEqual(flow.state(), .steppedUp)

        let added = try await flow.createPasskey(name: "My iPhone")
        XCTAssertEqual(flow.state(), .enabled)
        XCTAssertTrue(added.policy.passkeyRequired)
        XCTAssertEqual(added.policy.passkeyCount, 1)
        XCTAssertEqual(added.passkey.name, "My iPhone")
        XCTAssertEqual(added.passkey.credentialId, keychain.credentialIds(kit.rpId).first)
        XCTAssertTrue(added.passkey.backupEligible, "synced, like iCloud Keychain")
        XCTAssertEqual(added.revokedSessions, 1)
        XCTAssertEqual(added.revokedTrustedDevices, 1)
        let listed = try await phone.passkeys().list()
        XCTAssertEqual(listed, added.passkeys)

        // BRIEF §5 #3: the laptop's session can no longer act.
        do {
            _ = try await laptop.passkeys().list()
            XCTFail("a session from before Enable must be revoked")
        } catch let error as PasskeysError {
            XCTAssertEqual(error, .NotSignedIn)
            XCTAssertEqual(errorText(error: error).key, "error.not_signed_in")
        }
    }

    /// J2 Login with the flag on: the password step answers "passkey required", a code is refused
    /// on the device and never sent, and the passkey signs in (on a second device of the same
    /// synced keychain).
    func testJ2PasswordLoginWithTheFlagOnNeedsThePasskeyAndNeverACode() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let keychain = SoftwareAuthenticator()
        let phone = try await kit.signedInClient(account, keychain, deviceId: "iphone")
        _ = try await kit.enablePasskeys(phone, account)

        let ipad = try kit.client(keychain)
        let signIn = ipad.signIn()
        let codesBefore = try await kit.outbox(to: account.email).count
        let step = try await signIn.withPassword(
            email: account.email, password: account.password, deviceId: "ipad", trust: nil)
        guard case let .passkeyRequired(loginId) = step else {
            return XCTFail("expected passkeyRequired, got \(step)")
        }
        do {
            _ = try await signIn.completeWithCode(
                loginId: loginId, factor: .email, code: "123456", trustDevice: true)
            XCTFail("a one-time code must not sign in an account whose passkey is required")
        } catch let error as PasskeysError {
            XCTAssertEqual(error, .PasskeyRequired)
            XCTAssertEqual(errorText(error: error).key, "error.passkey_required")
        }

        let accountId = try await signIn.completeWithPasskey(loginId: loginId)
        XCTAssertEqual(accountId, account.id)
        XCTAssertTrue(try signIn.isSignedIn())
        let codesAfter = try await kit.outbox(to: account.email).count
        XCTAssertEqual(codesAfter, codesBefore, "no code was ever sent")
        let listed = try await ipad.passkeys().list()
        XCTAssertNotNil(listed.first?.lastUsedAt, "the passkey shows as used")
    }
}
