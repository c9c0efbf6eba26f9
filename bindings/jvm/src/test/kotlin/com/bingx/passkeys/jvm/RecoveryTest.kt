package com.bingx.passkeys.jvm

import com.bingx.passkeys.Factor
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.ResetState
import com.bingx.passkeys.ServerCode
import com.bingx.passkeys.Step
import com.bingx.passkeys.android.JsonPlatformAuthenticator
import com.bingx.passkeys.errorIsRetryable
import com.bingx.passkeys.errorText
import com.bingx.passkeys.jvm.authenticator.Json
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.testkit.TestkitServer
import com.bingx.passkeys.pendingResetNoticeText
import com.bingx.passkeys.recoveryHoldText
import com.bingx.passkeys.resetStatusText
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.UUID

/**
 * J8, lost passkeys, through the real library: the "I lost my passkeys" screen asks for a support
 * reset with the password and a code, follows it with the token the library keeps in the app's
 * keystore (also after a restart), and the owner's passkey cancels it. The back office answers
 * over HTTP with the credential scripts/test-kotlin gives `passkeys-testkit serve`
 * (PASSKEYS_TESTKIT_ADMIN_TOKEN), which also moves the server's clock past the cooling-off and
 * the hold (`POST /v1/testkit/clock/advance`).
 */
class RecoveryTest {
    companion object {
        private lateinit var server: TestkitServer
        private lateinit var journeys: Journeys

        /** Where the library keeps the reset token in the app's keystore. */
        private const val RESET_TOKEN = "com.bingx.passkeys/reset-token"

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

    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()

    private fun newAccount() = server.http.signUp("kotlin-${UUID.randomUUID()}@jvm.test")

    /** The back office's credential the server runs with. */
    private fun adminToken(): String = System.getenv("PASSKEYS_TESTKIT_ADMIN_TOKEN")
        ?: error("PASSKEYS_TESTKIT_ADMIN_TOKEN is not set: run the Kotlin tests with scripts/test-kotlin")

    /** A back-office POST to [path] with [token]: the status and the answer. */
    private fun admin(path: String, token: String?, body: Any? = null): Pair<Int, Map<*, *>?> {
        val request = HttpRequest.newBuilder(URI.create(server.baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .POST(body?.let { HttpRequest.BodyPublishers.ofString(Json.write(it)) } ?: HttpRequest.BodyPublishers.noBody())
            .header("content-type", "application/json")
        token?.let { request.header("x-admin-token", it) }
        val response = http.send(request.build(), HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body().takeIf { it.isNotBlank() }?.let { Json.parse(it) } as Map<*, *>?
    }

    /** The back office approves [resetId] with [token]: the status and the error envelope's `error`, if any. */
    private fun approve(resetId: String, token: String?): Pair<Int, Map<*, *>?> {
        val (status, body) = admin("/v1/testkit/admin/resets/$resetId/approve", token)
        return status to body?.get("error") as Map<*, *>?
    }

    /** Moves the server's clock forward by [seconds]. */
    private fun advanceClock(seconds: Long) {
        val (status, body) = admin("/v1/testkit/clock/advance", adminToken(), mapOf("seconds" to seconds))
        check(status == 200) { "clock advance: $status $body" }
    }

    @Test
    fun `a reset is asked without a passkey, followed across a restart, and cancelled by the owner's passkey`() = journey {
        val account = newAccount()
        journeys.device(KotlinAuthenticator()).use { owner ->
            journeys.signIn(owner, account, "old phone")
            journeys.steppedUp(owner, account).createPasskey("Old phone")

            // The new phone: nothing followed yet; a code before the request is refused on the device.
            val keystore = MemoryStore()
            val newPhone = { PasskeysClient(server.config(), JsonPlatformAuthenticator(KotlinAuthenticator()), keystore) }
            val pending = newPhone().use { phone ->
                val recovery = phone.recovery()
                assertNull(recovery.status())
                val early = expectThrows<PasskeysException.NotAllowedInThisState> { recovery.confirm(Factor.EMAIL, "123456") }
                assertEquals(Step.REQUEST_RECOVERY_CODE, early.needs)
                val wrong = expectThrows<PasskeysException.ServerRefused> {
                    recovery.request(account.email, "not the password", "new phone")
                }
                assertEquals(ServerCode.InvalidCredentials, wrong.code)

                val sent = recovery.request(account.email, account.password, "new phone")
                assertTrue(Factor.EMAIL in sent.factors, "$sent")
                val pending = recovery.confirm(Factor.EMAIL, server.http.codeFor(account.email, "recovery"))
                assertEquals(ResetState.PENDING, pending.state)
                assertEquals(24L * 3600, pending.approvableAt - pending.requestedAt)
                assertNull(pending.holdUntil)
                assertEquals("recovery.state.pending", resetStatusText(pending).key)
                val token = checkNotNull(keystore.values[RESET_TOKEN]) { "the reset token is kept in the keystore" }
                assertFalse(pending.toString().contains(token), "the token never shows")
                pending
            }

            newPhone().use { restarted ->
                // After a restart on the same keystore the reset is still followed.
                assertEquals(pending, restarted.recovery().status())

                // The back office: not with a wrong credential, not during the cooling-off.
                val (denied, deniedError) = approve(pending.resetId, "not-the-back-office-credential")
                assertEquals(401 to "ADMIN_REQUIRED", denied to deniedError?.get("code"))
                val (early, earlyError) = approve(pending.resetId, adminToken())
                assertEquals(409 to "RESET_COOLING_OFF", early to earlyError?.get("code"))
                assertEquals(pending.approvableAt, earlyError?.get("until"))
                assertEquals(ResetState.PENDING, restarted.recovery().status()?.state)

                // The owner's next sign-in with the passkey shows it, with its notice.
                assertNull(owner.signIn().pendingReset())
                owner.signIn().signOut()
                owner.signIn().withPasskey()
                assertEquals(pending, owner.signIn().pendingReset())
                assertEquals("recovery.pending_notice", pendingResetNoticeText(pending).key)

                // The owner sees it and cancels it with the passkey.
                val state = owner.recovery().accountState()
                assertEquals(pending, state.pendingReset)
                assertNull(state.holdUntil)
                val cancelled = owner.recovery().cancel()
                assertEquals(ResetState.CANCELLED, cancelled.state)
                assertNull(owner.signIn().pendingReset())
                assertEquals(pending.resetId, cancelled.resetId)
                assertEquals("recovery.state.cancelled", resetStatusText(cancelled).key)
                assertEquals(cancelled, restarted.recovery().status())
                val (late, lateError) = approve(pending.resetId, adminToken())
                assertEquals(409 to "RESET_NOT_PENDING", late to lateError?.get("code"))
                val again = expectThrows<PasskeysException.ServerRefused> { owner.recovery().cancel() }
                assertEquals(ServerCode.ResetNotPending, again.code)
                assertEquals("error.server.reset_not_pending", errorText(again).key)
                assertNull(owner.recovery().accountState().pendingReset)

                // Forgetting stops following it; the keystore no longer holds the token.
                restarted.recovery().forget()
                assertNull(keystore.values[RESET_TOKEN])
                assertNull(restarted.recovery().status())
            }
        }
    }

    @Test
    fun `an account without the passkey requirement is told to sign in instead, and a hold names its end`() = journey {
        val account = newAccount()
        journeys.device(KotlinAuthenticator()).use { phone ->
            val notNeeded = expectThrows<PasskeysException.ResetNotNeeded> {
                phone.recovery().request(account.email, account.password, "phone")
            }
            assertEquals("error.reset_not_needed", errorText(notNeeded).key)
            assertFalse(errorIsRetryable(notNeeded))
            // Signed out, there is no account state to see and nothing to cancel.
            expectThrows<PasskeysException.NotSignedIn> { phone.recovery().accountState() }
            expectThrows<PasskeysException.NotSignedIn> { phone.recovery().cancel() }
        }
        // What the app shows for a hold: its end as a UTC date and time, in every language.
        val held = PasskeysException.AccountOnHold(1_796_400_000L)
        val text = errorText(held)
        assertEquals("error.account_on_hold", text.key)
        assertEquals(listOf("until" to "2026-12-04 16:00 UTC"), text.args.map { it.name to it.value })
        assertFalse(errorIsRetryable(held))
        val hold = recoveryHoldText(1_796_400_000L)
        assertEquals("recovery.hold", hold.key)
        val table = TextTable.load()
        for (language in TextTable.LANGUAGES) {
            for (shown in listOf(table.format(text, language), table.format(hold, language))) {
                assertTrue("2026-12-04 16:00 UTC" in shown && '{' !in shown, "$language: $shown")
            }
        }
    }

    @Test
    fun `after an approval the new phone signs in with a code and meets the hold with its end`() = journey {
        val account = newAccount()
        journeys.device(KotlinAuthenticator()).use { old ->
            journeys.signIn(old, account, "old phone")
            journeys.steppedUp(old, account).createPasskey("Old phone")
            journeys.device(KotlinAuthenticator()).use { phone ->
                phone.recovery().request(account.email, account.password, "new phone")
                val pending = phone.recovery().confirm(Factor.EMAIL, server.http.codeFor(account.email, "recovery"))
                advanceClock(pending.approvableAt - pending.requestedAt + 1)
                val (status, error) = approve(pending.resetId, adminToken())
                assertEquals(200 to null, status to error)
                val approved = checkNotNull(phone.recovery().status())
                assertEquals(ResetState.APPROVED, approved.state)
                val until = checkNotNull(approved.holdUntil)
                assertEquals("recovery.state.approved", resetStatusText(approved).key)

                expectThrows<PasskeysException.NotSignedIn> { old.passkeys().list() }
                journeys.signIn(phone, account, "new phone")
                assertEquals(until, phone.recovery().accountState().holdUntil)
                val held = expectThrows<PasskeysException.AccountOnHold> {
                    phone.scenarios().verify(com.bingx.passkeys.Scenario.Withdrawal, mapOf("asset" to "USDT"))
                }
                assertEquals(until, held.until)
                assertEquals("error.account_on_hold", errorText(held).key)
                // Re-enrolling during the hold works.
                assertTrue(journeys.steppedUp(phone, account).createPasskey("New phone").policy.passkeyRequired)
            }
        }
    }
}
