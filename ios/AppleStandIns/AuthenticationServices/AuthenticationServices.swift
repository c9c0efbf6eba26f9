// Stand-in for AuthenticationServices (test only: ios/AppleStandIns/README.md). Only the members
// AuthenticationServicesAuthenticator.swift and the sample app use, transcribed from the iOS
// 26.2 SDK (AuthenticationServices.swiftinterface and the framework's headers as imported into
// Swift, as developer.apple.com/documentation/authenticationservices declares them). Members
// that Apple declares on protocols (ASPublicKeyCredential, ASAuthorizationPublicKeyCredential…)
// are declared on the classes that conform, with the same type and optionality.
import Foundation
import UIKit

/// iOS 12.0+, `typealias ASPresentationAnchor = UIWindow` (NSWindow on macOS).
public typealias ASPresentationAnchor = UIWindow

/// iOS 13.0+, `open class ASAuthorizationRequest : NSObject`.
open class ASAuthorizationRequest: NSObject {}

/// iOS 13.0+, `protocol ASAuthorizationCredential : NSCopying, NSSecureCoding, NSObjectProtocol`
/// (not `Sendable`).
public protocol ASAuthorizationCredential: NSObjectProtocol {}

/// iOS 13.0+, `open class ASAuthorization : NSObject`.
open class ASAuthorization: NSObject {
    /// iOS 13.0+, `open var credential: any ASAuthorizationCredential { get }`.
    open var credential: any ASAuthorizationCredential { fatalError("stand-in") }
}

/// iOS 15.0+, `struct ASAuthorizationPublicKeyCredentialUserVerificationPreference : Hashable,
/// Equatable, RawRepresentable, @unchecked Sendable`.
public struct ASAuthorizationPublicKeyCredentialUserVerificationPreference: Hashable,
    RawRepresentable, Sendable
{
    public let rawValue: String
    /// iOS 15.0+, `init(rawValue: String)`.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// iOS 15.0+, `static let preferred`.
    public static let preferred = Self(rawValue: "preferred")
    /// iOS 15.0+, `static let required`.
    public static let required = Self(rawValue: "required")
    /// iOS 15.0+, `static let discouraged`.
    public static let discouraged = Self(rawValue: "discouraged")
}

/// iOS 16.6+ / macOS 13.5+, `enum ASAuthorizationPublicKeyCredentialAttachment : Int,
/// @unchecked Sendable` (a C enum, not frozen: the shell's switch keeps `@unknown default`).
@available(iOS 16.6, macOS 13.5, *)
public enum ASAuthorizationPublicKeyCredentialAttachment: Int, Sendable {
    case platform = 0
    case crossPlatform = 1
}

/// iOS 15.0+, `open class ASAuthorizationPlatformPublicKeyCredentialDescriptor : NSObject`.
open class ASAuthorizationPlatformPublicKeyCredentialDescriptor: NSObject {
    /// iOS 15.0+, `public init(credentialID: Data)`.
    public init(credentialID: Data) {}
}

/// iOS 15.0+, `open class ASAuthorizationPlatformPublicKeyCredentialRegistrationRequest :
/// ASAuthorizationRequest, ASAuthorizationPublicKeyCredentialRegistrationRequest`.
open class ASAuthorizationPlatformPublicKeyCredentialRegistrationRequest: ASAuthorizationRequest {
    /// iOS 15.0+ (ASAuthorizationPublicKeyCredentialRegistrationRequest),
    /// `var displayName: String? { get set }`.
    open var displayName: String?
    /// iOS 15.0+, `var userVerificationPreference:
    /// ASAuthorizationPublicKeyCredentialUserVerificationPreference { get set }`.
    open var userVerificationPreference = ASAuthorizationPublicKeyCredentialUserVerificationPreference.preferred
    /// iOS 17.4+ / macOS 14.4+, `open var excludedCredentials:
    /// [ASAuthorizationPlatformPublicKeyCredentialDescriptor] { get set }`.
    @available(iOS 17.4, macOS 14.4, *)
    open var excludedCredentials: [ASAuthorizationPlatformPublicKeyCredentialDescriptor] {
        get { fatalError("stand-in") }
        set { fatalError("stand-in") }
    }
}

/// iOS 15.0+, `open class ASAuthorizationPlatformPublicKeyCredentialAssertionRequest :
/// ASAuthorizationRequest, ASAuthorizationPublicKeyCredentialAssertionRequest`.
open class ASAuthorizationPlatformPublicKeyCredentialAssertionRequest: ASAuthorizationRequest {
    /// iOS 15.0+, `open var allowedCredentials:
    /// [ASAuthorizationPlatformPublicKeyCredentialDescriptor] { get set }`.
    open var allowedCredentials: [ASAuthorizationPlatformPublicKeyCredentialDescriptor] = []
    /// iOS 15.0+, `var userVerificationPreference:
    /// ASAuthorizationPublicKeyCredentialUserVerificationPreference { get set }`.
    open var userVerificationPreference = ASAuthorizationPublicKeyCredentialUserVerificationPreference.preferred
}

/// iOS 15.0+, `open class ASAuthorizationPlatformPublicKeyCredentialProvider : NSObject,
/// ASAuthorizationProvider`.
open class ASAuthorizationPlatformPublicKeyCredentialProvider: NSObject {
    /// iOS 15.0+, `public init(relyingPartyIdentifier: String)`.
    public init(relyingPartyIdentifier: String) {}

    /// iOS 15.0+, `open func createCredentialRegistrationRequest(challenge: Data, name: String,
    /// userID: Data) -> ASAuthorizationPlatformPublicKeyCredentialRegistrationRequest`.
    open func createCredentialRegistrationRequest(challenge: Data, name: String, userID: Data)
        -> ASAuthorizationPlatformPublicKeyCredentialRegistrationRequest
    { fatalError("stand-in") }

    /// iOS 15.0+, `open func createCredentialAssertionRequest(challenge: Data)
    /// -> ASAuthorizationPlatformPublicKeyCredentialAssertionRequest`.
    open func createCredentialAssertionRequest(challenge: Data)
        -> ASAuthorizationPlatformPublicKeyCredentialAssertionRequest
    { fatalError("stand-in") }
}

/// iOS 15.0+, `open class ASAuthorizationPlatformPublicKeyCredentialRegistration : NSObject,
/// ASAuthorizationPublicKeyCredentialRegistration`.
open class ASAuthorizationPlatformPublicKeyCredentialRegistration: NSObject,
    ASAuthorizationCredential
{
    /// iOS 15.0+ (ASPublicKeyCredential), `var credentialID: Data { get }`.
    open var credentialID: Data { fatalError("stand-in") }
    /// iOS 15.0+ (ASPublicKeyCredential), `var rawClientDataJSON: Data { get }`.
    open var rawClientDataJSON: Data { fatalError("stand-in") }
    /// iOS 15.0+ (ASAuthorizationPublicKeyCredentialRegistration),
    /// `var rawAttestationObject: Data? { get }`.
    open var rawAttestationObject: Data? { fatalError("stand-in") }
    /// iOS 16.6+ / macOS 13.5+, `open var attachment:
    /// ASAuthorizationPublicKeyCredentialAttachment { get }`.
    @available(iOS 16.6, macOS 13.5, *)
    open var attachment: ASAuthorizationPublicKeyCredentialAttachment { fatalError("stand-in") }
}

/// iOS 15.0+, `open class ASAuthorizationPlatformPublicKeyCredentialAssertion : NSObject,
/// ASAuthorizationPublicKeyCredentialAssertion`.
open class ASAuthorizationPlatformPublicKeyCredentialAssertion: NSObject,
    ASAuthorizationCredential
{
    /// iOS 15.0+ (ASPublicKeyCredential), `var credentialID: Data { get }`.
    open var credentialID: Data { fatalError("stand-in") }
    /// iOS 15.0+ (ASPublicKeyCredential), `var rawClientDataJSON: Data { get }`.
    open var rawClientDataJSON: Data { fatalError("stand-in") }
    /// iOS 15.0+ (ASAuthorizationPublicKeyCredentialAssertion), `var rawAuthenticatorData: Data! { get }`.
    open var rawAuthenticatorData: Data! { fatalError("stand-in") }
    /// iOS 15.0+ (ASAuthorizationPublicKeyCredentialAssertion), `var userID: Data! { get }`.
    open var userID: Data! { fatalError("stand-in") }
    /// iOS 15.0+ (ASAuthorizationPublicKeyCredentialAssertion), `var signature: Data! { get }`.
    open var signature: Data! { fatalError("stand-in") }
    /// iOS 16.6+ / macOS 13.5+, `open var attachment:
    /// ASAuthorizationPublicKeyCredentialAttachment { get }`.
    @available(iOS 16.6, macOS 13.5, *)
    open var attachment: ASAuthorizationPublicKeyCredentialAttachment { fatalError("stand-in") }
}

/// iOS 13.0+, `@MainActor protocol ASAuthorizationControllerDelegate : NSObjectProtocol`. Both
/// methods are `optional` there (Objective-C, which Linux lacks); here they are plain
/// requirements, since the shell implements both. A misspelt one then fails here, as on iOS,
/// where it only "nearly matches optional requirement", a warning, and so an error under
/// -warnings-as-errors.
@MainActor
public protocol ASAuthorizationControllerDelegate: NSObjectProtocol {
    /// iOS 13.0+, `optional func authorizationController(controller: ASAuthorizationController,
    /// didCompleteWithAuthorization authorization: ASAuthorization)`.
    func authorizationController(
        controller: ASAuthorizationController,
        didCompleteWithAuthorization authorization: ASAuthorization)
    /// iOS 13.0+, `optional func authorizationController(controller: ASAuthorizationController,
    /// didCompleteWithError error: any Error)`.
    func authorizationController(
        controller: ASAuthorizationController, didCompleteWithError error: any Error)
}

/// iOS 13.0+, `@MainActor protocol ASAuthorizationControllerPresentationContextProviding :
/// NSObjectProtocol`.
@MainActor
public protocol ASAuthorizationControllerPresentationContextProviding: NSObjectProtocol {
    /// iOS 13.0+, `func presentationAnchor(for controller: ASAuthorizationController)
    /// -> ASPresentationAnchor` (required).
    func presentationAnchor(for controller: ASAuthorizationController) -> ASPresentationAnchor
}

/// iOS 13.0+, `open class ASAuthorizationController : NSObject`.
open class ASAuthorizationController: NSObject {
    /// iOS 13.0+, `public init(authorizationRequests: [ASAuthorizationRequest])`.
    public init(authorizationRequests: [ASAuthorizationRequest]) {}
    /// iOS 13.0+, `weak open var delegate: (any ASAuthorizationControllerDelegate)? { get set }`.
    weak open var delegate: (any ASAuthorizationControllerDelegate)?
    /// iOS 13.0+, `weak open var presentationContextProvider:
    /// (any ASAuthorizationControllerPresentationContextProviding)? { get set }`.
    weak open var presentationContextProvider: (any ASAuthorizationControllerPresentationContextProviding)?
    /// iOS 13.0+, `open func performRequests()`.
    open func performRequests() { fatalError("stand-in") }
    /// iOS 16.0+ / macOS 13.0+, `open func cancel()`.
    @available(iOS 16.0, macOS 13.0, *)
    open func cancel() { fatalError("stand-in") }
}

/// iOS 26.0 to 26.2 (deprecated in 26.2 for ASCredentialDataManager), `final class
/// ASCredentialUpdater` (AuthenticationServices.swiftinterface).
@available(iOS, introduced: 26.0, deprecated: 26.2)
@available(macOS, introduced: 26.0, deprecated: 26.2)
public final class ASCredentialUpdater {
    /// `init()`.
    public init() {}
    /// `final func reportUnknownPublicKeyCredential(relyingPartyIdentifier: String,
    /// credentialID: Data) async throws`.
    public func reportUnknownPublicKeyCredential(relyingPartyIdentifier: String, credentialID: Data)
        async throws
    { fatalError("stand-in") }
    /// `final func reportAllAcceptedPublicKeyCredentials(relyingPartyIdentifier: String,
    /// userHandle: Data, acceptedCredentialIDs: [Data]) async throws`.
    public func reportAllAcceptedPublicKeyCredentials(
        relyingPartyIdentifier: String, userHandle: Data, acceptedCredentialIDs: [Data]
    ) async throws { fatalError("stand-in") }
    /// `final func reportPublicKeyCredentialUpdate(relyingPartyIdentifier: String,
    /// userHandle: Data, newName: String) async throws`.
    public func reportPublicKeyCredentialUpdate(
        relyingPartyIdentifier: String, userHandle: Data, newName: String
    ) async throws { fatalError("stand-in") }
}

/// iOS 26.2+ / macOS 26.2+, `final class ASCredentialDataManager`
/// (AuthenticationServices.swiftinterface).
@available(iOS 26.2, macOS 26.2, *)
public final class ASCredentialDataManager {
    /// `init()`.
    public init() {}
    /// `final func reportUnknownPublicKeyCredential(relyingPartyIdentifier: String,
    /// credentialID: Data) async throws`.
    public func reportUnknownPublicKeyCredential(relyingPartyIdentifier: String, credentialID: Data)
        async throws
    { fatalError("stand-in") }
    /// `final func reportAllAcceptedPublicKeyCredentials(relyingPartyIdentifier: String,
    /// userHandle: Data, acceptedCredentialIDs: [Data]) async throws`.
    public func reportAllAcceptedPublicKeyCredentials(
        relyingPartyIdentifier: String, userHandle: Data, acceptedCredentialIDs: [Data]
    ) async throws { fatalError("stand-in") }
    /// `final func reportPublicKeyCredentialUpdate(relyingPartyIdentifier: String,
    /// userHandle: Data, newName: String) async throws`.
    public func reportPublicKeyCredentialUpdate(
        relyingPartyIdentifier: String, userHandle: Data, newName: String
    ) async throws { fatalError("stand-in") }
}
