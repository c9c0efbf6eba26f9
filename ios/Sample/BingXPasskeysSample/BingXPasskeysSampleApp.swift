import AuthenticationServices
import BingXPasskeys
import Foundation
import SwiftUI
import UIKit

/// The sample: the shared screens (SampleScreens.swift) over one `SampleViewModel`, on the
/// Keychain and AuthenticationServices.
@main
struct BingXPasskeysSampleApp: App {
    @StateObject private var sample = SampleSetup()

    var body: some Scene {
        WindowGroup {
            if let model = sample.model {
                SampleRoot(model: model)
                    .onAppear {
                        let firstLaunch = SampleSetup.firstLaunch()
                        Task { await model.start(firstLaunch: firstLaunch) }
                    }
            } else {
                Text(verbatim: sample.failure)
            }
        }
    }
}

/// Builds the client and the view model once; a configuration the library refuses is shown, not crashed on.
@MainActor
final class SampleSetup: ObservableObject {
    /// The view model, or nil when the client could not be built.
    let model: SampleViewModel?
    /// Why not (the library's text), when `model` is nil.
    let failure: String

    init() {
        // Your server, the rp id whose apple-app-site-association lists this app, and the server's
        // policy-signing key (65 bytes, GET /v1/policy-key): an https client without it is refused
        // as an invalid configuration, which this sample then shows.
        let config = PasskeysConfig(
            baseUrl: "https://passkeys.bingx.test/", rpId: "passkeys.bingx.test",
            androidApkKeyHashes: [], allowInsecureLoopback: false, policyKey: nil)
        let platform = AuthenticationServicesAuthenticator(presentationAnchor: {
            SampleSetup.keyWindow()
        })
        do {
            let client = try PasskeysClient(config: config, platform: platform, store: KeychainStore())
            let device = SampleSetup.installId()
            // Third-party logins need the providers' SDKs, which the sample does not link: the
            // buttons show the library's refusal while passkeys are required, and nothing otherwise.
            model = SampleViewModel(client: client, deviceId: device, idTokens: { _ in nil })
            failure = ""
        } catch let error as PasskeysError {
            model = nil
            failure = text(SampleViewModel.uiText(errorText(error: error)))
        } catch {
            model = nil
            failure = text(UiText("sample.error.internal"))
        }
    }

    /// Whether this is the first launch since the app was installed (deleting the app wipes its
    /// defaults, not its Keychain items); true once only.
    static func firstLaunch() -> Bool {
        let key = "com.bingx.passkeys.sample.launched"
        let defaults = UserDefaults.standard
        guard !defaults.bool(forKey: key) else { return false }
        defaults.set(true, forKey: key)
        return true
    }

    /// This install's device id: a random UUID made at the first start and kept with the app's
    /// data, rather than identifierForVendor, which the developer's other apps read too.
    static func installId() -> String {
        let key = "com.bingx.passkeys.sample.install-id"
        let defaults = UserDefaults.standard
        if let id = defaults.string(forKey: key) { return id }
        let id = UUID().uuidString
        defaults.set(id, forKey: key)
        return id
    }

    /// The key window of the foreground scene: the sheet shows over what the user sees. None
    /// (the app in the background) fails the ceremony rather than using a detached window.
    private static func keyWindow() -> ASPresentationAnchor? {
        UIApplication.shared.connectedScenes
            .compactMap { $0 as? UIWindowScene }
            .filter { $0.activationState == .foregroundActive }
            .flatMap(\.windows)
            .first(where: \.isKeyWindow)
    }
}
