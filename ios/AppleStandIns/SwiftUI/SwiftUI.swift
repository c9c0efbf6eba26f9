// Stand-in for SwiftUI (test only: ios/AppleStandIns/README.md). SampleModel.swift uses only
// what SwiftUI re-exports from Combine: `ObservableObject` and `@Published`, transcribed from the
// iOS 26.2 SDK (Combine.swiftinterface, developer.apple.com/documentation/combine). Combine's
// publishers are left out: the sample never subscribes.

/// iOS 13.0+, `protocol ObservableObject : AnyObject` (its `objectWillChange` publisher, which has
/// a default for classes with `@Published` properties, is left out).
public protocol ObservableObject: AnyObject {}

/// iOS 13.0+, `@propertyWrapper struct Published<Value>`, `init(wrappedValue: Value)`. Apple's
/// reaches the value through the enclosing instance; a stored value stands in for that here.
@propertyWrapper
public struct Published<Value> {
    private var value: Value

    /// iOS 13.0+, `init(wrappedValue: Value)`.
    public init(wrappedValue: Value) {
        value = wrappedValue
    }

    /// The value (Apple's subscript through the enclosing instance, simplified).
    public var wrappedValue: Value {
        get { value }
        set { value = newValue }
    }
}
