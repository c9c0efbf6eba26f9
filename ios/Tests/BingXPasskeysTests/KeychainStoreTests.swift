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
}
#endif
