// Generated from i18n/texts.toml by scripts/texts: do not edit. Edit the table, then run scripts/texts.
import Foundation

/// The core's texts (a key of core/src/text.rs and its placeholders' values) in the user's
/// language, from `Resources/Localizable.xcstrings` in this package's bundle.
///
/// Xcode compiles the catalog into `<language>.lproj/Localizable.strings`; SwiftPM outside Xcode
/// (`swift build`, Linux) copies it as it is. Both are read, with Foundation only.
public enum PasskeysTexts {
    /// Each key's placeholders, in the order of its `%1$@`, `%2$@`… in the catalog.
    public static let placeholders: [String: [String]] = [
        "activity.blocked_h5_login": [],
        "activity.blocked_third_party_login": [],
        "activity.counter_regression": [],
        "activity.flag_off": [],
        "activity.flag_on": [],
        "activity.new_device_login": [],
        "activity.other": [],
        "activity.passkey_added": [],
        "activity.passkey_removed": [],
        "activity.passkey_renamed": [],
        "activity.password_changed": [],
        "activity.refused_otp_login": [],
        "activity.reset_approved": [],
        "activity.reset_cancelled": [],
        "activity.reset_rejected": [],
        "activity.reset_requested": [],
        "activity.signed_out_device_bound": [],
        "activity.withdrawal_hold": [],
        "enable.warning": [],
        "error.account_on_hold": ["until"],
        "error.already_registered": [],
        "error.cancelled": [],
        "error.device_not_ready.account_missing": [],
        "error.device_not_ready.no_password_manager": [],
        "error.device_not_ready.no_screen_lock": [],
        "error.device_not_ready.os_too_old": [],
        "error.device_not_ready.other": ["detail"],
        "error.domain_not_associated": [],
        "error.downgrade_refused": [],
        "error.in_progress": [],
        "error.interrupted": [],
        "error.invalid_config": ["detail"],
        "error.invalid_name": [],
        "error.invalid_response": [],
        "error.keystore_failed": [],
        "error.last_passkey": [],
        "error.network": [],
        "error.no_credential": [],
        "error.not_allowed_in_this_state.accept_warning": [],
        "error.not_allowed_in_this_state.check_device": [],
        "error.not_allowed_in_this_state.request_code": [],
        "error.not_allowed_in_this_state.request_recovery_code": [],
        "error.not_allowed_in_this_state.sign_in_with_password": [],
        "error.not_allowed_in_this_state.verify_step_up": [],
        "error.not_initialized": [],
        "error.not_signed_in": [],
        "error.not_supported": [],
        "error.passkey_required": [],
        "error.password_manager_failed": [],
        "error.path_blocked.h5": [],
        "error.path_blocked.third_party": [],
        "error.policy_unavailable": [],
        "error.reset_not_needed": [],
        "error.server.account_exists": [],
        "error.server.account_on_hold": [],
        "error.server.admin_required": [],
        "error.server.busy": [],
        "error.server.ceremony_expired": [],
        "error.server.code_invalid": [],
        "error.server.counter_regression": [],
        "error.server.id_token_invalid": [],
        "error.server.invalid_credentials": [],
        "error.server.login_expired": [],
        "error.server.other": ["code"],
        "error.server.passkey_limit": [],
        "error.server.passkey_not_accepted": [],
        "error.server.passkey_not_found": [],
        "error.server.registration_rejected": [],
        "error.server.reset_cooling_off": [],
        "error.server.reset_not_found": [],
        "error.server.reset_not_pending": [],
        "error.server.too_many_attempts": [],
        "error.server.too_many_codes": [],
        "error.step_up_required": [],
        "error.timed_out": [],
        "error.untrusted_server": [],
        "health.action.add_second_password_manager": [],
        "health.action.add_synced_passkey": [],
        "health.action.other": [],
        "health.new_device_warning": ["model", "os"],
        "health.nudge": [],
        "health.ok": [],
        "health.reason.device_bound_only": [],
        "health.reason.other": [],
        "health.reason.single_passkey": [],
        "health.sign_out_warning": [],
        "recovery.hold": ["until"],
        "recovery.pending_notice": ["approvable_at"],
        "recovery.state.approved": [],
        "recovery.state.cancelled": [],
        "recovery.state.expired": [],
        "recovery.state.pending": ["approvable_at"],
        "recovery.state.rejected": [],
    ]

    /// The catalog's languages; the first is its source language.
    public static let languages: [String] = ["en", "zh-Hans"]

    /// What a key with no string shows, with the key as its `{code}`.
    public static let fallbackKey = "error.server.other"

    /// The text of `key` with `args`' values in its placeholders. `language` (one of
    /// ``languages``) overrides the system's choice, for an app with a language setting of its
    /// own; `bundle` (this package's by default) is for tests. A missing value shows as nothing;
    /// an unknown key shows ``fallbackKey``'s text, which names the key.
    public static func string(
        _ key: String, args: [String: String] = [:], language: String? = nil, bundle: Bundle? = nil
    ) -> String {
        guard let order = placeholders[key] else {
            return string(fallbackKey, args: ["code": key], language: language, bundle: bundle)
        }
        let format = template(key, language: language, bundle: bundle ?? .module)
        return order.isEmpty ? format : substitute(format, values: order.map { args[$0] ?? "" })
    }

    /// The catalog's value of `key`: the compiled table when there is one, else the catalog.
    static func template(_ key: String, language: String?, bundle: Bundle) -> String {
        let missing = "\u{1}missing"
        var table = bundle
        if let language, let path = bundle.path(forResource: language, ofType: "lproj"),
           let localized = Bundle(path: path) {
            table = localized
        }
        let compiled = table.localizedString(forKey: key, value: missing, table: "Localizable")
        if compiled != missing {
            return compiled
        }
        let catalog = bundle == Bundle.module ? moduleCatalog : Catalog.load(from: bundle)
        let chosen = language ?? preferredLanguage(Locale.preferredLanguages)
        return catalog?.value(key, language: chosen) ?? catalog?.value(key, language: "en") ?? key
    }

    /// The first of the user's languages the catalog has, by language and script
    /// (zh-CN, zh-SG and zh-Hans-HK read Simplified Chinese; zh-TW and zh-Hant read the source).
    static func preferredLanguage(_ preferences: [String]) -> String {
        for preference in preferences {
            let parts = preference.replacingOccurrences(of: "_", with: "-").lowercased().split(separator: "-")
            guard let language = parts.first else { continue }
            if language == "en" {
                return "en"
            }
            if language == "zh" {
                let rest = Set(parts.dropFirst().map(String.init))
                if rest.contains("hans") { return "zh-Hans" }
                if rest.contains("hant") || !rest.isDisjoint(with: ["tw", "hk", "mo"]) { continue }
                return "zh-Hans"
            }
        }
        return "en"
    }

    /// `format` with `%N$@` (and `%@`, in turn) replaced by `values` and `%%` by `%`: how a
    /// catalog's value with placeholders is filled in (also for an app's own catalog).
    public static func substitute(_ format: String, values: [String]) -> String {
        var out = ""
        var next = 0
        var rest = Substring(format)
        while let percent = rest.firstIndex(of: "%") {
            out += rest[..<percent]
            rest = rest[rest.index(after: percent)...]
            if rest.first == "%" {
                out += "%"
                rest = rest.dropFirst()
                continue
            }
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            let afterDigits = rest.dropFirst(digits.count)
            if !digits.isEmpty, afterDigits.hasPrefix("$@"), let n = Int(digits), n >= 1 {
                out += n <= values.count ? values[n - 1] : ""
                rest = afterDigits.dropFirst(2)
            } else if rest.first == "@" {
                out += next < values.count ? values[next] : ""
                next += 1
                rest = rest.dropFirst()
            } else {
                out += "%"
            }
        }
        return out + rest
    }

    private static let moduleCatalog = Catalog.load(from: .module)

    /// The part of a String Catalog read here.
    struct Catalog: Decodable {
        struct Entry: Decodable {
            let localizations: [String: Localization]?
        }
        struct Localization: Decodable {
            let stringUnit: StringUnit?
        }
        struct StringUnit: Decodable {
            let value: String
        }

        let strings: [String: Entry]

        static func load(from bundle: Bundle) -> Catalog? {
            guard let url = bundle.url(forResource: "Localizable", withExtension: "xcstrings"),
                  let data = try? Data(contentsOf: url) else {
                return nil
            }
            return try? JSONDecoder().decode(Catalog.self, from: data)
        }

        func value(_ key: String, language: String) -> String? {
            strings[key]?.localizations?[language]?.stringUnit?.value
        }
    }
}

extension PasskeysText {
    /// This text in the user's language (or `language`, one of ``PasskeysTexts/languages``).
    public func localized(language: String? = nil) -> String {
        var values: [String: String] = [:]
        for arg in args where values[arg.name] == nil {
            values[arg.name] = arg.value
        }
        return PasskeysTexts.string(key, args: values, language: language)
    }
}
