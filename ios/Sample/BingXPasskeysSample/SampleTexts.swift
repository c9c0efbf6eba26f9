// Generated from i18n/sample.toml by scripts/texts: do not edit. Edit the table, then run scripts/texts.
import BingXPasskeys
import Foundation

/// The sample's own texts (the `sample.*` keys of i18n/sample.toml) in the user's language, from
/// this app's `Localizable.xcstrings` (Xcode compiles it into the app bundle).
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
        "sample.enable.existing_note": [],
        "sample.enable.existing_title": [],
        "sample.enable.intro": [],
        "sample.enable.keep": [],
        "sample.enable.password_manager_settings": [],
        "sample.enable.title": [],
        "sample.enable_done.body": [],
        "sample.enable_done.done": [],
        "sample.enable_done.removed": ["count"],
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
        "sample.security_center.cancel_reset": [],
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

    /// The text of `key` with `args`' values in its placeholders (a missing value shows as
    /// nothing); nil when `key` is not one of the sample's.
    static func text(_ key: String, _ args: [String: String] = [:]) -> String? {
        guard let order = placeholders[key] else {
            return nil
        }
        let format = Bundle.main.localizedString(forKey: key, value: key, table: "Localizable")
        return order.isEmpty ? format : PasskeysTexts.substitute(format, values: order.map { args[$0] ?? "" })
    }
}
