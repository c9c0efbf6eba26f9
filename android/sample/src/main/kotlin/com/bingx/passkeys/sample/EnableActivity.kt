package com.bingx.passkeys.sample

import android.app.Activity
import android.os.Bundle
import android.provider.Settings
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import com.bingx.passkeys.EnableFlow
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.SignInStep
import com.bingx.passkeys.android.CredentialManagerAuthenticator
import com.bingx.passkeys.android.JsonPlatformAuthenticator
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.json.JSONObject
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
                signIn(client)
                val flow = client.enableFlow()
                runEnable(flow)
                say("Passkeys: " + client.passkeys().joinToString { "${it.name} (${it.provider})" })
            }
        } catch (e: PasskeysException) {
            say("Stopped: ${e.javaClass.simpleName}") // the variant a UI switches on
        }
    }

    private suspend fun signIn(client: PasskeysClient) {
        val deviceId = Settings.Secure.getString(contentResolver, Settings.Secure.ANDROID_ID)
        when (val step = client.signInWithPassword(DEMO_EMAIL, DEMO_PASSWORD, deviceId, null)) {
            is SignInStep.CodeRequired -> client.completeSignIn(step.loginId, "email", outboxCode("login"), false)
            is SignInStep.PasskeyRequired -> client.completeSignInWithPasskey(step.loginId)
            is SignInStep.SignedIn -> Unit
        }
        say("Signed in as $DEMO_EMAIL")
    }

    private suspend fun runEnable(flow: EnableFlow) {
        flow.checkDevice()
        say(flow.warning())
        flow.acknowledgeWarning()
        flow.startStepUp()
        flow.finishStepUp(DEMO_PASSWORD, "email", outboxCode("step_up"))
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
