import XCTest
@testable import BingXPasskeys

/// Before iOS 17.4 a registration cannot exclude the account's passkeys, and a second one would
/// silently replace the first in iCloud Keychain: refused before the sheet, as AlreadyRegistered.
final class ExcludedCredentialsTests: XCTestCase {
    func testASystemThatCannotExcludeRefusesARegistrationWithExclusions() {
        XCTAssertEqual(ExcludedCredentials.refusal(excluding: 1, systemCanExclude: false), .AlreadyRegistered)
        XCTAssertEqual(ExcludedCredentials.refusal(excluding: 3, systemCanExclude: false), .AlreadyRegistered)
    }

    func testAFirstPasskeyIsRegisteredOnEverySystem() {
        XCTAssertNil(ExcludedCredentials.refusal(excluding: 0, systemCanExclude: false))
        XCTAssertNil(ExcludedCredentials.refusal(excluding: 0, systemCanExclude: true))
    }

    func testASystemThatCanExcludeLeavesItToThePasswordManager() {
        XCTAssertNil(ExcludedCredentials.refusal(excluding: 2, systemCanExclude: true))
    }

    /// What the app then shows: the already-registered text, and no automatic retry.
    func testTheRefusalReachesTheAppAsAlreadyRegisteredAndIsNotRetryable() {
        XCTAssertEqual(errorText(error: .AlreadyRegistered).key, "error.already_registered")
        XCTAssertFalse(errorIsRetryable(error: .AlreadyRegistered))
    }
}
