// Apple platforms only: CryptoKit. On Linux the journeys use the core's software password
// manager instead (TestPasswordManager).
#if canImport(CryptoKit)
import CryptoKit
import Foundation
@testable import BingXPasskeys

/// A password manager in software, written in Swift against the platform contract: P-256 keys
/// (CryptoKit), `none` attestation, and the shell's own WebAuthn JSON builder. Its passkeys are
/// discoverable and synced like iCloud Keychain's (backup eligible, backed up, counter 0, zero
/// AAGUID), and clientDataJSON carries `https://<rpId>` as iOS writes it. Two clients sharing
/// one instance are two devices on one synced keychain. For tests only.
final class SoftwareAuthenticator: PlatformAuthenticator, @unchecked Sendable {
    private struct Passkey {
        let id: Data
        let rpId: String
        let userId: Data
        /// The account name shown for it; `signalCurrentUserDetails` changes it.
        var userName: String
        let key: P256.Signing.PrivateKey
    }

    private let lock = NSLock()
    private var passkeys: [Passkey] = [] // guarded by `lock`

    // authenticatorData flags (WebAuthn §6.1): UP, UV, BE, BS, and AT on registration.
    private static let assertionFlags: UInt8 = 0x01 | 0x04 | 0x08 | 0x10
    private static let registrationFlags: UInt8 = assertionFlags | 0x40

    func capabilities() async throws -> Capabilities {
        Capabilities(
            passwordManagerAvailable: true, userCanAuthenticate: true, supportsSignals: true,
            unavailableReason: nil)
    }

    func create(request: CreateRequest) async throws -> String {
        if stored(request.rpId).contains(where: { request.excludeCredentialIds.contains($0.id) }) {
            throw PlatformAuthenticatorError.AlreadyRegistered
        }
        let passkey = Passkey(
            id: Data((0..<16).map { _ in UInt8.random(in: .min ... .max) }),
            rpId: request.rpId, userId: request.userId, userName: request.userName,
            key: P256.Signing.PrivateKey())
        let point = passkey.key.publicKey.rawRepresentation // x ‖ y, 32 bytes each
        let coseKey = CBOR.map([
            (.unsigned(1), .unsigned(2)), // kty: EC2
            (.unsigned(3), .negative(-7)), // alg: ES256
            (.negative(-1), .unsigned(1)), // crv: P-256
            (.negative(-2), .bytes(point.prefix(32))),
            (.negative(-3), .bytes(point.suffix(32))),
        ])
        var authData = Self.authenticatorData(request.rpId, flags: Self.registrationFlags)
        authData += Data(count: 16) // AAGUID
        authData += withUnsafeBytes(of: UInt16(passkey.id.count).bigEndian) { Data($0) }
        authData += passkey.id
        authData += coseKey.encoded
        let attestationObject = CBOR.map([
            (.text("fmt"), .text("none")),
            (.text("attStmt"), .map([])),
            (.text("authData"), .bytes(authData)),
        ])
        let clientData = try Self.clientData("webauthn.create", request.challenge, request.rpId)
        lock.withLock { passkeys.append(passkey) }
        return try WebAuthnJSON.registration(
            credentialID: passkey.id, clientDataJSON: clientData,
            attestationObject: attestationObject.encoded, attachment: "platform")
    }

    func get(request: GetRequest) async throws -> String {
        let allowed = request.allowCredentialIds
        guard let passkey = stored(request.rpId).last(where: {
            allowed.isEmpty || allowed.contains($0.id)
        }) else { throw PlatformAuthenticatorError.NoCredential }
        let authData = Self.authenticatorData(request.rpId, flags: Self.assertionFlags)
        let clientData = try Self.clientData("webauthn.get", request.challenge, request.rpId)
        let signature = try passkey.key.signature(
            for: authData + Data(SHA256.hash(data: clientData)))
        return try WebAuthnJSON.assertion(
            credentialID: passkey.id, clientDataJSON: clientData, authenticatorData: authData,
            signature: signature.derRepresentation, userHandle: passkey.userId,
            attachment: "platform")
    }

    func signalUnknownCredential(rpId: String, credentialId: Data) async throws {
        lock.withLock { passkeys.removeAll { $0.rpId == rpId && $0.id == credentialId } }
    }

    func signalAllAcceptedCredentials(rpId: String, userId: Data, credentialIds: [Data]) async throws {
        lock.withLock {
            passkeys.removeAll {
                $0.rpId == rpId && $0.userId == userId && !credentialIds.contains($0.id)
            }
        }
    }

    func signalCurrentUserDetails(
        rpId: String, userId: Data, name: String, displayName: String
    ) async throws {
        lock.withLock {
            for index in passkeys.indices
            where passkeys[index].rpId == rpId && passkeys[index].userId == userId {
                passkeys[index].userName = name
            }
        }
    }

    /// Credential ids held for `rpId`, oldest first.
    func credentialIds(_ rpId: String) -> [Data] {
        stored(rpId).map(\.id)
    }

    /// The account names shown for `rpId`'s passkeys, oldest first.
    func userNames(_ rpId: String) -> [String] {
        stored(rpId).map(\.userName)
    }

    private func stored(_ rpId: String) -> [Passkey] {
        lock.withLock { passkeys.filter { $0.rpId == rpId } }
    }

    private static func authenticatorData(_ rpId: String, flags: UInt8) -> Data {
        // Appended one by one: `Data + [UInt8] + Data` does not type-check with swift-foundation.
        var data = Data(SHA256.hash(data: Data(rpId.utf8)))
        data.append(flags)
        data.append(Data(count: 4)) // signCount 0
        return data
    }

    private static func clientData(_ type: String, _ challenge: Data, _ rpId: String) throws -> Data {
        try JSONSerialization.data(
            withJSONObject: [
                "type": type,
                "challenge": challenge.base64URLEncodedString(),
                "origin": "https://\(rpId)",
                "crossOrigin": false,
            ] as [String: Any],
            options: [.withoutEscapingSlashes])
    }
}

/// Just enough CBOR (RFC 8949) for an attestation object and a COSE key. Map entries are
/// written in the order given (callers give them in canonical order); lengths stay under 4 GiB.
enum CBOR {
    case unsigned(UInt64)
    case negative(Int64)
    case bytes(Data)
    case text(String)
    case map([(CBOR, CBOR)])

    var encoded: Data {
        switch self {
        case let .unsigned(value):
            return Self.head(0, value)
        case let .negative(value):
            return Self.head(1, UInt64(-1 - value))
        case let .bytes(data):
            return Self.head(2, UInt64(data.count)) + data
        case let .text(string):
            return Self.head(3, UInt64(string.utf8.count)) + Data(string.utf8)
        case let .map(entries):
            return entries.reduce(Self.head(5, UInt64(entries.count))) {
                $0 + $1.0.encoded + $1.1.encoded
            }
        }
    }

    private static func head(_ major: UInt8, _ value: UInt64) -> Data {
        let type = major << 5
        switch value {
        case ..<24:
            return Data([type | UInt8(value)])
        case ..<0x100:
            return Data([type | 24, UInt8(value)])
        case ..<0x1_0000:
            return Data([type | 25]) + withUnsafeBytes(of: UInt16(value).bigEndian) { Data($0) }
        default:
            return Data([type | 26])
                + withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).bigEndian) { Data($0) }
        }
    }
}
#endif
