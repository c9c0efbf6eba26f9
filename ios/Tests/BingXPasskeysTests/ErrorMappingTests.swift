import AuthenticationServices
import XCTest
@testable import BingXPasskeys

/// ErrorMapping against every row of ErrorMappingCases.json (the same rows scripts/check-swift
/// runs against its Python mirror), and against real AuthenticationServices errors.
final class ErrorMappingTests: XCTestCase {
    private struct Row: Decodable {
        let domain: String
        let code: Int
        let message: String
        let expect: String
        let kind: String?
    }

    private struct Table: Decodable {
        let rows: [Row]
    }

    func testEveryRowOfTheTable() throws {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: "ErrorMappingCases", withExtension: "json"))
        let table = try JSONDecoder().decode(Table.self, from: Data(contentsOf: url))
        XCTAssertFalse(table.rows.isEmpty)
        for row in table.rows {
            let mapped = ErrorMapping.map(domain: row.domain, code: row.code, message: row.message)
            XCTAssertEqual(mapped, expected(row), "\(row.domain) \(row.code): \(row.message)")
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

    private func expected(_ row: Row) -> PlatformAuthenticatorError? {
        switch row.expect {
        case "Cancelled": return .Cancelled
        case "NoCredential": return .NoCredential
        case "AlreadyRegistered": return .AlreadyRegistered
        case "NoPasswordManager": return .NoPasswordManager(detail: row.message)
        case "DomainNotAssociated": return .DomainNotAssociated(detail: row.message)
        case "Other": return .Other(kind: row.kind ?? "", detail: row.message)
        default: return nil
        }
    }
}
