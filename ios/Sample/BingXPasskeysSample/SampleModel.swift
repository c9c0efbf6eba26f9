import AuthenticationServices
import BingXPasskeys
import SwiftUI
import UIKit

/// The screen's state over one PasskeysClient. The library's texts (errors, the Enable warning)
/// are shown in the user's language from the package's String Catalog (`PasskeysText.localized()`).
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
    /// The factor the code was sent by (the first one the server offered).
    private var factor = Factor.email
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
            show(error)
        }
    }

    func signIn() async {
        guard let signIn = client?.signIn() else { return }
        let device = UIDevice.current.identifierForVendor?.uuidString ?? "sample"
        do {
            let step = try await signIn.withPassword(
                email: email, password: password, deviceId: device, trust: nil)
            switch step {
            case let .codeRequired(loginId, factors):
                self.loginId = loginId
                factor = factors.first ?? .email
                needsCode = true
                status = "Enter the code sent by \(Self.name(factor))."
            case .signedIn:
                status = "Signed in"
            case let .passkeyRequired(loginId):
                status = "This account signs in with its passkey…"
                _ = try await signIn.completeWithPasskey(loginId: loginId)
                status = "Signed in with your passkey"
            }
        } catch {
            show(error)
        }
    }

    /// First tap: check the device and show the warning; second tap: accept it and step up.
    func enable() async {
        guard let client else { return }
        do {
            if let flow, flow.state() == .deviceChecked {
                try flow.acknowledgeWarning()
                let factors = try await flow.startStepUp()
                factor = factors.first ?? .email
                needsCode = true
                status = "Enter your password and the code sent by \(Self.name(factor)) "
                    + "to add a passkey."
            } else {
                let flow = client.enable()
                _ = try await flow.checkDevice()
                self.flow = flow
                enableTitle = "I understand, continue"
                status = flow.warning().localized()
            }
        } catch {
            show(error)
        }
    }

    func submitCode() async {
        guard let client else { return }
        do {
            if let loginId {
                _ = try await client.signIn().completeWithCode(
                    loginId: loginId, factor: factor, code: code, trustDevice: false)
                self.loginId = nil
                status = "Signed in"
            } else if let flow {
                try await flow.finishStepUp(password: password, factor: factor, code: code)
                let added = try await flow.createPasskey(name: nil)
                self.flow = nil
                enableTitle = "Enable passkeys"
                status = "Passkey added (\(added.passkey.provider)). Passkeys are now required."
            }
            needsCode = false
            code = ""
        } catch {
            show(error)
        }
    }

    /// A library error as its text in the user's language; anything else (a bug in the
    /// library, never the user's doing) as Foundation describes it.
    private func show(_ error: Error) {
        guard let error = error as? PasskeysError else {
            status = error.localizedDescription
            return
        }
        status = errorText(error: error).localized()
        if errorIsRetryable(error: error) {
            status += " You can try again."
        }
    }

    private static func name(_ factor: Factor) -> String {
        switch factor {
        case .email: return "email"
        case .sms: return "SMS"
        case .totp: return "your authenticator app"
        }
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
