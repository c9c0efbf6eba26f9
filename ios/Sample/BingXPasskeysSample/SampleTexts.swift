// Generated from i18n/sample.toml by scripts/texts: do not edit. Edit the table, then run scripts/texts.
import Foundation

/// The sample's own texts (the `sample.*` keys of i18n/sample.toml) in the user's language, from
/// this app's `Localizable.xcstrings` in `Bundle.main`.
///
/// Xcode compiles the catalog into `<language>.lproj/Localizable.strings` in the app; a build
/// outside Xcode copies it as it is. Both are read, with Foundation only, as the library's
/// `PasskeysTexts` reads its own. The library's keys are not here: the sample asks
/// `PasskeysTexts` for those.
enum SampleTexts {
    /// Each key's placeholders, in the order of its `%1$@`, `%2$@`… in the catalog.
    static let placeholders: [String: [String]] = [
        "sample.action.back": [],
        "sample.app.title": [],
        "sample.code.field": [],
        "sample.code.sent.authenticator": [],
        "sample.code.sent.email": ["email"],
        "sample.code.sent.sms": [],
        "sample.code.submit": [],
        "sample.code.title": [],
        "sample.enable.acknowledge": [],
        "sample.enable.checking": [],
        "sample.enable.device_ready": [],
        "sample.enable.intro": [],
        "sample.enable.title": [],
        "sample.enable_done.body": [],
        "sample.enable_done.done": [],
        "sample.enable_done.signed_out": ["count"],
        "sample.enable_done.title": [],
        "sample.error.internal": [],
        "sample.manage.confirm_note": [],
        "sample.manage.delete": [],
        "sample.manage.last": [],
        "sample.manage.name": [],
        "sample.manage.provider": [],
        "sample.manage.rename": [],
        "sample.manage.title": [],
        "sample.passkey_required.body": ["email"],
        "sample.passkey_required.continue": [],
        "sample.passkey_required.title": [],
        "sample.passkey_required.use_code": [],
        "sample.passkeys.add": [],
        "sample.passkeys.added": ["date"],
        "sample.passkeys.deleted": [],
        "sample.passkeys.device_only": [],
        "sample.passkeys.dismiss": [],
        "sample.passkeys.empty": [],
        "sample.passkeys.enable": [],
        "sample.passkeys.health": [],
        "sample.passkeys.last_used": ["date"],
        "sample.passkeys.never_used": [],
        "sample.passkeys.renamed": [],
        "sample.passkeys.synced": [],
        "sample.passkeys.title": [],
        "sample.passkeys.turn_off": [],
        "sample.passkeys.turned_off": [],
        "sample.retry_hint": [],
        "sample.security_center.account": ["email"],
        "sample.security_center.authenticator": [],
        "sample.security_center.feature": [],
        "sample.security_center.off": [],
        "sample.security_center.on": [],
        "sample.security_center.passkey_count": ["count"],
        "sample.security_center.password": [],
        "sample.security_center.sign_out": [],
        "sample.security_center.title": [],
        "sample.security_center.withdraw": [],
        "sample.sheet.body": [],
        "sample.sheet.create": [],
        "sample.sheet.sign_in": [],
        "sample.sheet.stand_in": [],
        "sample.sheet.verify": [],
        "sample.sign_in.apple": [],
        "sample.sign_in.email": [],
        "sample.sign_in.google": [],
        "sample.sign_in.others": [],
        "sample.sign_in.password": [],
        "sample.sign_in.submit": [],
        "sample.sign_in.telegram": [],
        "sample.sign_in.title": [],
        "sample.sign_in.web": [],
        "sample.sign_in.with_passkey": [],
        "sample.step_up.body": [],
        "sample.step_up.submit": [],
        "sample.step_up.title": [],
        "sample.withdrawal.address": [],
        "sample.withdrawal.amount": [],
        "sample.withdrawal.asset": [],
        "sample.withdrawal.confirm": [],
        "sample.withdrawal.needs_passkey": [],
        "sample.withdrawal.title": [],
        "sample.withdrawal.verified": [],
    ]

    /// The catalog's languages; the first is its source language.
    static let languages: [String] = ["en", "zh-Hans"]

    /// The text of `key` in the user's language with `args`' values in its placeholders (a
    /// missing value shows as nothing); `key` itself when it is not one of the sample's.
    static func text(_ key: String, _ args: [String: String] = [:]) -> String {
        guard let order = placeholders[key] else {
            return key
        }
        let format = template(key, bundle: .main)
        return order.isEmpty ? format : substitute(format, values: order.map { args[$0] ?? "" })
    }

    /// The catalog's value of `key`: the compiled table when there is one, else the catalog.
    static func template(_ key: String, bundle: Bundle) -> String {
        let missing = "\u{1}missing"
        let compiled = bundle.localizedString(forKey: key, value: missing, table: "Localizable")
        if compiled != missing {
            return compiled
        }
        let catalog = bundle == Bundle.main ? mainCatalog : Catalog.load(from: bundle)
        let chosen = preferredLanguage(Locale.preferredLanguages)
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

    /// `format` with `%N$@` (and `%@`, in turn) replaced by `values` and `%%` by `%`.
    static func substitute(_ format: String, values: [String]) -> String {
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

    private static let mainCatalog = Catalog.load(from: .main)

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
