import Foundation

/// The WebAuthn Level 3 JSON a shell hands back to the core (`RegistrationResponseJSON`,
/// `AuthenticationResponseJSON`: what `PublicKeyCredential.toJSON()` produces), built from the
/// raw bytes an authenticator returns. Pure, so the test authenticator uses it too.
/// `attachment` is WebAuthn's `authenticatorAttachment` as the platform reported it
/// (`platform`, `cross-platform`); the member is left out when the platform does not say.
enum WebAuthnJSON {
    static func registration(
        credentialID: Data, clientDataJSON: Data, attestationObject: Data, attachment: String?
    ) throws -> String {
        try encode(credentialID: credentialID, attachment: attachment, response: [
            "clientDataJSON": clientDataJSON.base64URLEncodedString(),
            "attestationObject": attestationObject.base64URLEncodedString(),
        ])
    }

    static func assertion(
        credentialID: Data, clientDataJSON: Data, authenticatorData: Data, signature: Data,
        userHandle: Data?, attachment: String?
    ) throws -> String {
        var response = [
            "clientDataJSON": clientDataJSON.base64URLEncodedString(),
            "authenticatorData": authenticatorData.base64URLEncodedString(),
            "signature": signature.base64URLEncodedString(),
        ]
        if let userHandle, !userHandle.isEmpty {
            response["userHandle"] = userHandle.base64URLEncodedString()
        }
        return try encode(credentialID: credentialID, attachment: attachment, response: response)
    }

    private static func encode(
        credentialID: Data, attachment: String?, response: [String: String]
    ) throws -> String {
        let id = credentialID.base64URLEncodedString()
        var object: [String: Any] = [
            "id": id,
            "rawId": id,
            "type": "public-key",
            "response": response,
            "clientExtensionResults": [String: Any](),
        ]
        if let attachment {
            object["authenticatorAttachment"] = attachment
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        guard let json = String(data: data, encoding: .utf8) else {
            throw PlatformAuthenticatorError.Other(kind: "json", detail: "the response is not UTF-8")
        }
        return json
    }
}

extension Data {
    /// Unpadded base64url (RFC 4648 §5), the encoding of every byte string in WebAuthn JSON.
    func base64URLEncodedString() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
