import AuthenticationServices
import XCTest
@testable import BingXPasskeys

/// ErrorMapping against every row of ErrorMappingCases.json (the same rows scripts/check-swift
/// runs against its Python mirror, and ErrorMappingJourneyTests through the core), and against
/// real AuthenticationServices errors.
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

    func testTheDomainIsTheSDKs() {
        XCTAssertEqual(ErrorMapping.authorizationDomain, ASAuthorizationError.errorDomain)
    }

    func testPlatformErrorsMapThroughTheirNSError() {
        XCTAssertEqual(ErrorMapping.map(ASAuthorizationError(.canceled)), .Cancelled)
        XCTAssertEqual(ErrorMapping.map(ASAuthorizationError(.notInteractive)), .NoCredential)
        XCTAssertEqual(ErrorMapping.map(PlatformAuthenticatorError.TimedOut), .TimedOut)
    }
}
