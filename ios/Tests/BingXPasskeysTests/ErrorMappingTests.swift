#if canImport(AuthenticationServices)
import AuthenticationServices
#endif
import XCTest
@testable import BingXPasskeys

/// ErrorMapping against every row of ErrorMappingCases.json (ErrorMappingJourneyTests follows
/// the same rows through the core) and, where AuthenticationServices exists, against its real
/// errors. The rows need no AuthenticationServices: they run on Linux too.
final class ErrorMappingTests: XCTestCase {
    func testEveryRowOfTheTable() throws {
        let rows = try ErrorMappingCase.all()
        XCTAssertFalse(rows.isEmpty)
        for row in rows {
            XCTAssertEqual(row.mapped, row.expected, "\(row)")
        }
    }

    /// Every row's text is in the String Catalog, in every language (never the fallback).
    func testEveryRowsTextIsTranslated() throws {
        for row in try ErrorMappingCase.all() {
            XCTAssertNotNil(PasskeysTexts.placeholders[row.text], "\(row): \(row.text)")
            for language in PasskeysTexts.languages {
                let shown = PasskeysText(key: row.text, args: []).localized(language: language)
                XCTAssertFalse(shown.isEmpty || shown.contains(row.text), "\(row.text) in \(language)")
            }
        }
    }

    func testAnErrorTheShellAlreadyMappedPassesThrough() {
        XCTAssertEqual(ErrorMapping.map(PlatformAuthenticatorError.TimedOut), .TimedOut)
        let other = PlatformAuthenticatorError.Other(kind: "no window", detail: "none")
        XCTAssertEqual(ErrorMapping.map(other), other)
    }

    func testAnyNSErrorMapsByItsDomainCodeAndMessage() {
        let error = NSError(
            domain: ErrorMapping.authorizationDomain, code: 1004,
            userInfo: [NSLocalizedDescriptionKey: "Application with identifier A.b is not associated with domain c"])
        XCTAssertEqual(
            ErrorMapping.map(error),
            .DomainNotAssociated(detail: "Application with identifier A.b is not associated with domain c"))
    }

    /// iOS says "No credentials available for login." as the failure reason of a 1001
    /// (`canceled`): it is NoCredential, where a 1001 without those words is the user's dismissal.
    func testA1001WhoseFailureReasonSaysNoCredentialsIsNoCredential() {
        let none = NSError(
            domain: ErrorMapping.authorizationDomain, code: 1001,
            userInfo: [NSLocalizedFailureReasonErrorKey: "No credentials available for login."])
        XCTAssertEqual(ErrorMapping.map(none), .NoCredential)
        let described = NSError(
            domain: ErrorMapping.authorizationDomain, code: 1001,
            userInfo: [
                NSLocalizedDescriptionKey: "The operation couldn\u{2019}t be completed.",
                NSLocalizedFailureReasonErrorKey: "No credentials available for login.",
            ])
        XCTAssertEqual(ErrorMapping.map(described), .NoCredential)
        let dismissed = NSError(domain: ErrorMapping.authorizationDomain, code: 1001, userInfo: nil)
        XCTAssertEqual(ErrorMapping.map(dismissed), .Cancelled)
    }

    #if canImport(AuthenticationServices)
    func testTheDomainIsTheSDKs() {
        XCTAssertEqual(ErrorMapping.authorizationDomain, ASAuthorizationError.errorDomain)
    }

    func testPlatformErrorsMapThroughTheirNSError() {
        XCTAssertEqual(ErrorMapping.map(ASAuthorizationError(.canceled)), .Cancelled)
        XCTAssertEqual(ErrorMapping.map(ASAuthorizationError(.notInteractive)), .NoCredential)
    }
    #endif
}
