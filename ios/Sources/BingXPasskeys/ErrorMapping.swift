import Foundation

/// How an AuthenticationServices failure becomes the core's `PlatformAuthenticatorError`
/// (shared/PLATFORM.md §2, "Suggested mapping"). The core turns that into the app's
/// `PasskeysError` (`Cancelled`, `DeviceNotReady(.noPasswordManager)`, `PasswordManagerFailed(kind)`…),
/// whose `errorText` the app shows; the platform's message stays in the logs.
///
/// A pure function of the error's domain, code and message, so that the table can be tested
/// without a device and without AuthenticationServices (`ios/Tests/BingXPasskeysTests/ErrorMappingCases.json`
/// holds the rows and the text each one shows; XCTest runs them against this and, with
/// `passkeys-testkit serve`, through the core, on Linux too).
/// It works on raw codes rather than `ASAuthorizationError.Code`: codes 1006 and 1010 only exist
/// in the iOS 18 and iOS 26 SDKs, and a raw code needs no `@unknown default`.
enum ErrorMapping {
    /// `ASAuthorizationError.errorDomain`.
    static let authorizationDomain = "com.apple.AuthenticationServices.AuthorizationError"
    /// WebKit's domain: before iOS 18 an excluded credential can come back as code 8 here.
    static let webKitDomain = "WKErrorDomain"

    /// Words of a 1004 (`failed`) that mean the app is not associated with the rp id (AASA).
    static let notAssociatedPhrases = [
        "not associated",
        "Unable to verify webcredentials association",
    ]

    static func map(domain: String, code: Int, message: String) -> PlatformAuthenticatorError {
        if domain == webKitDomain, code == 8 {
            return .AlreadyRegistered
        }
        guard domain == authorizationDomain else {
            return .Other(kind: "\(domain) \(code)", detail: message)
        }
        let notAssociated = notAssociatedPhrases.contains {
            message.range(of: $0, options: .caseInsensitive) != nil
        }
        switch code {
        case 1001: // canceled
            return .Cancelled
        case 1005: // notInteractive
            return .NoCredential
        case 1006: // matchedExcludedCredential (iOS 18)
            return .AlreadyRegistered
        case 1010: // deviceNotConfiguredForPasskeyCreation (iOS 26)
            return .NoPasswordManager(detail: message)
        case 1004 where notAssociated: // failed: Associated Domains (AASA)
            return .DomainNotAssociated(detail: message)
        default:
            return .Other(kind: "ASAuthorizationError \(code)", detail: message)
        }
    }

    /// Any error thrown by AuthenticationServices (an `NSError` underneath).
    static func map(_ error: Error) -> PlatformAuthenticatorError {
        if let mapped = error as? PlatformAuthenticatorError {
            return mapped
        }
        let nsError = error as NSError
        return map(domain: nsError.domain, code: nsError.code, message: nsError.localizedDescription)
    }
}
