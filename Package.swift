// swift-tools-version:6.0
// BingX Passkeys for Apple platforms: the Rust core under its generated Swift bindings, plus the
// AuthenticationServices shell. See ios/README.md.
//
// Three layers, one target each:
//   BingXPasskeysFFI       the C side of libbingx_passkeys: on Apple platforms an XCFramework
//                          (scripts/build-ios); on Linux (scripts/check-swift) the generated header
//                          and a module map that links the host-built libbingx_passkeys.so.
//   BingXPasskeysBindings  uniffi's generated BingXPasskeys.swift, in Swift 5 language mode: Swift
//                          6.0.3's compiler crashes on it in Swift 6 mode (ios/README.md).
//   BingXPasskeys          the hand-written shell, in Swift 6 language mode (strict concurrency
//                          complete); it re-exports the bindings, so apps import only this.
// Everything under ios/Generated and ios/build is written by the scripts and never committed.
import PackageDescription

#if os(Linux)
let ffi = Target.systemLibrary(name: "BingXPasskeysFFI", path: "ios/Generated/BingXPasskeysFFI")
#else
let ffi = Target.binaryTarget(
    name: "BingXPasskeysFFI", path: "ios/build/BingXPasskeysFFI.xcframework")
#endif

let package = Package(
    name: "BingXPasskeys",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "BingXPasskeys", targets: ["BingXPasskeys"]),
    ],
    targets: [
        ffi,
        .target(
            name: "BingXPasskeysBindings",
            dependencies: ["BingXPasskeysFFI"],
            path: "ios/Generated/BingXPasskeysBindings",
            swiftSettings: [.swiftLanguageMode(.v5)],
            linkerSettings: [
                // rustls-platform-verifier checks certificates with the system trust store.
                .linkedFramework("Security", .when(platforms: [.iOS, .macOS])),
                .linkedFramework("CoreFoundation", .when(platforms: [.iOS, .macOS])),
            ]
        ),
        .target(
            name: "BingXPasskeys",
            dependencies: ["BingXPasskeysBindings"],
            path: "ios/Sources/BingXPasskeys",
            // Localizable.xcstrings, generated from i18n/texts.toml by scripts/texts.
            resources: [.process("Resources")]
        ),
        // The journeys against `passkeys-testkit serve` (BINGX_TESTKIT_URL), the error mapping,
        // the WebAuthn JSON and, on Apple platforms, the Keychain store.
        .testTarget(
            name: "BingXPasskeysTests",
            dependencies: ["BingXPasskeys"],
            path: "ios/Tests/BingXPasskeysTests",
            resources: [.copy("ErrorMappingCases.json")]
        ),
    ]
)
