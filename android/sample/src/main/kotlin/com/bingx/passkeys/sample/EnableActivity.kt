package com.bingx.passkeys.sample

import android.app.Activity
import android.os.Bundle
import android.provider.Settings
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import com.bingx.passkeys.EnableFlow
import com.bingx.passkeys.Factor
import com.bingx.passkeys.InternalException
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.SignIn
import com.bingx.passkeys.SignInStep
import com.bingx.passkeys.android.CredentialManagerAuthenticator
import com.bingx.passkeys.android.JsonPlatformAuthenticator
import com.bingx.passkeys.android.passkeysText
import com.bingx.passkeys.errorIsRetryable
import com.bingx.passkeys.errorText
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.json.JSONException
import org.json.JSONObject
import java.io.IOException
import java.net.URL
import java.net.URLEncoder

/**
 * One screen, one button: journey J1 (Enable) for the seeded demo account of
 * `passkeys-testkit serve`, with the real Credential Manager. The emailed codes are read from the
 * reference server's test outbox, which only a QA server has.
 */
class EnableActivity : Activity() {
    private val scope = MainScope()
    private lateinit var log: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        log = TextView(this)
        val enable = Button(this).apply {
            text = "Enable passkeys"
            setOnClickListener { scope.launch { enable() } }
        }
        setContentView(LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            addView(enable)
            addView(ScrollView(context).apply { addView(log) })
        })
    }

    override fun onDestroy() {
        scope.cancel() // cancels a running ceremony too; the flow stays retryable
        super.onDestroy()
    }

    private fun say(line: String) = log.append("$line\n")

    private suspend fun enable() {
        val platform = JsonPlatformAuthenticator(CredentialManagerAuthenticator(this))
        val config = PasskeysConfig(
            baseUrl = BuildConfig.SERVER_URL,
            rpId = BuildConfig.RP_ID,
            androidApkKeyHashes = listOf(BuildConfig.APK_KEY_HASH).filter { it.isNotEmpty() },
            allowInsecureLoopback = BuildConfig.SERVER_URL.startsWith("http://127.0.0.1"),
        )
        try {
            PasskeysClient.newWithInMemoryStore(config, platform).use { client ->
                client.signIn().use { signIn(it) }
                client.enable().use { runEnable(it) }
                val passkeys = client.passkeys().use { it.list() }
                say("Passkeys: " + passkeys.joinToString { "${it.name} (${it.provider})" })
            }
        } catch (e: PasskeysException) {
            // The variant is for code (e is PasskeysException.Cancelled, …); the user reads its
            // text, in the app's language, from the library's string resources.
            say(passkeysText(errorText(e)))
            if (errorIsRetryable(e)) say("Tap Enable to try again.")
        } catch (e: InternalException) {
            say("Stopped by a library error: ${e.message}") // a bug, not the user's doing
        } catch (e: IOException) {
            say("The QA server's outbox is unreachable: $e")
        } catch (e: JSONException) {
            say("The QA server's outbox is unreadable: $e")
        } catch (e: NoSuchElementException) {
            say("The QA server's outbox has no code yet: $e")
        }
    }

    private suspend fun signIn(signIn: SignIn) {
        val deviceId = Settings.Secure.getString(contentResolver, Settings.Secure.ANDROID_ID)
        when (val step = signIn.withPassword(DEMO_EMAIL, DEMO_PASSWORD, deviceId, null)) {
            is SignInStep.CodeRequired ->
                signIn.completeWithCode(step.loginId, Factor.EMAIL, outboxCode("login"), false)?.close()
            is SignInStep.PasskeyRequired -> signIn.completeWithPasskey(step.loginId)
            is SignInStep.SignedIn -> Unit
        }
        say("Signed in as $DEMO_EMAIL")
    }

    private suspend fun runEnable(flow: EnableFlow) {
        flow.checkDevice()
        say(passkeysText(flow.warning()))
        flow.acknowledgeWarning()
        flow.startStepUp()
        flow.finishStepUp(DEMO_PASSWORD, Factor.EMAIL, outboxCode("step_up"))
        val outcome = flow.createPasskey(null)
        say("Enabled: passkey required = ${outcome.policy.passkeyRequired}")
    }

    /** The newest emailed code for [purpose], from the QA server's outbox. */
    private suspend fun outboxCode(purpose: String): String = withContext(Dispatchers.IO) {
        val url = URL("${BuildConfig.SERVER_URL}/v1/testkit/outbox?to=" + URLEncoder.encode(DEMO_EMAIL, "UTF-8"))
        val messages = JSONObject(url.readText()).getJSONArray("messages")
        (messages.length() - 1 downTo 0).map { messages.getJSONObject(it) }
            .first { it.getString("purpose") == purpose }
            .getString("code")
    }

    private companion object {
        // The first demo account of `passkeys-testkit serve` (see its banner).
        const val DEMO_EMAIL = "alice@demo.bingx.test"
        const val DEMO_PASSWORD = "correct horse battery"
    }
}
