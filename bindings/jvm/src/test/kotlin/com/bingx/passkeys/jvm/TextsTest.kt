package com.bingx.passkeys.jvm

import com.bingx.passkeys.Capabilities
import com.bingx.passkeys.Factor
import com.bingx.passkeys.LoginPath
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.Scenario
import com.bingx.passkeys.SecureStore
import com.bingx.passkeys.SecureStoreException
import com.bingx.passkeys.SignInStep
import com.bingx.passkeys.Step
import com.bingx.passkeys.UnavailableReason
import com.bingx.passkeys.android.CredentialFailure
import com.bingx.passkeys.android.JsonAuthenticator
import com.bingx.passkeys.android.JsonPlatformAuthenticator
import com.bingx.passkeys.errorIsRetryable
import com.bingx.passkeys.errorText
import com.bingx.passkeys.jvm.authenticator.AndroidTypes
import com.bingx.passkeys.jvm.authenticator.Json
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.testkit.TestkitServer
import com.bingx.passkeys.securityEventText
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import java.net.ServerSocket
import java.util.UUID

/**
 * What a UI shows for what goes wrong: every `PasskeysException` a journey produces names, through
 * `errorText`, a key of the repository's `i18n/texts.toml` with exactly the table's placeholders,
 * and reads in every language the table has; every security event too (`securityEventText`).
 */
class TextsTest {
    companion object {
        private lateinit var server: TestkitServer
        private lateinit var journeys: Journeys

        @BeforeAll
        @JvmStatic
        fun start() {
            server = TestkitServer.start()
            journeys = Journeys(server)
        }

        @AfterAll
        @JvmStatic
        fun stop() = server.close()
    }

    private fun newAccount() = server.http.signUp("texts-${UUID.randomUUID()}@jvm.test")

    /** Ceremonies that return a response for another credential id than their rawId, while [tamper] is on. */
    private class Tampering(private val pm: KotlinAuthenticator) : JsonAuthenticator by pm {
        @Volatile var tamper = false

        @Suppress("UNCHECKED_CAST")
        override suspend fun create(requestJson: String): String {
            val response = pm.create(requestJson)
            if (!tamper) return response
            return Json.write((Json.parse(response) as MutableMap<String, Any?>).also { it["id"] = KotlinAuthenticator.b64(ByteArray(32) { 7 }) })
        }
    }

    /** A keystore that is locked (before first unlock). */
    private class LockedStore : SecureStore {
        override fun get(name: String): String? = throw SecureStoreException.Unavailable("locked")
        override fun set(name: String, value: String) = throw SecureStoreException.Unavailable("locked")
        override fun delete(name: String) = throw SecureStoreException.Unavailable("locked")
    }

    /** The exception [block] throws, kept in [into]. */
    private suspend fun MutableList<PasskeysException>.refused(what: String, block: suspend () -> Unit) {
        try {
            block()
        } catch (e: PasskeysException) {
            add(e)
            return
        }
        throw AssertionError("$what: nothing was thrown")
    }

    @Test
    fun `every error a journey produces names a text of the table in every language`() = journey {
        val errors = mutableListOf<PasskeysException>()
        val account = newAccount()
        val pm = KotlinAuthenticator()
        val tampering = Tampering(pm)
        val store = MemoryStore()
        val phone = PasskeysClient(server.config(), JsonPlatformAuthenticator(tampering), store)

        // Signed out, sign-in steps out of order, wrong password and code.
        errors.refused("signed out") { phone.passkeys().list() }
        // An attempt this install never began (an app cannot make one up; another install's is the nearest).
        PasskeysClient(server.config(), JsonPlatformAuthenticator(pm), MemoryStore()).use { other ->
            val others = other.signIn().withPassword(account.email, account.password, "other", null) as SignInStep.CodeRequired
            errors.refused("a code first") { phone.signIn().completeWithCode(others.loginId, Factor.EMAIL, "1", false) }
        }
        errors.refused("a wrong password") { phone.signIn().withPassword(account.email, "wrong", "phone", null) }
        val step = phone.signIn().withPassword(account.email, account.password, "phone", null) as SignInStep.CodeRequired
        errors.refused("a wrong code") { phone.signIn().completeWithCode(step.loginId, Factor.EMAIL, "000000", false) }
        phone.signIn().completeWithCode(step.loginId, Factor.EMAIL, server.http.codeFor(account.email, "login"), false)

        // Enable: steps out of order, then each way the sheet fails as Credential Manager says it.
        val flow = phone.enable()
        errors.refused("the device check first") { flow.acknowledgeWarning() }
        flow.checkDevice()
        errors.refused("the warning first") { flow.startStepUp() }
        flow.acknowledgeWarning()
        errors.refused("a code first") { flow.finishStepUp(account.password, Factor.EMAIL, "1") }
        errors.refused("the step-up first") { flow.createPasskey(null) }
        flow.startStepUp()
        flow.finishStepUp(account.password, Factor.EMAIL, server.http.codeFor(account.email, "step_up"))
        val failures = listOf(
            CredentialFailure(AndroidTypes.CREATE_CANCELLED, null, "Passkey registration was cancelled by the user."),
            CredentialFailure(AndroidTypes.dom(AndroidTypes.CREATE_DOM, "SECURITY"), "SecurityError", "The incoming request cannot be validated"),
            CredentialFailure(AndroidTypes.dom(AndroidTypes.CREATE_DOM, "TIMEOUT"), "TimeoutError", "[15] Flow has timed out."),
            CredentialFailure("android.credentials.CreateCredentialException.TYPE_INTERRUPTED", null, "The user went to settings"),
            CredentialFailure(AndroidTypes.dom(AndroidTypes.CREATE_DOM, "INVALID_STATE"), "InvalidStateError", null),
            CredentialFailure(AndroidTypes.dom(AndroidTypes.CREATE_DOM, "UNKNOWN"), "UnknownError", "unknown fido gms exception - 42"),
            CredentialFailure("android.credentials.CreateCredentialException.TYPE_NO_CREATE_OPTIONS", null, "No create options available."),
            CredentialFailure(AndroidTypes.dom(AndroidTypes.CREATE_DOM, "NOT_ALLOWED"), "NotAllowedError", "User is unable to create passkeys."),
        )
        for (failure in failures) {
            pm.failNext(failure)
            errors.refused(failure.type) { flow.createPasskey(null) }
        }
        tampering.tamper = true
        errors.refused("a response whose id is not its rawId") { flow.createPasskey(null) }
        tampering.tamper = false
        val hang = pm.hangNext()
        val firstTap = async { flow.createPasskey(null) }
        hang.started.await()
        errors.refused("a second tap") { flow.createPasskey(null) }
        firstTap.cancelAndJoin()
        flow.createPasskey(null)

        // Devices that are not ready (signed in to another account, which needs no passkey).
        val other = newAccount()
        for (capabilities in listOf(
            KotlinAuthenticator.NO_PASSWORD_MANAGER,
            Capabilities(true, false, true, UnavailableReason.NoScreenLock),
            Capabilities(false, false, false, UnavailableReason.OsTooOld),
            Capabilities(false, true, false, UnavailableReason.Other("work profile")),
        )) {
            journeys.device(KotlinAuthenticator(capabilities)).use { device ->
                journeys.signIn(device, other, "device")
                errors.refused("$capabilities") { device.enable().checkDevice() }
            }
        }

        // Passkeys required: codes, a stranger's phone, blocked paths, the last passkey, a scenario the server does not know.
        phone.passkeys().policy()
        journeys.device(KotlinAuthenticator()).use { stranger ->
            val required = stranger.signIn().withPassword(account.email, account.password, "stranger", null) as SignInStep.PasskeyRequired
            errors.refused("a code for a flagged account") { stranger.signIn().completeWithCode(required.loginId, Factor.EMAIL, "1", false) }
            errors.refused("no passkey on this phone") { stranger.signIn().completeWithPasskey(required.loginId) }
        }
        errors.refused("H5") { phone.signIn().checkPath(LoginPath.H5) }
        errors.refused("third party") { phone.signIn().checkPath(LoginPath.THIRD_PARTY) }
        errors.refused("the last passkey") { phone.passkeys().delete(phone.passkeys().list().single().credentialId) }
        errors.refused("an unknown scenario") { phone.scenarios().verify(Scenario.Other("teleport"), emptyMap()) }

        // The device's copy of the policy tampered with, no network, a locked keystore, a bad configuration.
        store.values["com.bingx.passkeys/policy:${account.accountId}"] = "{not json"
        PasskeysClient(server.config(), JsonPlatformAuthenticator(pm), store).use { restarted ->
            errors.refused("a tampered policy") { restarted.signIn().checkPath(LoginPath.H5) }
        }
        val closed = ServerSocket(0).use { "http://127.0.0.1:${it.localPort}" }
        PasskeysClient(server.config().copy(baseUrl = closed), JsonPlatformAuthenticator(pm), MemoryStore()).use { offline ->
            errors.refused("no connection") { offline.signIn().withPassword(account.email, account.password, "x", null) }
        }
        errors.refused("a locked keystore") {
            PasskeysClient(server.config(), JsonPlatformAuthenticator(pm), LockedStore()).use { it.signIn().isSignedIn() }
        }
        errors.refused("plain http to a server that is not on loopback") {
            PasskeysClient(
                server.config().copy(baseUrl = "http://api.bingx.com", allowInsecureLoopback = false),
                JsonPlatformAuthenticator(pm),
                MemoryStore(),
            ).close()
        }
        phone.close()

        // Each names a key of the table with exactly its placeholders, and reads in every language.
        val table = TextTable.load()
        for (e in errors) {
            val text = errorText(e)
            val entry = table.entry(text.key)
            assertEquals(entry.placeholders, text.args.map { it.name }, "$e: ${text.key}")
            for (language in TextTable.LANGUAGES) {
                val shown = table.format(text, language)
                assertTrue(shown.isNotBlank() && '{' !in shown, "$e: ${text.key} in $language: $shown")
            }
        }
        val variants = errors.map { it.javaClass.simpleName }.toSet()
        val expected = setOf(
            "NotSignedIn", "NotAllowedInThisState", "ServerRefused", "DeviceNotReady", "Cancelled", "DomainNotAssociated",
            "TimedOut", "Interrupted", "AlreadyRegistered", "PasswordManagerFailed", "InvalidResponse", "InProgress",
            "PasskeyRequired", "NoCredential", "PathBlocked", "LastPasskey", "NotSupported", "PolicyUnavailable", "Network",
            "KeystoreFailed", "InvalidConfig",
        )
        assertEquals(emptySet<String>(), expected - variants, "no journey produced these: $errors")
        // A step out of order names the step the UI leads the user back to.
        assertEquals(
            setOf(Step.CHECK_DEVICE, Step.ACCEPT_WARNING, Step.REQUEST_CODE, Step.VERIFY_STEP_UP, Step.SIGN_IN_WITH_PASSWORD),
            errors.filterIsInstance<PasskeysException.NotAllowedInThisState>().map { it.needs }.toSet(),
        )
        assertEquals(
            setOf(
                UnavailableReason.NoPasswordManager, UnavailableReason.NoScreenLock, UnavailableReason.OsTooOld,
                UnavailableReason.AccountMissing, UnavailableReason.Other("work profile"),
            ),
            errors.filterIsInstance<PasskeysException.DeviceNotReady>().map { it.reason }.toSet(),
        )
        // Retry is offered where the same step may succeed as it is.
        for (e in errors) {
            when (e) {
                is PasskeysException.Cancelled, is PasskeysException.TimedOut, is PasskeysException.Interrupted,
                is PasskeysException.InProgress, is PasskeysException.Network -> assertTrue(errorIsRetryable(e), "$e")
                is PasskeysException.NotSignedIn, is PasskeysException.PasskeyRequired, is PasskeysException.PathBlocked,
                is PasskeysException.LastPasskey, is PasskeysException.InvalidConfig, is PasskeysException.DomainNotAssociated,
                is PasskeysException.NotAllowedInThisState -> assertFalse(errorIsRetryable(e), "$e")
                else -> Unit
            }
        }
    }

    @Test
    fun `every security event names a text of the table in every language`() = journey {
        val account = newAccount()
        journeys.device(KotlinAuthenticator()).use { phone ->
            journeys.signIn(phone, account, "phone")
            journeys.steppedUp(phone, account).createPasskey(null)
            journeys.device(KotlinAuthenticator()).use { web ->
                expectThrows<PasskeysException.PathBlocked> { web.signIn().withH5(account.email, account.password, "web") }
            }
            val table = TextTable.load()
            val events = phone.passkeys().activity()
            assertTrue(events.map { it.kind }.containsAll(listOf("passkey_added", "blocked_h5_login")), "$events")
            for (event in events) {
                val text = securityEventText(event)
                assertTrue(text.key.startsWith("activity."), "$event: ${text.key}")
                assertEquals(table.entry(text.key).placeholders, text.args.map { it.name })
                for (language in TextTable.LANGUAGES) assertTrue(table.format(text, language).isNotBlank())
            }
        }
    }
}
