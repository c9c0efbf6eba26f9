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

    /// Words of a 1001 (`canceled`) that mean there was no passkey to offer, not a dismissal: in
    /// the modal flow iOS reports "No credentials available for login." as `canceled`
    /// (shared/PLATFORM.md §2). iOS may translate them; a 1001 whose words are not these stays
    /// `Cancelled`.
    static let noCredentialsPhrases = [
        "No credentials available",
    ]

    static func map(domain: String, code: Int, message: String) -> PlatformAuthenticatorError {
        if domain == webKitDomain, code == 8 {
            return .AlreadyRegistered
        }
        guard domain == authorizationDomain else {
            return .Other(kind: "\(domain) \(code)", detail: message)
        }
        let says = { (phrases: [String]) in
            phrases.contains { message.range(of: $0, options: .caseInsensitive) != nil }
        }
        switch code {
        case 1001 where says(noCredentialsPhrases): // canceled: nothing to offer
            return .NoCredential
        case 1001: // canceled
            return .Cancelled
        case 1005: // notInteractive
            return .NoCredential
        case 1006: // matchedExcludedCredential (iOS 18)
            return .AlreadyRegistered
        case 1010: // deviceNotConfiguredForPasskeyCreation (iOS 26)
            return .NoPasswordManager(detail: message)
        case 1004 where says(notAssociatedPhrases): // failed: Associated Domains (AASA)
            return .DomainNotAssociated(detail: message)
        default:
            return .Other(kind: "ASAuthorizationError \(code)", detail: message)
        }
    }

    /// Any error thrown by AuthenticationServices (an `NSError` underneath). Its message is the
    /// localized description, with the failure reason added where the description lacks it
    /// (AuthenticationServices puts "No credentials available for login." there).
    static func map(_ error: Error) -> PlatformAuthenticatorError {
        if let mapped = error as? PlatformAuthenticatorError {
            return mapped
        }
        let nsError = error as NSError
        var message = nsError.localizedDescription
        if let reason = nsError.localizedFailureReason, !reason.isEmpty, !message.contains(reason) {
            message += " " + reason
        }
        return map(domain: nsError.domain, code: nsError.code, message: message)
    }
}
