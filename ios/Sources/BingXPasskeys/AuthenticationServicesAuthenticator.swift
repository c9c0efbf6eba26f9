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
public final class AuthenticationServicesAuthenticator: PlatformAuthenticator {
    private let presentationAnchor: @MainActor @Sendable () -> ASPresentationAnchor

    /// - Parameter presentationAnchor: the window the passkey sheet is shown over; read on the
    ///   main actor when a ceremony starts.
    public init(presentationAnchor: @escaping @MainActor @Sendable () -> ASPresentationAnchor) {
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
        let provider = ASAuthorizationPlatformPublicKeyCredentialProvider(
            relyingPartyIdentifier: request.rpId)
        let registration = provider.createCredentialRegistrationRequest(
            challenge: request.challenge, name: request.userName, userID: request.userId)
        registration.displayName = request.userDisplayName
        registration.userVerificationPreference = .required
        #if compiler(>=5.10) // Xcode 15.3: the iOS 17.4 SDK
        if #available(iOS 17.4, macOS 14.4, *) {
            registration.excludedCredentials = request.excludeCredentialIds.map {
                ASAuthorizationPlatformPublicKeyCredentialDescriptor(credentialID: $0)
            }
        }
        #endif
        let credential = try await perform(registration)
        guard let created = credential as? ASAuthorizationPlatformPublicKeyCredentialRegistration
        else { throw Self.unexpected(credential) }
        return try WebAuthnJSON.registration(
            credentialID: platformBytes(created.credentialID, "credentialID"),
            clientDataJSON: platformBytes(created.rawClientDataJSON, "rawClientDataJSON"),
            attestationObject: platformBytes(created.rawAttestationObject, "rawAttestationObject"))
    }

    public func get(request: GetRequest) async throws -> String {
        let provider = ASAuthorizationPlatformPublicKeyCredentialProvider(
            relyingPartyIdentifier: request.rpId)
        let assertionRequest = provider.createCredentialAssertionRequest(
            challenge: request.challenge)
        assertionRequest.allowedCredentials = request.allowCredentialIds.map {
            ASAuthorizationPlatformPublicKeyCredentialDescriptor(credentialID: $0)
        }
        assertionRequest.userVerificationPreference = .required
        let credential = try await perform(assertionRequest)
        guard let assertion = credential as? ASAuthorizationPlatformPublicKeyCredentialAssertion
        else { throw Self.unexpected(credential) }
        return try WebAuthnJSON.assertion(
            credentialID: platformBytes(assertion.credentialID, "credentialID"),
            clientDataJSON: platformBytes(assertion.rawClientDataJSON, "rawClientDataJSON"),
            authenticatorData: platformBytes(assertion.rawAuthenticatorData, "rawAuthenticatorData"),
            signature: platformBytes(assertion.signature, "signature"),
            userHandle: assertion.userID)
    }

    public func signalUnknownCredential(rpId: String, credentialId: Data) async throws {
        do {
            #if compiler(>=6.2.3) // Xcode 26.2: the iOS 26.2 SDK
            if #available(iOS 26.2, macOS 26.2, *) {
                return try await ASCredentialDataManager().reportUnknownPublicKeyCredential(
                    relyingPartyIdentifier: rpId, credentialID: credentialId)
            }
            #endif
            #if compiler(>=6.2) // Xcode 26: the iOS 26 SDK
            if #available(iOS 26.0, macOS 26.0, *) {
                return try await ASCredentialUpdater().reportUnknownPublicKeyCredential(
                    relyingPartyIdentifier: rpId, credentialID: credentialId)
            }
            #endif
        } catch {
            throw ErrorMapping.map(error)
        }
        throw Self.signalsUnsupported
    }

    public func signalAllAcceptedCredentials(
        rpId: String, userId: Data, credentialIds: [Data]
    ) async throws {
        do {
            #if compiler(>=6.2.3)
            if #available(iOS 26.2, macOS 26.2, *) {
                return try await ASCredentialDataManager().reportAllAcceptedPublicKeyCredentials(
                    relyingPartyIdentifier: rpId, userHandle: userId,
                    acceptedCredentialIDs: credentialIds)
            }
            #endif
            #if compiler(>=6.2)
            if #available(iOS 26.0, macOS 26.0, *) {
                return try await ASCredentialUpdater().reportAllAcceptedPublicKeyCredentials(
                    relyingPartyIdentifier: rpId, userHandle: userId,
                    acceptedCredentialIDs: credentialIds)
            }
            #endif
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
            #if compiler(>=6.2.3)
            if #available(iOS 26.2, macOS 26.2, *) {
                return try await ASCredentialDataManager().reportPublicKeyCredentialUpdate(
                    relyingPartyIdentifier: rpId, userHandle: userId, newName: name)
            }
            #endif
            #if compiler(>=6.2)
            if #available(iOS 26.0, macOS 26.0, *) {
                return try await ASCredentialUpdater().reportPublicKeyCredentialUpdate(
                    relyingPartyIdentifier: rpId, userHandle: userId, newName: name)
            }
            #endif
        } catch {
            throw ErrorMapping.map(error)
        }
        throw Self.signalsUnsupported
    }

    /// Runs one ceremony on the main actor. When the core drops the request, uniffi cancels
    /// this task, and the sheet closes.
    @MainActor
    private func perform(_ request: ASAuthorizationRequest) async throws
        -> ASAuthorizationCredential
    {
        let ceremony = Ceremony(request: request, anchor: presentationAnchor())
        do {
            return try await withTaskCancellationHandler {
                try await ceremony.run()
            } onCancel: {
                Task { @MainActor in ceremony.cancel() }
            }
        } catch {
            throw ErrorMapping.map(error)
        }
    }

    private static var supportsSignals: Bool {
        #if compiler(>=6.2)
        if #available(iOS 26.0, macOS 26.0, *) { return true }
        #endif
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

    private static func unexpected(_ credential: ASAuthorizationCredential) -> PlatformAuthenticatorError {
        .Other(kind: "ASAuthorization", detail: "unexpected credential \(type(of: credential))")
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
/// back. Confined to the main thread (started on the main actor; AuthenticationServices calls
/// its delegate on the main thread), hence `@unchecked Sendable`.
private final class Ceremony: NSObject, ASAuthorizationControllerDelegate,
    ASAuthorizationControllerPresentationContextProviding, @unchecked Sendable
{
    private let controller: ASAuthorizationController
    private let anchor: ASPresentationAnchor
    private var continuation: CheckedContinuation<ASAuthorizationCredential, Error>?
    /// The controller holds its delegate weakly: the ceremony keeps itself alive until it ends.
    private var keepAlive: Ceremony?

    @MainActor
    init(request: ASAuthorizationRequest, anchor: ASPresentationAnchor) {
        controller = ASAuthorizationController(authorizationRequests: [request])
        self.anchor = anchor
        super.init()
    }

    @MainActor
    func run() async throws -> ASAuthorizationCredential {
        try await withCheckedThrowingContinuation { continuation in
            self.continuation = continuation
            keepAlive = self
            controller.delegate = self
            controller.presentationContextProvider = self
            controller.performRequests()
        }
    }

    /// Closes the sheet; the delegate then reports `canceled`.
    @MainActor
    func cancel() {
        controller.cancel()
    }

    func authorizationController(
        controller: ASAuthorizationController,
        didCompleteWithAuthorization authorization: ASAuthorization
    ) {
        finish(.success(authorization.credential))
    }

    func authorizationController(
        controller: ASAuthorizationController, didCompleteWithError error: Error
    ) {
        finish(.failure(error))
    }

    func presentationAnchor(for controller: ASAuthorizationController) -> ASPresentationAnchor {
        anchor
    }

    private func finish(_ result: Result<ASAuthorizationCredential, Error>) {
        continuation?.resume(with: result)
        continuation = nil
        keepAlive = nil
    }
}
