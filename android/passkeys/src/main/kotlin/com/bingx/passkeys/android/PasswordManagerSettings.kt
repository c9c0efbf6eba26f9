package com.bingx.passkeys.android

import android.annotation.SuppressLint
import android.app.PendingIntent
import android.content.Context
import android.os.Build
import androidx.credentials.CredentialManager

/**
 * The system screen where the user turns a password manager (Android's "credential provider")
 * on: what to offer next to `PasskeysException.DeviceNotReady(UnavailableReason.NoPasswordManager)`,
 * whether the device check said it or a ceremony did (Credential Manager's
 * `CreateCredentialNoCreateOptionException`, a provider turned off). An app cannot ask which
 * providers are on (there is no such API for relying parties); it can only send the user there.
 *
 * The intent is androidx.credentials' `CredentialManager.createSettingsPendingIntent()`, which
 * exists from Android 14 (API 34, the framework Credential Manager). Below that there is no such
 * screen to open and [pendingIntent] is null: show the error's text alone, which already says
 * where to look.
 *
 * Send it from the Activity in front, on API 34+ with the sender's background-start opt-in (an
 * app targeting Android 14+ must give it when it starts an Activity through a PendingIntent), and
 * treat `PendingIntent.CanceledException` as "no settings screen on this device":
 * ```kotlin
 * PasswordManagerSettings.pendingIntent(context)?.let { settings ->
 *     if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.UPSIDE_DOWN_CAKE) {
 *         val options = ActivityOptions.makeBasic()
 *             .setPendingIntentBackgroundActivityStartMode(ActivityOptions.MODE_BACKGROUND_ACTIVITY_START_ALLOWED)
 *         try { settings.send(options.toBundle()) } catch (e: PendingIntent.CanceledException) { /* keep the text */ }
 *     }
 * }
 * ```
 * After the user comes back, run the step again (the device check, or the ceremony): nothing
 * reports whether they turned a provider on.
 */
public object PasswordManagerSettings {
    /** The first API level with the settings screen (Android 14); below it [pendingIntent] is null. */
    public const val MIN_SDK: Int = 34

    /**
     * The PendingIntent that opens the password-manager settings on API 34+, from the device's
     * Credential Manager for [context] (its application context is used); null below API 34.
     */
    @JvmStatic
    public fun pendingIntent(context: Context): PendingIntent? =
        pendingIntent(Build.VERSION.SDK_INT) { CredentialManager.create(context.applicationContext ?: context) }

    /**
     * The same from [credentialManager] (the one the app already holds): its
     * `createSettingsPendingIntent()` on API 34+, null below API 34.
     */
    @JvmStatic
    public fun pendingIntent(credentialManager: CredentialManager): PendingIntent? =
        pendingIntent(Build.VERSION.SDK_INT) { credentialManager }

    /**
     * The gate over [sdkInt]: the public functions pass `Build.VERSION.SDK_INT`, the JVM tests
     * their own. [credentialManager] is asked for nothing (not even made) below [MIN_SDK].
     */
    // Lint cannot see that sdkInt is Build.VERSION.SDK_INT outside the tests.
    @SuppressLint("NewApi")
    internal fun pendingIntent(sdkInt: Int, credentialManager: () -> CredentialManager): PendingIntent? =
        if (sdkInt >= MIN_SDK) credentialManager().createSettingsPendingIntent() else null
}
