import BingXPasskeys
import Foundation
import SwiftUI

// The sample's screens as values, and the view model that produces them: the same shape as the
// shared Compose sample's (android/ui/src/commonMain: UiState.kt and SampleViewModel.kt), so that
// a journey reads the same on both platforms and QA compares like with like. Texts are keys of
// i18n/sample.toml (`sample.…`, this app's Localizable.xcstrings) or of the library's table
// (PasskeysTexts); a screen holds no sentence, no secret, and dates as unix seconds.

/// A text to show: a key of the string tables and its placeholders' values, by name.
struct UiText: Equatable, Sendable {
    let key: String
    var args: [String: String] = [:]
}

/// How a message reads.
enum Tone: Sendable { case info, success, error }

/// A line under the part of the screen it is about.
struct Message: Equatable, Sendable {
    let text: UiText
    let tone: Tone
}

/// A factor besides the password, as the screens name it.
enum CodeFactor: Sendable { case email, sms, authenticator }

/// One passkey as the Passkeys page and the Manage screen show it.
struct PasskeyRow: Equatable, Sendable {
    /// The credential id, unpadded base64url: the row's identity, never shown.
    let id: String
    let name: String
    let provider: String
    /// Unix seconds.
    let added: Int64
    let lastUsed: Int64?
    let synced: Bool
}

/// The Passkeys page's health card.
struct HealthCard: Equatable, Sendable {
    let atRisk: Bool
    let headline: UiText
    let action: UiText?
    let nudge: Bool
}

/// The other ways in on the sign-in screen.
enum OtherLogin: String, CaseIterable, Sendable { case google, apple, telegram, webH5 }

/// What the password manager's sheet is doing.
enum SheetPurpose: Sendable { case createPasskey, signIn, verify }

/// What the user sees now: one case per screen of the journeys (Kotlin's `Screen`).
enum SampleScreen: Equatable, Sendable {
    case signIn(email: String, password: String, message: Message?, busy: Bool)
    case code(email: String, factor: CodeFactor, code: String, message: Message?, busy: Bool)
    case passkeyRequired(email: String, message: Message?, busy: Bool)
    case securityCenter(email: String, passkeyRequired: Bool, passkeyCount: Int, notice: Message?, busy: Bool)
    case passkeys(passkeys: [PasskeyRow], health: HealthCard?, passkeyRequired: Bool, message: Message?, busy: Bool)
    case enableIntro(warning: UiText, deviceReady: Bool?, message: Message?, busy: Bool)
    case stepUp(factor: CodeFactor, password: String, code: String, message: Message?, busy: Bool)
    case platformSheet(purpose: SheetPurpose)
    case enableDone(passkey: PasskeyRow, revokedSessions: Int, health: HealthCard?, busy: Bool)
    case managePasskey(passkey: PasskeyRow, newName: String, isLast: Bool, message: Message?, busy: Bool)
    case withdrawal(asset: String, amount: String, address: String, verified: Bool, message: Message?, busy: Bool)

    /// Whether a request is running (buttons disabled).
    var busy: Bool {
        switch self {
        case let .signIn(_, _, _, busy), let .code(_, _, _, _, busy), let .passkeyRequired(_, _, busy),
             let .securityCenter(_, _, _, _, busy), let .passkeys(_, _, _, _, busy),
             let .enableIntro(_, _, _, busy), let .stepUp(_, _, _, _, busy), let .enableDone(_, _, _, busy),
             let .managePasskey(_, _, _, _, busy), let .withdrawal(_, _, _, _, _, busy):
            return busy
        case .platformSheet:
            return true
        }
    }

    /// This screen with `busy` set.
    func with(busy: Bool) -> SampleScreen {
        switch self {
        case let .signIn(e, p, m, _): return .signIn(email: e, password: p, message: m, busy: busy)
        case let .code(e, f, c, m, _): return .code(email: e, factor: f, code: c, message: m, busy: busy)
        case let .passkeyRequired(e, m, _): return .passkeyRequired(email: e, message: m, busy: busy)
        case let .securityCenter(e, r, n, m, _):
            return .securityCenter(email: e, passkeyRequired: r, passkeyCount: n, notice: m, busy: busy)
        case let .passkeys(p, h, r, m, _): return .passkeys(passkeys: p, health: h, passkeyRequired: r, message: m, busy: busy)
        case let .enableIntro(w, d, m, _): return .enableIntro(warning: w, deviceReady: d, message: m, busy: busy)
        case let .stepUp(f, p, c, m, _): return .stepUp(factor: f, password: p, code: c, message: m, busy: busy)
        case .platformSheet: return self
        case let .enableDone(p, r, h, _): return .enableDone(passkey: p, revokedSessions: r, health: h, busy: busy)
        case let .managePasskey(p, n, l, m, _): return .managePasskey(passkey: p, newName: n, isLast: l, message: m, busy: busy)
        case let .withdrawal(a, n, d, v, m, _):
            return .withdrawal(asset: a, amount: n, address: d, verified: v, message: m, busy: busy)
        }
    }

    /// This screen, no longer busy, with `text` as its error line.
    func failed(_ text: UiText) -> SampleScreen {
        let m = Message(text: text, tone: .error)
        switch self {
        case let .signIn(e, p, _, _): return .signIn(email: e, password: p, message: m, busy: false)
        case let .code(e, f, c, _, _): return .code(email: e, factor: f, code: c, message: m, busy: false)
        case let .passkeyRequired(e, _, _): return .passkeyRequired(email: e, message: m, busy: false)
        case let .securityCenter(e, r, n, _, _):
            return .securityCenter(email: e, passkeyRequired: r, passkeyCount: n, notice: m, busy: false)
        case let .passkeys(p, h, r, _, _): return .passkeys(passkeys: p, health: h, passkeyRequired: r, message: m, busy: false)
        case let .enableIntro(w, d, _, _): return .enableIntro(warning: w, deviceReady: d, message: m, busy: false)
        case let .stepUp(f, p, c, _, _): return .stepUp(factor: f, password: p, code: c, message: m, busy: false)
        case .platformSheet, .enableDone: return with(busy: false)
        case let .managePasskey(p, n, l, _, _): return .managePasskey(passkey: p, newName: n, isLast: l, message: m, busy: false)
        case let .withdrawal(a, n, d, v, _, _):
            return .withdrawal(asset: a, amount: n, address: d, verified: v, message: m, busy: false)
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
    private let idToken: @MainActor (String) async -> String?
    private lazy var signInPart = client.signIn()
    private lazy var page = client.passkeys()
    private lazy var scenarios = client.scenarios()
    private var flow: EnableFlow?
    private var steppedUp = false
    private var loginId = ""
    private var factor = Factor.email
    private var rows: [PasskeyInfo] = []
    private var running = false

    static let withdrawalAsset = "USDT"
    static let withdrawalAmount = "250"
    static let withdrawalAddress = "TQ4sM7dX2r9vKpW3nY8fBz6eHj5uLc9xVe"

    init(client: PasskeysClient, deviceId: String, idToken: @escaping @MainActor (String) async -> String?) {
        self.client = client
        self.deviceId = deviceId
        self.idToken = idToken
    }

    /// The first screen: Security Center when a session is stored, sign-in otherwise.
    func start() async {
        await act { [self] in
            if try signInPart.isSignedIn() {
                screen = try await securityCenter()
            } else {
                screen = .signIn(email: account, password: "", message: nil, busy: false)
            }
        }
    }

    // Typing: the field of the screen shown.

    func emailChanged(_ value: String) {
        if case let .signIn(_, p, m, b) = screen { screen = .signIn(email: value, password: p, message: m, busy: b) }
    }

    func passwordChanged(_ value: String) {
        switch screen {
        case let .signIn(e, _, m, b): screen = .signIn(email: e, password: value, message: m, busy: b)
        case let .stepUp(f, _, c, m, b): screen = .stepUp(factor: f, password: value, code: c, message: m, busy: b)
        default: break
        }
    }

    func codeChanged(_ value: String) {
        switch screen {
        case let .code(e, f, _, m, b): screen = .code(email: e, factor: f, code: value, message: m, busy: b)
        case let .stepUp(f, p, _, m, b): screen = .stepUp(factor: f, password: p, code: value, message: m, busy: b)
        default: break
        }
    }

    func newNameChanged(_ value: String) {
        if case let .managePasskey(p, _, l, m, b) = screen { screen = .managePasskey(passkey: p, newName: value, isLast: l, message: m, busy: b) }
    }

    // Sign-in.

    func signIn() async {
        guard case let .signIn(email, password, _, _) = screen else { return }
        await act { [self] in
            account = email.trimmingCharacters(in: .whitespaces)
            screen = try await afterPassword(signInPart.withPassword(email: account, password: password, deviceId: deviceId, trust: nil))
        }
    }

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

    func submitCode() async {
        guard case let .code(_, _, code, _, _) = screen else { return }
        await act { [self] in
            _ = try await signInPart.completeWithCode(loginId: loginId, factor: factor, code: code, trustDevice: false)
            screen = try await securityCenter()
        }
    }

    func continueWithPasskey() async {
        guard case .passkeyRequired = screen else { return }
        await act { [self] in
            _ = try await sheet(.signIn) { try await self.signInPart.completeWithPasskey(loginId: self.loginId) }
            screen = try await securityCenter()
        }
    }

    /// Asks the library, which refuses (`error.passkey_required`) without a request.
    func useCodeInstead() async {
        guard case .passkeyRequired = screen else { return }
        await act { [self] in
            _ = try await signInPart.completeWithCode(loginId: loginId, factor: .email, code: "", trustDevice: false)
            screen = try await securityCenter()
        }
    }

    func signInWithPasskey() async {
        guard case .signIn = screen else { return }
        await act { [self] in
            let id = try await sheet(.signIn) { try await self.signInPart.withPasskey() }
            if account.isEmpty { account = id }
            screen = try await securityCenter()
        }
    }

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
            guard let token = await idToken(other.rawValue) else {
                screen = before
                return
            }
            account = try await signInPart.withThirdParty(provider: other.rawValue, idToken: token)
            screen = try await securityCenter()
        }
    }

    func signOut() async {
        guard case .securityCenter = screen else { return }
        await act { [self] in
            try await signInPart.signOut()
            screen = .signIn(email: account, password: "", message: nil, busy: false)
        }
    }

    // Security Center and the Passkeys page.

    func openPasskeys() async {
        guard case .securityCenter = screen else { return }
        await act { [self] in screen = try await passkeysPage() }
    }

    func openPasskey(_ id: String) async {
        guard case .passkeys = screen, let info = rows.first(where: { Self.row($0).id == id }) else { return }
        screen = .managePasskey(passkey: Self.row(info), newName: info.name, isLast: rows.count == 1, message: nil, busy: false)
    }

    func renamePasskey() async {
        guard case let .managePasskey(row, newName, _, _, _) = screen,
              let info = rows.first(where: { Self.row($0).id == row.id }) else { return }
        await act { [self] in
            let name = newName.trimmingCharacters(in: .whitespaces)
            _ = try await sheet(.verify) { try await self.page.rename(credentialId: info.credentialId, name: name) }
            screen = try await passkeysPage(Message(text: UiText(key: "sample.passkeys.renamed"), tone: .success))
        }
    }

    func deletePasskey() async {
        guard case let .managePasskey(row, _, _, _, _) = screen,
              let info = rows.first(where: { Self.row($0).id == row.id }) else { return }
        await act { [self] in
            _ = try await sheet(.verify) { try await self.page.delete(credentialId: info.credentialId) }
            screen = try await passkeysPage(Message(text: UiText(key: "sample.passkeys.deleted"), tone: .success))
        }
    }

    func turnOffRequirement() async {
        guard case .passkeys = screen else { return }
        await act { [self] in
            _ = try await sheet(.verify) { try await self.page.turnOffRequirement() }
            screen = try await passkeysPage(Message(text: UiText(key: "sample.passkeys.turned_off"), tone: .success))
        }
    }

    func dismissNudge() async {
        guard case let .passkeys(list, _, required, message, _) = screen else { return }
        await act { [self] in
            let health = try await page.dismissNudge()
            screen = .passkeys(passkeys: list, health: Self.healthCard(health), passkeyRequired: required, message: message, busy: false)
        }
    }

    // Enable.

    func startEnable() async {
        guard case let .passkeys(_, _, required, _, _) = screen else { return }
        await act { [self] in
            if required {
                let added = try await sheet(.createPasskey) { try await self.page.add(name: nil) }
                rows = added.passkeys
                screen = .enableDone(passkey: Self.row(added.passkey), revokedSessions: Int(added.revokedSessions),
                                     health: added.health.map(Self.healthCard), busy: false)
                return
            }
            let enable = client.enable()
            flow = enable
            steppedUp = false
            let warning = Self.text(enable.warning())
            screen = .enableIntro(warning: warning, deviceReady: nil, message: nil, busy: true)
            do {
                _ = try await enable.checkDevice()
            } catch {
                screen = .enableIntro(warning: warning, deviceReady: false, message: nil, busy: true)
                throw error
            }
            screen = .enableIntro(warning: warning, deviceReady: true, message: nil, busy: false)
        }
    }

    func acknowledgeWarning() async {
        guard case .enableIntro = screen, let enable = flow else { return }
        await act { [self] in
            try enable.acknowledgeWarning()
            factor = try await enable.startStepUp().first ?? .email
            screen = .stepUp(factor: Self.codeFactor(factor), password: "", code: "", message: nil, busy: false)
        }
    }

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
            screen = .enableDone(passkey: Self.row(added.passkey), revokedSessions: Int(added.revokedSessions),
                                 health: added.health.map(Self.healthCard), busy: false)
        }
    }

    // An important scenario.

    func openWithdrawal() async {
        guard case .securityCenter = screen else { return }
        screen = .withdrawal(asset: Self.withdrawalAsset, amount: Self.withdrawalAmount, address: Self.withdrawalAddress,
                             verified: false, message: nil, busy: false)
    }

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

    private func securityCenter() async throws -> SampleScreen {
        let policy = try await page.policy()
        return .securityCenter(email: account.isEmpty ? policy.accountId : account, passkeyRequired: policy.passkeyRequired,
                               passkeyCount: Int(policy.passkeyCount), notice: nil, busy: false)
    }

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
        screen = screen.with(busy: true)
        do {
            try await block()
        } catch let error as PasskeysError {
            screen = screen.failed(Self.text(errorText(error: error)))
        } catch {
            screen = screen.failed(UiText(key: "sample.error.internal"))
        }
    }

    /// Hands the screen to the password manager's sheet for `block`; on failure the screen
    /// beneath comes back (the error then lands there).
    private func sheet<T>(_ purpose: SheetPurpose, _ block: @MainActor () async throws -> T) async throws -> T {
        let under = screen
        screen = .platformSheet(purpose: purpose)
        do {
            return try await block()
        } catch {
            screen = under
            throw error
        }
    }

    /// The library's `PasskeysText` as a `UiText`.
    nonisolated static func text(_ text: PasskeysText) -> UiText {
        var args: [String: String] = [:]
        for arg in text.args where args[arg.name] == nil {
            args[arg.name] = arg.value
        }
        return UiText(key: text.key, args: args)
    }

    /// A passkey as the screens show it.
    nonisolated static func row(_ info: PasskeyInfo) -> PasskeyRow {
        let id = info.credentialId.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return PasskeyRow(id: id, name: info.name, provider: info.provider, added: info.createdAt,
                          lastUsed: info.lastUsedAt, synced: info.backedUp)
    }

    nonisolated static func healthCard(_ health: PasskeyHealth) -> HealthCard {
        HealthCard(atRisk: health.atRisk, headline: text(healthText(health: health)),
                   action: healthActionText(health: health).map(text), nudge: health.nudge)
    }

    private nonisolated static func codeFactor(_ factor: Factor) -> CodeFactor {
        switch factor {
        case .email: return .email
        case .sms: return .sms
        case .totp: return .authenticator
        }
    }
}
