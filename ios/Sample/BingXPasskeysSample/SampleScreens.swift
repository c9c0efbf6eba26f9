import BingXPasskeys
import Foundation
import SwiftUI
import UIKit

// The sample's screens in SwiftUI: one view per `SampleScreen` case, the same screens as the
// shared Compose sample (android/ui/src/commonMain/.../Screens.kt and Parts.kt), in one root that
// switches on the view model's screen (no navigation stack: the view model decides where "Back"
// goes, as on Android). Every text goes through `text(_:)`, by key: the sample's own (`sample.…`,
// this app's String Catalog) or the library's (the package's). No sentence is written here.

/// `t` in the user's language: a `sample.…` key from this app's String Catalog (`SampleTexts`,
/// generated from i18n/sample.toml by scripts/texts), any other key from the library's
/// (`PasskeysTexts`). The one way a text reaches the screens; an unknown key shows the
/// library's fallback text naming it, never a crash.
func text(_ t: UiText) -> String {
    if t.key.hasPrefix("sample.") {
        // Nil, or the key itself, when the app's catalog lacks the key: the fallback below names it.
        let own: String? = SampleTexts.text(t.key, t.args)
        if let own, own != t.key {
            return own
        }
    }
    return PasskeysTexts.string(t.key, args: t.args)
}

/// A date (unix seconds) as the user reads it: the day only, in the user's locale.
func dateText(_ seconds: Int64) -> String {
    Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(date: .abbreviated, time: .omitted)
}

/// The screen shown now: the view of `model.screen`'s case.
struct SampleRoot: View {
    /// Where the screen comes from and the actions go.
    @ObservedObject var model: SampleViewModel

    var body: some View {
        switch model.screen {
        case let .signIn(email, password, message, busy):
            SignInScreen(model: model, email: email, password: password, message: message, busy: busy)
        case let .code(email, factor, code, message, busy):
            CodeScreen(model: model, email: email, factor: factor, code: code, message: message, busy: busy)
        case let .passkeyRequired(email, message, busy):
            PasskeyRequiredScreen(model: model, email: email, message: message, busy: busy)
        case let .securityCenter(email, required, count, notice, reset, busy):
            SecurityCenterScreen(model: model, email: email, passkeyRequired: required, passkeyCount: count,
                                 notice: notice, pendingReset: reset, busy: busy)
        case let .passkeys(rows, health, required, message, busy):
            PasskeysScreen(model: model, passkeys: rows, health: health, passkeyRequired: required,
                           message: message, busy: busy)
        case let .enableIntro(warning, ready, existing, message, busy):
            EnableIntroScreen(model: model, warning: warning, deviceReady: ready, existing: existing, message: message,
                              busy: busy)
        case let .stepUp(factor, password, code, message, busy):
            StepUpScreen(model: model, factor: factor, password: password, code: code, message: message, busy: busy)
        case let .platformSheet(purpose, _):
            PlatformSheetScreen(purpose: purpose)
        case let .enableDone(passkey, revoked, removed, health, busy):
            EnableDoneScreen(model: model, passkey: passkey, revokedSessions: revoked, removedPasskeys: removed,
                             health: health, busy: busy)
        case let .managePasskey(passkey, newName, isLast, message, busy):
            ManagePasskeyScreen(model: model, passkey: passkey, newName: newName, isLast: isLast,
                                message: message, busy: busy)
        case let .withdrawal(asset, amount, address, verified, message, busy):
            WithdrawalScreen(model: model, asset: asset, amount: amount, address: address, verified: verified,
                             message: message, busy: busy)
        }
    }
}

// MARK: - The screens

/// Sign-in: email and password, the passkey, and the other ways in (Google, Apple, Telegram, the
/// web login), which show the library's refusal while this phone knows passkeys are required.
struct SignInScreen: View {
    let model: SampleViewModel
    let email: String
    let password: String
    let message: Message?
    let busy: Bool

    var body: some View {
        Page(title: text(UiText("sample.sign_in.title")), busy: busy, back: nil) {
            Text(verbatim: text(UiText("sample.app.title"))).font(.title2)
            Field(label: text(UiText("sample.sign_in.email")), value: email, kind: .email, enabled: !busy) {
                model.emailChanged($0)
            }
            Field(label: text(UiText("sample.sign_in.password")), value: password, kind: .password, enabled: !busy) {
                model.passwordChanged($0)
            }
            MessageLine(message: message)
            ActionButton(title: text(UiText("sample.sign_in.submit")),
                         enabled: !busy && !email.trimmingCharacters(in: .whitespaces).isEmpty && !password.isEmpty) {
                await model.signIn()
            }
            ActionButton(title: text(UiText("sample.sign_in.with_passkey")), enabled: !busy, kind: .other) {
                await model.signInWithPasskey()
            }
            Text(verbatim: text(UiText("sample.sign_in.others"))).font(.footnote).foregroundStyle(Color.secondary)
                .frame(maxWidth: .infinity)
            HStack(spacing: 12) {
                ActionButton(title: text(UiText("sample.sign_in.google")), enabled: !busy, kind: .other) {
                    await model.signInWith(.google)
                }
                ActionButton(title: text(UiText("sample.sign_in.apple")), enabled: !busy, kind: .other) {
                    await model.signInWith(.apple)
                }
            }
            HStack(spacing: 12) {
                ActionButton(title: text(UiText("sample.sign_in.telegram")), enabled: !busy, kind: .other) {
                    await model.signInWith(.telegram)
                }
                ActionButton(title: text(UiText("sample.sign_in.web")), enabled: !busy, kind: .other) {
                    await model.signInWith(.webH5)
                }
            }
        }
    }
}

/// Sign-in, second step with the flag off: the code the server sent.
struct CodeScreen: View {
    let model: SampleViewModel
    let email: String
    let factor: CodeFactor
    let code: String
    let message: Message?
    let busy: Bool

    var body: some View {
        Page(title: text(UiText("sample.code.title")), busy: busy, back: { await model.back() }) {
            Paragraph(codeSent(factor, email: email))
            Field(label: text(UiText("sample.code.field")), value: code, kind: .code, enabled: !busy) {
                model.codeChanged($0)
            }
            MessageLine(message: message)
            ActionButton(title: text(UiText("sample.code.submit")),
                         enabled: !busy && !code.trimmingCharacters(in: .whitespaces).isEmpty) {
                await model.submitCode()
            }
        }
    }
}

/// Sign-in with the flag on: "Continue with passkey", and "Use a code instead", which the library refuses.
struct PasskeyRequiredScreen: View {
    let model: SampleViewModel
    let email: String
    let message: Message?
    let busy: Bool

    var body: some View {
        Page(title: text(UiText("sample.passkey_required.title")), busy: busy, back: { await model.back() }) {
            Paragraph(text(UiText("sample.passkey_required.body", ["email": email])))
            MessageLine(message: message)
            ActionButton(title: text(UiText("sample.passkey_required.continue")), enabled: !busy) {
                await model.continueWithPasskey()
            }
            ActionButton(title: text(UiText("sample.passkey_required.use_code")), enabled: !busy, kind: .quiet) {
                await model.useCodeInstead()
            }
        }
    }
}

/// Security Center: the account, the Passkeys row with the requirement's state, the other rows,
/// the sample withdrawal, and signing out.
struct SecurityCenterScreen: View {
    let model: SampleViewModel
    let email: String
    let passkeyRequired: Bool
    let passkeyCount: Int
    let notice: Message?
    /// A reset waiting for support (`recovery.pending_notice`), shown with its cancel button.
    let pendingReset: UiText?
    let busy: Bool

    var body: some View {
        Page(title: text(UiText("sample.security_center.title")), busy: busy, back: nil) {
            Paragraph(text(UiText("sample.security_center.account", ["email": email])))
            MessageLine(message: notice)
            if let pendingReset {
                MessageLine(message: Message(text: pendingReset, tone: .error))
                ActionButton(title: text(UiText("sample.security_center.cancel_reset")), enabled: !busy) {
                    await model.cancelReset()
                }
            }
            Block {
                Button {
                    Task { await model.openPasskeys() }
                } label: {
                    HStack(spacing: 12) {
                        Image(systemName: "person.badge.key")
                        VStack(alignment: .leading, spacing: 2) {
                            Text(verbatim: text(UiText("sample.passkeys.title"))).font(.headline)
                            Text(verbatim: text(UiText("sample.security_center.passkey_count", ["count": String(passkeyCount)])))
                                .font(.subheadline).foregroundStyle(Color.secondary)
                        }
                        Spacer()
                        Image(systemName: "chevron.forward")
                    }
                }
                .disabled(busy)
                Divider()
                FeatureRow(on: passkeyRequired)
            }
            Block {
                Text(verbatim: text(UiText("sample.security_center.password"))).foregroundStyle(Color.secondary)
                Divider()
                Text(verbatim: text(UiText("sample.security_center.authenticator"))).foregroundStyle(Color.secondary)
            }
            ActionButton(title: text(UiText("sample.security_center.withdraw")), enabled: !busy, kind: .other) {
                await model.openWithdrawal()
            }
            ActionButton(title: text(UiText("sample.security_center.sign_out")), enabled: !busy, kind: .quiet,
                         destructive: true) {
                await model.signOut()
            }
        }
    }
}

/// The Passkeys page: the requirement and its switch, the health card, each passkey's details
/// (tap one to manage it), and "Add a passkey" once passkeys are required.
struct PasskeysScreen: View {
    let model: SampleViewModel
    let passkeys: [PasskeyRow]
    let health: HealthCard?
    let passkeyRequired: Bool
    let message: Message?
    let busy: Bool

    var body: some View {
        Page(title: text(UiText("sample.passkeys.title")), busy: busy, back: { await model.back() }) {
            Block {
                FeatureRow(on: passkeyRequired)
                if passkeyRequired {
                    ActionButton(title: text(UiText("sample.passkeys.turn_off")), enabled: !busy, kind: .quiet,
                                 destructive: true) {
                        await model.turnOffRequirement()
                    }
                } else {
                    ActionButton(title: text(UiText("sample.passkeys.enable")), enabled: !busy) {
                        await model.startEnable()
                    }
                }
            }
            MessageLine(message: message)
            if let health {
                HealthBlock(health: health, busy: busy) { await model.dismissNudge() }
            }
            if passkeys.isEmpty {
                Paragraph(text(UiText("sample.passkeys.empty")))
            }
            ForEach(passkeys, id: \.id) { row in
                Button {
                    Task { await model.openPasskey(row.id) }
                } label: {
                    PasskeyCard(row: row)
                }
                .disabled(busy)
            }
            if passkeyRequired {
                ActionButton(title: text(UiText("sample.passkeys.add")), enabled: !busy, kind: .other) {
                    await model.startEnable()
                }
            }
        }
    }
}

/// Enable, first step: what the requirement means, the library's warning, the device check, the
/// passkeys already on the account with their Keep checkboxes (off at first), "I understand".
struct EnableIntroScreen: View {
    let model: SampleViewModel
    let warning: UiText
    let deviceReady: Bool?
    /// Nil while the passkeys already there load (or when they could not be read): "I understand" waits.
    let existing: [ExistingPasskey]?
    let message: Message?
    let busy: Bool

    var body: some View {
        Page(title: text(UiText("sample.enable.title")), busy: busy, back: { await model.back() }) {
            Paragraph(text(UiText("sample.enable.intro")))
            Block(tint: .orange) {
                Text(verbatim: text(warning))
            }
            if deviceReady == nil {
                Paragraph(text(UiText("sample.enable.checking")))
            } else if deviceReady == true {
                MessageLine(message: Message(text: UiText("sample.enable.device_ready"), tone: .success))
            }
            if let existing, !existing.isEmpty {
                Text(verbatim: text(UiText("sample.enable.existing_title"))).font(.headline)
                Text(verbatim: text(UiText("sample.enable.existing_note"))).font(.subheadline).foregroundStyle(Color.secondary)
                ForEach(existing, id: \.passkey.id) { one in
                    KeepPasskeyRow(existing: one, enabled: !busy) { keep in
                        model.keepPasskey(one.passkey.id, keep: keep)
                    }
                }
            }
            MessageLine(message: message)
            ActionButton(title: text(UiText("sample.enable.acknowledge")),
                         enabled: !busy && deviceReady == true && existing != nil) {
                await model.acknowledgeWarning()
            }
        }
    }
}

/// Enable, second step: the password and the code, then the passkey sheet.
struct StepUpScreen: View {
    let model: SampleViewModel
    let factor: CodeFactor
    let password: String
    let code: String
    let message: Message?
    let busy: Bool

    var body: some View {
        Page(title: text(UiText("sample.step_up.title")), busy: busy, back: { await model.back() }) {
            Paragraph(text(UiText("sample.step_up.body")))
            Field(label: text(UiText("sample.sign_in.password")), value: password, kind: .password, enabled: !busy) {
                model.passwordChanged($0)
            }
            Field(label: text(UiText("sample.code.field")), value: code, kind: .code, enabled: !busy) {
                model.codeChanged($0)
            }
            Text(verbatim: codeSent(factor, email: "")).font(.footnote).foregroundStyle(Color.secondary)
            MessageLine(message: message)
            ActionButton(title: text(UiText("sample.step_up.submit")),
                         enabled: !busy && !password.isEmpty && !code.trimmingCharacters(in: .whitespaces).isEmpty) {
                await model.submitStepUp()
            }
        }
    }
}

/// Handed to the password manager: on a phone the system's own sheet is on top; beneath it, what
/// it asks. Nothing to tap: the sheet answers (or is cancelled) and the view model moves on.
struct PlatformSheetScreen: View {
    let purpose: SheetPurpose

    var body: some View {
        VStack(alignment: .center, spacing: 14) {
            Spacer()
            ProgressView()
            Text(verbatim: text(UiText(Self.titleKey(purpose)))).font(.headline)
            Paragraph(text(UiText("sample.sheet.body")))
            Spacer()
        }
        .padding()
        .frame(maxWidth: .infinity)
    }

    /// The sheet's question for `purpose`.
    private static func titleKey(_ purpose: SheetPurpose) -> String {
        switch purpose {
        case .createPasskey: return "sample.sheet.create"
        case .signIn: return "sample.sheet.sign_in"
        case .verify: return "sample.sheet.verify"
        }
    }
}

/// Enable, done: the passkey saved, the sessions signed out, the passkeys not kept removed, the
/// health card; "Done".
struct EnableDoneScreen: View {
    let model: SampleViewModel
    let passkey: PasskeyRow
    let revokedSessions: Int
    let removedPasskeys: Int
    let health: HealthCard?
    let busy: Bool

    var body: some View {
        Page(title: text(UiText("sample.enable_done.title")), busy: busy, back: nil) {
            Paragraph(text(UiText("sample.enable_done.body")))
            if revokedSessions > 0 {
                Paragraph(text(UiText("sample.enable_done.signed_out", ["count": String(revokedSessions)])))
            }
            if removedPasskeys > 0 {
                Paragraph(text(UiText("sample.enable_done.removed", ["count": String(removedPasskeys)])))
            }
            PasskeyCard(row: passkey)
            if let health {
                HealthBlock(health: health, busy: busy, dismiss: nil)
            }
            ActionButton(title: text(UiText("sample.enable_done.done")), enabled: !busy) {
                await model.back()
            }
        }
    }
}

/// One passkey: its details, rename, delete (the last one refused by the library, whose text shows).
struct ManagePasskeyScreen: View {
    let model: SampleViewModel
    let passkey: PasskeyRow
    let newName: String
    let isLast: Bool
    let message: Message?
    let busy: Bool

    var body: some View {
        Page(title: text(UiText("sample.manage.title")), busy: busy, back: { await model.back() }) {
            PasskeyCard(row: passkey)
            Field(label: text(UiText("sample.manage.name")), value: newName, kind: .name, enabled: !busy) {
                model.newNameChanged($0)
            }
            ActionButton(title: text(UiText("sample.manage.rename")),
                         enabled: !busy && !newName.trimmingCharacters(in: .whitespaces).isEmpty && newName != passkey.name) {
                await model.renamePasskey()
            }
            Text(verbatim: text(UiText("sample.manage.confirm_note"))).font(.footnote).foregroundStyle(Color.secondary)
            MessageLine(message: message)
            if isLast && message == nil {
                // Said before the user tries; once the library has refused, its text says it.
                Paragraph(text(UiText("sample.manage.last")))
            }
            ActionButton(title: text(UiText("sample.manage.delete")), enabled: !busy, kind: .other, destructive: true) {
                await model.deletePasskey()
            }
        }
    }
}

/// A withdrawal's confirmation: what goes where, "Confirm with passkey", then verified.
struct WithdrawalScreen: View {
    let model: SampleViewModel
    let asset: String
    let amount: String
    let address: String
    let verified: Bool
    let message: Message?
    let busy: Bool

    var body: some View {
        Page(title: text(UiText("sample.withdrawal.title")), busy: busy, back: { await model.back() }) {
            Block {
                ValueRow(label: text(UiText("sample.withdrawal.asset")), value: asset)
                Divider()
                ValueRow(label: text(UiText("sample.withdrawal.amount")), value: amount)
                Divider()
                ValueRow(label: text(UiText("sample.withdrawal.address")), value: address)
            }
            if verified {
                MessageLine(message: Message(text: UiText("sample.withdrawal.verified"), tone: .success))
            } else {
                Paragraph(text(UiText("sample.withdrawal.needs_passkey")))
                MessageLine(message: message)
                ActionButton(title: text(UiText("sample.withdrawal.confirm")), enabled: !busy) {
                    await model.confirmWithdrawal()
                }
            }
        }
    }
}

/// Where the code went (or comes from), for `factor`.
private func codeSent(_ factor: CodeFactor, email: String) -> String {
    switch factor {
    case .email: return text(UiText("sample.code.sent.email", ["email": email]))
    case .sms: return text(UiText("sample.code.sent.sms"))
    case .authenticator: return text(UiText("sample.code.sent.authenticator"))
    }
}

// MARK: - Parts

/// A screen's frame: "Back" when `back` is given, the title, a progress indicator while busy,
/// and the content in a scrolling column.
struct Page<Content: View>: View {
    let title: String
    let busy: Bool
    let back: (@MainActor () async -> Void)?
    @ViewBuilder let content: () -> Content

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            HStack(spacing: 8) {
                if let back {
                    Button {
                        Task { await back() }
                    } label: {
                        HStack(spacing: 4) {
                            Image(systemName: "chevron.backward")
                            Text(verbatim: text(UiText("sample.action.back")))
                        }
                    }
                    .buttonStyle(.borderless)
                    .disabled(busy)
                }
                Text(verbatim: title).font(.title2)
            }
            .padding()
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
struct Paragraph: View {
    let paragraph: String

    init(_ paragraph: String) {
        self.paragraph = paragraph
    }

    var body: some View {
        Text(verbatim: paragraph).font(.body).foregroundStyle(Color.secondary)
    }
}

/// What a field holds: how it is typed in.
enum FieldKind {
    /// An email address: its keyboard, no capitals, no corrections.
    case email
    /// A password: masked.
    case password
    /// A one-time code: digits.
    case code
    /// A passkey's name: plain text.
    case name
}

/// A text field with its label above; what is typed goes to `changed` (the view model).
struct Field: View {
    let label: String
    let value: String
    let kind: FieldKind
    let enabled: Bool
    let changed: @MainActor (String) -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(verbatim: label).font(.caption).foregroundStyle(Color.secondary)
            switch kind {
            case .password:
                SecureField(label, text: binding)
            case .email:
                TextField(label, text: binding)
                    .keyboardType(.emailAddress)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
            case .code:
                TextField(label, text: binding).keyboardType(.numberPad)
            case .name:
                TextField(label, text: binding)
            }
        }
        .disabled(!enabled)
    }

    /// The field's value: read from the screen, written through the view model.
    private var binding: Binding<String> {
        Binding(get: { value }, set: { changed($0) })
    }
}

/// How a button looks.
enum ButtonKind {
    /// The screen's main action.
    case main
    /// A second choice.
    case other
    /// A quiet one, text only.
    case quiet
}

/// A full-width button running an action of the view model.
struct ActionButton: View {
    let title: String
    let enabled: Bool
    var kind = ButtonKind.main
    /// Red: it removes or turns off something.
    var destructive = false
    let action: @MainActor () async -> Void

    var body: some View {
        let button = Button {
            Task { await action() }
        } label: {
            Text(verbatim: title).frame(maxWidth: .infinity)
        }
        .disabled(!enabled)
        .tint(destructive ? Color.red : nil)
        switch kind {
        case .main: button.buttonStyle(.borderedProminent)
        case .other: button.buttonStyle(.bordered)
        case .quiet: button.buttonStyle(.borderless)
        }
    }
}

/// A card of rows or text, on a light `tint`.
struct Block<Content: View>: View {
    var tint = Color.secondary
    @ViewBuilder let content: () -> Content

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            content()
        }
        .padding()
        .frame(maxWidth: .infinity, alignment: .leading)
        .background(tint.opacity(0.12), in: RoundedRectangle(cornerRadius: 14))
    }
}

/// A small rounded label: a state (On, Off, Synced, This device only).
struct Badge: View {
    let label: String
    let tint: Color

    var body: some View {
        Text(verbatim: label).font(.caption)
            .padding(6)
            .background(tint.opacity(0.18), in: RoundedRectangle(cornerRadius: 8))
    }
}

/// The requirement's name and whether it is on.
struct FeatureRow: View {
    let on: Bool

    var body: some View {
        HStack(spacing: 12) {
            Text(verbatim: text(UiText("sample.security_center.feature"))).font(.subheadline)
            Spacer()
            Badge(label: text(UiText(on ? "sample.security_center.on" : "sample.security_center.off")),
                  tint: on ? .green : .secondary)
        }
    }
}

/// A label and its value, on one line.
struct ValueRow: View {
    let label: String
    let value: String

    var body: some View {
        HStack(spacing: 12) {
            Text(verbatim: label).foregroundStyle(Color.secondary)
            Spacer()
            Text(verbatim: value).font(.headline)
        }
    }
}

/// An error, a refusal or a confirmation.
struct MessageLine: View {
    let message: Message?

    var body: some View {
        if let message {
            Text(verbatim: text(message.text))
                .padding(12)
                .frame(maxWidth: .infinity, alignment: .leading)
                .background(Self.tint(message.tone).opacity(0.15), in: RoundedRectangle(cornerRadius: 10))
        }
    }

    /// The colour of `tone`.
    private static func tint(_ tone: Tone) -> Color {
        switch tone {
        case .error: return .red
        case .success: return .green
        case .info: return .blue
        }
    }
}

/// One passkey's details: its name, its password manager, synced or on this device only, when it
/// was added and last used.
struct PasskeyCard: View {
    let row: PasskeyRow

    var body: some View {
        Block {
            HStack(spacing: 12) {
                Image(systemName: "person.badge.key")
                VStack(alignment: .leading, spacing: 2) {
                    Text(verbatim: row.name).font(.headline)
                    Text(verbatim: row.provider).font(.subheadline).foregroundStyle(Color.secondary)
                }
                Spacer()
                if row.synced {
                    Badge(label: text(UiText("sample.passkeys.synced")), tint: .green)
                } else {
                    Badge(label: text(UiText("sample.passkeys.device_only")), tint: .orange)
                }
            }
            Text(verbatim: text(UiText("sample.passkeys.added", ["date": dateText(row.added)])))
                .font(.caption).foregroundStyle(Color.secondary)
            Text(verbatim: lastUsed).font(.caption).foregroundStyle(Color.secondary)
        }
    }

    /// When it last signed in, or that it has not yet.
    private var lastUsed: String {
        guard let seconds = row.lastUsed else {
            return text(UiText("sample.passkeys.never_used"))
        }
        return text(UiText("sample.passkeys.last_used", ["date": dateText(seconds)]))
    }
}

/// A passkey the account already has, on Enable's first step: its name, password manager and when
/// it was added (as `PasskeyCard` says them), and a "Keep" checkbox, off at first; a tap gives
/// `changed` the other position.
struct KeepPasskeyRow: View {
    let existing: ExistingPasskey
    let enabled: Bool
    let changed: @MainActor (Bool) -> Void

    var body: some View {
        Block {
            HStack(spacing: 12) {
                VStack(alignment: .leading, spacing: 2) {
                    Text(verbatim: existing.passkey.name).font(.headline)
                    Text(verbatim: existing.passkey.provider).font(.subheadline).foregroundStyle(Color.secondary)
                    Text(verbatim: text(UiText("sample.passkeys.added", ["date": dateText(existing.passkey.added)])))
                        .font(.caption).foregroundStyle(Color.secondary)
                }
                Spacer()
                Button {
                    changed(!existing.keep)
                } label: {
                    HStack(spacing: 6) {
                        Image(systemName: existing.keep ? "checkmark.square.fill" : "square")
                        Text(verbatim: text(UiText("sample.enable.keep")))
                    }
                }
                .buttonStyle(.borderless)
                .disabled(!enabled)
            }
        }
    }
}

/// The health card: at risk (orange) or fine (green), what to do, the nudge and "Not now".
struct HealthBlock: View {
    let health: HealthCard
    let busy: Bool
    /// "Not now" on the nudge; nil: not offered here.
    let dismiss: (@MainActor () async -> Void)?

    var body: some View {
        Block(tint: health.atRisk ? .orange : .green) {
            Text(verbatim: text(UiText("sample.passkeys.health"))).font(.headline)
            Text(verbatim: text(health.headline))
            if let action = health.action {
                Text(verbatim: text(action)).font(.subheadline)
            }
            if health.nudge {
                Text(verbatim: text(UiText("health.nudge"))).font(.footnote)
                if let dismiss {
                    ActionButton(title: text(UiText("sample.passkeys.dismiss")), enabled: !busy, kind: .quiet, action: dismiss)
                }
            }
        }
    }
}
