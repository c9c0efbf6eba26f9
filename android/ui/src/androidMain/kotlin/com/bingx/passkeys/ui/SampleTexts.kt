// Generated from i18n/sample.toml by scripts/texts: do not edit. Edit the table, then run scripts/texts.
package com.bingx.passkeys.ui

import android.content.Context
import com.bingx.passkeys.sample.R

/**
 * The sample's own texts (the `sample.*` keys of i18n/sample.toml) as the sample app's string
 * resources, `values/bingx_sample_strings.xml` and its translations. A resource is named
 * `bingx_sample_` + the key without `sample.`, each `.` written `__`.
 */
object SampleTexts {
    /** A key's string resource and its placeholders, in the order of the resource's `%1$s`, `%2$s`… */
    class Entry(val resId: Int, val placeholders: List<String>)

    private val entries: Map<String, Entry> = mapOf(
        "sample.action.back" to Entry(R.string.bingx_sample_action__back, emptyList()),
        "sample.app.title" to Entry(R.string.bingx_sample_app__title, emptyList()),
        "sample.code.field" to Entry(R.string.bingx_sample_code__field, emptyList()),
        "sample.code.sent.authenticator" to Entry(R.string.bingx_sample_code__sent__authenticator, emptyList()),
        "sample.code.sent.email" to Entry(R.string.bingx_sample_code__sent__email, listOf("email")),
        "sample.code.sent.sms" to Entry(R.string.bingx_sample_code__sent__sms, emptyList()),
        "sample.code.submit" to Entry(R.string.bingx_sample_code__submit, emptyList()),
        "sample.code.title" to Entry(R.string.bingx_sample_code__title, emptyList()),
        "sample.enable.acknowledge" to Entry(R.string.bingx_sample_enable__acknowledge, emptyList()),
        "sample.enable.checking" to Entry(R.string.bingx_sample_enable__checking, emptyList()),
        "sample.enable.device_ready" to Entry(R.string.bingx_sample_enable__device_ready, emptyList()),
        "sample.enable.existing_note" to Entry(R.string.bingx_sample_enable__existing_note, emptyList()),
        "sample.enable.existing_title" to Entry(R.string.bingx_sample_enable__existing_title, emptyList()),
        "sample.enable.intro" to Entry(R.string.bingx_sample_enable__intro, emptyList()),
        "sample.enable.keep" to Entry(R.string.bingx_sample_enable__keep, emptyList()),
        "sample.enable.password_manager_settings" to Entry(R.string.bingx_sample_enable__password_manager_settings, emptyList()),
        "sample.enable.title" to Entry(R.string.bingx_sample_enable__title, emptyList()),
        "sample.enable_done.body" to Entry(R.string.bingx_sample_enable_done__body, emptyList()),
        "sample.enable_done.done" to Entry(R.string.bingx_sample_enable_done__done, emptyList()),
        "sample.enable_done.removed" to Entry(R.string.bingx_sample_enable_done__removed, listOf("count")),
        "sample.enable_done.signed_out" to Entry(R.string.bingx_sample_enable_done__signed_out, listOf("count")),
        "sample.enable_done.title" to Entry(R.string.bingx_sample_enable_done__title, emptyList()),
        "sample.error.internal" to Entry(R.string.bingx_sample_error__internal, emptyList()),
        "sample.manage.confirm_note" to Entry(R.string.bingx_sample_manage__confirm_note, emptyList()),
        "sample.manage.delete" to Entry(R.string.bingx_sample_manage__delete, emptyList()),
        "sample.manage.last" to Entry(R.string.bingx_sample_manage__last, emptyList()),
        "sample.manage.name" to Entry(R.string.bingx_sample_manage__name, emptyList()),
        "sample.manage.provider" to Entry(R.string.bingx_sample_manage__provider, emptyList()),
        "sample.manage.rename" to Entry(R.string.bingx_sample_manage__rename, emptyList()),
        "sample.manage.title" to Entry(R.string.bingx_sample_manage__title, emptyList()),
        "sample.passkey_required.body" to Entry(R.string.bingx_sample_passkey_required__body, listOf("email")),
        "sample.passkey_required.continue" to Entry(R.string.bingx_sample_passkey_required__continue, emptyList()),
        "sample.passkey_required.title" to Entry(R.string.bingx_sample_passkey_required__title, emptyList()),
        "sample.passkey_required.use_code" to Entry(R.string.bingx_sample_passkey_required__use_code, emptyList()),
        "sample.passkeys.add" to Entry(R.string.bingx_sample_passkeys__add, emptyList()),
        "sample.passkeys.added" to Entry(R.string.bingx_sample_passkeys__added, listOf("date")),
        "sample.passkeys.deleted" to Entry(R.string.bingx_sample_passkeys__deleted, emptyList()),
        "sample.passkeys.device_only" to Entry(R.string.bingx_sample_passkeys__device_only, emptyList()),
        "sample.passkeys.dismiss" to Entry(R.string.bingx_sample_passkeys__dismiss, emptyList()),
        "sample.passkeys.empty" to Entry(R.string.bingx_sample_passkeys__empty, emptyList()),
        "sample.passkeys.enable" to Entry(R.string.bingx_sample_passkeys__enable, emptyList()),
        "sample.passkeys.health" to Entry(R.string.bingx_sample_passkeys__health, emptyList()),
        "sample.passkeys.last_used" to Entry(R.string.bingx_sample_passkeys__last_used, listOf("date")),
        "sample.passkeys.never_used" to Entry(R.string.bingx_sample_passkeys__never_used, emptyList()),
        "sample.passkeys.renamed" to Entry(R.string.bingx_sample_passkeys__renamed, emptyList()),
        "sample.passkeys.synced" to Entry(R.string.bingx_sample_passkeys__synced, emptyList()),
        "sample.passkeys.title" to Entry(R.string.bingx_sample_passkeys__title, emptyList()),
        "sample.passkeys.turn_off" to Entry(R.string.bingx_sample_passkeys__turn_off, emptyList()),
        "sample.passkeys.turned_off" to Entry(R.string.bingx_sample_passkeys__turned_off, emptyList()),
        "sample.retry_hint" to Entry(R.string.bingx_sample_retry_hint, emptyList()),
        "sample.security_center.account" to Entry(R.string.bingx_sample_security_center__account, listOf("email")),
        "sample.security_center.authenticator" to Entry(R.string.bingx_sample_security_center__authenticator, emptyList()),
        "sample.security_center.cancel_reset" to Entry(R.string.bingx_sample_security_center__cancel_reset, emptyList()),
        "sample.security_center.feature" to Entry(R.string.bingx_sample_security_center__feature, emptyList()),
        "sample.security_center.off" to Entry(R.string.bingx_sample_security_center__off, emptyList()),
        "sample.security_center.on" to Entry(R.string.bingx_sample_security_center__on, emptyList()),
        "sample.security_center.passkey_count" to Entry(R.string.bingx_sample_security_center__passkey_count, listOf("count")),
        "sample.security_center.password" to Entry(R.string.bingx_sample_security_center__password, emptyList()),
        "sample.security_center.sign_out" to Entry(R.string.bingx_sample_security_center__sign_out, emptyList()),
        "sample.security_center.title" to Entry(R.string.bingx_sample_security_center__title, emptyList()),
        "sample.security_center.withdraw" to Entry(R.string.bingx_sample_security_center__withdraw, emptyList()),
        "sample.sheet.body" to Entry(R.string.bingx_sample_sheet__body, emptyList()),
        "sample.sheet.create" to Entry(R.string.bingx_sample_sheet__create, emptyList()),
        "sample.sheet.sign_in" to Entry(R.string.bingx_sample_sheet__sign_in, emptyList()),
        "sample.sheet.stand_in" to Entry(R.string.bingx_sample_sheet__stand_in, emptyList()),
        "sample.sheet.verify" to Entry(R.string.bingx_sample_sheet__verify, emptyList()),
        "sample.sign_in.apple" to Entry(R.string.bingx_sample_sign_in__apple, emptyList()),
        "sample.sign_in.email" to Entry(R.string.bingx_sample_sign_in__email, emptyList()),
        "sample.sign_in.google" to Entry(R.string.bingx_sample_sign_in__google, emptyList()),
        "sample.sign_in.others" to Entry(R.string.bingx_sample_sign_in__others, emptyList()),
        "sample.sign_in.password" to Entry(R.string.bingx_sample_sign_in__password, emptyList()),
        "sample.sign_in.submit" to Entry(R.string.bingx_sample_sign_in__submit, emptyList()),
        "sample.sign_in.telegram" to Entry(R.string.bingx_sample_sign_in__telegram, emptyList()),
        "sample.sign_in.title" to Entry(R.string.bingx_sample_sign_in__title, emptyList()),
        "sample.sign_in.web" to Entry(R.string.bingx_sample_sign_in__web, emptyList()),
        "sample.sign_in.with_passkey" to Entry(R.string.bingx_sample_sign_in__with_passkey, emptyList()),
        "sample.step_up.body" to Entry(R.string.bingx_sample_step_up__body, emptyList()),
        "sample.step_up.submit" to Entry(R.string.bingx_sample_step_up__submit, emptyList()),
        "sample.step_up.title" to Entry(R.string.bingx_sample_step_up__title, emptyList()),
        "sample.withdrawal.address" to Entry(R.string.bingx_sample_withdrawal__address, emptyList()),
        "sample.withdrawal.amount" to Entry(R.string.bingx_sample_withdrawal__amount, emptyList()),
        "sample.withdrawal.asset" to Entry(R.string.bingx_sample_withdrawal__asset, emptyList()),
        "sample.withdrawal.confirm" to Entry(R.string.bingx_sample_withdrawal__confirm, emptyList()),
        "sample.withdrawal.needs_passkey" to Entry(R.string.bingx_sample_withdrawal__needs_passkey, emptyList()),
        "sample.withdrawal.title" to Entry(R.string.bingx_sample_withdrawal__title, emptyList()),
        "sample.withdrawal.verified" to Entry(R.string.bingx_sample_withdrawal__verified, emptyList()),
    )

    /** Every key with a string. */
    val keys: Set<String> get() = entries.keys

    /**
     * The text of [key] in [context]'s language with [args]' values in its placeholders (a
     * missing value shows as nothing); null when [key] is not one of the sample's.
     */
    fun text(context: Context, key: String, args: Map<String, String>): String? {
        val entry = entries[key] ?: return null
        if (entry.placeholders.isEmpty()) return context.getString(entry.resId)
        return context.getString(entry.resId, *entry.placeholders.map { args[it].orEmpty() }.toTypedArray())
    }
}
