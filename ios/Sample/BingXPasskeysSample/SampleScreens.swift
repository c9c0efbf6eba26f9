import BingXPasskeys
import Foundation
import SwiftUI

// The sample's screens in SwiftUI: one view per `SampleScreen` case, the same screens as the
// shared Compose sample (android/ui/src/commonMain/.../Screens.kt), over the same view-model
// shape. Every text is a key: the sample's own (`sample.…`, SampleTexts, this app's catalog) or
// the library's (PasskeysTexts, the package's catalog). No sentence is written here.

/// `text` in the user's language.
func tr(_ text: UiText) -> String {
    SampleTexts.text(text.key, text.args) ?? PasskeysTexts.string(text.key, args: text.args)
}

/// The sample's text `key` with its placeholders' values.
func tr(_ key: String, _ args: [String: String] = [:]) -> String {
    tr(UiText(key: key, args: args))
}

/// A date (unix seconds) as the user reads it.
func day(_ seconds: Int64) -> String {
    let format = DateFormatter()
    format.dateStyle = .medium
    format.timeStyle = .none
    return format.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
}

/// The screen shown now.
struct SampleRoot: View {
    @ObservedObject var model: SampleViewModel

    var body: some View {
        switch model.screen {
        case let .signIn(email, password, message, busy):
            SignInView(model: model, email: email, password: password, message: message, busy: busy)
        case let .code(email, factor, code, message, busy):
            Page(title: tr("sample.code.title"), busy: busy, back: { await model.back() }) {
                Para(codeSent(factor, email))
                TextField(tr("sample.code.field"), text: Binding(get: { code }, set: { model.codeChanged($0) }))
                MessageLine(message: message)
                MainButton(tr("sample.code.submit"), enabled: !busy && !code.isEmpty) { await model.submitCode() }
            }
        case let .passkeyRequired(email, message, busy):
            Page(title: tr("sample.passkey_required.title"), busy: busy, back: { await model.back() }) {
                Para(tr("sample.passkey_required.body", ["email": email]))
                MessageLine(message: message)
                MainButton(tr("sample.passkey_required.continue"), enabled: !busy) { await model.continueWithPasskey() }
                MainButton(tr("sample.passkey_required.use_code"), enabled: !busy) { await model.useCodeInstead() }
            }
        case let .securityCenter(email, required, count, notice, busy):
            Page(title: tr("sample.security_center.title"), busy: busy, back: nil) {
                Para(tr("sample.security_center.account", ["email": email]))
                MessageLine(message: notice)
                MainButton(tr("sample.passkeys.title") + " · " + tr("sample.security_center.passkey_count", ["count": String(count)]),
                           enabled: !busy) { await model.openPasskeys() }
                Para(tr("sample.security_center.feature") + ": "
                    + tr(required ? "sample.security_center.on" : "sample.security_center.off"))
                MainButton(tr("sample.security_center.withdraw"), enabled: !busy) { await model.openWithdrawal() }
                MainButton(tr("sample.security_center.sign_out"), enabled: !busy) { await model.signOut() }
            }
        case let .passkeys(rows, health, required, message, busy):
            Page(title: tr("sample.passkeys.title"), busy: busy, back: { await model.back() }) {
                Para(tr("sample.security_center.feature") + ": "
                    + tr(required ? "sample.security_center.on" : "sample.security_center.off"))
                if required {
                    MainButton(tr("sample.passkeys.turn_off"), enabled: !busy) { await model.turnOffRequirement() }
                } else {
                    MainButton(tr("sample.passkeys.enable"), enabled: !busy) { await model.startEnable() }
                }
                MessageLine(message: message)
                if let health {
                    HealthView(health: health, busy: busy) { await model.dismissNudge() }
                }
                if rows.isEmpty {
                    Para(tr("sample.passkeys.empty"))
                }
                ForEach(rows, id: \.id) { row in
                    Button {
                        Task { await model.openPasskey(row.id) }
                    } label: {
                        PasskeyView(row: row)
                    }
                    .disabled(busy)
                }
                if required {
                    MainButton(tr("sample.passkeys.add"), enabled: !busy) { await model.startEnable() }
                }
            }
        case let .enableIntro(warning, ready, message, busy):
            Page(title: tr("sample.enable.title"), busy: busy, back: { await model.back() }) {
                Para(tr("sample.enable.intro"))
                Text(verbatim: tr(warning)).padding().background(Color.orange.opacity(0.15))
                if ready == nil {
                    Para(tr("sample.enable.checking"))
                } else if ready == true {
                    MessageLine(message: Message(text: UiText(key: "sample.enable.device_ready"), tone: .success))
                }
                MessageLine(message: message)
                MainButton(tr("sample.enable.acknowledge"), enabled: !busy && ready == true) { await model.acknowledgeWarning() }
            }
        case let .stepUp(factor, password, code, message, busy):
            Page(title: tr("sample.step_up.title"), busy: busy, back: { await model.back() }) {
                Para(tr("sample.step_up.body"))
                SecureField(tr("sample.sign_in.password"), text: Binding(get: { password }, set: { model.passwordChanged($0) }))
                TextField(tr("sample.code.field"), text: Binding(get: { code }, set: { model.codeChanged($0) }))
                Para(codeSent(factor, ""))
                MessageLine(message: message)
                MainButton(tr("sample.step_up.submit"), enabled: !busy && !password.isEmpty && !code.isEmpty) {
                    await model.submitStepUp()
                }
            }
        case let .platformSheet(purpose):
            // On a phone the system's own sheet is on top; beneath it, a note of what it asks.
            Page(title: tr("sample.app.title"), busy: true, back: nil) {
                Text(verbatim: tr(Self.sheetTitle(purpose))).font(.headline)
                Para(tr("sample.sheet.body"))
            }
        case let .enableDone(passkey, revoked, health, busy):
            Page(title: tr("sample.enable_done.title"), busy: busy, back: nil) {
                Para(tr("sample.enable_done.body"))
                if revoked > 0 {
                    Para(tr("sample.enable_done.signed_out", ["count": String(revoked)]))
                }
                PasskeyView(row: passkey)
                if let health {
                    HealthView(health: health, busy: busy, dismiss: nil)
                }
                MainButton(tr("sample.enable_done.done"), enabled: !busy) { await model.back() }
            }
        case let .managePasskey(passkey, newName, isLast, message, busy):
            Page(title: tr("sample.manage.title"), busy: busy, back: { await model.back() }) {
                PasskeyView(row: passkey)
                TextField(tr("sample.manage.name"), text: Binding(get: { newName }, set: { model.newNameChanged($0) }))
                MainButton(tr("sample.manage.rename"), enabled: !busy && !newName.isEmpty && newName != passkey.name) {
                    await model.renamePasskey()
                }
                Para(tr("sample.manage.confirm_note"))
                MessageLine(message: message)
                if isLast {
                    Para(tr("sample.manage.last"))
                }
                MainButton(tr("sample.manage.delete"), enabled: !busy) { await model.deletePasskey() }
            }
        case let .withdrawal(asset, amount, address, verified, message, busy):
            Page(title: tr("sample.withdrawal.title"), busy: busy, back: { await model.back() }) {
                Para(tr("sample.withdrawal.asset") + ": " + asset)
                Para(tr("sample.withdrawal.amount") + ": " + amount)
                Para(tr("sample.withdrawal.address") + ": " + address)
                if verified {
                    MessageLine(message: Message(text: UiText(key: "sample.withdrawal.verified"), tone: .success))
                } else {
                    Para(tr("sample.withdrawal.needs_passkey"))
                    MessageLine(message: message)
                    MainButton(tr("sample.withdrawal.confirm"), enabled: !busy) { await model.confirmWithdrawal() }
                }
            }
        }
    }

    private static func sheetTitle(_ purpose: SheetPurpose) -> String {
        switch purpose {
        case .createPasskey: return "sample.sheet.create"
        case .signIn: return "sample.sheet.sign_in"
        case .verify: return "sample.sheet.verify"
        }
    }

    private func codeSent(_ factor: CodeFactor, _ email: String) -> String {
        switch factor {
        case .email: return tr("sample.code.sent.email", ["email": email])
        case .sms: return tr("sample.code.sent.sms")
        case .authenticator: return tr("sample.code.sent.authenticator")
        }
    }
}

/// Sign-in: email and password, the passkey, and the other ways in (refused while passkeys are required).
struct SignInView: View {
    let model: SampleViewModel
    let email: String
    let password: String
    let message: Message?
    let busy: Bool

    var body: some View {
        Page(title: tr("sample.sign_in.title"), busy: busy, back: nil) {
            Text(verbatim: tr("sample.app.title")).font(.title2)
            TextField(tr("sample.sign_in.email"), text: Binding(get: { email }, set: { model.emailChanged($0) }))
            SecureField(tr("sample.sign_in.password"), text: Binding(get: { password }, set: { model.passwordChanged($0) }))
            MessageLine(message: message)
            MainButton(tr("sample.sign_in.submit"), enabled: !busy && !email.isEmpty && !password.isEmpty) { await model.signIn() }
            MainButton(tr("sample.sign_in.with_passkey"), enabled: !busy) { await model.signInWithPasskey() }
            Para(tr("sample.sign_in.others"))
            HStack(spacing: 12) {
                MainButton(tr("sample.sign_in.google"), enabled: !busy) { await model.signInWith(.google) }
                MainButton(tr("sample.sign_in.apple"), enabled: !busy) { await model.signInWith(.apple) }
            }
            HStack(spacing: 12) {
                MainButton(tr("sample.sign_in.telegram"), enabled: !busy) { await model.signInWith(.telegram) }
                MainButton(tr("sample.sign_in.web"), enabled: !busy) { await model.signInWith(.webH5) }
            }
        }
    }
}

/// A screen: its title, "Back" when `back` is given, a progress indicator while busy, the content.
struct Page<Content: View>: View {
    let title: String
    let busy: Bool
    let back: (@MainActor () async -> Void)?
    @ViewBuilder let content: () -> Content

    var body: some View {
        VStack(alignment: .leading, spacing: 12) {
            HStack(spacing: 8) {
                if let back {
                    Button {
                        Task { await back() }
                    } label: {
                        Text(verbatim: "‹ " + tr("sample.action.back"))
                    }
                    .disabled(busy)
                }
                Text(verbatim: title).font(.title2)
            }
            if busy {
                ProgressView()
            }
            ScrollView {
                VStack(alignment: .leading, spacing: 12) {
                    content()
                }
                .padding()
            }
        }
    }
}

/// A paragraph.
struct Para: View {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    var body: some View {
        Text(verbatim: text).font(.body).foregroundStyle(Color.secondary)
    }
}

/// A full-width button running an action of the view model.
struct MainButton: View {
    let title: String
    let enabled: Bool
    let action: @MainActor () async -> Void

    init(_ title: String, enabled: Bool, action: @escaping @MainActor () async -> Void) {
        self.title = title
        self.enabled = enabled
        self.action = action
    }

    var body: some View {
        Button {
            Task { await action() }
        } label: {
            Text(verbatim: title).frame(maxWidth: .infinity)
        }
        .disabled(!enabled)
    }
}

/// An error, a refusal or a confirmation.
struct MessageLine: View {
    let message: Message?

    var body: some View {
        if let message {
            Text(verbatim: tr(message.text))
                .padding(12)
                .background(color(message.tone).opacity(0.15))
        }
    }

    private func color(_ tone: Tone) -> Color {
        switch tone {
        case .error: return .red
        case .success: return .green
        case .info: return .blue
        }
    }
}

/// One passkey's details.
struct PasskeyView: View {
    let row: PasskeyRow

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(verbatim: row.name).font(.headline)
            Text(verbatim: row.provider).font(.subheadline)
            Text(verbatim: tr(row.synced ? "sample.passkeys.synced" : "sample.passkeys.device_only")).font(.caption)
            Text(verbatim: tr("sample.passkeys.added", ["date": day(row.added)])).font(.caption)
            Text(verbatim: row.lastUsed.map { tr("sample.passkeys.last_used", ["date": day($0)]) } ?? tr("sample.passkeys.never_used"))
                .font(.caption)
        }
        .padding()
    }
}

/// The health card: at risk or fine, what to do, the nudge and "Not now".
struct HealthView: View {
    let health: HealthCard
    let busy: Bool
    let dismiss: (@MainActor () async -> Void)?

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(verbatim: tr("sample.passkeys.health")).font(.headline)
            Text(verbatim: tr(health.headline))
            if let action = health.action {
                Text(verbatim: tr(action)).font(.subheadline)
            }
            if health.nudge {
                Text(verbatim: tr(UiText(key: "health.nudge"))).font(.footnote)
                if let dismiss {
                    MainButton(tr("sample.passkeys.dismiss"), enabled: !busy, action: dismiss)
                }
            }
        }
        .padding()
        .background((health.atRisk ? Color.orange : Color.green).opacity(0.15))
    }
}
