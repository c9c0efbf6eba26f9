import BingXPasskeys
import Foundation
import SwiftUI

// The sample's screens as values, and the view model that produces them: the same shape as the
// shared Compose sample's (android/ui/src/commonMain: UiState.kt and SampleViewModel.kt), so that
// a journey reads the same on both platforms and QA compares like with like. Texts are keys of
// i18n/sample.toml (`sample.…`, this app's Localizable.xcstrings) or of the library's table
// (PasskeysTexts); a screen holds no sentence, no secret, and dates as unix seconds.

/// A text to show: a key of the string tables and its placeholders' values, by name. Keys of
/// the library's table (`error.cancelled`, `enable.warning`, …) come from the library; keys of the
/// sample's own (`sample.…`) are the screens' titles, labels and notes. `text(_:)` (SampleScreens.swift)
/// turns either into the user's language.
struct UiText: Equatable, Sendable {
    /// The key in i18n/sample.toml or i18n/texts.toml.
    let key: String
    /// Its placeholders' values, by name.
    let args: [String: String]

    /// The text `key` with `args` in its placeholders.
    init(_ key: String, _ args: [String: String] = [:]) {
        self.key = key
        self.args = args
    }
}

/// How a message reads: a neutral note, a success, or a refusal/failure.
enum Tone: Sendable {
    /// A neutral note.
    case info
    /// Something done.
    case success
    /// A refusal or a failure.
    case error
}

/// A line under the part of the screen it is about (an error, a refusal, a confirmation).
struct Message: Equatable, Sendable {
    /// What it says.
    let text: UiText
    /// How it reads.
    let tone: Tone
}

/// A factor besides the password, as the screens name it (the library's `Factor`).
enum CodeFactor: Sendable {
    /// A code sent by email.
    case email
    /// A code sent by text message.
    case sms
    /// A code from an authenticator app (the library's `totp`).
    case authenticator
}

/// One passkey as the Passkeys page and the Manage screen show it.
struct PasskeyRow: Equatable, Sendable {
    /// The credential id, unpadded base64url: the row's identity, never shown.
    let id: String
    /// The user's name for it (the server's default is the provider's name).
    let name: String
    /// The password manager that holds it (from its AAGUID).
    let provider: String
    /// When it was added, unix seconds.
    let added: Int64
    /// When it last signed in, unix seconds; nil: never used yet.
    let lastUsed: Int64?
    /// Synced by its password manager (backed up), rather than bound to one device.
    let synced: Bool
}

/// A passkey the account already has, on Enable's first step (Kotlin's `ExistingPasskey`):
/// `keep`, whether it stays when the requirement goes on; false until the user says so, since
/// one they do not recognise may have been added by someone who once had their password and a code.
struct ExistingPasskey: Equatable, Sendable {
    /// The passkey as the screens show it.
    let passkey: PasskeyRow
    /// Its Keep checkbox.
    var keep = false
}

/// The Passkeys page's health card: can one lost phone lock the account out, and what to do.
struct HealthCard: Equatable, Sendable {
    /// One lost device could lock the account out.
    let atRisk: Bool
    /// `health.ok` or the first reason's text (library keys).
    let headline: UiText
    /// The action's text (e.g. `health.action.add_synced_passkey`); nil when nothing is to be done.
    let action: UiText?
    /// The server asks to show the nudge now (`health.nudge`), dismissible.
    let nudge: Bool
}

/// The other ways in on the sign-in screen, each refused while passkeys are required. The raw
/// value is the provider's name as the library takes it (the web login has none).
enum OtherLogin: String, CaseIterable, Sendable {
    /// Google's login (its SDK's id token).
    case google
    /// Sign in with Apple (its id token).
    case apple
    /// Telegram's login (its id token).
    case telegram
    /// The web (H5) login: email and password through the web flow.
    case webH5
}

/// What the password manager's sheet (handed over to the platform) is doing.
enum SheetPurpose: Sendable {
    /// Creating a passkey.
    case createPasskey
    /// Signing in with a passkey.
    case signIn
    /// Confirming an action with a passkey.
    case verify
}

/// What the user sees now: one case per screen of the journeys, with the fields of Kotlin's
/// `Screen` (android/ui/.../UiState.kt). The views are functions of it; `busy`: a request runs
/// (buttons disabled, a progress indicator). The same in every language (keys, unix seconds), and
/// nothing in it is a secret beyond what the user is typing (shown masked, and hidden by its
/// `description`).
enum SampleScreen: Equatable, Sendable {
    /// Sign-in: email and password, the passkey, and the other ways in (refused, in `message`,
    /// while this phone knows the account requires passkeys).
    case signIn(email: String, password: String, message: Message?, busy: Bool)
    /// Sign-in, second step with the flag off: the code the server sent by `factor`.
    case code(email: String, factor: CodeFactor, code: String, message: Message?, busy: Bool)
    /// Sign-in with the flag on: only the passkey; "use a code instead" is refused, never a fallback.
    case passkeyRequired(email: String, message: Message?, busy: Bool)
    /// Security Center: the account, the Passkeys row, the requirement's state; `notice` a line on top.
    /// `pendingReset`: a reset of the account's passkeys waiting for support when the user signed in
    /// (`recovery.pending_notice`), shown with a button that cancels it with a passkey: the user may
    /// not have asked for it.
    case securityCenter(email: String, passkeyRequired: Bool, passkeyCount: Int, notice: Message?,
                        pendingReset: UiText?, busy: Bool)
    /// The Passkeys page: each passkey, the health card, "Add a passkey", the requirement's switch.
    case passkeys(passkeys: [PasskeyRow], health: HealthCard?, passkeyRequired: Bool, message: Message?, busy: Bool)
    /// Enable, first step: the library's warning and "I understand"; `deviceReady` nil while checked.
    /// After the check, `existing`: the passkeys the account already has, each with its Keep checkbox
    /// (off at first); nil while they load or when they could not be read, and then "I understand"
    /// waits, since Enable removes every one not kept.
    case enableIntro(warning: UiText, deviceReady: Bool?, existing: [ExistingPasskey]?, message: Message?, busy: Bool)
    /// Enable, second step: the password and the code sent by `factor`.
    case stepUp(factor: CodeFactor, password: String, code: String, message: Message?, busy: Bool)
    /// Handed to the password manager, whose sheet is on top: what shows beneath it.
    case platformSheet(purpose: SheetPurpose, busy: Bool)
    /// Enable, done: the passkey saved, passkeys required, `revokedSessions` other sessions ended,
    /// `removedPasskeys` of the account's earlier passkeys (those not kept) removed.
    case enableDone(passkey: PasskeyRow, revokedSessions: Int, removedPasskeys: Int, health: HealthCard?, busy: Bool)
    /// One passkey: rename it, or delete it (refused for the last one: `error.last_passkey`).
    case managePasskey(passkey: PasskeyRow, newName: String, isLast: Bool, message: Message?, busy: Bool)
    /// A withdrawal's confirmation; `verified` once the passkey approved it (the proof is never shown).
    case withdrawal(asset: String, amount: String, address: String, verified: Bool, message: Message?, busy: Bool)

    /// Whether a request is running (buttons disabled).
    var busy: Bool {
        switch self {
        case let .signIn(_, _, _, busy), let .code(_, _, _, _, busy), let .passkeyRequired(_, _, busy),
             let .securityCenter(_, _, _, _, _, busy), let .passkeys(_, _, _, _, busy),
             let .enableIntro(_, _, _, _, busy), let .stepUp(_, _, _, _, busy), let .enableDone(_, _, _, _, busy),
             let .managePasskey(_, _, _, _, busy), let .withdrawal(_, _, _, _, _, busy),
             let .platformSheet(_, busy):
            return busy
        }
    }

    /// This screen with `busy` set.
    func with(busy: Bool) -> SampleScreen {
        switch self {
        case let .signIn(e, p, m, _): return .signIn(email: e, password: p, message: m, busy: busy)
        case let .code(e, f, c, m, _): return .code(email: e, factor: f, code: c, message: m, busy: busy)
        case let .passkeyRequired(e, m, _): return .passkeyRequired(email: e, message: m, busy: busy)
        case let .securityCenter(e, r, n, m, p, _):
            return .securityCenter(email: e, passkeyRequired: r, passkeyCount: n, notice: m, pendingReset: p, busy: busy)
        case let .passkeys(p, h, r, m, _): return .passkeys(passkeys: p, health: h, passkeyRequired: r, message: m, busy: busy)
        case let .enableIntro(w, d, x, m, _): return .enableIntro(warning: w, deviceReady: d, existing: x, message: m, busy: busy)
        case let .stepUp(f, p, c, m, _): return .stepUp(factor: f, password: p, code: c, message: m, busy: busy)
        case let .platformSheet(p, _): return .platformSheet(purpose: p, busy: busy)
        case let .enableDone(p, r, x, h, _):
            return .enableDone(passkey: p, revokedSessions: r, removedPasskeys: x, health: h, busy: busy)
        case let .managePasskey(p, n, l, m, _): return .managePasskey(passkey: p, newName: n, isLast: l, message: m, busy: busy)
        case let .withdrawal(a, n, d, v, m, _):
            return .withdrawal(asset: a, amount: n, address: d, verified: v, message: m, busy: busy)
        }
    }

    /// This screen, no longer busy, with `text` as its error line (where the screen has one).
    func failed(_ text: UiText) -> SampleScreen {
        let m = Message(text: text, tone: .error)
        switch self {
        case let .signIn(e, p, _, _): return .signIn(email: e, password: p, message: m, busy: false)
        case let .code(e, f, c, _, _): return .code(email: e, factor: f, code: c, message: m, busy: false)
        case let .passkeyRequired(e, _, _): return .passkeyRequired(email: e, message: m, busy: false)
        case let .securityCenter(e, r, n, _, p, _):
            return .securityCenter(email: e, passkeyRequired: r, passkeyCount: n, notice: m, pendingReset: p, busy: false)
        case let .passkeys(p, h, r, _, _): return .passkeys(passkeys: p, health: h, passkeyRequired: r, message: m, busy: false)
        case let .enableIntro(w, d, x, _, _): return .enableIntro(warning: w, deviceReady: d, existing: x, message: m, busy: false)
        case let .stepUp(f, p, c, _, _): return .stepUp(factor: f, password: p, code: c, message: m, busy: false)
        case .platformSheet, .enableDone: return with(busy: false)
        case let .managePasskey(p, n, l, _, _): return .managePasskey(passkey: p, newName: n, isLast: l, message: m, busy: false)
        case let .withdrawal(a, n, d, v, _, _):
            return .withdrawal(asset: a, amount: n, address: d, verified: v, message: m, busy: false)
        }
    }
}

extension SampleScreen: CustomStringConvertible, CustomDebugStringConvertible {
    /// The screen as a log, `print` or a crash report shows it: a typed password or code is
    /// `<hidden>` (`<empty>` when nothing is typed), as in Kotlin's `Screen.toString()`; the
    /// rest is shown as Swift would. (`dump` and `Mirror` still read the fields themselves.)
    var description: String {
        guard let shown = Mirror(reflecting: masked).children.first, let name = shown.label else {
            return "SampleScreen"
        }
        return "SampleScreen.\(name)\(shown.value)"
    }

    /// The same as `description`: `debugPrint` and `String(reflecting:)` hide the typed secrets too.
    var debugDescription: String { description }

    /// This screen with the typed password and code replaced by whether they are there.
    private var masked: SampleScreen {
        func hidden(_ typed: String) -> String { typed.isEmpty ? "<empty>" : "<hidden>" }
        switch self {
        case let .signIn(e, p, m, b): return .signIn(email: e, password: hidden(p), message: m, busy: b)
        case let .code(e, f, c, m, b): return .code(email: e, factor: f, code: hidden(c), message: m, busy: b)
        case let .stepUp(f, p, c, m, b):
            return .stepUp(factor: f, password: hidden(p), code: hidden(c), message: m, busy: b)
        default: return self
        }
    }
}

/// The sample's screens over one `PasskeysClient`: Kotlin's `SampleViewModel`, action for action.
/// It decides nothing the library decides ("use a code instead" asks the library, which refuses
/// while the account requires a passkey); a library error becomes its text on the screen where it
/// happened, anything else `sample.error.internal`. One action at a time.
@MainActor
final class SampleViewModel: ObservableObject {
    /// What the user sees now.
    @Published private(set) var screen: SampleScreen = .signIn(email: "", password: "", message: nil, busy: false)

    /// The account signed in, or being signed in (the email typed).
    private(set) var account = ""

    private let client: PasskeysClient
    private let deviceId: String
    /// A third-party login's id token from the provider's SDK; nil: the user closed it.
    private let idTokens: @MainActor (String) async -> String?
    private lazy var signInPart = client.signIn()
    private lazy var page = client.passkeys()
    private lazy var scenarios = client.scenarios()
    private lazy var recovery = client.recovery()
    private var flow: EnableFlow?
    private var steppedUp = false
    /// The sign-in attempt waiting for its code or passkey (an object: nothing can print it).
    private var loginId: LoginId?
    private var factor = Factor.email
    private var rows: [PasskeyInfo] = []
    /// Enable: the passkeys the account already had when its first step showed them.
    private var existing: [PasskeyInfo] = []
    private var running = false

    /// The sample withdrawal's coin (an important scenario the server's policy may put behind a passkey).
    static let withdrawalAsset = "USDT"
    /// The sample withdrawal's amount.
    static let withdrawalAmount = "250"
    /// The sample withdrawal's destination (a fixed sample address).
    static let withdrawalAddress = "TQ4sM7dX2r9vKpW3nY8fBz6eHj5uLc9xVe"

    /// The screens over `client`. `deviceId`: this install's id, sent with password sign-ins;
    /// `idTokens`: a third-party login's id token from the provider's SDK, by provider name
    /// (`google`, `apple`, `telegram`), nil when the user closed it.
    init(client: PasskeysClient, deviceId: String, idTokens: @escaping @MainActor (String) async -> String?) {
        self.client = client
        self.deviceId = deviceId
        self.idTokens = idTokens
    }

    /// The first screen: Security Center when a session is stored, sign-in otherwise.
    /// - Parameter firstLaunch: the app's first launch since it was installed. iOS keeps Keychain
    ///   items when an app is deleted, so a session an earlier install left would sign the next
    ///   person in: it is ended first (on the server too, when it can be reached), as deleting the
    ///   app does on Android. What the device knows of the account's policy stays: it only ever
    ///   makes the device stricter.
    func start(firstLaunch: Bool = false) async {
        await act { [self] in
            if firstLaunch, try signInPart.isSignedIn() {
                // Offline: the keystore forgets the session all the same.
                try? await signInPart.signOut()
            }
            if try signInPart.isSignedIn() {
                // A kept session asks for a reset waiting for support first (best effort): an owner
                // who stays signed in for weeks sees one asked for meanwhile, not only at a sign-in.
                _ = try? await recovery.accountState()
            }
            if try signInPart.isSignedIn() {
                screen = try await securityCenter()
            } else {
                screen = .signIn(email: account, password: "", message: nil, busy: false)
            }
        }
    }

    // Typing: the field of the screen shown.

    /// Sign-in: the email field changed.
    func emailChanged(_ value: String) {
        if case let .signIn(_, p, m, b) = screen { screen = .signIn(email: value, password: p, message: m, busy: b) }
    }

    /// Sign-in or step-up: the password field changed.
    func passwordChanged(_ value: String) {
        switch screen {
        case let .signIn(e, _, m, b): screen = .signIn(email: e, password: value, message: m, busy: b)
        case let .stepUp(f, _, c, m, b): screen = .stepUp(factor: f, password: value, code: c, message: m, busy: b)
        default: break
        }
    }

    /// Code or step-up: the code field changed.
    func codeChanged(_ value: String) {
        switch screen {
        case let .code(e, f, _, m, b): screen = .code(email: e, factor: f, code: value, message: m, busy: b)
        case let .stepUp(f, p, _, m, b): screen = .stepUp(factor: f, password: p, code: value, message: m, busy: b)
        default: break
        }
    }

    /// Manage: the name field changed.
    func newNameChanged(_ value: String) {
        if case let .managePasskey(p, _, l, m, b) = screen { screen = .managePasskey(passkey: p, newName: value, isLast: l, message: m, busy: b) }
    }

    /// Enable intro: the Keep checkbox of the existing passkey whose row id is `id` turned `keep`.
    func keepPasskey(_ id: String, keep: Bool) {
        guard case let .enableIntro(w, d, list?, m, false) = screen else { return }
        let changed = list.map { $0.passkey.id == id ? ExistingPasskey(passkey: $0.passkey, keep: keep) : $0 }
        screen = .enableIntro(warning: w, deviceReady: d, existing: changed, message: m, busy: false)
    }

    // Sign-in.

    /// Sign-in: email and password; then the code, the passkey, or Security Center, as the library answers.
    func signIn() async {
        guard case let .signIn(email, password, _, _) = screen else { return }
        await act { [self] in
            account = email.trimmingCharacters(in: .whitespaces)
            screen = try await afterPassword(signInPart.withPassword(email: account, password: password, deviceId: deviceId, trust: nil))
        }
    }

    /// The screen after the password step: the code, the passkey, or Security Center.
    private func afterPassword(_ step: SignInStep) async throws -> SampleScreen {
        switch step {
        case let .codeRequired(loginId, factors):
            self.loginId = loginId
            factor = factors.first ?? .email
            return .code(email: account, factor: Self.codeFactor(factor), code: "", message: nil, busy: false)
        case let .passkeyRequired(loginId):
            self.loginId = loginId
            return .passkeyRequired(email: account, message: nil, busy: false)
        case .signedIn:
            return try await securityCenter()
        }
    }

    /// Code step: submits the code.
    func submitCode() async {
        guard case let .code(_, _, code, _, _) = screen, let loginId else { return }
        await act { [self] in
            _ = try await signInPart.completeWithCode(
                loginId: loginId, factor: factor, code: code.trimmingCharacters(in: .whitespaces), trustDevice: false)
            screen = try await securityCenter()
        }
    }

    /// Passkey-required step: "Continue with passkey" (the password manager's sheet).
    func continueWithPasskey() async {
        guard case .passkeyRequired = screen, let loginId else { return }
        await act { [self] in
            _ = try await sheet(.signIn) { try await self.signInPart.completeWithPasskey(loginId: loginId) }
            screen = try await securityCenter()
        }
    }

    /// Asks the library, which refuses (`error.passkey_required`) without a request.
    func useCodeInstead() async {
        guard case .passkeyRequired = screen, let loginId else { return }
        await act { [self] in
            _ = try await signInPart.completeWithCode(loginId: loginId, factor: .email, code: "", trustDevice: false)
            screen = try await securityCenter()
        }
    }

    /// Sign-in: the usernameless passkey button.
    func signInWithPasskey() async {
        guard case .signIn = screen else { return }
        await act { [self] in
            let id = try await sheet(.signIn) { try await self.signInPart.withPasskey() }
            if account.isEmpty { account = id }
            screen = try await securityCenter()
        }
    }

    /// Sign-in: Google, Apple, Telegram or the web (H5) login, each first checked by the library on the device.
    func signInWith(_ other: OtherLogin) async {
        guard case let .signIn(email, password, _, _) = screen else { return }
        let before = screen
        await act { [self] in
            try signInPart.checkPath(path: other == .webH5 ? .h5 : .thirdParty)
            if other == .webH5 {
                account = email.trimmingCharacters(in: .whitespaces)
                screen = try await afterPassword(signInPart.withH5(email: account, password: password, deviceId: deviceId))
                return
            }
            guard let token = await idTokens(other.rawValue) else {
                screen = before
                return
            }
            account = try await signInPart.withThirdParty(provider: other.rawValue, idToken: token)
            screen = try await securityCenter()
        }
    }

    /// Security Center: signs out of this device; the email stays typed in.
    func signOut() async {
        guard case .securityCenter = screen else { return }
        await act { [self] in
            try await signInPart.signOut()
            loginId = nil
            screen = .signIn(email: account, password: "", message: nil, busy: false)
        }
    }

    // Security Center and the Passkeys page.

    /// Security Center: cancels the reset waiting for support with a passkey.
    func cancelReset() async {
        guard case .securityCenter = screen else { return }
        await act { [self] in
            let cancelled = try await sheet(.verify) { try await self.recovery.cancel() }
            screen = try await securityCenter(Message(text: Self.uiText(resetStatusText(status: cancelled)), tone: .success))
        }
    }

    /// Security Center: opens the Passkeys page.
    func openPasskeys() async {
        guard case .securityCenter = screen else { return }
        await act { [self] in screen = try await passkeysPage() }
    }

    /// Passkeys page: opens the passkey whose row id is `id`.
    func openPasskey(_ id: String) async {
        guard case .passkeys = screen, let info = rows.first(where: { Self.row($0).id == id }) else { return }
        await act { [self] in
            screen = .managePasskey(passkey: Self.row(info), newName: info.name, isLast: rows.count == 1, message: nil, busy: false)
        }
    }

    /// Manage: renames the passkey (confirmed with a passkey).
    func renamePasskey() async {
        guard case let .managePasskey(row, newName, _, _, _) = screen,
              let info = rows.first(where: { Self.row($0).id == row.id }) else { return }
        await act { [self] in
            let name = newName.trimmingCharacters(in: .whitespaces)
            _ = try await sheet(.verify) { try await self.page.rename(credentialId: info.credentialId, name: name) }
            screen = try await passkeysPage(Message(text: UiText("sample.passkeys.renamed"), tone: .success))
        }
    }

    /// Manage: deletes the passkey (confirmed with a passkey; the last one is refused).
    func deletePasskey() async {
        guard case let .managePasskey(row, _, _, _, _) = screen,
              let info = rows.first(where: { Self.row($0).id == row.id }) else { return }
        await act { [self] in
            _ = try await sheet(.verify) { try await self.page.delete(credentialId: info.credentialId) }
            screen = try await passkeysPage(Message(text: UiText("sample.passkeys.deleted"), tone: .success))
        }
    }

    /// Passkeys page: turns the requirement off (needs a passkey).
    func turnOffRequirement() async {
        guard case .passkeys = screen else { return }
        await act { [self] in
            _ = try await sheet(.verify) { try await self.page.turnOffRequirement() }
            screen = try await passkeysPage(Message(text: UiText("sample.passkeys.turned_off"), tone: .success))
        }
    }

    /// Passkeys page: "Not now" on the health card's nudge.
    func dismissNudge() async {
        guard case let .passkeys(list, _, required, message, _) = screen else { return }
        await act { [self] in
            let health = try await page.dismissNudge()
            screen = .passkeys(passkeys: list, health: Self.healthCard(health), passkeyRequired: required, message: message, busy: false)
        }
    }

    // Enable.

    /// Passkeys page: "Enable" (a new flow: the warning, the device check) or, once required, "Add a passkey".
    func startEnable() async {
        guard case let .passkeys(_, _, required, _, _) = screen else { return }
        await act { [self] in
            if required {
                let added = try await sheet(.createPasskey) { try await self.page.add(name: nil) }
                rows = added.passkeys
                screen = Self.done(added)
                return
            }
            let enable = client.enable()
            flow = enable
            steppedUp = false
            existing = []
            let warning = Self.uiText(enable.warning())
            screen = .enableIntro(warning: warning, deviceReady: nil, existing: nil, message: nil, busy: true)
            do {
                _ = try await enable.checkDevice()
            } catch {
                screen = .enableIntro(warning: warning, deviceReady: false, existing: nil, message: nil, busy: true)
                throw error
            }
            screen = .enableIntro(warning: warning, deviceReady: true, existing: nil, message: nil, busy: true)
            // The passkeys already there, each with its Keep checkbox off: Enable removes every one not
            // kept (one added while the requirement was off could be someone else's). Until they are
            // read, "I understand" waits; should reading fail, its error shows and Back starts over.
            existing = try await enable.existingPasskeys()
            screen = .enableIntro(warning: warning, deviceReady: true, existing: existing.map { ExistingPasskey(passkey: Self.row($0)) },
                                  message: nil, busy: false)
        }
    }

    /// Enable intro: "I understand, continue" (with the user's choice of the passkeys that stay);
    /// the server sends the step-up code.
    func acknowledgeWarning() async {
        guard case let .enableIntro(_, _, shown?, _, _) = screen, let enable = flow else { return }
        await act { [self] in
            // The user's choice, before the ceremony that applies it: the passkeys whose Keep checkbox
            // is on, by credential id (an empty list keeps none).
            let keep = Set(shown.filter(\.keep).map(\.passkey.id))
            enable.keepPasskeys(credentialIds: existing.filter { keep.contains(Self.row($0).id) }.map(\.credentialId))
            try enable.acknowledgeWarning()
            factor = try await enable.startStepUp().first ?? .email
            screen = .stepUp(factor: Self.codeFactor(factor), password: "", code: "", message: nil, busy: false)
        }
    }

    /// Step-up: password and code, then the passkey sheet; after a failed sheet, straight to the sheet again.
    func submitStepUp() async {
        guard case let .stepUp(_, password, code, _, _) = screen, let enable = flow else { return }
        await act { [self] in
            // After a failed or cancelled sheet the step-up stands: the next tap goes straight to it.
            if !steppedUp {
                try await enable.finishStepUp(password: password, factor: factor, code: code.trimmingCharacters(in: .whitespaces))
                steppedUp = true
            }
            let added: PasskeyAdded
            do {
                added = try await sheet(.createPasskey) { try await enable.createPasskey(name: nil) }
            } catch PasskeysError.StepUpRequired {
                // The step-up expired: a new code is sent, the user confirms again.
                steppedUp = false
                factor = try await enable.startStepUp().first ?? factor
                screen = .stepUp(factor: Self.codeFactor(factor), password: "", code: "", message: nil, busy: true)
                throw PasskeysError.StepUpRequired
            }
            rows = added.passkeys
            screen = Self.done(added)
        }
    }

    // An important scenario.

    /// Security Center: the sample withdrawal.
    func openWithdrawal() async {
        guard case .securityCenter = screen else { return }
        await act { [self] in
            screen = .withdrawal(asset: Self.withdrawalAsset, amount: Self.withdrawalAmount, address: Self.withdrawalAddress,
                                 verified: false, message: nil, busy: false)
        }
    }

    /// Withdrawal: confirmed with a passkey when the account's policy asks for one, directly otherwise.
    func confirmWithdrawal() async {
        guard case let .withdrawal(asset, amount, address, _, _, _) = screen else { return }
        await act { [self] in
            if scenarios.needsPasskey(scenario: .withdrawal) {
                let params = ["asset": asset, "amount": amount, "address": address]
                // The proof goes with the withdrawal request it approves; never shown.
                _ = try await sheet(.verify) { try await self.scenarios.verify(scenario: .withdrawal, params: params) }
            }
            screen = .withdrawal(asset: asset, amount: amount, address: address, verified: true, message: nil, busy: false)
        }
    }

    /// Back: Security Center from Passkeys, Withdrawal and Enable done; Passkeys from Manage, Enable and step-up; sign-in from the code and passkey steps.
    func back() async {
        switch screen {
        case .passkeys, .withdrawal, .enableDone:
            await act { [self] in screen = try await securityCenter() }
        case .managePasskey, .enableIntro, .stepUp:
            await act { [self] in screen = try await passkeysPage() }
        case .code, .passkeyRequired:
            if !screen.busy { screen = .signIn(email: account, password: "", message: nil, busy: false) }
        default:
            break
        }
    }

    // The machinery.

    /// Security Center, refreshed from the account's policy, with `notice` on top and the reset the
    /// sign-in found waiting for support.
    private func securityCenter(_ notice: Message? = nil) async throws -> SampleScreen {
        let policy = try await page.policy()
        let reset = signInPart.pendingReset().map { Self.uiText(pendingResetNoticeText(status: $0)) }
        return .securityCenter(email: account.isEmpty ? policy.accountId : account, passkeyRequired: policy.passkeyRequired,
                               passkeyCount: Int(policy.passkeyCount), notice: notice, pendingReset: reset, busy: false)
    }

    /// The Passkeys page, refreshed (list, health, policy), with `message` on top.
    private func passkeysPage(_ message: Message? = nil) async throws -> SampleScreen {
        rows = try await page.list()
        let health = rows.isEmpty ? nil : Self.healthCard(try await page.health())
        let required = try await page.policy().passkeyRequired
        return .passkeys(passkeys: rows.map(Self.row), health: health, passkeyRequired: required, message: message, busy: false)
    }

    /// Runs `block` unless another action runs; its failure lands on the screen shown then.
    private func act(_ block: @MainActor () async throws -> Void) async {
        guard !running else { return }
        running = true
        defer { running = false }
        let before = screen
        screen = before.with(busy: true)
        do {
            try await block()
        } catch is CancellationError {
            screen = before // the task was cancelled (the view went away): nothing happened
        } catch let error as PasskeysError {
            screen = screen.failed(Self.uiText(errorText(error: error)))
        } catch {
            screen = screen.failed(UiText("sample.error.internal"))
        }
    }

    /// Hands the screen to the password manager's sheet for `block`; on failure the screen
    /// beneath comes back (the error then lands there).
    private func sheet<T>(_ purpose: SheetPurpose, _ block: @MainActor () async throws -> T) async throws -> T {
        let under = screen
        screen = .platformSheet(purpose: purpose, busy: true)
        do {
            return try await block()
        } catch {
            screen = under
            throw error
        }
    }

    /// The library's `PasskeysText` as a `UiText`.
    nonisolated static func uiText(_ text: PasskeysText) -> UiText {
        var args: [String: String] = [:]
        for arg in text.args where args[arg.name] == nil {
            args[arg.name] = arg.value
        }
        return UiText(text.key, args)
    }

    /// A passkey as the screens show it.
    nonisolated static func row(_ info: PasskeyInfo) -> PasskeyRow {
        let id = info.credentialId.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return PasskeyRow(id: id, name: info.name, provider: info.provider, added: info.createdAt,
                          lastUsed: info.lastUsedAt, synced: info.backedUp)
    }

    /// Enable's end, or another passkey's: what `added` says changed.
    nonisolated static func done(_ added: PasskeyAdded) -> SampleScreen {
        .enableDone(passkey: row(added.passkey), revokedSessions: Int(added.revokedSessions),
                    removedPasskeys: Int(added.removedPasskeys), health: added.health.map(healthCard), busy: false)
    }

    /// The health card of `health`.
    nonisolated static func healthCard(_ health: PasskeyHealth) -> HealthCard {
        HealthCard(atRisk: health.atRisk, headline: uiText(healthText(health: health)),
                   action: healthActionText(health: health).map(uiText), nudge: health.nudge)
    }

    /// The library's factor as the screens name it.
    private nonisolated static func codeFactor(_ factor: Factor) -> CodeFactor {
        switch factor {
        case .email: return .email
        case .sms: return .sms
        case .totp: return .authenticator
        }
    }
}
