import Foundation
import XCTest
@testable import BingXPasskeys

/// One row of ErrorMappingCases.json: an AuthenticationServices failure, the
/// `PlatformAuthenticatorError` ErrorMapping makes of it, and the text the app shows for it.
struct ErrorMappingCase: Decodable, CustomStringConvertible {
    let domain: String
    let code: Int
    let message: String
    /// A `PlatformAuthenticatorError` case name.
    let expect: String
    /// `Other`'s kind.
    let kind: String?
    /// The key of the `PasskeysText` the app shows: `errorText` of the core's `PasskeysError`.
    let text: String

    private struct Table: Decodable {
        let rows: [ErrorMappingCase]
    }

    /// Every row of the table.
    static func all() throws -> [ErrorMappingCase] {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: "ErrorMappingCases", withExtension: "json"))
        return try JSONDecoder().decode(Table.self, from: Data(contentsOf: url)).rows
    }

    /// What the shell hands the core for this row.
    var mapped: PlatformAuthenticatorError {
        ErrorMapping.map(domain: domain, code: code, message: message)
    }

    /// The row's `expect`, as a value; nil for a name that is no case.
    var expected: PlatformAuthenticatorError? {
        switch expect {
        case "Cancelled": return .Cancelled
        case "NoCredential": return .NoCredential
        case "AlreadyRegistered": return .AlreadyRegistered
        case "NoPasswordManager": return .NoPasswordManager(detail: message)
        case "DomainNotAssociated": return .DomainNotAssociated(detail: message)
        case "Other": return .Other(kind: kind ?? "", detail: message)
        default: return nil
        }
    }

    var description: String {
        "\(domain) \(code): \(message)"
    }
}
