package com.bingx.passkeys.sample

import android.app.ActivityOptions
import android.app.PendingIntent
import android.os.Build
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.BackHandler
import androidx.activity.compose.setContent
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.UnavailableReason
import com.bingx.passkeys.errorText
import com.bingx.passkeys.android.PasswordManagerSettings
import com.bingx.passkeys.ui.AndroidDates
import com.bingx.passkeys.ui.AndroidTexts
import com.bingx.passkeys.ui.LocalDateText
import com.bingx.passkeys.ui.LocalUiTexts
import com.bingx.passkeys.ui.OtherButton
import com.bingx.passkeys.ui.SampleScreen
import com.bingx.passkeys.ui.SampleTheme
import com.bingx.passkeys.ui.SampleViewModel
import com.bingx.passkeys.ui.Screen
import com.bingx.passkeys.ui.Tone
import com.bingx.passkeys.ui.UiText
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch

/**
 * The sample: the shared screens (android/ui, the same composables the desktop renders into the
 * screenshots) over one [PasskeysClient] on the phone's Keystore-backed store, against the
 * server of the build's flavour. Sign in (J2, J3), Enable (J1), the Passkeys page (J5), a
 * withdrawal's passkey verification (J6), and the refusals while passkeys are required (J4).
 * Whatever fails ends as a line on the screen, never a crash. Where that line is "no password
 * manager" (the device check's or a ceremony's), Android 14+ also offers a button to the system's
 * password-manager settings ([PasswordManagerSettings]).
 */
class SampleActivity : ComponentActivity() {
    /** This Activity's own work (showing the model); the journey's runs in the application's. */
    private val scope = MainScope()

    /** The system's password-manager settings (API 34+; null below), and the button's label. */
    private var settings: PendingIntent? = null
    private var settingsLabel = ""

    /** The key of the text the library gives "no password manager" (device check and ceremony alike). */
    private var noPasswordManager = ""

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val texts = AndroidTexts(this)
        val dates = AndroidDates(this)
        scope.launch {
            val model = try {
                start()
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                // The library refusing the build's configuration (its text, in the user's
                // language), the library missing for this ABI (the sample's own reason): said,
                // not crashed.
                val why = when (e) {
                    is PasskeysException -> texts.text(SampleViewModel.text(errorText(e)))
                    is SampleNotReady -> e.message.orEmpty()
                    else -> texts.text(SampleViewModel.INTERNAL)
                }
                setContent { SampleTheme { Text(why, Modifier.padding(24.dp)) } }
                return@launch
            }
            setContent {
                CompositionLocalProvider(LocalUiTexts provides texts, LocalDateText provides dates) {
                    SampleTheme {
                        val screen by model.screen.collectAsState()
                        BackHandler(enabled = screen !is Screen.SignIn && screen !is Screen.SecurityCenter) { model.back() }
                        // QA builds fill in the code the reference server's outbox holds; store builds
                        // leave it to the user.
                        val wants = codeWanted(screen, model.account)
                        LaunchedEffect(wants) {
                            wants?.let { (email, purpose) -> SampleFlavour.deliveredCode(email, purpose)?.let(model::codeChanged) }
                        }
                        Column(Modifier.fillMaxSize()) {
                            SampleScreen(screen, model, Modifier.weight(1f))
                            settings?.let { if (errorShown(screen)?.key == noPasswordManager) SettingsButton(it, !screen.busy) }
                            if (SampleFlavour.faults.isNotEmpty()) FaultSwitch()
                        }
                    }
                }
            }
        }
    }

    /** QA: what the software password manager does at the next ceremonies. */
    @Composable
    private fun FaultSwitch() {
        Row(Modifier.horizontalScroll(rememberScrollState()).padding(horizontal = 8.dp)) {
            for (fault in SampleFlavour.faults) {
                TextButton(onClick = fault.apply) { Text(fault.label) }
            }
        }
    }

    /**
     * Under a "no password manager" line: opens the system screen where the user turns one on. The
     * user comes back to the same screen and tries the step again (nothing reports the change).
     */
    @Composable
    private fun SettingsButton(settings: PendingIntent, enabled: Boolean) {
        OtherButton(settingsLabel, enabled, Modifier.padding(horizontal = 20.dp, vertical = 8.dp).fillMaxWidth()) {
            openSettings(settings)
        }
    }

    private fun openSettings(settings: PendingIntent) {
        // Never reached below API 34 (PasswordManagerSettings gives null there); the check is for lint.
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.UPSIDE_DOWN_CAKE) return
        // An app targeting Android 14+ opts in to start an Activity through a PendingIntent it sends.
        val options = ActivityOptions.makeBasic()
            .setPendingIntentBackgroundActivityStartMode(ActivityOptions.MODE_BACKGROUND_ACTIVITY_START_ALLOWED)
        try {
            settings.send(options.toBundle())
        } catch (e: PendingIntent.CanceledException) {
            // No settings screen answered on this device: the line above still says what to do.
        }
    }

    /** The error line [screen] shows, if any. */
    private fun errorShown(screen: Screen): UiText? = when (screen) {
        is Screen.SignIn -> screen.message
        is Screen.Code -> screen.message
        is Screen.PasskeyRequired -> screen.message
        is Screen.SecurityCenter -> screen.notice
        is Screen.Passkeys -> screen.message
        is Screen.EnableIntro -> screen.message
        is Screen.StepUp -> screen.message
        is Screen.ManagePasskey -> screen.message
        is Screen.Withdrawal -> screen.message
        is Screen.PlatformSheet, is Screen.EnableDone -> null
    }?.takeIf { it.tone == Tone.ERROR }?.text

    private suspend fun start(): SampleViewModel {
        val app = application as SampleApplication
        app.startFailure?.let { throw SampleNotReady("The library did not start: $it.") }
        settings = PasswordManagerSettings.pendingIntent(app)
        settingsLabel = getString(R.string.bingx_sample_enable__password_manager_settings)
        noPasswordManager = errorText(PasskeysException.DeviceNotReady(UnavailableReason.NoPasswordManager)).key
        // The process's model and client; the sheets show over the Activity in front at each
        // ceremony (app.currentActivity), so nothing keeps this Activity past a rotation.
        return app.model(installId())
    }

    /**
     * This install's device id: a random UUID made at the first start and kept with the app's
     * data, rather than ANDROID_ID, which the developer's other apps and analytics SDKs read too.
     */
    private fun installId(): String {
        val prefs = getSharedPreferences("com.bingx.passkeys.sample", MODE_PRIVATE)
        prefs.getString("install_id", null)?.let { return it }
        val id = java.util.UUID.randomUUID().toString()
        prefs.edit().putString("install_id", id).apply()
        return id
    }

    /** The account and purpose of the code the screen asks for, while its field is empty. */
    private fun codeWanted(screen: Screen, account: String): Pair<String, String>? = when (screen) {
        is Screen.Code -> (account to "login").takeIf { screen.code.isEmpty() }
        is Screen.StepUp -> (account to "step_up").takeIf { screen.code.isEmpty() }
        else -> null
    }

    override fun onDestroy() {
        // Only this Activity's work: a ceremony runs in the application's scope
        // (SampleApplication.model), so a rotation during the sheet does not cancel it, and the
        // next Activity shows where it stands.
        scope.cancel()
        super.onDestroy()
    }
}
