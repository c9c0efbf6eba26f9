// Stand-in for UIKit (test only: ios/AppleStandIns/README.md). Only the members that the
// sample (BingXPasskeysSampleApp.swift, SampleScreens.swift: the fields' keyboards) and
// ASPresentationAnchor use, transcribed from the iOS 26.2 SDK (UIKit.swiftinterface, as declared
// on developer.apple.com/documentation/uikit). The classes are `@MainActor` there, as here.
import Foundation

/// iOS 2.0+, `@MainActor open class UIResponder : NSObject`.
@MainActor
open class UIResponder: NSObject {}

/// iOS 2.0+, `@MainActor open class UIView : UIResponder`.
@MainActor
open class UIView: UIResponder {}

/// iOS 2.0+, `@MainActor open class UIWindow : UIView`; `isKeyWindow` is `var { get }`.
@MainActor
open class UIWindow: UIView {
    /// iOS 2.0+, `open var isKeyWindow: Bool { get }`.
    open var isKeyWindow: Bool { fatalError("stand-in") }
}

/// iOS 13.0+, `@MainActor open class UIScene : UIResponder`.
@MainActor
open class UIScene: UIResponder {
    /// iOS 13.0+, `@objc public enum ActivationState : Int`.
    public enum ActivationState: Int, Sendable {
        case unattached = -1
        case foregroundActive = 0
        case foregroundInactive = 1
        case background = 2
    }

    /// iOS 13.0+, `open var activationState: UIScene.ActivationState { get }`.
    open var activationState: UIScene.ActivationState { fatalError("stand-in") }
}

/// iOS 13.0+, `@MainActor open class UIWindowScene : UIScene`.
@MainActor
open class UIWindowScene: UIScene {
    /// iOS 13.0+, `open var windows: [UIWindow] { get }`.
    open var windows: [UIWindow] { fatalError("stand-in") }
}

/// iOS 2.0+, `@MainActor open class UIApplication : UIResponder`.
@MainActor
open class UIApplication: UIResponder {
    /// iOS 2.0+, `open class var shared: UIApplication { get }`.
    open class var shared: UIApplication { fatalError("stand-in") }
    /// iOS 13.0+, `open var connectedScenes: Set<UIScene> { get }`.
    open var connectedScenes: Set<UIScene> { fatalError("stand-in") }
}

/// iOS 2.0+, `@MainActor open class UIDevice : NSObject`.
@MainActor
open class UIDevice: NSObject {
    /// iOS 2.0+, `open class var current: UIDevice { get }`.
    open class var current: UIDevice { fatalError("stand-in") }
    /// iOS 6.0+, `open var identifierForVendor: UUID? { get }`.
    open var identifierForVendor: UUID? { fatalError("stand-in") }
}

/// iOS 2.0+, `@objc public enum UIKeyboardType : Int, @unchecked Sendable` (the two cases the
/// sample's fields use, with their raw values; the others are left out).
public enum UIKeyboardType: Int, @unchecked Sendable {
    /// iOS 2.0+, `case numberPad = 4`.
    case numberPad = 4
    /// iOS 2.0+, `case emailAddress = 7`.
    case emailAddress = 7
}
