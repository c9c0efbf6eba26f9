package com.bingx.passkeys.sample

import android.app.Activity
import android.os.Bundle
import android.provider.Settings
import android.text.InputType
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import com.bingx.passkeys.Factor
import com.bingx.passkeys.InternalException
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.Scenario
import com.bingx.passkeys.SignInStep
import com.bingx.passkeys.android.KeystoreSecureStore
import com.bingx.passkeys.android.passkeysText
import com.bingx.passkeys.errorIsRetryable
import com.bingx.passkeys.errorText
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Job
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import java.io.IOException

/**
 * The sample: sign in (J2), Enable (J1), sign in with a passkey (J3), the Passkeys page (J5) and a
 * withdrawal's passkey verification (J6), each a button, against the server of the build's flavour.
 * Every failure a user can meet ends as a line on screen, never a crash.
 */
class SampleActivity : Activity() {
    private val scope = MainScope()
    private lateinit var log: TextView
    private lateinit var email: EditText
    private lateinit var password: EditText
    private var client: PasskeysClient? = null
    private var running: Job? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        log = TextView(this)
        email = EditText(this).apply {
            hint = "Email"
            inputType = InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_EMAIL_ADDRESS
            setText(SampleFlavour.startEmail)
        }
        password = EditText(this).apply {
            hint = "Password"
            inputType = InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_PASSWORD
            setText(SampleFlavour.startPassword)
        }
        val column = LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            addView(TextView(context).apply { text = "BingX Passkeys sample (${SampleFlavour.name})" })
            addView(email)
            addView(password)
            addView(button("Sign in") { signIn(it) })
            addView(button("Enable passkeys") { enable(it) })
            addView(button("Sign in with a passkey") { it.signIn().use { s -> s.withPasskey() }; say("Signed in with a passkey.") })
            addView(button("Passkeys page") { passkeysPage(it) })
            addView(button("Verify a withdrawal") { withdrawal(it) })
            addView(button("Sign out") { it.signIn().use { s -> s.signOut() }; say("Signed out.") })
            SampleFlavour.controls(this@SampleActivity, ::say)?.let(::addView)
            addView(log)
        }
        setContentView(ScrollView(this).apply { addView(column) })
    }

    override fun onDestroy() {
        scope.cancel() // cancels a running ceremony too; the journey stays retryable
        client?.close()
        super.onDestroy()
    }

    private fun say(line: String) {
        log.append("$line\n")
    }

    private fun button(label: String, action: suspend (PasskeysClient) -> Unit) = Button(this).apply {
        text = label
        setOnClickListener { act(label, action) }
    }

    /** Runs [action] with the client; whatever goes wrong is told on screen. */
    private fun act(label: String, action: suspend (PasskeysClient) -> Unit) {
        if (running?.isActive == true) {
            say("Still busy; wait for the current step.")
            return
        }
        running = scope.launch {
            say("— $label")
            try {
                action(client())
            } catch (e: CancellationException) {
                throw e
            } catch (e: PasskeysException) {
                // The variant is for code (e is PasskeysException.Cancelled, …); the user reads
                // its text, in the app's language, from the library's string resources.
                say(passkeysText(errorText(e)))
                if (errorIsRetryable(e)) say("You can try again.")
            } catch (e: InternalException) {
                say("Stopped by an error in the library (a bug, not your doing).")
            } catch (e: SampleNotReady) {
                say(e.message.orEmpty())
            } catch (e: IOException) {
                say("The server cannot be reached (${e.javaClass.simpleName}).")
            } catch (e: UnsatisfiedLinkError) {
                say("The library is missing for this device (${e.javaClass.simpleName}).")
            } catch (e: Exception) {
                // Anything else (a QA server's unexpected answer, the keystore): named, not shown
                // in detail, since a message could carry what the user typed.
                say("Stopped: ${e.javaClass.simpleName}.")
            }
        }
    }

    /** One client per screen, on the phone's Keystore-backed store; built at the first tap. */
    private suspend fun client(): PasskeysClient = client ?: run {
        (application as SampleApplication).startFailure?.let { throw SampleNotReady("The library did not start: $it.") }
        val config = SampleFlavour.config()
        PasskeysClient(config, SampleFlavour.platform(this), KeystoreSecureStore(this)).also { client = it }
    }

    private fun deviceId(): String = Settings.Secure.getString(contentResolver, Settings.Secure.ANDROID_ID) ?: "sample"

    private suspend fun signIn(client: PasskeysClient) {
        val account = email.text.toString().trim()
        client.signIn().use { signIn ->
            when (val step = signIn.withPassword(account, password.text.toString(), deviceId(), null)) {
                is SignInStep.CodeRequired -> {
                    val code = SampleFlavour.emailedCode(this, account, "login")
                    signIn.completeWithCode(step.loginId, Factor.EMAIL, code, false)?.close()
                }
                is SignInStep.PasskeyRequired -> {
                    say("This account needs its passkey.")
                    signIn.completeWithPasskey(step.loginId)
                }
                is SignInStep.SignedIn -> Unit
            }
        }
        say("Signed in as $account.")
    }

    private suspend fun enable(client: PasskeysClient) {
        client.enable().use { flow ->
            flow.checkDevice()
            say(passkeysText(flow.warning()))
            flow.acknowledgeWarning()
            flow.startStepUp()
            val code = SampleFlavour.emailedCode(this, email.text.toString().trim(), "step_up")
            flow.finishStepUp(password.text.toString(), Factor.EMAIL, code)
            val added = flow.createPasskey(null)
            say("Enabled: passkey required = ${added.policy.passkeyRequired}.")
        }
    }

    private suspend fun passkeysPage(client: PasskeysClient) {
        val passkeys = client.passkeys().use { it.list() }
        if (passkeys.isEmpty()) say("No passkeys.")
        passkeys.forEach { say("${it.name} — ${it.provider}${if (it.backedUp) ", synced" else ", this device only"}") }
    }

    private suspend fun withdrawal(client: PasskeysClient) {
        val params = mapOf("asset" to "USDT", "address" to "TXsample", "amount" to "10")
        client.scenarios().use { scenarios ->
            // The proof goes with the withdrawal request it approves; it is never shown.
            scenarios.verify(Scenario.Withdrawal, params).use { say("Withdrawal of 10 USDT verified with your passkey.") }
        }
    }
}
