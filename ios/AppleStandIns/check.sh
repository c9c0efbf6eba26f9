#!/usr/bin/env bash
# Compiles the package's Apple-only files against the stand-ins in this folder (README.md), in
# Swift 6 language mode with every warning an error. Run inside the Swift root by
# scripts/check-swift (step 3b), after `swift build` made the BingXPasskeysBindings module.
# Prints one `ok <file>` line per real file compiled this way; exits non-zero on any error.
#
# Usage: check.sh <repository> <SwiftPM's debug build folder> <scratch folder>
set -euo pipefail
src="$1" build="$2" out="$3"
standins="$src/ios/AppleStandIns"
rm -rf "$out"
mkdir -p "$out"
swift6=(-swift-version 6 -warnings-as-errors -parse-as-library)

# The stand-in modules, in dependency order, each as its own module in $out.
for module in UIKit SwiftUI LocalAuthentication Security AuthenticationServices; do
  swiftc "${swift6[@]}" -module-name "$module" -I "$out" \
    -emit-module -emit-module-path "$out/$module.swiftmodule" "$standins/$module/$module.swift"
done

# The real package module, every source file as it is; with the stand-ins importable,
# canImport(AuthenticationServices), canImport(LocalAuthentication) and canImport(Security) hold.
# SwiftPM's generated `Bundle.module` accessor (the module has resources) comes with them.
sources=("$src"/ios/Sources/BingXPasskeys/*.swift
  "$build/BingXPasskeys.build/DerivedSources/resource_bundle_accessor.swift")
swiftc "${swift6[@]}" -module-name BingXPasskeys -I "$out" -I "$build/Modules" \
  -Xcc -fmodule-map-file="$src/ios/Generated/BingXPasskeysFFI/module.modulemap" \
  -emit-module -emit-module-path "$out/BingXPasskeys.swiftmodule" "${sources[@]}"
# Both types exist in the module built: their `#if canImport(...)` branches were compiled, not skipped.
probe="$out/probe.swift"
printf '%s\n' 'import BingXPasskeys' \
  'let types: [Any.Type] = [AuthenticationServicesAuthenticator.self, KeychainStore.self]' >"$probe"
swiftc -swift-version 6 -warnings-as-errors -I "$out" -I "$build/Modules" \
  -Xcc -fmodule-map-file="$src/ios/Generated/BingXPasskeysFFI/module.modulemap" -typecheck "$probe"
for f in AuthenticationServicesAuthenticator KeychainStore; do
  echo "  ok   ios/Sources/BingXPasskeys/$f.swift (against the stand-ins)"
done

# The Keychain store's tests (Apple-only: they need the real Keychain to run), type-checked against
# that module, the Security stand-in and XCTest.
swiftc -swift-version 6 -warnings-as-errors -I "$out" -I "$build/Modules" \
  -Xcc -fmodule-map-file="$src/ios/Generated/BingXPasskeysFFI/module.modulemap" \
  -typecheck "$src/ios/Tests/BingXPasskeysTests/KeychainStoreTests.swift"
echo "  ok   ios/Tests/BingXPasskeysTests/KeychainStoreTests.swift (type-checked against the stand-ins)"
# The sample (its SwiftUI screens, the view model of the shared screens' shape, its generated texts
# and the app), against that module and the UIKit and SwiftUI stand-ins.
sample=(BingXPasskeysSampleApp SampleScreens SampleViewModel SampleTexts)
files=()
for f in "${sample[@]}"; do files+=("$src/ios/Sample/BingXPasskeysSample/$f.swift"); done
swiftc "${swift6[@]}" -module-name BingXPasskeysSample -I "$out" -I "$build/Modules" \
  -Xcc -fmodule-map-file="$src/ios/Generated/BingXPasskeysFFI/module.modulemap" \
  -typecheck "${files[@]}"
for f in "${sample[@]}"; do
  echo "  ok   ios/Sample/BingXPasskeysSample/$f.swift (against the stand-ins)"
done
