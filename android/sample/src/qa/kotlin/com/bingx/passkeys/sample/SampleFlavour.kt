package com.bingx.passkeys.sample

import android.app.Activity
import android.content.Context
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
 * screen, the reference server's outbox for the emailed codes and its identity provider. Talks plain http to
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

    override suspend fun config(context: Context): PasskeysConfig = PasskeysConfig(
        baseUrl = BuildConfig.SERVER_URL,
        rpId = BuildConfig.RP_ID,
        androidApkKeyHashes = emptyList(),
        allowInsecureLoopback = true,
        // Pinned from the QA server itself; a store build carries the production key.
        policyKey = withContext(Dispatchers.IO) { testkit.policyKey() },
    )

    override fun platform(context: Context, activity: () -> Activity?): PlatformAuthenticator = passwordManager.platform

    override suspend fun deliveredCode(email: String, purpose: String): String? =
        withContext(Dispatchers.IO) { runCatching { testkit.code(email, purpose) }.getOrNull() }

    override suspend fun idToken(provider: String): String? =
        withContext(Dispatchers.IO) { testkit.idToken(provider, startEmail) }

    /** What the software password manager does at the next ceremonies: each fault, and none. */
    override val faults: List<SampleFault> =
        listOf(SampleFault("No fault") { passwordManager.setFault(null) }) +
            QaFault.entries.map { fault -> SampleFault(fault.label) { passwordManager.setFault(fault) } }
}
