import BingXPasskeys
import XCTest

/// Journeys J1, J2, J4, J5 and J6 (BRIEF §2) through the Swift bindings against
/// `passkeys-testkit serve`, with a software password manager behind the platform contract in
/// place of AuthenticationServices (TestPasswordManager).
final class JourneyTests: XCTestCase {
    /// J1 Enable: device check, warning, step-up with the current factor, the ceremony, and the
    /// flag on with the passkey listed; every other session and trust mark is revoked.
    func testJ1EnableTurnsTheFlagOnAndListsThePasskey() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let laptop = try await kit.signedInClient(
            account, TestPasswordManager(rpId: kit.rpId), deviceId: "laptop", trustDevice: true)
        let keychain = TestPasswordManager(rpId: kit.rpId)
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
        XCTAssertEqual([added.passkey.credentialId], keychain.credentialIds(kit.rpId))
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

    /// J1 with passkeys already on the account (the requirement was on, then turned off): Enable
    /// lists them, and removes every one the user does not keep.
    func testJ1EnableRemovesThePasskeysTheUserDoesNotKeep() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let tablet = try await kit.signedInClient(
            account, TestPasswordManager(rpId: kit.rpId), deviceId: "ipad")
        _ = try await kit.steppedUp(tablet, account).createPasskey(name: "iPad")
        _ = try await tablet.passkeys().turnOffRequirement()

        let phone = try await kit.signedInClient(
            account, TestPasswordManager(rpId: kit.rpId), deviceId: "iphone")
        let flow = try await kit.steppedUp(phone, account)
        let existing = try await flow.existingPasskeys()
        XCTAssertEqual(existing.map(\.name), ["iPad"])
        flow.keepPasskeys(credentialIds: [])
        let added = try await flow.createPasskey(name: "iPhone")
        XCTAssertEqual(added.removedPasskeys, 1)
        XCTAssertEqual(added.passkeys.map(\.name), ["iPhone"])
    }

    /// J2 Login with the flag on: the password step answers "passkey required", a code is refused
    /// on the device and never sent, and the passkey signs in (on a second device of the same
    /// synced keychain).
    func testJ2PasswordLoginWithTheFlagOnNeedsThePasskeyAndNeverACode() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let keychain = TestPasswordManager(rpId: kit.rpId)
        let phone = try await kit.signedInClient(account, keychain, deviceId: "iphone")
        _ = try await kit.enablePasskeys(phone, account)

        let ipad = try await kit.client(keychain)
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
        XCTAssertFalse(try signIn.isSignedIn())

        let accountId = try await signIn.completeWithPasskey(loginId: loginId)
        XCTAssertEqual(accountId, account.id)
        XCTAssertTrue(try signIn.isSignedIn())
        let codesAfter = try await kit.outbox(to: account.email).count
        XCTAssertEqual(codesAfter, codesBefore, "no code was ever sent")
        let listed = try await ipad.passkeys().list()
        XCTAssertNotNil(listed.first?.lastUsedAt, "the passkey shows as used")
    }

    /// J8 Lost passkeys, the owner's side: a reset someone holding the password and a code asked
    /// for from another phone is named by the owner's next passkey sign-in, with its notice, until
    /// the owner's passkey cancels it.
    func testJ8APendingResetIsShownAtTheOwnersSignInUntilCancelled() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let keychain = TestPasswordManager(rpId: kit.rpId)
        let phone = try await kit.signedInClient(account, keychain, deviceId: "iphone")
        _ = try await kit.enablePasskeys(phone, account)
        XCTAssertNil(phone.signIn().pendingReset())

        let other = try await kit.client(TestPasswordManager(rpId: kit.rpId))
        let recovery = other.recovery()
        _ = try await recovery.request(email: account.email, password: account.password, deviceId: "other")
        let asked = try await recovery.confirm(
            factor: .email, code: try await kit.code(to: account.email, purpose: "recovery"))
        XCTAssertEqual(asked.state, .pending)

        let signIn = phone.signIn()
        try await signIn.signOut()
        let step = try await signIn.withPassword(
            email: account.email, password: account.password, deviceId: "iphone", trust: nil)
        guard case let .passkeyRequired(loginId) = step else {
            return XCTFail("expected passkeyRequired, got \(step)")
        }
        _ = try await signIn.completeWithPasskey(loginId: loginId)
        XCTAssertEqual(signIn.pendingReset(), asked)
        XCTAssertEqual(pendingResetNoticeText(status: asked).key, "recovery.pending_notice")

        let cancelled = try await phone.recovery().cancel()
        XCTAssertEqual(cancelled.state, .cancelled)
        XCTAssertNil(signIn.pendingReset())
    }

    /// J4 Blocked paths: once the flag is on, the device that knows the account refuses H5 and
    /// third-party login before any request; a fresh device is refused by the server, with a
    /// distinct error per path; the account's activity shows the refused attempts.
    func testJ4H5AndThirdPartyLoginAreBlockedForAFlaggedAccount() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let phone = try await kit.signedInClient(
            account, TestPasswordManager(rpId: kit.rpId), deviceId: "iphone")
        _ = try await kit.enablePasskeys(phone, account)
        _ = try await phone.passkeys().policy()

        let sent = phone.requestsSent()
        for path in [LoginPath.h5, .thirdParty] {
            XCTAssertThrowsError(try phone.signIn().checkPath(path: path)) { error in
                XCTAssertEqual(error as? PasskeysError, .PathBlocked(path: path))
            }
        }
        XCTAssertNoThrow(try phone.signIn().checkPath(path: .passkey))
        let token = try await kit.idToken(provider: "apple", email: account.email)
        await assertRefused(.PathBlocked(path: .thirdParty), "error.path_blocked.third_party") {
            _ = try await phone.signIn().withThirdParty(provider: "apple", idToken: token)
        }
        XCTAssertEqual(phone.requestsSent(), sent, "refused on the device, nothing sent")

        let fresh = try await kit.client(TestPasswordManager(rpId: kit.rpId))
        let telegram = try await kit.idToken(provider: "telegram", email: account.email)
        await assertRefused(.PathBlocked(path: .thirdParty), "error.path_blocked.third_party") {
            _ = try await fresh.signIn().withThirdParty(provider: "telegram", idToken: telegram)
        }
        await assertRefused(.PathBlocked(path: .h5), "error.path_blocked.h5") {
            _ = try await fresh.signIn().withH5(
                email: account.email, password: account.password, deviceId: "web")
        }
        XCTAssertFalse(try fresh.signIn().isSignedIn())
        let kinds = try await phone.passkeys().activity().map(\.kind)
        XCTAssertTrue(kinds.contains("blocked_third_party_login"), "\(kinds)")
        XCTAssertTrue(kinds.contains("blocked_h5_login"), "\(kinds)")
    }

    /// J5 Manage: rename the passkey, and the last passkey of a flagged account cannot be deleted.
    func testJ5RenameAndTheLastPasskeyIsKept() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let keychain = TestPasswordManager(rpId: kit.rpId)
        let phone = try await kit.signedInClient(account, keychain, deviceId: "iphone")
        _ = try await kit.steppedUp(phone, account).createPasskey(name: "Phone")
        let page = phone.passkeys()
        let created = try await page.list()
        let only = try XCTUnwrap(created.first).credentialId

        // A name with nothing visible is refused before the passkey is asked for.
        await assertRefused(.InvalidName, "error.invalid_name") {
            _ = try await page.rename(credentialId: only, name: " \u{202E}\u{7} ")
        }
        let renamed = try await page.rename(credentialId: only, name: "Work phone")
        XCTAssertEqual(renamed.map(\.name), ["Work phone"])
        await assertRefused(.LastPasskey, "error.last_passkey") {
            _ = try await page.delete(credentialId: only)
        }
        let left = try await page.list()
        XCTAssertEqual(left.map(\.name), ["Work phone"])
        XCTAssertEqual(left.map(\.credentialId), [only])
        XCTAssertEqual(keychain.credentialIds(kit.rpId), [only], "still in the password manager")
        let policy = try await page.policy()
        XCTAssertTrue(policy.passkeyRequired)
        let kinds = try await page.activity().map(\.kind)
        XCTAssertTrue(kinds.contains("passkey_renamed"), "\(kinds)")
    }

    /// J6 A withdrawal: once server policy switches withdrawals on, the server refuses one
    /// without a passkey proof and accepts the proof made for exactly that withdrawal, once.
    func testJ6AWithdrawalNeedsAPasskeyProofOncePolicySaysSo() async throws {
        let kit = try TestKit.fromEnvironment()
        let account = try await kit.signUp()
        let store = MemoryStore()
        let phone = try await kit.signedInClient(
            account, TestPasswordManager(rpId: kit.rpId), deviceId: "iphone", store: store)
        _ = try await kit.enablePasskeys(phone, account)
        let withdrawal = ["asset": "USDT", "address": "TXswift", "amount": "10"]

        try await kit.serverPolicy(["scenarios": ["withdrawal": true]])
        do {
            let policy = try await phone.passkeys().policy()
            XCTAssertTrue(policy.scenarios.withdrawal)
            XCTAssertTrue(phone.scenarios().needsPasskey(scenario: .withdrawal))
            let without = try await kit.withdraw(withdrawal, proof: nil, store: store)
            XCTAssertEqual(without.status, 403)
            XCTAssertEqual(without.code, "PASSKEY_VERIFICATION_REQUIRED")

            let proof = try await phone.scenarios().verify(scenario: .withdrawal, params: withdrawal)
            var other = withdrawal
            other["amount"] = "1000"
            let elsewhere = try await kit.withdraw(other, proof: proof.proof(), store: store)
            XCTAssertNotEqual(elsewhere.status, 200, "a proof is bound to its withdrawal's parameters")
            let proof2 = try await phone.scenarios().verify(scenario: .withdrawal, params: withdrawal)
            let accepted = try await kit.withdraw(withdrawal, proof: proof2.proof(), store: store)
            XCTAssertEqual(accepted.status, 200)
            let replayed = try await kit.withdraw(withdrawal, proof: proof2.proof(), store: store)
            XCTAssertNotEqual(replayed.status, 200, "a proof is single use")
        } catch {
            try await kit.serverPolicy(["scenarios": ["withdrawal": false]])
            throw error
        }
        try await kit.serverPolicy(["scenarios": ["withdrawal": false]])
    }
}

/// Runs `body`, which must throw `expected`, whose text the app shows is `key`.
func assertRefused(
    _ expected: PasskeysError, _ key: String, file: StaticString = #filePath, line: UInt = #line,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        XCTFail("expected \(expected), nothing was thrown", file: file, line: line)
    } catch let error as PasskeysError {
        XCTAssertEqual(error, expected, file: file, line: line)
        XCTAssertEqual(errorText(error: error).key, key, file: file, line: line)
    } catch {
        XCTFail("expected \(expected), got \(error)", file: file, line: line)
    }
}
