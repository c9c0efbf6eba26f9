// Stand-in for SwiftUI (test only: ios/AppleStandIns/README.md). Exactly the declarations the
// sample uses (BingXPasskeysSampleApp.swift, SampleScreens.swift, SampleViewModel.swift), with the
// names, labels, generic constraints, defaults and isolation of Apple's documentation
// (developer.apple.com/documentation/swiftui, iOS 26.2 SDK), transcribed by hand; bodies do
// nothing. Where Apple's type is more general than the sample needs (ProgressView's labels,
// Color's and Font's many members), only the form the sample uses is here, and its comment says
// so. ObservableObject and Published are Combine's, re-exported by SwiftUI; UIKeyboardType is
// UIKit's (ios/AppleStandIns/UIKit), which SwiftUI's `keyboardType(_:)` takes on iOS.

import Foundation
import UIKit

// MARK: - Combine's, re-exported

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

// MARK: - Views and their builder

/// iOS 13.0+, `@MainActor @preconcurrency protocol View`, `associatedtype Body : View`,
/// `@ViewBuilder @MainActor @preconcurrency var body: Self.Body { get }`.
@MainActor @preconcurrency
public protocol View {
    /// The type of view representing the body of this view.
    associatedtype Body: View
    /// The content and behavior of the view.
    @ViewBuilder @MainActor @preconcurrency var body: Self.Body { get }
}

/// iOS 13.0+, `extension Never : View` (the body of primitive views).
extension Never: View {
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `extension Optional : View where Wrapped : View`.
extension Optional: View where Wrapped: View {
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `@frozen struct EmptyView`.
public struct EmptyView: View {
    /// iOS 13.0+, `nonisolated init()` (the builder makes it outside the main actor).
    public nonisolated init() {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `@frozen struct TupleView<T>`.
public struct TupleView<T>: View {
    /// iOS 13.0+, `nonisolated init(_ value: T)` (Apple's keeps it as `value`, which the sample
    /// never reads: nothing is kept here).
    public nonisolated init(_ value: T) {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `@frozen struct _ConditionalContent<TrueContent, FalseContent>` (what `if`/`else`
/// and `switch` build).
public struct _ConditionalContent<TrueContent: View, FalseContent: View>: View {
    nonisolated init(first: TrueContent?, second: FalseContent?) {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `@resultBuilder struct ViewBuilder` (the static members the sample's builders reach).
@resultBuilder
public struct ViewBuilder {
    /// iOS 13.0+, `static func buildBlock() -> EmptyView`.
    public static func buildBlock() -> EmptyView { EmptyView() }

    /// iOS 13.0+, `static func buildBlock<Content>(_ content: Content) -> Content where Content : View`.
    public static func buildBlock<Content: View>(_ content: Content) -> Content { content }

    /// iOS 17.0+, `static func buildBlock<each Content>(_ content: repeat each Content) -> TupleView<(repeat each Content)> where repeat each Content : View`.
    public static func buildBlock<each Content: View>(_ content: repeat each Content) -> TupleView<(repeat each Content)> {
        TupleView((repeat each content))
    }

    /// iOS 13.0+, `static func buildExpression<Content>(_ content: Content) -> Content where Content : View`.
    public static func buildExpression<Content: View>(_ content: Content) -> Content { content }

    /// iOS 13.0+, `static func buildIf<Content>(_ content: Content?) -> Content? where Content : View`.
    public static func buildIf<Content: View>(_ content: Content?) -> Content? { content }

    /// iOS 13.0+, `static func buildEither<TrueContent, FalseContent>(first: TrueContent) -> _ConditionalContent<TrueContent, FalseContent>`.
    public static func buildEither<TrueContent: View, FalseContent: View>(first: TrueContent) -> _ConditionalContent<TrueContent, FalseContent> {
        _ConditionalContent(first: first, second: nil)
    }

    /// iOS 13.0+, `static func buildEither<TrueContent, FalseContent>(second: FalseContent) -> _ConditionalContent<TrueContent, FalseContent>`.
    public static func buildEither<TrueContent: View, FalseContent: View>(second: FalseContent) -> _ConditionalContent<TrueContent, FalseContent> {
        _ConditionalContent(first: nil, second: second)
    }
}

// MARK: - Layout

/// iOS 13.0+, `@frozen struct HorizontalAlignment` (the member the sample uses).
public struct HorizontalAlignment: Equatable, Sendable {
    let id: Int
    /// iOS 13.0+, `static let leading: HorizontalAlignment`.
    public static let leading = HorizontalAlignment(id: 0)
    /// iOS 13.0+, `static let center: HorizontalAlignment`.
    public static let center = HorizontalAlignment(id: 1)
}

/// iOS 13.0+, `@frozen struct VerticalAlignment` (the member the sample uses).
public struct VerticalAlignment: Equatable, Sendable {
    let id: Int
    /// iOS 13.0+, `static let center: VerticalAlignment`.
    public static let center = VerticalAlignment(id: 1)
}

/// iOS 13.0+, `@frozen struct Alignment` (the members the sample uses).
public struct Alignment: Equatable, Sendable {
    let id: Int
    /// iOS 13.0+, `static let center: Alignment`.
    public static let center = Alignment(id: 1)
    /// iOS 13.0+, `static let leading: Alignment`.
    public static let leading = Alignment(id: 2)
}

/// iOS 13.0+, `@frozen enum Edge`, with its `Set` (the member the sample uses).
public enum Edge: Int8, Sendable {
    case top, leading, bottom, trailing

    /// iOS 13.0+, `@frozen struct Edge.Set : OptionSet`.
    public struct Set: OptionSet, Sendable {
        /// iOS 13.0+.
        public let rawValue: Int8
        /// iOS 13.0+, `init(rawValue: Int8)`.
        public init(rawValue: Int8) { self.rawValue = rawValue }
        /// iOS 13.0+, `static let all: Edge.Set`.
        public static let all = Set(rawValue: 15)
    }
}

/// iOS 13.0+, `@frozen struct Axis.Set` lives in `enum Axis` (the member the sample uses).
public enum Axis: Int8, Sendable {
    case horizontal, vertical

    /// iOS 13.0+, `@frozen struct Axis.Set : OptionSet`.
    public struct Set: OptionSet, Sendable {
        /// iOS 13.0+.
        public let rawValue: Int8
        /// iOS 13.0+, `init(rawValue: Int8)`.
        public init(rawValue: Int8) { self.rawValue = rawValue }
        /// iOS 13.0+, `static let vertical: Axis.Set`.
        public static let vertical = Set(rawValue: 2)
    }
}

/// iOS 13.0+, `@frozen struct VStack<Content> where Content : View`.
public struct VStack<Content: View>: View {
    /// iOS 13.0+, `init(alignment: HorizontalAlignment = .center, spacing: CGFloat? = nil, @ViewBuilder content: () -> Content)`.
    public init(alignment: HorizontalAlignment = .center, spacing: CGFloat? = nil, @ViewBuilder content: () -> Content) {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `@frozen struct HStack<Content> where Content : View`.
public struct HStack<Content: View>: View {
    /// iOS 13.0+, `init(alignment: VerticalAlignment = .center, spacing: CGFloat? = nil, @ViewBuilder content: () -> Content)`.
    public init(alignment: VerticalAlignment = .center, spacing: CGFloat? = nil, @ViewBuilder content: () -> Content) {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `struct ScrollView<Content> where Content : View`.
public struct ScrollView<Content: View>: View {
    /// iOS 13.0+, `init(_ axes: Axis.Set = .vertical, showsIndicators: Bool = true, @ViewBuilder content: () -> Content)`.
    public init(_ axes: Axis.Set = .vertical, showsIndicators: Bool = true, @ViewBuilder content: () -> Content) {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `struct ForEach<Data, ID, Content> where Data : RandomAccessCollection, ID : Hashable`
/// (a View when Content is one).
public struct ForEach<Data: RandomAccessCollection, ID: Hashable, Content: View>: View {
    /// iOS 13.0+, `init(_ data: Data, id: KeyPath<Data.Element, ID>, @ViewBuilder content: @escaping (Data.Element) -> Content)`.
    public init(_ data: Data, id: KeyPath<Data.Element, ID>, @ViewBuilder content: @escaping (Data.Element) -> Content) {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `@frozen struct Spacer`.
public struct Spacer: View {
    /// iOS 13.0+, `init(minLength: CGFloat? = nil)`.
    public init(minLength: CGFloat? = nil) {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `struct Divider`.
public struct Divider: View {
    /// iOS 13.0+, `init()`.
    public init() {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

// MARK: - Controls

/// iOS 13.0+, `@frozen struct Image` (the initializer the sample uses).
public struct Image: View {
    /// iOS 13.0+, `init(systemName: String)`: an SF Symbol by name.
    public init(systemName: String) {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `@frozen struct Text`.
public struct Text: View {
    /// iOS 13.0+, `init(verbatim content: String)`.
    public init(verbatim content: String) {}
    /// iOS 13.0+, `func font(_ font: Font?) -> Text`.
    public func font(_ font: Font?) -> Text { self }
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `@MainActor @preconcurrency struct Button<Label> where Label : View`.
@MainActor @preconcurrency
public struct Button<Label: View>: View {
    /// iOS 13.0+, `init(action: @escaping @MainActor () -> Void, @ViewBuilder label: () -> Label)`.
    public init(action: @escaping @MainActor () -> Void, @ViewBuilder label: () -> Label) {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `@MainActor @preconcurrency struct TextField<Label> where Label : View`.
@MainActor @preconcurrency
public struct TextField<Label: View>: View {
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

extension TextField where Label == Text {
    /// iOS 13.0+, `init<S>(_ title: S, text: Binding<String>) where S : StringProtocol`.
    public init<S: StringProtocol>(_ title: S, text: Binding<String>) {}
}

/// iOS 13.0+, `@MainActor @preconcurrency struct SecureField<Label> where Label : View`.
@MainActor @preconcurrency
public struct SecureField<Label: View>: View {
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

extension SecureField where Label == Text {
    /// iOS 13.0+, `init<S>(_ title: S, text: Binding<String>) where S : StringProtocol`.
    public init<S: StringProtocol>(_ title: S, text: Binding<String>) {}
}

/// iOS 14.0+, `struct ProgressView<Label, CurrentValueLabel>`; here only the form `init()` makes,
/// both labels `EmptyView`.
public struct ProgressView: View {
    /// iOS 14.0+, `init()` (where Label == EmptyView, CurrentValueLabel == EmptyView).
    public init() {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

// MARK: - Values

/// iOS 13.0+, `@frozen @propertyWrapper @dynamicMemberLookup struct Binding<Value>` (the members
/// the sample uses).
@propertyWrapper
public struct Binding<Value> {
    private let read: () -> Value
    /// iOS 13.0+, `init(get: @escaping () -> Value, set: @escaping (Value) -> Void)`.
    public init(get: @escaping () -> Value, set: @escaping (Value) -> Void) {
        read = get
    }
    /// iOS 13.0+, `var wrappedValue: Value { get nonmutating set }` (read only here).
    public var wrappedValue: Value { read() }
}

/// iOS 13.0+, `@MainActor @frozen @propertyWrapper @preconcurrency struct ObservedObject<ObjectType> where ObjectType : ObservableObject`.
@MainActor @preconcurrency @propertyWrapper
public struct ObservedObject<ObjectType: ObservableObject> {
    /// iOS 13.0+, `var wrappedValue: ObjectType`.
    public var wrappedValue: ObjectType
    /// iOS 13.0+, `init(wrappedValue: ObjectType)`.
    public init(wrappedValue: ObjectType) { self.wrappedValue = wrappedValue }
}

/// iOS 14.0+, `@MainActor @frozen @propertyWrapper @preconcurrency struct StateObject<ObjectType> where ObjectType : ObservableObject`.
@MainActor @preconcurrency @propertyWrapper
public struct StateObject<ObjectType: ObservableObject> {
    private let make: () -> ObjectType
    /// iOS 14.0+, `init(wrappedValue thunk: @autoclosure @escaping () -> ObjectType)`.
    public init(wrappedValue thunk: @autoclosure @escaping () -> ObjectType) { make = thunk }
    /// iOS 14.0+, `var wrappedValue: ObjectType { get }`.
    public var wrappedValue: ObjectType { make() }
}

/// iOS 13.0+, `protocol ShapeStyle : Sendable`.
public protocol ShapeStyle: Sendable {}

/// iOS 13.0+, `@frozen struct Color` (a View and a ShapeStyle; the members the sample uses).
public struct Color: View, ShapeStyle, Hashable {
    let id: Int
    let alpha: Double
    /// iOS 13.0+, `static let red: Color`.
    public static let red = Color(id: 1, alpha: 1)
    /// iOS 13.0+, `static let green: Color`.
    public static let green = Color(id: 2, alpha: 1)
    /// iOS 13.0+, `static let blue: Color`.
    public static let blue = Color(id: 3, alpha: 1)
    /// iOS 13.0+, `static let orange: Color`.
    public static let orange = Color(id: 4, alpha: 1)
    /// iOS 13.0+, `static let secondary: Color`.
    public static let secondary = Color(id: 5, alpha: 1)
    /// iOS 13.0+, `func opacity(_ opacity: Double) -> Color`.
    public func opacity(_ opacity: Double) -> Color { Color(id: id, alpha: opacity) }
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 13.0+, `@frozen struct Font : Hashable, Sendable` (the members the sample uses).
public struct Font: Hashable, Sendable {
    let id: Int
    /// iOS 14.0+, `static let title2: Font`.
    public static let title2 = Font(id: 1)
    /// iOS 13.0+, `static let headline: Font`.
    public static let headline = Font(id: 2)
    /// iOS 13.0+, `static let subheadline: Font`.
    public static let subheadline = Font(id: 3)
    /// iOS 13.0+, `static let body: Font`.
    public static let body = Font(id: 4)
    /// iOS 13.0+, `static let footnote: Font`.
    public static let footnote = Font(id: 5)
    /// iOS 13.0+, `static let caption: Font`.
    public static let caption = Font(id: 6)
}

/// iOS 13.0+, `protocol Shape : Sendable, Animatable, View`; here only `Sendable` (its
/// `path(in:)` requirement and the View it is are left out: the sample only passes shapes to
/// `background(_:in:fillStyle:)`).
public protocol Shape: Sendable {}

/// iOS 13.0+, `@frozen enum RoundedCornerStyle`.
public enum RoundedCornerStyle: Sendable {
    /// iOS 13.0+, quarter-circle corners.
    case circular
    /// iOS 13.0+, continuous-curvature corners.
    case continuous
}

/// iOS 13.0+, `@frozen struct RoundedRectangle : Shape`.
public struct RoundedRectangle: Shape {
    /// iOS 13.0+, `init(cornerRadius: CGFloat, style: RoundedCornerStyle = .continuous)`.
    public init(cornerRadius: CGFloat, style: RoundedCornerStyle = .continuous) {}
}

/// iOS 13.0+, `@frozen struct FillStyle : Equatable`.
public struct FillStyle: Equatable, Sendable {
    /// iOS 13.0+, `init(eoFill: Bool = false, antialiased: Bool = true)`.
    public init(eoFill: Bool = false, antialiased: Bool = true) {}
}

/// iOS 15.0+, `struct TextInputAutocapitalization : Sendable` (the member the sample uses).
public struct TextInputAutocapitalization: Sendable {
    let id: Int
    /// iOS 15.0+, `static var never: TextInputAutocapitalization { get }`.
    public static var never: TextInputAutocapitalization { TextInputAutocapitalization(id: 0) }
}

/// iOS 13.0+, `@MainActor @preconcurrency protocol PrimitiveButtonStyle` (its `makeBody(configuration:)`
/// requirement is left out: nothing here styles a button).
@MainActor @preconcurrency
public protocol PrimitiveButtonStyle {}

/// iOS 15.0+, `struct BorderedProminentButtonStyle : PrimitiveButtonStyle`.
public struct BorderedProminentButtonStyle: PrimitiveButtonStyle {
    /// iOS 15.0+, `init()`.
    public init() {}
}

/// iOS 15.0+, `struct BorderedButtonStyle : PrimitiveButtonStyle`.
public struct BorderedButtonStyle: PrimitiveButtonStyle {
    /// iOS 15.0+, `init()`.
    public init() {}
}

/// iOS 13.0+, `struct BorderlessButtonStyle : PrimitiveButtonStyle`.
public struct BorderlessButtonStyle: PrimitiveButtonStyle {
    /// iOS 13.0+, `init()`.
    public init() {}
}

extension PrimitiveButtonStyle where Self == BorderedProminentButtonStyle {
    /// iOS 15.0+, `@MainActor @preconcurrency static var borderedProminent: BorderedProminentButtonStyle { get }`.
    public static var borderedProminent: BorderedProminentButtonStyle { BorderedProminentButtonStyle() }
}

extension PrimitiveButtonStyle where Self == BorderedButtonStyle {
    /// iOS 15.0+, `@MainActor @preconcurrency static var bordered: BorderedButtonStyle { get }`.
    public static var bordered: BorderedButtonStyle { BorderedButtonStyle() }
}

extension PrimitiveButtonStyle where Self == BorderlessButtonStyle {
    /// iOS 13.0+, `@MainActor @preconcurrency static var borderless: BorderlessButtonStyle { get }`.
    public static var borderless: BorderlessButtonStyle { BorderlessButtonStyle() }
}

// MARK: - Modifiers

/// A view with a modifier applied (Apple's `ModifiedContent`, simplified: the sample only chains them).
public struct Modified<Content: View>: View {
    let content: Content
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

extension View {
    /// iOS 13.0+, `func font(_ font: Font?) -> some View`.
    public func font(_ font: Font?) -> some View { Modified(content: self) }

    /// iOS 15.0+, `func foregroundStyle<S>(_ style: S) -> some View where S : ShapeStyle`.
    public func foregroundStyle<S: ShapeStyle>(_ style: S) -> some View { Modified(content: self) }

    /// iOS 13.0+, `func padding(_ edges: Edge.Set = .all, _ length: CGFloat? = nil) -> some View`.
    public func padding(_ edges: Edge.Set = .all, _ length: CGFloat? = nil) -> some View { Modified(content: self) }

    /// iOS 13.0+, `func padding(_ length: CGFloat) -> some View`.
    public func padding(_ length: CGFloat) -> some View { Modified(content: self) }

    /// iOS 13.0+, `func frame(minWidth: CGFloat? = nil, idealWidth: CGFloat? = nil, maxWidth: CGFloat? = nil,
    /// minHeight: CGFloat? = nil, idealHeight: CGFloat? = nil, maxHeight: CGFloat? = nil, alignment: Alignment = .center) -> some View`.
    public func frame(
        minWidth: CGFloat? = nil, idealWidth: CGFloat? = nil, maxWidth: CGFloat? = nil,
        minHeight: CGFloat? = nil, idealHeight: CGFloat? = nil, maxHeight: CGFloat? = nil,
        alignment: Alignment = .center
    ) -> some View { Modified(content: self) }

    /// iOS 15.0+, `func background<S, T>(_ style: S, in shape: T, fillStyle: FillStyle = FillStyle()) -> some View
    /// where S : ShapeStyle, T : Shape`.
    public func background<S: ShapeStyle, T: Shape>(_ style: S, in shape: T, fillStyle: FillStyle = FillStyle()) -> some View {
        Modified(content: self)
    }

    /// iOS 15.0+, `func tint(_ tint: Color?) -> some View`.
    public func tint(_ tint: Color?) -> some View { Modified(content: self) }

    /// iOS 15.0+, `func buttonStyle<S>(_ style: S) -> some View where S : PrimitiveButtonStyle`.
    public func buttonStyle<S: PrimitiveButtonStyle>(_ style: S) -> some View { Modified(content: self) }

    /// iOS 13.0+, `func keyboardType(_ type: UIKeyboardType) -> some View`.
    public func keyboardType(_ type: UIKeyboardType) -> some View { Modified(content: self) }

    /// iOS 15.0+, `func textInputAutocapitalization(_ autocapitalization: TextInputAutocapitalization?) -> some View`.
    public func textInputAutocapitalization(_ autocapitalization: TextInputAutocapitalization?) -> some View {
        Modified(content: self)
    }

    /// iOS 13.0+, `func autocorrectionDisabled(_ disable: Bool = true) -> some View`.
    public func autocorrectionDisabled(_ disable: Bool = true) -> some View { Modified(content: self) }

    /// iOS 13.0+, `func disabled(_ disabled: Bool) -> some View`.
    public func disabled(_ disabled: Bool) -> some View { Modified(content: self) }

    /// iOS 13.0+, `func onAppear(perform action: (() -> Void)? = nil) -> some View`.
    public func onAppear(perform action: (() -> Void)? = nil) -> some View { Modified(content: self) }
}

// MARK: - App

/// iOS 14.0+, `@MainActor @preconcurrency protocol Scene`.
@MainActor @preconcurrency
public protocol Scene {
    /// The type of scene that represents the body of this scene.
    associatedtype Body: Scene
    /// iOS 14.0+, `@SceneBuilder @MainActor @preconcurrency var body: Self.Body { get }`.
    @SceneBuilder @MainActor @preconcurrency var body: Self.Body { get }
}

/// iOS 14.0+, `extension Never : Scene`.
extension Never: Scene {}

/// iOS 14.0+, `@resultBuilder struct SceneBuilder` (the member a one-scene body reaches).
@resultBuilder
public struct SceneBuilder {
    /// iOS 14.0+, `static func buildBlock<Content>(_ content: Content) -> Content where Content : Scene`.
    public static func buildBlock<Content: Scene>(_ content: Content) -> Content { content }
}

/// iOS 14.0+, `struct WindowGroup<Content> where Content : View`.
public struct WindowGroup<Content: View>: Scene {
    /// iOS 14.0+, `init(@ViewBuilder content: () -> Content)`.
    public init(@ViewBuilder content: () -> Content) {}
    /// Never called.
    public var body: Never { fatalError("stand-in") }
}

/// iOS 14.0+, `@MainActor @preconcurrency protocol App`.
@MainActor @preconcurrency
public protocol App {
    /// The type of scene representing the content of the app.
    associatedtype Body: Scene
    /// iOS 14.0+, `@SceneBuilder @MainActor @preconcurrency var body: Self.Body { get }`.
    @SceneBuilder @MainActor @preconcurrency var body: Self.Body { get }
    /// iOS 14.0+, `@MainActor @preconcurrency init()`.
    @MainActor @preconcurrency init()
}

extension App {
    /// iOS 14.0+, `@MainActor @preconcurrency static func main()` (what `@main` calls).
    @MainActor @preconcurrency public static func main() {}
}
