package com.bingx.passkeys.ui

import com.bingx.passkeys.CreateRequest
import com.bingx.passkeys.GetRequest
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.PlatformAuthenticator
import com.bingx.passkeys.SoftwareFault
import com.bingx.passkeys.SoftwarePasswordManager
import com.bingx.passkeys.qa.QaMemoryStore
import com.bingx.passkeys.qa.TestkitApi
import com.bingx.passkeys.qa.host.TestkitProcess
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf

/**
 * `passkeys-testkit serve` as a child process on a free loopback port, its clock started at
 * [CLOCK_START] so that every date a screen shows is the same on every run.
 */
class Serve private constructor(private val process: TestkitProcess) : AutoCloseable {
    /** Where the server listens. */
    val baseUrl: String = process.baseUrl

    /** The test kit's own endpoints (sign-up, outbox codes, identity provider, policy). */
    val api = TestkitApi(baseUrl)

    /** The back office's credential of this server (the global policy needs it). */
    val adminToken: String = process.adminToken

    /** A client configuration for this server, pinning its policy-signing key. */
    fun config(): PasskeysConfig =
        PasskeysConfig(baseUrl, RP_ID, emptyList(), allowInsecureLoopback = true, policyKey = api.policyKey())

    override fun close() = process.close()

    companion object {
        const val RP_ID = "passkeys.bingx.test"

        /** 2026-06-01 09:00 UTC: the server's clock at start. */
        const val CLOCK_START = 1_780_304_400L

        fun start(): Serve = Serve(
            TestkitProcess.serve(RP_ID, listOf("--clock-start", CLOCK_START.toString()), builtBy = "scripts/screens"),
        )
    }
}

/**
 * One phone running the sample: the real library (QA build) on a keystore of its own, the
 * software password manager [manager] in place of the platform's sheet (shared between phones
 * it stands for a synced password manager), and the [SampleViewModel] the screens show.
 *
 * [shot] keeps the screen shown under a name; the password manager's sheet is kept at the moment
 * the library hands a ceremony to it (what the user sees beneath the sheet), under the name
 * given to [sheetNext].
 */
class Phone(
    val serve: Serve,
    val manager: SoftwarePasswordManager = SoftwarePasswordManager("https://${Serve.RP_ID}"),
    email: String? = null,
) : AutoCloseable {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private var sheetName: String? = null

    /** The screens kept so far, in order: (name, screen). */
    val shots = mutableListOf<Pair<String, Screen>>()

    /** Ceremonies handed to the password manager so far. */
    @Volatile
    var ceremonies = 0
        private set

    private val inner = manager.asPlatformAuthenticator()

    private val platform = object : PlatformAuthenticator by inner {
        override suspend fun create(request: CreateRequest): String {
            handedOver()
            return inner.create(request)
        }

        override suspend fun get(request: GetRequest): String {
            handedOver()
            return inner.get(request)
        }
    }

    val client = PasskeysClient(serve.config(), platform, QaMemoryStore())

    val model = SampleViewModel(
        client,
        deviceId = "sample-desktop",
        idTokens = { provider -> email?.let { serve.api.idToken(provider, it) } },
        scope = scope,
    )

    private fun handedOver() {
        ceremonies++
        sheetName?.let { shots += it to model.screen.value }
        sheetName = null
    }

    /** The screen shown now. */
    val screen: Screen get() = model.screen.value

    /** Does [action] and waits until the screen settles. */
    fun tap(action: SampleViewModel.() -> Unit): Screen {
        model.action()
        runBlocking { model.idle() }
        return screen
    }

    /** Keeps the screen shown as [name]. */
    fun shot(name: String): Screen = screen.also { shots += name to it }

    /** The next ceremony's sheet is kept as [name]. */
    fun sheetNext(name: String) {
        sheetName = name
    }

    /** The next ceremony fails as [fault] says (a cancelled sheet, …); null: they succeed. */
    fun fault(fault: SoftwareFault?) = manager.setFault(fault)

    override fun close() {
        model.close()
        client.close()
        scope.cancel()
    }
}

/** The sample's journeys, as the screenshots show them; each step also checks what the user sees. */
object Journeys {
    const val PASSWORD = "correct horse battery staple"
    const val EMAIL = "alice@example.com"

    /** Every screen of every journey, named `<journey>-<nn>-<what>`, against one fresh server. */
    fun all(): List<Pair<String, Screen>> = Serve.start().use { serve ->
        serve.api.signUp(EMAIL, PASSWORD)
        val shots = mutableListOf<Pair<String, Screen>>()
        val manager = Phone(serve).use { phone ->
            enable(phone, serve.api)
            shots += numbered("enable", phone.shots)
            phone.manager
        }
        // The policy puts withdrawals behind the passkey (server policy, BRIEF: later scenarios).
        serve.api.changePolicy(mapOf("scenarios" to mapOf("withdrawal" to true)), serve.adminToken)
        Phone(serve, manager, EMAIL).use { phone ->
            flagOn(phone, serve.api)
            shots += numbered("flagged", phone.shots)
            phone.shots.clear()
            enableAgain(phone, serve.api)
            shots += numbered("again", phone.shots)
        }
        shots
    }

    private fun numbered(journey: String, shots: List<Pair<String, Screen>>) =
        shots.mapIndexed { i, (name, screen) -> "%s-%02d-%s".format(journey, i + 1, name) to screen }

    /** J1: sign in with password and code, Security Center, Passkeys, Enable to the end. */
    fun enable(phone: Phone, api: TestkitApi) {
        phone.tap { start() }
        assertInstanceOf(Screen.SignIn::class.java, phone.shot("sign-in"))
        phone.model.emailChanged(EMAIL)
        phone.model.passwordChanged(PASSWORD)
        phone.shot("sign-in-filled")
        val code = assertInstanceOf(Screen.Code::class.java, phone.tap { signIn() })
        assertEquals(CodeFactor.EMAIL, code.factor)
        phone.shot("code")
        phone.model.codeChanged(api.code(EMAIL, "login"))
        val center = assertInstanceOf(Screen.SecurityCenter::class.java, phone.tap { submitCode() })
        assertEquals(false, center.passkeyRequired)
        phone.shot("security-center")
        val empty = assertInstanceOf(Screen.Passkeys::class.java, phone.tap { openPasskeys() })
        assertEquals(emptyList<PasskeyRow>(), empty.passkeys)
        phone.shot("passkeys-empty")
        val intro = assertInstanceOf(Screen.EnableIntro::class.java, phone.tap { startEnable() })
        assertEquals(true, intro.deviceReady)
        assertEquals("enable.warning", intro.warning.key)
        assertEquals(emptyList<ExistingPasskey>(), intro.existing, "a new account has no passkey to keep")
        phone.shot("enable-intro")
        assertInstanceOf(Screen.StepUp::class.java, phone.tap { acknowledgeWarning() })
        phone.shot("step-up")
        phone.model.passwordChanged(PASSWORD)
        phone.model.codeChanged(api.code(EMAIL, "step_up"))
        phone.sheetNext("sheet-create")
        val done = assertInstanceOf(Screen.EnableDone::class.java, phone.tap { submitStepUp() })
        assertEquals(1, phone.ceremonies)
        assertEquals(0, done.removedPasskeys)
        phone.shot("enable-done")
        assertEquals(done.passkey.name, done.passkey.name.trim())
        val on = assertInstanceOf(Screen.SecurityCenter::class.java, phone.tap { back() })
        assertEquals(true, on.passkeyRequired)
        assertEquals(1, on.passkeyCount)
        phone.shot("security-center-on")
        val page = assertInstanceOf(Screen.Passkeys::class.java, phone.tap { openPasskeys() })
        assertEquals(1, page.passkeys.size)
        assertEquals(true, page.health?.atRisk, "one passkey: one lost phone could lock the account out")
        phone.shot("passkeys")
    }

    /** J2–J6 with the flag on, on a new phone: blocked ways in, the passkey, manage, a withdrawal. */
    fun flagOn(phone: Phone, api: TestkitApi) {
        phone.tap { start() }
        phone.model.emailChanged(EMAIL)
        phone.model.passwordChanged(PASSWORD)
        val google = assertInstanceOf(Screen.SignIn::class.java, phone.tap { signInWith(OtherLogin.GOOGLE) })
        assertEquals("error.path_blocked.third_party", google.message?.text?.key)
        phone.shot("sign-in-google-blocked")
        val h5 = assertInstanceOf(Screen.SignIn::class.java, phone.tap { signInWith(OtherLogin.WEB_H5) })
        assertEquals("error.path_blocked.h5", h5.message?.text?.key)
        phone.shot("sign-in-web-blocked")
        assertInstanceOf(Screen.PasskeyRequired::class.java, phone.tap { signIn() })
        phone.shot("passkey-required")
        val refused = assertInstanceOf(Screen.PasskeyRequired::class.java, phone.tap { useCodeInstead() })
        assertEquals("error.passkey_required", refused.message?.text?.key)
        phone.shot("code-refused")
        phone.sheetNext("sheet-sign-in")
        val center = assertInstanceOf(Screen.SecurityCenter::class.java, phone.tap { continueWithPasskey() })
        assertEquals(true, center.passkeyRequired)
        val page = assertInstanceOf(Screen.Passkeys::class.java, phone.tap { openPasskeys() })
        val manage = assertInstanceOf(Screen.ManagePasskey::class.java, phone.tap { openPasskey(page.passkeys.single().id) })
        assertEquals(true, manage.isLast)
        phone.shot("manage")
        val last = assertInstanceOf(Screen.ManagePasskey::class.java, phone.tap { deletePasskey() })
        assertEquals("error.last_passkey", last.message?.text?.key)
        phone.shot("manage-last-refused")
        phone.tap { back() }
        assertInstanceOf(Screen.SecurityCenter::class.java, phone.tap { back() })
        assertInstanceOf(Screen.Withdrawal::class.java, phone.tap { openWithdrawal() })
        phone.shot("withdrawal")
        phone.sheetNext("sheet-verify")
        val verified = assertInstanceOf(Screen.Withdrawal::class.java, phone.tap { confirmWithdrawal() })
        assertEquals(true, verified.verified)
        phone.shot("withdrawal-verified")
    }

    /**
     * After [flagOn], on the same phone: the requirement turned off, then Enable again. Its first
     * step lists the passkey already there with its Keep switch off; left off, the passkey is
     * removed and this password manager's new one takes its place.
     */
    fun enableAgain(phone: Phone, api: TestkitApi) {
        assertInstanceOf(Screen.SecurityCenter::class.java, phone.tap { back() })
        val before = assertInstanceOf(Screen.Passkeys::class.java, phone.tap { openPasskeys() })
        val old = before.passkeys.single()
        val off = assertInstanceOf(Screen.Passkeys::class.java, phone.tap { turnOffRequirement() })
        assertEquals(false, off.passkeyRequired)
        val intro = assertInstanceOf(Screen.EnableIntro::class.java, phone.tap { startEnable() })
        assertEquals(true, intro.deviceReady)
        assertEquals(listOf(old.id), intro.existing?.map { it.passkey.id })
        assertEquals(listOf(false), intro.existing?.map { it.keep }, "not kept unless the user says so")
        phone.shot("enable-intro-existing")
        assertInstanceOf(Screen.StepUp::class.java, phone.tap { acknowledgeWarning() })
        phone.model.passwordChanged(PASSWORD)
        phone.model.codeChanged(api.code(EMAIL, "step_up"))
        val done = assertInstanceOf(Screen.EnableDone::class.java, phone.tap { submitStepUp() })
        assertEquals(1, done.removedPasskeys)
        assertEquals(false, done.passkey.id == old.id, "a new passkey, not the one removed")
        phone.shot("enable-done-removed")
        phone.tap { back() }
        val page = assertInstanceOf(Screen.Passkeys::class.java, phone.tap { openPasskeys() })
        assertEquals(listOf(done.passkey.id), page.passkeys.map { it.id })
    }
}
