package com.bingx.passkeys.sample

import android.app.Activity
import android.view.View
import android.widget.LinearLayout
import android.widget.RadioButton
import android.widget.RadioGroup
import android.widget.TextView
import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.PlatformAuthenticator
import com.bingx.passkeys.qa.QaFault
import com.bingx.passkeys.qa.SoftwareQaPasswordManager
import com.bingx.passkeys.qa.TestkitApi
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * The QA build: the software password manager of the QA bindings (`SoftwarePasswordManager`, through
 * the QA kit's `SoftwareQaPasswordManager`; an emulator needs no Google
 * Password Manager; its passkeys live as long as the app's process), its faults switchable on
 * screen, and the reference server's outbox for the emailed codes. Talks plain http to
 * `passkeys-testkit serve` on the host: the library through `adb reverse` to 127.0.0.1
 * ([BuildConfig.SERVER_URL]), the outbox and the policy key at 10.0.2.2 ([BuildConfig.TESTKIT_URL]).
 */
object SampleFlavour : Flavour {
    override val name = "qa: software password manager"

    /** The first demo account `passkeys-testkit serve` seeds (its banner lists them). */
    override val startEmail = "alice@demo.bingx.test"
    override val startPassword = "correct horse battery"

    private val testkit = TestkitApi(BuildConfig.TESTKIT_URL)

    /** One software password manager per process, so its passkeys outlive a rotated screen. */
    private val passwordManager by lazy { SoftwareQaPasswordManager("https://${BuildConfig.RP_ID}") }

    override suspend fun config(): PasskeysConfig = PasskeysConfig(
        baseUrl = BuildConfig.SERVER_URL,
        rpId = BuildConfig.RP_ID,
        androidApkKeyHashes = emptyList(),
        allowInsecureLoopback = true,
        // Pinned from the QA server itself; a store build carries the production key.
        policyKey = withContext(Dispatchers.IO) { testkit.policyKey() },
    )

    override fun platform(activity: Activity): PlatformAuthenticator = passwordManager.platform

    override suspend fun emailedCode(activity: Activity, email: String, purpose: String): String =
        withContext(Dispatchers.IO) { testkit.code(email, purpose) }

    /** The QA screen's fault switch: what the software password manager does at the next ceremonies. */
    override fun controls(activity: Activity, say: (String) -> Unit): View? {
        val group = RadioGroup(activity)
        val choices = listOf<QaFault?>(null) + QaFault.entries
        choices.forEachIndexed { i, fault ->
            group.addView(RadioButton(activity).apply {
                id = i + 1
                text = fault?.label ?: "No fault (works normally)"
            })
        }
        group.check(1)
        group.setOnCheckedChangeListener { _, checked ->
            val fault = choices.getOrNull(checked - 1)
            passwordManager.setFault(fault)
            say("Password manager: ${fault?.label ?: "no fault"}.")
        }
        return LinearLayout(activity).apply {
            orientation = LinearLayout.VERTICAL
            addView(TextView(activity).apply { text = "QA: password manager fault" })
            addView(group)
        }
    }
}
