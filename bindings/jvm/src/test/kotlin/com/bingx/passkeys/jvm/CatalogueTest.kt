package com.bingx.passkeys.jvm

import com.bingx.passkeys.Factor
import com.bingx.passkeys.HealthReason
import com.bingx.passkeys.LoginId
import com.bingx.passkeys.LoginPath
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.ResetState
import com.bingx.passkeys.Scenario
import com.bingx.passkeys.SecureStore
import com.bingx.passkeys.ServerCode
import com.bingx.passkeys.SignInStep
import com.bingx.passkeys.android.JsonPlatformAuthenticator
import com.bingx.passkeys.jvm.authenticator.Json
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.authenticator.TwoPasswordManagers
import com.bingx.passkeys.jvm.authenticator.list
import com.bingx.passkeys.jvm.authenticator.obj
import com.bingx.passkeys.jvm.authenticator.str
import com.bingx.passkeys.jvm.testkit.TestAccount
import com.bingx.passkeys.jvm.testkit.TestkitServer
import com.bingx.passkeys.qa.TestkitApi
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.util.concurrent.ConcurrentHashMap

/**
 * The scenario catalogue (the JSON files of `scenarios/`, J1–J6, J8, J9) through the FFI: the Kotlin
 * twin of testkit/tests/catalogue.rs, each journey on a fresh reference server, each device with
 * the Kotlin password managers. Outcomes are named as the catalogue names them. The back office's
 * steps and the clock use the credential scripts/test-kotlin gives the server and the tests
 * (`PASSKEYS_TESTKIT_ADMIN_TOKEN`, inherited by `passkeys-testkit serve`).
 */
class CatalogueTest {
    @TestFactory
    fun `every journey of the catalogue passes`(): List<DynamicTest> {
        val dir = File(System.getProperty("passkeys.scenarios.dir") ?: error("passkeys.scenarios.dir is not set"))
        val files = dir.listFiles { f -> f.extension == "json" }.orEmpty().sortedBy { it.name }
        assertTrue(files.size >= 8, "one file per journey J1–J6, J8, J9 in $dir")
        return files.map { file -> DynamicTest.dynamicTest(file.nameWithoutExtension) { CatalogueRun(file).run() } }
    }
}

/** The app's keystore, in memory (the shell's KeystoreSecureStore in tests). */
class MemoryStore : SecureStore {
    val values = ConcurrentHashMap<String, String>()
    override fun get(name: String): String? = values[name]
    override fun set(name: String, value: String) { values[name] = value }
    override fun delete(name: String) { values.remove(name) }
}

private class Device(
    val client: PasskeysClient,
    val store: MemoryStore,
    val managers: Pair<KotlinAuthenticator, KotlinAuthenticator>,
    var loginId: LoginId? = null,
)

private class CatalogueRun(private val file: File) {
    private val accounts = mutableMapOf<String, TestAccount>()
    private val devices = mutableMapOf<String, Device>()
    private lateinit var server: TestkitServer
    private lateinit var journeys: Journeys
    private lateinit var api: TestkitApi

    fun run() = TestkitServer.start().use { started ->
        server = started
        journeys = Journeys(started)
        api = TestkitApi(started.baseUrl)
        try {
            Json.parse(file.readText()).list("steps").forEachIndexed { i, s ->
                val expected = s.str("expect") ?: "ok"
                val outcome = withDeadline {
                    try {
                        step(s)
                    } catch (e: PasskeysException) {
                        kind(e)
                    }
                }
                val ok = outcome == expected || (expected == "ok" && outcome in setOf("signed_in", "code_required"))
                assertTrue(ok, "${file.name} step $i ${Json.write(s)}: expected $expected, got $outcome")
            }
        } finally {
            devices.values.forEach { it.client.close() }
        }
    }

    /** The catalogue's name of an error: the variant in snake case, with the server's code. */
    private fun kind(e: PasskeysException): String = when (e) {
        is PasskeysException.ServerRefused -> "server_refused:${serverCode(e.code)}"
        else -> snake(e.javaClass.simpleName)
    }

    /** The server's stable code (`docs/openapi.yaml`) of a `ServerCode`: `CodeInvalid` → `CODE_INVALID`. */
    private fun serverCode(code: ServerCode): String = when (code) {
        is ServerCode.Other -> code.code
        else -> snake(code.javaClass.simpleName).uppercase()
    }

    private fun snake(name: String) = name.replace(Regex("([a-z0-9])([A-Z])"), "$1_$2").lowercase()

    private fun adminToken(): String = System.getenv("PASSKEYS_TESTKIT_ADMIN_TOKEN")
        ?: error("PASSKEYS_TESTKIT_ADMIN_TOKEN is not set: run scripts/test-kotlin")

    private fun device(step: Any?): Device = devices.getValue(step.str("device")!!)
    private fun account(step: Any?): TestAccount = accounts.getValue(step.str("account")!!)

    /** Does one step; returns the outcome's name. */
    private suspend fun step(step: Any?): String = when (val verb = step.str("do")) {
        "sign_up" -> "ok".also { step.str("account")!!.let { accounts[it] = server.http.signUp("$it@catalogue.test") } }
        "device" -> "ok".also { newDevice(step) }
        "sign_in" -> "signed_in".also { journeys.signIn(device(step).client, account(step), step.str("device")!!) }
        "password_login" -> {
            val a = account(step)
            next(device(step), device(step).client.signIn().withPassword(a.email, a.password, step.str("device")!!, null))
        }
        "code_login" -> {
            val code = runCatching { server.http.codeFor(account(step).email, "login") }.getOrDefault("000000")
            device(step).client.signIn().completeWithCode(checkNotNull(device(step).loginId) { "a code or passkey step before the password" }, Factor.EMAIL, code, false)
            "signed_in"
        }
        "passkey_login" -> "signed_in".also { device(step).client.signIn().completeWithPasskey(checkNotNull(device(step).loginId) { "a code or passkey step before the password" }) }
        "usernameless" -> "signed_in".also { device(step).client.signIn().withPasskey() }
        "enable" -> "ok".also { journeys.steppedUp(device(step).client, account(step)).createPasskey(null) }
        "check_path" -> "ok".also { device(step).client.signIn().checkPath(loginPath(step.str("path")!!)) }
        "third_party_login" -> {
            val provider = step.str("provider")!!
            device(step).client.signIn().withThirdParty(provider, server.http.idToken(provider, account(step).email))
            "signed_in"
        }
        "h5_login" -> {
            val a = account(step)
            next(null, device(step).client.signIn().withH5(a.email, a.password, "web"))
        }
        "rename", "delete" -> {
            val page = device(step).client.passkeys()
            val id = page.list()[((step as Map<*, *>)["index"] as Long? ?: 0L).toInt()].credentialId
            if (verb == "rename") page.rename(id, step.str("name")!!) else page.delete(id)
            "ok"
        }
        "add_passkey" -> "ok".also { device(step).client.passkeys().add(step.str("name")) }
        "disable" -> "ok".also { device(step).client.passkeys().turnOffRequirement() }
        "refresh_policy" -> "ok".also { device(step).client.passkeys().policy() }
        "server_policy" -> "ok".also { serverPolicy(step as Map<*, *>) }
        "withdraw" -> withdraw(step)
        "request_reset" -> "ok".also {
            val a = account(step)
            device(step).client.recovery().use { recovery ->
                recovery.request(a.email, a.password, step.str("device")!!)
                recovery.confirm(Factor.EMAIL, server.http.codeFor(a.email, "recovery"))
            }
        }
        "reset_status" -> "ok".also { resetStatus(step) }
        "approve_reset" -> {
            val (status, body) = api.approveReset(api.newestReset(account(step).email, adminToken()), adminToken())
            if (status == 200) "ok" else refusal(body)
        }
        "cancel_reset" -> "ok".also { device(step).client.recovery().use { it.cancel() } }
        "advance_clock" -> "ok".also { api.advanceClock(((step as Map<*, *>)["hours"] as Long) * 3600, adminToken()) }
        "expect_hold" -> {
            val hold = device(step).client.recovery().use { it.accountState() }.holdUntil
            assertEquals((step as Map<*, *>)["active"] ?: true, hold != null, "${Json.write(step)}: the hold ends at $hold")
            "ok"
        }
        "expect_health" -> "ok".also { expectHealth(step) }
        "dismiss_nudge" -> "ok".also { device(step).client.passkeys().dismissNudge() }
        "expect_policy" -> "ok".also { expectPolicy(step) }
        "expect_passkeys" -> "ok".also { expectPasskeys(step) }
        "expect_event" -> {
            val kinds = device(step).client.passkeys().activity().map { it.kind }
            assertTrue(step.str("kind") in kinds, "${step.str("kind")} missing: $kinds")
            "ok"
        }
        else -> error("unknown verb $verb")
    }

    private fun newDevice(step: Any?) {
        // A named password manager is a synced vault: the same passkeys on both devices.
        val managers = step.str("password_manager")?.let { devices.getValue(it).managers }
            ?: (KotlinAuthenticator() to KotlinAuthenticator())
        val store = MemoryStore()
        val platform = JsonPlatformAuthenticator(TwoPasswordManagers(managers.first, managers.second))
        devices[step.str("device")!!] = Device(PasskeysClient(server.config(), platform, store), store, managers)
    }

    private fun next(device: Device?, step: SignInStep): String = when (step) {
        is SignInStep.CodeRequired -> "code_required".also { device?.loginId = step.loginId }
        is SignInStep.PasskeyRequired -> "passkey_required".also { device?.loginId = step.loginId }
        is SignInStep.SignedIn -> "signed_in"
    }

    private fun loginPath(path: String) = when (path) {
        "h5" -> LoginPath.H5
        "third_party" -> LoginPath.THIRD_PARTY
        "password" -> LoginPath.PASSWORD
        else -> LoginPath.PASSKEY
    }

    private fun serverPolicy(step: Map<*, *>) {
        val scenarios = listOf("withdrawal", "security_settings", "api_keys").filter { it in step }.associateWith { step[it] }
        val reopen = listOf("reopen_h5_login", "reopen_third_party_login").filter { it in step }.associateWith { step[it] }
        server.http.adminPolicy(mapOf("scenarios" to scenarios) + reopen)
    }

    /** A withdrawal, as the app's own request: the session, and the passkey proof for exactly it. */
    private suspend fun withdraw(step: Any?): String {
        val amount = step.str("amount")!!
        val params = mapOf("asset" to "USDT", "address" to "TXcatalogue", "amount" to amount)
        val proof = if ((step as Map<*, *>)["with_proof"] == true) {
            device(step).client.scenarios().verify(Scenario.Withdrawal, params).proof()
        } else {
            null
        }
        val session = device(step).store.values[SESSION_TOKEN]
        val (status, body) = server.http.call("POST", "/v1/withdrawals", params + ("proof" to proof), bearer = session)
        return if (status == 200) "ok" else refusal(body)
    }

    /** A refusal of the runner's own request: a hold is `account_on_hold`, as the library names it. */
    private fun refusal(body: Any?): String = when (val code = body.obj("error").str("code")) {
        "ACCOUNT_ON_HOLD" -> "account_on_hold"
        else -> "server_refused:$code"
    }

    private suspend fun resetStatus(step: Any?) {
        val status = device(step).client.recovery().use { it.status() }
        val state = when (status?.state) {
            null -> "none"
            ResetState.PENDING -> "pending"
            ResetState.APPROVED -> "approved"
            ResetState.CANCELLED -> "cancelled"
            ResetState.REJECTED -> "rejected"
            ResetState.EXPIRED -> "expired"
        }
        assertEquals(step.str("state"), state, Json.write(step))
        (step as Map<*, *>)["hold"]?.let { assertEquals(it, status?.holdUntil != null, "${Json.write(step)}: $status") }
    }

    private suspend fun expectHealth(step: Any?) {
        val health = device(step).client.passkeys().health()
        val want = step as Map<*, *>
        val first = when (health.reasons.firstOrNull()) {
            null -> null
            HealthReason.SINGLE_PASSKEY -> "single_passkey"
            HealthReason.DEVICE_BOUND_ONLY -> "device_bound_only"
            HealthReason.OTHER -> "other"
        }
        want["at_risk"]?.let { assertEquals(it, health.atRisk, "${Json.write(step)}: $health") }
        want["reason"]?.let { assertEquals(it, first, "${Json.write(step)}: $health") }
        want["nudge"]?.let { assertEquals(it, health.nudge, "${Json.write(step)}: $health") }
    }

    private suspend fun expectPolicy(step: Any?) {
        val policy = device(step).client.passkeys().policy()
        val want = step as Map<*, *>
        want["passkey_required"]?.let { assertEquals(it, policy.passkeyRequired, Json.write(step)) }
        want["passkey_count"]?.let { assertEquals(it, policy.passkeyCount.toLong(), Json.write(step)) }
        want["withdrawal"]?.let { assertEquals(it, policy.scenarios.withdrawal, Json.write(step)) }
    }

    private suspend fun expectPasskeys(step: Any?) {
        val list = device(step).client.passkeys().list()
        val want = step as Map<*, *>
        want["count"]?.let { assertEquals(it, list.size.toLong(), Json.write(step)) }
        want["names"]?.let { assertEquals(it, list.map { p -> p.name }, Json.write(step)) }
    }

    private companion object {
        /** Where the library keeps the session in the app's keystore (core/src/store.rs). */
        const val SESSION_TOKEN = "com.bingx.passkeys/session-token"
    }
}
