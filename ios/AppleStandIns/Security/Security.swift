// Stand-in for Security (test only: ios/AppleStandIns/README.md). Only the members
// KeychainStore.swift and its tests use, transcribed from the iOS 26.2 SDK (Security's SecItem.h,
// SecBase.h and their Swift import, developer.apple.com/documentation/security), with the
// CoreFoundation and MacTypes types that Security re-exports.
import Foundation

/// CoreFoundation, `typealias CFTypeRef = AnyObject`.
public typealias CFTypeRef = AnyObject
/// CoreFoundation's `CFString`, toll-free bridged to NSString (and so `as String`).
public typealias CFString = NSString
/// CoreFoundation's `CFDictionary`, toll-free bridged to NSDictionary (`[String: Any] as CFDictionary`).
public typealias CFDictionary = NSDictionary
/// MacTypes, `typealias OSStatus = Int32`.
public typealias OSStatus = Int32

/// iOS 2.0+, `func SecItemCopyMatching(_ query: CFDictionary, _ result: UnsafeMutablePointer<CFTypeRef?>?) -> OSStatus`.
public func SecItemCopyMatching(_ query: CFDictionary, _ result: UnsafeMutablePointer<CFTypeRef?>?)
    -> OSStatus
{ fatalError("stand-in") }
/// iOS 2.0+, `func SecItemAdd(_ attributes: CFDictionary, _ result: UnsafeMutablePointer<CFTypeRef?>?) -> OSStatus`.
public func SecItemAdd(_ attributes: CFDictionary, _ result: UnsafeMutablePointer<CFTypeRef?>?)
    -> OSStatus
{ fatalError("stand-in") }
/// iOS 2.0+, `func SecItemUpdate(_ query: CFDictionary, _ attributesToUpdate: CFDictionary) -> OSStatus`.
public func SecItemUpdate(_ query: CFDictionary, _ attributesToUpdate: CFDictionary) -> OSStatus {
    fatalError("stand-in")
}
/// iOS 2.0+, `func SecItemDelete(_ query: CFDictionary) -> OSStatus`.
public func SecItemDelete(_ query: CFDictionary) -> OSStatus { fatalError("stand-in") }
/// iOS 11.3+, `func SecCopyErrorMessageString(_ status: OSStatus, _ reserved: UnsafeMutableRawPointer?) -> CFString?`.
public func SecCopyErrorMessageString(_ status: OSStatus, _ reserved: UnsafeMutableRawPointer?)
    -> CFString?
{ fatalError("stand-in") }

/// iOS 2.0+, `var errSecSuccess: OSStatus { get }` (0).
public var errSecSuccess: OSStatus { 0 }
/// iOS 2.0+, `var errSecItemNotFound: OSStatus { get }` (-25300).
public var errSecItemNotFound: OSStatus { -25300 }
/// iOS 2.0+, `var errSecInteractionNotAllowed: OSStatus { get }` (-25308).
public var errSecInteractionNotAllowed: OSStatus { -25308 }
/// iOS 2.0+, `var errSecDecode: OSStatus { get }` (-26275).
public var errSecDecode: OSStatus { -26275 }
/// iOS 2.0+, `var errSecMissingEntitlement: OSStatus { get }` (-34018).
public var errSecMissingEntitlement: OSStatus { -34018 }

/// iOS 2.0+, `let kSecClass: CFString` (C globals need no Sendable check; NSString here does).
/// The values are placeholders, not the SDK's.
nonisolated(unsafe) public let kSecClass: CFString = "class"
/// iOS 2.0+, `let kSecClassGenericPassword: CFString`.
nonisolated(unsafe) public let kSecClassGenericPassword: CFString = "genp"
/// iOS 2.0+, `let kSecAttrService: CFString`.
nonisolated(unsafe) public let kSecAttrService: CFString = "svce"
/// iOS 2.0+, `let kSecAttrAccount: CFString`.
nonisolated(unsafe) public let kSecAttrAccount: CFString = "acct"
/// iOS 3.0+, `let kSecAttrAccessGroup: CFString`.
nonisolated(unsafe) public let kSecAttrAccessGroup: CFString = "agrp"
/// iOS 4.0+, `let kSecAttrAccessible: CFString`.
nonisolated(unsafe) public let kSecAttrAccessible: CFString = "pdmn"
/// iOS 4.0+, `let kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly: CFString`.
nonisolated(unsafe) public let kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly: CFString = "cku"
/// iOS 4.0+, `let kSecAttrAccessibleAfterFirstUnlock: CFString`.
nonisolated(unsafe) public let kSecAttrAccessibleAfterFirstUnlock: CFString = "ck"
/// iOS 2.0+, `let kSecReturnAttributes: CFString`.
nonisolated(unsafe) public let kSecReturnAttributes: CFString = "r_Attributes"
/// iOS 2.0+, `let kSecReturnData: CFString`.
nonisolated(unsafe) public let kSecReturnData: CFString = "r_Data"
/// iOS 2.0+, `let kSecMatchLimit: CFString`.
nonisolated(unsafe) public let kSecMatchLimit: CFString = "m_Limit"
/// iOS 2.0+, `let kSecMatchLimitOne: CFString`.
nonisolated(unsafe) public let kSecMatchLimitOne: CFString = "m_LimitOne"
/// iOS 2.0+, `let kSecValueData: CFString`.
nonisolated(unsafe) public let kSecValueData: CFString = "v_Data"
/// iOS 13.0+ / macOS 10.15+, `let kSecUseDataProtectionKeychain: CFString`.
nonisolated(unsafe) public let kSecUseDataProtectionKeychain: CFString = "nleg"
