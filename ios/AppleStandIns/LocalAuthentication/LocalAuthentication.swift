// Stand-in for LocalAuthentication (test only: ios/AppleStandIns/README.md). Only the members
// AuthenticationServicesAuthenticator.swift uses, transcribed from the iOS 26.2 SDK
// (LocalAuthentication.swiftinterface, developer.apple.com/documentation/localauthentication).
import Foundation

/// iOS 8.0+, `enum LAPolicy : Int, @unchecked Sendable`.
public enum LAPolicy: Int, Sendable {
    /// iOS 8.0+, value 1.
    case deviceOwnerAuthenticationWithBiometrics = 1
    /// iOS 9.0+, value 2.
    case deviceOwnerAuthentication = 2
}

/// iOS 8.0+, `open class LAContext : NSObject`.
open class LAContext: NSObject {
    /// iOS 8.0+, `public override init()`.
    public override init() {}

    /// iOS 8.0+, `open func canEvaluatePolicy(_ policy: LAPolicy, error: NSErrorPointer) -> Bool`.
    /// Linux has no `NSErrorPointer` (an `AutoreleasingUnsafeMutablePointer<NSError?>?`); `&error`
    /// on an `NSError?` variable converts to this pointer the same way.
    open func canEvaluatePolicy(_ policy: LAPolicy, error: UnsafeMutablePointer<NSError?>?) -> Bool {
        fatalError("stand-in")
    }
}

/// iOS 8.0+, `struct LAError : CustomNSError, Hashable, Error`.
public struct LAError: Error, Hashable {
    /// iOS 8.0+, `static var errorDomain: String { get }` ("com.apple.LocalAuthentication").
    public static var errorDomain: String { "com.apple.LocalAuthentication" }

    /// iOS 8.0+, `enum Code : Int, @unchecked Sendable, Equatable`; only the cases used.
    public enum Code: Int, Sendable, Equatable {
        /// iOS 8.0+, -5.
        case passcodeNotSet = -5
    }
}
