package com.bingx.passkeys.qa

import com.bingx.passkeys.Factor
import com.bingx.passkeys.HealthReason
import com.bingx.passkeys.LoginId
import com.bingx.passkeys.LoginPath
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.ResetState
import com.bingx.passkeys.Scenario
import com.bingx.passkeys.SecureStore
import com.bingx.passkeys.ServerCode
import com.bingx.passkeys.SignInStep
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.UUID
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.ConcurrentHashMap

/**
 * Where a QA run goes: the reference server (`passkeys-testkit serve`) as the library reaches it
 * ([serverUrl]) and as the kit's own calls to its test endpoints reach it ([testkitUrl]; the same
 * server), its relying party id (`serve --rp-id`), and the back office's credential
 * ([adminToken]: the `PASSKEYS_TESTKIT_ADMIN_TOKEN` the server was started with), which J8's
 * back-office and clock steps and the steps that change the server's global policy need; without
 * it those steps fail and say so.
 *
 * On an emulator the library talks to `http://127.0.0.1:8787` through `adb reverse` (the core
 * allows plain http to loopback only, and only with [allowInsecureLoopback]) and the kit to
 * `http://10.0.2.2:8787`, the emulator's name for the host.
 */
data class QaTarget(
    val serverUrl: String,
    val rpId: String,
    val testkitUrl: String = serverUrl,
    val allowInsecureLoopback: Boolean = serverUrl.startsWith("http://"),
    val adminToken: String? = null,
) {
    /** Never the credential. */
    override fun toString(): String =
        "QaTarget(serverUrl=$serverUrl, rpId=$rpId, testkitUrl=$testkitUrl, adminToken=${if (adminToken == null) "none" else "set"})"
}

/** The first step of a journey whose outcome was not the expected one. */
data class StepFailure(
    /** The step's position in the file, from 0. */
    val index: Int,
    /** The step as the file writes it. */
    val step: String,
    /** The outcome the file expects. */
    val expected: String,
    /** The outcome the run produced (an error kind, a next step, or `failed`). */
    val got: String,
    /** What went wrong, in words (an error's fields, a check's values); never a secret. */
    val detail: String,
)

/** What one journey of the catalogue did. */
data class JourneyReport(
    /** The journey (`J1` … `J9`). */
    val journey: String,
    /** The journey's title from its file. */
    val title: String,
    /** Steps that met their expectation. */
    val stepsPassed: Int,
    /** Steps in the file. */
    val steps: Int,
    /** The step that did not, or `null` when the journey passed. */
    val failure: StepFailure?,
) {
    /** Whether every step met its expectation. */
    val passed: Boolean get() = failure == null

    /** One line for a log or a screen: `J2 passed (13 steps)`, or where and how it failed. */
    fun summary(): String = failure?.let {
        "$journey FAILED at step ${it.index} of $steps: ${it.step}\n" +
            "  expected ${it.expected}, got ${it.got}${if (it.detail.isEmpty()) "" else " (${it.detail})"}"
    } ?: "$journey passed ($steps steps): $title"
}

/** A device's keystore in a QA run: one app install of the journey, in memory. */
class QaMemoryStore : SecureStore {
    private val values = ConcurrentHashMap<String, String>()

    override fun get(name: String): String? = values[name]

    override fun set(name: String, value: String) {
        values[name] = value
    }

    override fun delete(name: String) {
        values.remove(name)
    }
}

/**
 * Runs journeys of the scenario catalogue (the JSON files of `scenarios/`, and of `android/qa/scenarios/` for
 * the QA-only J7) through the Kotlin package against a running `passkeys-testkit serve`: the
 * same files the Rust and JVM catalogue tests run, with the password managers [passwordManagers]
 * makes (the software password manager in QA builds). Plain Kotlin: a JVM test and the
 * emulator's instrumented test both call [run].
 *
 * Unlike the Rust and JVM tests, which start a fresh server per journey, the kit shares one
 * long-running server with people: every account a journey signs up is made unique to this run
 * ([runId]) and journey, and the server's global policy is put back as it was when a journey ends.
 * The clock is not put back: J8's `advance_clock` steps move the server's time forward for
 * everyone on it (about four days per run), so sessions others hold there end sooner.
 */
class CatalogueRunner(
    private val target: QaTarget,
    private val passwordManagers: QaPasswordManagers,
    private val runId: String = UUID.randomUUID().toString().take(8),
) {
    private val api = TestkitApi(target.testkitUrl)
    private val journeysRun = AtomicInteger()

    /** Runs the journey file [json]; stops at the first step whose outcome is not the expected one. */
    suspend fun run(json: String): JourneyReport {
        val file = QaJson.parse(json)
        val journey = file.str("journey") ?: throw QaJsonException("a journey file needs \"journey\"")
        val steps = file.list("steps")
        val policyBefore = io { api.policy() }
        val run = Run(policyKey = io { api.policyKey() }, tag = "$runId-${journeysRun.incrementAndGet()}")
        var passed = 0
        try {
            steps.forEachIndexed { i, step ->
                val expected = step.str("expect") ?: "ok"
                val (got, detail) = run.outcome(step)
                val ok = got == expected || (expected == "ok" && got in setOf("signed_in", "code_required"))
                if (!ok) {
                    val failure = StepFailure(i, QaJson.write(step), expected, got, detail)
                    return JourneyReport(journey, file.str("title").orEmpty(), passed, steps.size, failure)
                }
                passed++
            }
            return JourneyReport(journey, file.str("title").orEmpty(), passed, steps.size, null)
        } finally {
            run.close()
            // Only a journey that changed the policy (which took the credential) puts it back.
            target.adminToken?.let { token ->
                if (io { api.policy() } != policyBefore) io { api.restorePolicy(policyBefore, token) }
            }
        }
    }

    private class Device(
        val client: PasskeysClient,
        val store: QaMemoryStore,
        val managers: TwoPasswordManagers,
        var loginId: LoginId? = null,
    )

    /** One journey's accounts and devices; [tag] makes its account emails and device ids its own. */
    private inner class Run(private val policyKey: ByteArray?, private val tag: String) : AutoCloseable {
        private val accounts = mutableMapOf<String, QaAccount>()
        private val devices = mutableMapOf<String, Device>()

        override fun close() = devices.values.forEach { it.client.close() }

        /** The step's outcome and, when it went wrong, what happened. */
        suspend fun outcome(step: Any?): Pair<String, String> = try {
            withTimeout(STEP_TIMEOUT_MS) { doStep(step) } to ""
        } catch (e: PasskeysException.ServerRefused) {
            kind(e) to "HTTP ${e.status}"
        } catch (e: PasskeysException) {
            kind(e) to (e.message ?: "").take(DETAIL_LIMIT)
        } catch (e: TimeoutCancellationException) {
            "failed" to "no outcome within ${STEP_TIMEOUT_MS / 1000} s"
        } catch (e: CancellationException) {
            throw e
        } catch (e: StepCheckFailed) {
            "failed" to e.message.orEmpty()
        } catch (e: Exception) {
            // The kit's own trouble (server unreachable, a bad file, a library bug): a failure
            // of the step, named by its class; its message holds no secret.
            "failed" to "${e.javaClass.simpleName}: ${e.message.orEmpty().take(DETAIL_LIMIT)}"
        }

        private fun device(step: Any?): Device {
            val name = step.str("device") ?: throw QaJsonException("this step needs \"device\"")
            return devices[name] ?: throw QaJsonException("no device \"$name\" yet")
        }

        private fun account(step: Any?): QaAccount {
            val name = step.str("account") ?: throw QaJsonException("this step needs \"account\"")
            return accounts[name] ?: throw QaJsonException("no account \"$name\" yet")
        }

        private fun arg(step: Any?, name: String): String =
            step.str(name) ?: throw QaJsonException("this step needs \"$name\"")

        /** Does one step; returns the outcome's name. */
        private suspend fun doStep(step: Any?): String = when (val verb = step.str("do")) {
            "sign_up" -> "ok".also {
                val name = arg(step, "account")
                accounts[name] = io { api.signUp("$name.$tag@qa.catalogue.test") }
            }
            "device" -> "ok".also { newDevice(step) }
            "fault" -> "ok".also { device(step).managers.setFault(QaFault.named(arg(step, "fault"))) }
            "sign_in" -> signIn(device(step), account(step), arg(step, "device"))
            "password_login" -> {
                val a = account(step)
                next(device(step), device(step).client.signIn().withPassword(a.email, a.password, deviceId(step), null))
            }
            "code_login" -> {
                val code = io { runCatching { api.code(account(step).email, "login") }.getOrDefault("000000") }
                device(step).client.signIn().completeWithCode(checkNotNull(device(step).loginId) { "a code or passkey step before the password" }, Factor.EMAIL, code, false)
                "signed_in"
            }
            "passkey_login" -> "signed_in".also { device(step).client.signIn().completeWithPasskey(checkNotNull(device(step).loginId) { "a code or passkey step before the password" }) }
            "usernameless" -> "signed_in".also { device(step).client.signIn().withPasskey() }
            "enable" -> "ok".also { enable(device(step), account(step)) }
            "check_path" -> "ok".also { device(step).client.signIn().checkPath(loginPath(arg(step, "path"))) }
            "third_party_login" -> {
                val provider = arg(step, "provider")
                val token = io { api.idToken(provider, account(step).email) }
                device(step).client.signIn().withThirdParty(provider, token)
                "signed_in"
            }
            "h5_login" -> {
                val a = account(step)
                next(null, device(step).client.signIn().withH5(a.email, a.password, "web"))
            }
            "rename", "delete" -> {
                val page = device(step).client.passkeys()
                val index = ((step as Map<*, *>)["index"] as? Long ?: 0L).toInt()
                val list = page.list()
                if (index !in list.indices) throw StepCheckFailed("no passkey $index: the page lists ${list.size}")
                val id = list[index].credentialId
                if (verb == "rename") page.rename(id, arg(step, "name")) else page.delete(id)
                "ok"
            }
            "add_passkey" -> "ok".also { device(step).client.passkeys().add(step.str("name")) }
            "disable" -> "ok".also { device(step).client.passkeys().turnOffRequirement() }
            "refresh_policy" -> "ok".also { device(step).client.passkeys().policy() }
            "server_policy" -> "ok".also { serverPolicy(step as Map<*, *>) }
            "withdraw" -> withdraw(step)
            "request_reset" -> "ok".also { requestReset(device(step), account(step), deviceId(step)) }
            "reset_status" -> "ok".also { resetStatus(step) }
            "approve_reset" -> approveReset(account(step))
            "cancel_reset" -> "ok".also { device(step).client.recovery().use { it.cancel() } }
            "advance_clock" -> "ok".also {
                val hours = (step as Map<*, *>)["hours"] as? Long ?: throw QaJsonException("this step needs \"hours\"")
                io { api.advanceClock(hours * 3600, adminToken()) }
            }
            "expect_hold" -> {
                val hold = device(step).client.recovery().use { it.accountState() }.holdUntil
                val active = (step as Map<*, *>)["active"] as? Boolean ?: true
                expectThat((hold != null) == active) { "the hold in force ends at $hold" }
                "ok"
            }
            "expect_health" -> "ok".also { expectHealth(step) }
            "dismiss_nudge" -> "ok".also { device(step).client.passkeys().dismissNudge() }
            "expect_policy" -> "ok".also { expectPolicy(step) }
            "expect_passkeys" -> "ok".also { expectPasskeys(step) }
            "expect_event" -> {
                val kinds = device(step).client.passkeys().activity().map { it.kind }
                expectThat(step.str("kind") in kinds) { "no ${step.str("kind")} event; the activity holds $kinds" }
                "ok"
            }
            else -> throw QaJsonException("unknown verb \"$verb\"")
        }

        private fun deviceId(step: Any?) = "${arg(step, "device")}.$tag"

        private fun newDevice(step: Any?) {
            val name = arg(step, "device")
            // A named password manager is a synced vault: the same passkeys on both devices.
            val managers = step.str("password_manager")?.let {
                devices[it]?.managers ?: throw QaJsonException("no device \"$it\" yet")
            } ?: TwoPasswordManagers(passwordManagers.create(target.rpId), passwordManagers.create(target.rpId))
            val config = PasskeysConfig(
                baseUrl = target.serverUrl,
                rpId = target.rpId,
                androidApkKeyHashes = emptyList(),
                allowInsecureLoopback = target.allowInsecureLoopback,
                policyKey = policyKey,
            )
            val store = QaMemoryStore()
            devices[name] = Device(PasskeysClient(config, managers, store), store, managers)
        }

        /** Password, then the emailed code or the passkey, whichever the server demands. */
        private suspend fun signIn(device: Device, account: QaAccount, deviceName: String): String {
            val signIn = device.client.signIn()
            when (val step = signIn.withPassword(account.email, account.password, "$deviceName.$tag", null)) {
                is SignInStep.SignedIn -> Unit
                is SignInStep.PasskeyRequired -> signIn.completeWithPasskey(step.loginId)
                is SignInStep.CodeRequired -> {
                    val code = io { api.code(account.email, "login") }
                    signIn.completeWithCode(step.loginId, Factor.EMAIL, code, false)?.close()
                }
            }
            return "signed_in"
        }

        /** J1: device check, warning, step-up with password and the emailed code, ceremony. */
        private suspend fun enable(device: Device, account: QaAccount) {
            device.client.enable().use { flow ->
                flow.checkDevice()
                flow.acknowledgeWarning()
                flow.startStepUp()
                flow.finishStepUp(account.password, Factor.EMAIL, io { api.code(account.email, "step_up") })
                flow.createPasskey(null)
            }
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
            "passkey" -> LoginPath.PASSKEY
            else -> throw QaJsonException("unknown path \"$path\"")
        }

        private suspend fun serverPolicy(step: Map<*, *>) {
            val scenarios = listOf("withdrawal", "security_settings", "api_keys").filter { it in step }.associateWith { step[it] }
            val reopen = listOf("reopen_h5_login", "reopen_third_party_login").filter { it in step }.associateWith { step[it] }
            val token = adminToken()
            io { api.changePolicy(mapOf("scenarios" to scenarios) + reopen, token) }
        }

        /** A withdrawal, as the exchange's own screen sends it: the session, and the passkey proof for exactly it. */
        private suspend fun withdraw(step: Any?): String {
            val device = device(step)
            val params = mapOf("asset" to "USDT", "address" to "TXqacatalogue", "amount" to arg(step, "amount"))
            val proof = if ((step as Map<*, *>)["with_proof"] == true) {
                device.client.scenarios().verify(Scenario.Withdrawal, params).use { it.proof() }
            } else {
                null
            }
            val session = device.store.get(SESSION_TOKEN)
            val (status, body) = io { api.call("POST", "/v1/withdrawals", params + ("proof" to proof), bearer = session) }
            return if (status == 200) "ok" else refusal(body)
        }

        /** "I lost my passkeys": email and password, then the code emailed for it. */
        private suspend fun requestReset(device: Device, account: QaAccount, deviceId: String) {
            device.client.recovery().use { recovery ->
                recovery.request(account.email, account.password, deviceId)
                recovery.confirm(Factor.EMAIL, io { api.code(account.email, "recovery") })
            }
        }

        /** Where the reset this device follows stands (`none`, `pending`, `approved`, `cancelled`, `rejected`, `expired`), and whether it set a hold. */
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
            expectThat(state == arg(step, "state")) { "the reset is $state" }
            ((step as Map<*, *>)["hold"] as? Boolean)?.let { hold ->
                expectThat((status?.holdUntil != null) == hold) { "the reset's hold ends at ${status?.holdUntil}" }
            }
        }

        /** The back office approves the account's newest reset. */
        private suspend fun approveReset(account: QaAccount): String {
            val token = adminToken()
            val (status, body) = io { api.approveReset(api.newestReset(account.email, token), token) }
            return if (status == 200) "ok" else refusal(body)
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
            want["at_risk"]?.let { expectThat(it == health.atRisk) { "at_risk is ${health.atRisk}" } }
            want["reason"]?.let { expectThat(it == first) { "the first reason is $first" } }
            want["nudge"]?.let { expectThat(it == health.nudge) { "nudge is ${health.nudge}" } }
        }

        private fun adminToken(): String = target.adminToken
            ?: throw StepCheckFailed("no admin token: give the kit the server's PASSKEYS_TESTKIT_ADMIN_TOKEN (QaTarget.adminToken)")

        private suspend fun expectPolicy(step: Any?) {
            val policy = device(step).client.passkeys().policy()
            val want = step as Map<*, *>
            want["passkey_required"]?.let { expectThat(it == policy.passkeyRequired) { "passkey_required is ${policy.passkeyRequired}" } }
            want["passkey_count"]?.let { expectThat(it == policy.passkeyCount.toLong()) { "passkey_count is ${policy.passkeyCount}" } }
            want["withdrawal"]?.let { expectThat(it == policy.scenarios.withdrawal) { "withdrawal is ${policy.scenarios.withdrawal}" } }
        }

        private suspend fun expectPasskeys(step: Any?) {
            val list = device(step).client.passkeys().list()
            val want = step as Map<*, *>
            want["count"]?.let { expectThat(it == list.size.toLong()) { "the page lists ${list.size} passkeys" } }
            want["names"]?.let { expectThat(it == list.map { p -> p.name }) { "the page lists ${list.map { p -> p.name }}" } }
        }
    }

    /** A check of an `expect_…` step that did not hold. */
    private class StepCheckFailed(message: String) : Exception(message)

    /**
     * The outcome of a refusal the kit's own request got (a withdrawal, the back office's
     * approval): a hold is `account_on_hold`, as the library names it; any other code
     * `server_refused:CODE`.
     */
    private fun refusal(body: Any?): String = when (val code = (body as? Map<*, *>)?.get("error").str("code")) {
        "ACCOUNT_ON_HOLD" -> "account_on_hold"
        else -> "server_refused:$code"
    }

    private inline fun expectThat(holds: Boolean, message: () -> String) {
        if (!holds) throw StepCheckFailed(message())
    }

    private suspend fun <T> io(block: () -> T): T = withContext(Dispatchers.IO) { block() }

    companion object {
        /** Where the library keeps the session in the app's keystore (core/src/store.rs). */
        private const val SESSION_TOKEN = "com.bingx.passkeys/session-token"

        /** A step that takes longer than this fails (a hang must not hang the run). */
        const val STEP_TIMEOUT_MS = 60_000L

        private const val DETAIL_LIMIT = 300

        /**
         * The catalogue's name of an error: the variant in snake case (`TimedOut` → `timed_out`),
         * and the server's code for a refusal (`server_refused:CODE_INVALID`).
         */
        fun kind(e: PasskeysException): String = when (e) {
            is PasskeysException.ServerRefused -> "server_refused:${serverCode(e.code)}"
            else -> snake(e.javaClass.simpleName)
        }

        private fun serverCode(code: ServerCode): String = when (code) {
            is ServerCode.Other -> code.code
            else -> snake(code.javaClass.simpleName).uppercase()
        }

        private fun snake(name: String) = name.replace(Regex("([a-z0-9])([A-Z])"), "$1_$2").lowercase()
    }
}
