// Apple platforms only: Linux has no Security framework (no Keychain).
#if canImport(Security)
import Foundation
import Security

/// The library's secrets (session token, cached signed policy, a registration not yet
/// confirmed) in the Keychain: one generic-password item per name, readable after the first
/// unlock, on this device only (never in a backup or in iCloud Keychain). Pass it to
/// `PasskeysClient(config:platform:store:)`. Errors carry the Keychain's words, never a value.
public final class KeychainStore: SecureStore {
    private let service: String
    private let accessGroup: String?

    /// - Parameters:
    ///   - service: the items' `kSecAttrService`; one per app and server environment.
    ///   - accessGroup: the Keychain access group the items live in, named in every query. An app
    ///     that uses Keychain Sharing passes its own, unshared group
    ///     (`"<Team ID>.<bundle id>"`): without it the items go to the first group of its
    ///     `keychain-access-groups` entitlement, which every app and extension of that group can
    ///     read and change (the session, the cached policy the device's own checks rest on).
    ///     `nil` (an app without Keychain Sharing): the app's default group, its own.
    public init(service: String = "com.bingx.passkeys", accessGroup: String? = nil) {
        self.service = service
        self.accessGroup = accessGroup
    }

    public func get(name: String) throws -> String? {
        var query = item(name)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        if status == errSecItemNotFound {
            return nil
        }
        guard status == errSecSuccess else { throw Self.error(status) }
        guard let data = result as? Data, let value = String(data: data, encoding: .utf8) else {
            throw SecureStoreError.Unreadable(detail: "the Keychain item is not UTF-8 text")
        }
        return value
    }

    public func set(name: String, value: String) throws {
        // The accessibility goes with every write, not only the first: an existing item of a
        // weaker class (an older version's) is moved to this one rather than keeping its own.
        let attributes: [String: Any] = [
            kSecValueData as String: Data(value.utf8),
            kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
        ]
        var status = SecItemUpdate(item(name) as CFDictionary, attributes as CFDictionary)
        if status == errSecItemNotFound {
            let add = item(name).merging(attributes) { _, new in new }
            status = SecItemAdd(add as CFDictionary, nil)
        }
        guard status == errSecSuccess else { throw Self.error(status) }
    }

    public func delete(name: String) throws {
        let status = SecItemDelete(item(name) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw Self.error(status)
        }
    }

    private func item(_ name: String) -> [String: Any] {
        var item: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: name,
            // macOS: the iOS-style (data protection) keychain, not the legacy file keychain.
            kSecUseDataProtectionKeychain as String: true,
        ]
        if let accessGroup {
            // Reads, writes and deletes alike: an item of the same name in a shared group is
            // neither read nor changed.
            item[kSecAttrAccessGroup as String] = accessGroup
        }
        return item
    }

    private static func error(_ status: OSStatus) -> SecureStoreError {
        let words = SecCopyErrorMessageString(status, nil) as String? ?? "OSStatus \(status)"
        switch status {
        case errSecInteractionNotAllowed: // before the first unlock after a restart
            return .Unavailable(detail: words)
        case errSecDecode:
            return .Unreadable(detail: words)
        default:
            return .Other(detail: "\(words) (OSStatus \(status))")
        }
    }
}
#endif
