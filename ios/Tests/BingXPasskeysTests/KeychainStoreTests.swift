// Apple platforms only: Security's Keychain.
#if canImport(Security)
import BingXPasskeys
import Security
import XCTest

final class KeychainStoreTests: XCTestCase {
    func testSetReplaceGetAndDelete() throws {
        let store = KeychainStore(service: "com.bingx.passkeys.tests.\(UUID().uuidString)")
        do {
            try store.set(name: "session-token", value: "first")
        } catch SecureStoreError.Other(let detail)
            where detail.contains("OSStatus \(errSecMissingEntitlement)")
        {
            throw XCTSkip("this test runner may not use the data protection keychain: \(detail)")
        }
        XCTAssertEqual(try store.get(name: "session-token"), "first")
        try store.set(name: "session-token", value: "second")
        XCTAssertEqual(try store.get(name: "session-token"), "second")
        try store.delete(name: "session-token")
        XCTAssertNil(try store.get(name: "session-token"))
        try store.delete(name: "session-token") // forgetting a missing name succeeds
        XCTAssertNil(try store.get(name: "never-set"))
    }

    /// An item written with a weaker accessibility (as an older version may have) takes the
    /// store's class at the next write, not only a new value.
    func testAnUpdateMovesAnOlderItemToTheStoresAccessibility() throws {
        let service = "com.bingx.passkeys.tests.\(UUID().uuidString)"
        let item: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: "session-token",
            kSecUseDataProtectionKeychain as String: true,
        ]
        var old = item
        old[kSecValueData as String] = Data("first".utf8)
        old[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlock
        let added = SecItemAdd(old as CFDictionary, nil)
        if added == errSecMissingEntitlement {
            throw XCTSkip("this test runner may not use the data protection keychain")
        }
        XCTAssertEqual(added, errSecSuccess)
        defer { _ = SecItemDelete(item as CFDictionary) }

        let store = KeychainStore(service: service)
        try store.set(name: "session-token", value: "second")
        XCTAssertEqual(try store.get(name: "session-token"), "second")
        var query = item
        query[kSecReturnAttributes as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        XCTAssertEqual(SecItemCopyMatching(query as CFDictionary, &result), errSecSuccess)
        let attributes = try XCTUnwrap(result as? [String: Any])
        XCTAssertEqual(
            attributes[kSecAttrAccessible as String] as? String,
            kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly as String)
    }

    /// The items go to the access group the store was given (an app with Keychain Sharing passes
    /// its own, unshared one), and are read from there.
    func testItemsLiveInTheGivenAccessGroup() throws {
        let service = "com.bingx.passkeys.tests.\(UUID().uuidString)"
        // The runner's default group, read back from an item written without one.
        let plain = KeychainStore(service: service)
        do {
            try plain.set(name: "probe", value: "x")
        } catch SecureStoreError.Other(let detail)
            where detail.contains("OSStatus \(errSecMissingEntitlement)")
        {
            throw XCTSkip("this test runner may not use the data protection keychain: \(detail)")
        }
        defer { try? plain.delete(name: "probe") }
        let group = try XCTUnwrap(accessGroup(service: service, name: "probe"))

        let store = KeychainStore(service: service, accessGroup: group)
        try store.set(name: "session-token", value: "value")
        defer { try? store.delete(name: "session-token") }
        XCTAssertEqual(try store.get(name: "session-token"), "value")
        XCTAssertEqual(accessGroup(service: service, name: "session-token"), group)
    }

    private func accessGroup(service: String, name: String) -> String? {
        let query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: name,
            kSecUseDataProtectionKeychain as String: true,
            kSecReturnAttributes as String: true,
            kSecMatchLimit as String: kSecMatchLimitOne,
        ]
        var result: CFTypeRef?
        guard SecItemCopyMatching(query as CFDictionary, &result) == errSecSuccess else {
            return nil
        }
        return (result as? [String: Any])?[kSecAttrAccessGroup as String] as? String
    }
}
#endif
