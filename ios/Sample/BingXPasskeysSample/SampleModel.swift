import AuthenticationServices
import BingXPasskeys
import SwiftUI
import UIKit

/// The screen's state over one PasskeysClient. Error texts are the library's, shown as they are.
@MainActor
final class SampleModel: ObservableObject {
    @Published var email = ""
    @Published var password = ""
    @Published var code = ""
    @Published var needsCode = false
    @Published var status = "Signed out"
    @Published var enableTitle = "Enable passkeys"

    private let client: PasskeysClient?
    private var loginId: String?
    private var flow: EnableFlow?

    init() {
        // Your server, and the rp id whose apple-app-site-association lists this app.
        let config = PasskeysConfig(
            baseUrl: "https://passkeys.bingx.test/", rpId: "passkeys.bingx.test",
            androidApkKeyHashes: [], allowInsecureLoopback: false, policyKey: nil)
        let platform = AuthenticationServicesAuthenticator(presentationAnchor: {
            SampleModel.keyWindow()
        })
        do {
            client = try PasskeysClient(config: config, platform: platform, store: KeychainStore())
        } catch {
            client = nil
            status = "\(error)"
        }
    }

    func signIn() async {
        guard let client else { return }
        let device = UIDevice.current.identifierForVendor?.uuidString ?? "sample"
        do {
            let step = try await client.signInWithPassword(
                email: email, password: password, deviceId: device, trustToken: nil)
            switch step {
            case let .codeRequired(loginId, factors):
                self.loginId = loginId
                needsCode = true
                status = "Enter the code sent by \(factors.joined(separator: " or "))."
            case .signedIn:
                status = "Signed in"
            case let .passkeyRequired(loginId):
                status = "This account signs in with its passkey…"
                _ = try await client.completeSignInWithPasskey(loginId: loginId)
                status = "Signed in with your passkey"
            }
        } catch {
            status = "\(error)"
        }
    }

    /// First tap: check the device and show the warning; second tap: accept it and step up.
    func enable() async {
        guard let client else { return }
        do {
            if let flow, flow.state() == .deviceChecked {
                try flow.acknowledgeWarning()
                let factors = try await flow.startStepUp()
                needsCode = true
                status = "Enter your password and the code sent by "
                    + "\(factors.joined(separator: " or ")) to add a passkey."
            } else {
                let flow = client.enableFlow()
                _ = try await flow.checkDevice()
                self.flow = flow
                enableTitle = "I understand, continue"
                status = flow.warning()
            }
        } catch {
            status = "\(error)"
        }
    }

    func submitCode() async {
        guard let client else { return }
        do {
            if let loginId {
                _ = try await client.completeSignIn(
                    loginId: loginId, factor: "email", code: code, trustDevice: false)
                self.loginId = nil
                status = "Signed in"
            } else if let flow {
                try await flow.finishStepUp(password: password, factor: "email", code: code)
                let outcome = try await flow.createPasskey(name: nil)
                self.flow = nil
                enableTitle = "Enable passkeys"
                status = "Passkey added (\(outcome.passkey.provider)). Passkeys are now required."
            }
            needsCode = false
            code = ""
        } catch {
            status = "\(error)"
        }
    }

    private static func keyWindow() -> ASPresentationAnchor {
        let scenes = UIApplication.shared.connectedScenes.compactMap { $0 as? UIWindowScene }
        return scenes.flatMap(\.windows).first(where: \.isKeyWindow) ?? ASPresentationAnchor()
    }
}
