// Generated from i18n/texts.toml by scripts/texts: do not edit. Edit the table, then run scripts/texts.
package com.bingx.passkeys.android

import android.content.Context
import com.bingx.passkeys.R
import com.bingx.passkeys.PasskeysText

/**
 * The core's texts (a key of core/src/text.rs and its placeholders' values) as this library's
 * string resources, `values/bingx_passkeys_strings.xml` and its translations. A resource is named
 * `bingx_passkeys_` + the key with each `.` written `__`.
 */
object PasskeysTexts {
    /** A key's string resource and its placeholders, in the order of the resource's `%1$s`, `%2$s`… */
    class Entry(val resId: Int, val placeholders: List<String>)

    /** What a key this library has no string for shows, with the key as its `{code}`. */
    const val FALLBACK_KEY: String = "error.server.other"

    private val entries: Map<String, Entry> = mapOf(
        "activity.blocked_h5_login" to Entry(R.string.bingx_passkeys_activity__blocked_h5_login, emptyList()),
        "activity.blocked_third_party_login" to Entry(R.string.bingx_passkeys_activity__blocked_third_party_login, emptyList()),
        "activity.counter_regression" to Entry(R.string.bingx_passkeys_activity__counter_regression, emptyList()),
        "activity.flag_off" to Entry(R.string.bingx_passkeys_activity__flag_off, emptyList()),
        "activity.flag_on" to Entry(R.string.bingx_passkeys_activity__flag_on, emptyList()),
        "activity.new_device_login" to Entry(R.string.bingx_passkeys_activity__new_device_login, emptyList()),
        "activity.other" to Entry(R.string.bingx_passkeys_activity__other, emptyList()),
        "activity.passkey_added" to Entry(R.string.bingx_passkeys_activity__passkey_added, emptyList()),
        "activity.passkey_removed" to Entry(R.string.bingx_passkeys_activity__passkey_removed, emptyList()),
        "activity.passkey_renamed" to Entry(R.string.bingx_passkeys_activity__passkey_renamed, emptyList()),
        "activity.password_changed" to Entry(R.string.bingx_passkeys_activity__password_changed, emptyList()),
        "activity.refused_otp_login" to Entry(R.string.bingx_passkeys_activity__refused_otp_login, emptyList()),
        "activity.reset_approved" to Entry(R.string.bingx_passkeys_activity__reset_approved, emptyList()),
        "activity.reset_cancelled" to Entry(R.string.bingx_passkeys_activity__reset_cancelled, emptyList()),
        "activity.reset_rejected" to Entry(R.string.bingx_passkeys_activity__reset_rejected, emptyList()),
        "activity.reset_requested" to Entry(R.string.bingx_passkeys_activity__reset_requested, emptyList()),
        "activity.signed_out_device_bound" to Entry(R.string.bingx_passkeys_activity__signed_out_device_bound, emptyList()),
        "activity.withdrawal_hold" to Entry(R.string.bingx_passkeys_activity__withdrawal_hold, emptyList()),
        "enable.warning" to Entry(R.string.bingx_passkeys_enable__warning, emptyList()),
        "error.account_on_hold" to Entry(R.string.bingx_passkeys_error__account_on_hold, listOf("until")),
        "error.already_registered" to Entry(R.string.bingx_passkeys_error__already_registered, emptyList()),
        "error.cancelled" to Entry(R.string.bingx_passkeys_error__cancelled, emptyList()),
        "error.device_not_ready.account_missing" to Entry(R.string.bingx_passkeys_error__device_not_ready__account_missing, emptyList()),
        "error.device_not_ready.no_password_manager" to Entry(R.string.bingx_passkeys_error__device_not_ready__no_password_manager, emptyList()),
        "error.device_not_ready.no_screen_lock" to Entry(R.string.bingx_passkeys_error__device_not_ready__no_screen_lock, emptyList()),
        "error.device_not_ready.os_too_old" to Entry(R.string.bingx_passkeys_error__device_not_ready__os_too_old, emptyList()),
        "error.device_not_ready.other" to Entry(R.string.bingx_passkeys_error__device_not_ready__other, listOf("detail")),
        "error.domain_not_associated" to Entry(R.string.bingx_passkeys_error__domain_not_associated, emptyList()),
        "error.downgrade_refused" to Entry(R.string.bingx_passkeys_error__downgrade_refused, emptyList()),
        "error.in_progress" to Entry(R.string.bingx_passkeys_error__in_progress, emptyList()),
        "error.interrupted" to Entry(R.string.bingx_passkeys_error__interrupted, emptyList()),
        "error.invalid_config" to Entry(R.string.bingx_passkeys_error__invalid_config, listOf("detail")),
        "error.invalid_name" to Entry(R.string.bingx_passkeys_error__invalid_name, emptyList()),
        "error.invalid_response" to Entry(R.string.bingx_passkeys_error__invalid_response, emptyList()),
        "error.keystore_failed" to Entry(R.string.bingx_passkeys_error__keystore_failed, emptyList()),
        "error.last_passkey" to Entry(R.string.bingx_passkeys_error__last_passkey, emptyList()),
        "error.network" to Entry(R.string.bingx_passkeys_error__network, emptyList()),
        "error.no_credential" to Entry(R.string.bingx_passkeys_error__no_credential, emptyList()),
        "error.not_allowed_in_this_state.accept_warning" to Entry(R.string.bingx_passkeys_error__not_allowed_in_this_state__accept_warning, emptyList()),
        "error.not_allowed_in_this_state.check_device" to Entry(R.string.bingx_passkeys_error__not_allowed_in_this_state__check_device, emptyList()),
        "error.not_allowed_in_this_state.request_code" to Entry(R.string.bingx_passkeys_error__not_allowed_in_this_state__request_code, emptyList()),
        "error.not_allowed_in_this_state.request_recovery_code" to Entry(R.string.bingx_passkeys_error__not_allowed_in_this_state__request_recovery_code, emptyList()),
        "error.not_allowed_in_this_state.sign_in_with_password" to Entry(R.string.bingx_passkeys_error__not_allowed_in_this_state__sign_in_with_password, emptyList()),
        "error.not_allowed_in_this_state.verify_step_up" to Entry(R.string.bingx_passkeys_error__not_allowed_in_this_state__verify_step_up, emptyList()),
        "error.not_initialized" to Entry(R.string.bingx_passkeys_error__not_initialized, emptyList()),
        "error.not_signed_in" to Entry(R.string.bingx_passkeys_error__not_signed_in, emptyList()),
        "error.not_supported" to Entry(R.string.bingx_passkeys_error__not_supported, emptyList()),
        "error.passkey_required" to Entry(R.string.bingx_passkeys_error__passkey_required, emptyList()),
        "error.password_manager_failed" to Entry(R.string.bingx_passkeys_error__password_manager_failed, emptyList()),
        "error.path_blocked.h5" to Entry(R.string.bingx_passkeys_error__path_blocked__h5, emptyList()),
        "error.path_blocked.third_party" to Entry(R.string.bingx_passkeys_error__path_blocked__third_party, emptyList()),
        "error.policy_unavailable" to Entry(R.string.bingx_passkeys_error__policy_unavailable, emptyList()),
        "error.reset_not_needed" to Entry(R.string.bingx_passkeys_error__reset_not_needed, emptyList()),
        "error.server.account_exists" to Entry(R.string.bingx_passkeys_error__server__account_exists, emptyList()),
        "error.server.account_on_hold" to Entry(R.string.bingx_passkeys_error__server__account_on_hold, emptyList()),
        "error.server.admin_required" to Entry(R.string.bingx_passkeys_error__server__admin_required, emptyList()),
        "error.server.busy" to Entry(R.string.bingx_passkeys_error__server__busy, emptyList()),
        "error.server.ceremony_expired" to Entry(R.string.bingx_passkeys_error__server__ceremony_expired, emptyList()),
        "error.server.code_invalid" to Entry(R.string.bingx_passkeys_error__server__code_invalid, emptyList()),
        "error.server.counter_regression" to Entry(R.string.bingx_passkeys_error__server__counter_regression, emptyList()),
        "error.server.id_token_invalid" to Entry(R.string.bingx_passkeys_error__server__id_token_invalid, emptyList()),
        "error.server.invalid_credentials" to Entry(R.string.bingx_passkeys_error__server__invalid_credentials, emptyList()),
        "error.server.login_expired" to Entry(R.string.bingx_passkeys_error__server__login_expired, emptyList()),
        "error.server.other" to Entry(R.string.bingx_passkeys_error__server__other, listOf("code")),
        "error.server.passkey_limit" to Entry(R.string.bingx_passkeys_error__server__passkey_limit, emptyList()),
        "error.server.passkey_not_accepted" to Entry(R.string.bingx_passkeys_error__server__passkey_not_accepted, emptyList()),
        "error.server.passkey_not_found" to Entry(R.string.bingx_passkeys_error__server__passkey_not_found, emptyList()),
        "error.server.registration_rejected" to Entry(R.string.bingx_passkeys_error__server__registration_rejected, emptyList()),
        "error.server.reset_cooling_off" to Entry(R.string.bingx_passkeys_error__server__reset_cooling_off, emptyList()),
        "error.server.reset_not_found" to Entry(R.string.bingx_passkeys_error__server__reset_not_found, emptyList()),
        "error.server.reset_not_pending" to Entry(R.string.bingx_passkeys_error__server__reset_not_pending, emptyList()),
        "error.server.too_many_attempts" to Entry(R.string.bingx_passkeys_error__server__too_many_attempts, emptyList()),
        "error.server.too_many_codes" to Entry(R.string.bingx_passkeys_error__server__too_many_codes, emptyList()),
        "error.step_up_required" to Entry(R.string.bingx_passkeys_error__step_up_required, emptyList()),
        "error.timed_out" to Entry(R.string.bingx_passkeys_error__timed_out, emptyList()),
        "error.untrusted_server" to Entry(R.string.bingx_passkeys_error__untrusted_server, emptyList()),
        "health.action.add_second_password_manager" to Entry(R.string.bingx_passkeys_health__action__add_second_password_manager, emptyList()),
        "health.action.add_synced_passkey" to Entry(R.string.bingx_passkeys_health__action__add_synced_passkey, emptyList()),
        "health.action.other" to Entry(R.string.bingx_passkeys_health__action__other, emptyList()),
        "health.new_device_warning" to Entry(R.string.bingx_passkeys_health__new_device_warning, listOf("model", "os")),
        "health.nudge" to Entry(R.string.bingx_passkeys_health__nudge, emptyList()),
        "health.ok" to Entry(R.string.bingx_passkeys_health__ok, emptyList()),
        "health.reason.device_bound_only" to Entry(R.string.bingx_passkeys_health__reason__device_bound_only, emptyList()),
        "health.reason.other" to Entry(R.string.bingx_passkeys_health__reason__other, emptyList()),
        "health.reason.single_passkey" to Entry(R.string.bingx_passkeys_health__reason__single_passkey, emptyList()),
        "health.sign_out_warning" to Entry(R.string.bingx_passkeys_health__sign_out_warning, emptyList()),
        "recovery.hold" to Entry(R.string.bingx_passkeys_recovery__hold, listOf("until")),
        "recovery.pending_notice" to Entry(R.string.bingx_passkeys_recovery__pending_notice, listOf("approvable_at")),
        "recovery.state.approved" to Entry(R.string.bingx_passkeys_recovery__state__approved, emptyList()),
        "recovery.state.cancelled" to Entry(R.string.bingx_passkeys_recovery__state__cancelled, emptyList()),
        "recovery.state.expired" to Entry(R.string.bingx_passkeys_recovery__state__expired, emptyList()),
        "recovery.state.pending" to Entry(R.string.bingx_passkeys_recovery__state__pending, listOf("approvable_at")),
        "recovery.state.rejected" to Entry(R.string.bingx_passkeys_recovery__state__rejected, emptyList()),
    )

    /** Every key with a string. */
    val keys: Set<String> get() = entries.keys

    /** The string resource of `key`, or null when this library has none. */
    fun entry(key: String): Entry? = entries[key]
}

/** [text] in this context's language (the app's locale, per-app language included). */
fun Context.passkeysText(text: PasskeysText): String =
    passkeysText(text.key, text.args.associate { it.name to it.value })

/**
 * The text of [key] in this context's language, with [args]' values in its placeholders. A
 * missing value shows as nothing; an unknown key shows [PasskeysTexts.FALLBACK_KEY]'s text, which
 * names the key. Never throws for either.
 */
fun Context.passkeysText(key: String, args: Map<String, String>): String {
    val entry = PasskeysTexts.entry(key)
        ?: return passkeysText(PasskeysTexts.FALLBACK_KEY, mapOf("code" to key))
    if (entry.placeholders.isEmpty()) return getString(entry.resId)
    val values = entry.placeholders.map { args[it].orEmpty() }.toTypedArray()
    return getString(entry.resId, *values)
}
