// swift-tools-version:5.9
// BingX Passkeys for Apple platforms: the Rust core (an XCFramework) under its generated Swift
// bindings, plus the AuthenticationServices shell. See ios/README.md.
import PackageDescription

let package = Package(
    name: "BingXPasskeys",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "BingXPasskeys", targets: ["BingXPasskeys"]),
    ],
    targets: [
        // libbingx_passkeys as a static library per platform, with the generated C header and
        // module map. Built by scripts/build-ios on a Mac with Xcode; never committed.
        .binaryTarget(
            name: "BingXPasskeysFFI",
            path: "ios/build/BingXPasskeysFFI.xcframework"
        ),
        // Generated/BingXPasskeys.swift (copied in by scripts/build-ios, never committed) and
        // the hand-written shell.
        .target(
            name: "BingXPasskeys",
            dependencies: ["BingXPasskeysFFI"],
            path: "ios/Sources/BingXPasskeys",
            // Localizable.xcstrings, generated from i18n/texts.toml by scripts/texts.
            resources: [.process("Resources")],
            linkerSettings: [
                // rustls-platform-verifier checks certificates with the system trust store.
                .linkedFramework("Security"),
                .linkedFramework("CoreFoundation"),
            ]
        ),
        // J1/J2 against `passkeys-testkit serve` (BINGX_TESTKIT_URL), and the error mapping.
        .testTarget(
            name: "BingXPasskeysTests",
            dependencies: ["BingXPasskeys"],
            path: "ios/Tests/BingXPasskeysTests",
            resources: [.copy("ErrorMappingCases.json")]
        ),
    ]
)
