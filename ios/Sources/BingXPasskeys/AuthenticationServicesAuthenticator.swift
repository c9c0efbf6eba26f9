// Apple platforms only: Linux has neither AuthenticationServices nor LocalAuthentication (there
// the tests use the core's software password manager).
#if canImport(AuthenticationServices) && canImport(LocalAuthentication)
import AuthenticationServices
import Foundation
import LocalAuthentication

/// The iOS shell of the platform contract (BRIEF §3): passkey ceremonies through
/// `ASAuthorizationPlatformPublicKeyCredentialProvider` (iCloud Keychain, or the password manager
/// the user chose), readiness through LocalAuthentication, and the iOS 26 signals (unknown
/// credential, all accepted credentials, the user's current name).
///
/// The app needs the Associated Domains entitlement `webcredentials:<rpId>` and the rp id's
/// `apple-app-site-association` file (see ios/README.md). The clientDataJSON that iOS writes
/// carries the origin `https://<rpId>`, which is what the core and the server expect.
///
/// Building it needs the iOS 26.2 / macOS 26.2 SDK (Xcode 26.2) for the signals; they are
/// called only where the running system has them (`#available`).
public final class AuthenticationServicesAuthenticator: PlatformAuthenticator {
    private let presentationAnchor: @MainActor @Sendable () -> ASPresentationAnchor?

    /// - Parameter presentationAnchor: the window the passkey sheet is shown over, read on the
    ///   main actor when a ceremony starts (typically the key window of the active scene). When
    ///   it gives none, the ceremony fails with `Other(kind: "no window")` rather than showing
    ///   the sheet over a window nobody sees.
    public init(presentationAnchor: @escaping @MainActor @Sendable () -> ASPresentationAnchor?) {
        self.presentationAnchor = presentationAnchor
    }

    public func capabilities() async throws -> Capabilities {
        var error: NSError?
        let canAuthenticate = LAContext().canEvaluatePolicy(.deviceOwnerAuthentication, error: &error)
        return Capabilities(
            // Every iOS 16+ device has iCloud Keychain; when it is off, the ceremony fails with
            // 1004 or 1010 and ErrorMapping says so.
            passwordManagerAvailable: true,
            userCanAuthenticate: canAuthenticate,
            supportsSignals: Self.supportsSignals,
            unavailableReason: canAuthenticate ? nil : Self.reason(error)
        )
    }

    public func create(request: CreateRequest) async throws -> String {
        // Before iOS 17.4 nothing can stop the sheet from replacing this account's passkey in
        // iCloud Keychain: refused before it is shown when the account already has one.
        if let refusal = ExcludedCredentials.refusal(
            excluding: request.excludeCredentialIds.count, systemCanExclude: Self.canExclude)
        {
            throw refusal
        }
        // Only Sendable values (strings, bytes) cross to the main actor and back.
        let credential = try await Self.register(
            rpId: request.rpId, challenge: request.challenge, userId: request.userId,
            name: request.userName, displayName: request.userDisplayName,
            excluded: request.excludeCredentialIds, anchor: presentationAnchor)
        guard case let .registration(attestationObject) = credential.response else {
            throw Self.unexpected("an assertion")
        }
        return try WebAuthnJSON.registration(
            credentialID: credential.id, clientDataJSON: credential.clientDataJSON,
            attestationObject: attestationObject, attachment: credential.attachment)
    }

    public func get(request: GetRequest) async throws -> String {
        let credential = try await Self.assert(
            rpId: request.rpId, challenge: request.challenge,
            allowed: request.allowCredentialIds, anchor: presentationAnchor)
        guard case let .assertion(authenticatorData, signature, userHandle) = credential.response
        else { throw Self.unexpected("a registration") }
        return try WebAuthnJSON.assertion(
            credentialID: credential.id, clientDataJSON: credential.clientDataJSON,
            authenticatorData: authenticatorData, signature: signature, userHandle: userHandle,
            attachment: credential.attachment)
    }

    public func signalUnknownCredential(rpId: String, credentialId: Data) async throws {
        do {
            if #available(iOS 26.2, macOS 26.2, *) {
                return try await ASCredentialDataManager().reportUnknownPublicKeyCredential(
                    relyingPartyIdentifier: rpId, credentialID: credentialId)
            }
            if #available(iOS 26.0, macOS 26.0, *) {
                return try await ASCredentialUpdater().reportUnknownPublicKeyCredential(
                    relyingPartyIdentifier: rpId, credentialID: credentialId)
            }
        } catch {
            throw ErrorMapping.map(error)
        }
        throw Self.signalsUnsupported
    }

    public func signalAllAcceptedCredentials(
        rpId: String, userId: Data, credentialIds: [Data]
    ) async throws {
        do {
            if #available(iOS 26.2, macOS 26.2, *) {
                return try await ASCredentialDataManager().reportAllAcceptedPublicKeyCredentials(
                    relyingPartyIdentifier: rpId, userHandle: userId,
                    acceptedCredentialIDs: credentialIds)
            }
            if #available(iOS 26.0, macOS 26.0, *) {
                return try await ASCredentialUpdater().reportAllAcceptedPublicKeyCredentials(
                    relyingPartyIdentifier: rpId, userHandle: userId,
                    acceptedCredentialIDs: credentialIds)
            }
        } catch {
            throw ErrorMapping.map(error)
        }
        throw Self.signalsUnsupported
    }

    /// iOS takes one new name, the account name (`newName`); the display name has no place there.
    public func signalCurrentUserDetails(
        rpId: String, userId: Data, name: String, displayName: String
    ) async throws {
        do {
            if #available(iOS 26.2, macOS 26.2, *) {
                return try await ASCredentialDataManager().reportPublicKeyCredentialUpdate(
                    relyingPartyIdentifier: rpId, userHandle: userId, newName: name)
            }
            if #available(iOS 26.0, macOS 26.0, *) {
                return try await ASCredentialUpdater().reportPublicKeyCredentialUpdate(
                    relyingPartyIdentifier: rpId, userHandle: userId, newName: name)
            }
        } catch {
            throw ErrorMapping.map(error)
        }
        throw Self.signalsUnsupported
    }

    @MainActor
    private static func register(
        rpId: String, challenge: Data, userId: Data, name: String, displayName: String,
        excluded: [Data], anchor: @MainActor () -> ASPresentationAnchor?
    ) async throws -> PlatformCredential {
        let provider = ASAuthorizationPlatformPublicKeyCredentialProvider(
            relyingPartyIdentifier: rpId)
        let registration = provider.createCredentialRegistrationRequest(
            challenge: challenge, name: name, userID: userId)
        registration.displayName = displayName
        registration.userVerificationPreference = .required
        if #available(iOS 17.4, macOS 14.4, *) {
            registration.excludedCredentials = excluded.map {
                ASAuthorizationPlatformPublicKeyCredentialDescriptor(credentialID: $0)
            }
        }
        return try await perform(registration, anchor: anchor)
    }

    @MainActor
    private static func assert(
        rpId: String, challenge: Data, allowed: [Data],
        anchor: @MainActor () -> ASPresentationAnchor?
    ) async throws -> PlatformCredential {
        let provider = ASAuthorizationPlatformPublicKeyCredentialProvider(
            relyingPartyIdentifier: rpId)
        let assertion = provider.createCredentialAssertionRequest(challenge: challenge)
        assertion.allowedCredentials = allowed.map {
            ASAuthorizationPlatformPublicKeyCredentialDescriptor(credentialID: $0)
        }
        assertion.userVerificationPreference = .required
        return try await perform(assertion, anchor: anchor)
    }

    /// Runs one ceremony on the main actor. When the core drops the request, uniffi cancels
    /// this task, and the sheet closes.
    @MainActor
    private static func perform(
        _ request: ASAuthorizationRequest, anchor: @MainActor () -> ASPresentationAnchor?
    ) async throws -> PlatformCredential {
        guard let window = anchor() else {
            throw PlatformAuthenticatorError.Other(
                kind: "no window", detail: "the app gave no window to show the passkey sheet over")
        }
        let ceremony = Ceremony(request: request, anchor: window)
        return try await withTaskCancellationHandler {
            try await ceremony.run()
        } onCancel: {
            Task { @MainActor in ceremony.cancel() }
        }
    }

    /// `excludedCredentials` exists from iOS 17.4 / macOS 14.4 (ExcludedCredentials.swift).
    private static var canExclude: Bool {
        if #available(iOS 17.4, macOS 14.4, *) { return true }
        return false
    }

    private static var supportsSignals: Bool {
        if #available(iOS 26.0, macOS 26.0, *) { return true }
        return false
    }

    private static let signalsUnsupported = PlatformAuthenticatorError.Other(
        kind: "not supported", detail: "Passkey signals need iOS 26 or later.")

    private static func reason(_ error: NSError?) -> UnavailableReason {
        if let error, error.domain == LAError.errorDomain,
           error.code == LAError.Code.passcodeNotSet.rawValue {
            return .noScreenLock
        }
        return .other(detail: error?.localizedDescription ?? "The device cannot verify its owner.")
    }

    private static func unexpected(_ what: String) -> PlatformAuthenticatorError {
        .Other(kind: "ASAuthorization", detail: "the platform returned \(what)")
    }
}

/// What a ceremony gives back, as plain bytes: the only values that leave the main actor
/// (nothing of AuthenticationServices, whose credential types are not `Sendable`).
private struct PlatformCredential: Sendable {
    enum Response: Sendable {
        case registration(attestationObject: Data)
        case assertion(authenticatorData: Data, signature: Data, userHandle: Data?)
    }

    let id: Data
    let clientDataJSON: Data
    /// WebAuthn's `authenticatorAttachment` as the platform reports it (`platform`, or
    /// `cross-platform` for a phone or security key); nil where the system does not say.
    let attachment: String?
    let response: Response

    /// The bytes of `credential`, or the error the core gets for an answer it cannot use.
    init(_ credential: ASAuthorizationCredential) throws {
        if let created = credential as? ASAuthorizationPlatformPublicKeyCredentialRegistration {
            id = try platformBytes(created.credentialID, "credentialID")
            clientDataJSON = try platformBytes(created.rawClientDataJSON, "rawClientDataJSON")
            response = .registration(attestationObject: try platformBytes(
                created.rawAttestationObject, "rawAttestationObject"))
            if #available(iOS 16.6, macOS 13.5, *) {
                attachment = Self.name(created.attachment)
            } else {
                attachment = nil
            }
        } else if let assertion = credential as? ASAuthorizationPlatformPublicKeyCredentialAssertion {
            id = try platformBytes(assertion.credentialID, "credentialID")
            clientDataJSON = try platformBytes(assertion.rawClientDataJSON, "rawClientDataJSON")
            response = .assertion(
                authenticatorData: try platformBytes(
                    assertion.rawAuthenticatorData, "rawAuthenticatorData"),
                signature: try platformBytes(assertion.signature, "signature"),
                userHandle: assertion.userID)
            if #available(iOS 16.6, macOS 13.5, *) {
                attachment = Self.name(assertion.attachment)
            } else {
                attachment = nil
            }
        } else {
            throw PlatformAuthenticatorError.Other(
                kind: "ASAuthorization", detail: "unexpected credential \(type(of: credential))")
        }
    }

    @available(iOS 16.6, macOS 13.5, *)
    private static func name(_ attachment: ASAuthorizationPublicKeyCredentialAttachment) -> String? {
        switch attachment {
        case .platform: return "platform"
        case .crossPlatform: return "cross-platform"
        @unknown default: return nil
        }
    }
}

/// Bytes the platform must return. Taking `Data?` accepts the optional and the implicitly
/// unwrapped properties of AuthenticationServices alike, without force-unwrapping either.
private func platformBytes(_ value: Data?, _ name: String) throws -> Data {
    guard let value, !value.isEmpty else {
        throw PlatformAuthenticatorError.Other(
            kind: "ASAuthorization", detail: "the platform returned no \(name)")
    }
    return value
}

/// One ceremony: the controller, its delegate, and the continuation that carries the result
/// back. Isolated to the main actor; AuthenticationServices calls the delegate on the main
/// thread, and the delegate turns what it gets into Sendable values (`PlatformCredential`, the
/// mapped `PlatformAuthenticatorError`) before anything else touches it.
@MainActor
private final class Ceremony: NSObject, ASAuthorizationControllerDelegate,
    ASAuthorizationControllerPresentationContextProviding
{
    private let controller: ASAuthorizationController
    private let anchor: ASPresentationAnchor
    private var continuation: CheckedContinuation<PlatformCredential, any Error>?
    /// The controller holds its delegate weakly: the ceremony keeps itself alive until it ends.
    private var keepAlive: Ceremony?

    init(request: ASAuthorizationRequest, anchor: ASPresentationAnchor) {
        controller = ASAuthorizationController(authorizationRequests: [request])
        self.anchor = anchor
        super.init()
    }

    func run() async throws -> PlatformCredential {
        try await withCheckedThrowingContinuation { continuation in
            self.continuation = continuation
            keepAlive = self
            controller.delegate = self
            controller.presentationContextProvider = self
            controller.performRequests()
        }
    }

    /// Closes the sheet; the delegate then reports `canceled`.
    func cancel() {
        controller.cancel()
    }

    nonisolated func authorizationController(
        controller: ASAuthorizationController,
        didCompleteWithAuthorization authorization: ASAuthorization
    ) {
        let result = Result { try PlatformCredential(authorization.credential) }
        MainActor.assumeIsolated { finish(result) }
    }

    nonisolated func authorizationController(
        controller: ASAuthorizationController, didCompleteWithError error: any Error
    ) {
        let mapped = ErrorMapping.map(error)
        MainActor.assumeIsolated { finish(.failure(mapped)) }
    }

    nonisolated func presentationAnchor(for controller: ASAuthorizationController)
        -> ASPresentationAnchor
    {
        MainActor.assumeIsolated { anchor }
    }

    private func finish(_ result: Result<PlatformCredential, any Error>) {
        continuation?.resume(with: result)
        continuation = nil
        keepAlive = nil
    }
}
#endif
