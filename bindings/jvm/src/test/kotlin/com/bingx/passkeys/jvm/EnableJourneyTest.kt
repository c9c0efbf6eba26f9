package com.bingx.passkeys.jvm

import com.bingx.passkeys.EnableState
import com.bingx.passkeys.Factor
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.SignInStep
import com.bingx.passkeys.UnavailableReason
import com.bingx.passkeys.errorIsRetryable
import com.bingx.passkeys.errorText
import com.bingx.passkeys.android.CredentialFailure
import com.bingx.passkeys.android.JsonAuthenticator
import com.bingx.passkeys.jvm.authenticator.Json
import com.bingx.passkeys.jvm.authenticator.AndroidTypes
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.testkit.TestAccount
import com.bingx.passkeys.jvm.testkit.TestkitServer
import com.bingx.passkeys.uniffiForeignFutureHandleCount
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import java.util.UUID

/**
 * Journey J1 (Enable) and its J7 failures through the FFI, with a passkey provider written in
 * Kotlin on the JDK's crypto: the reference server (webauthn-rs) verifies ceremonies that no Rust
 * code produced.
 */
class EnableJourneyTest {
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

    private fun newAccount(): TestAccount = server.http.signUp("kotlin-${UUID.randomUUID()}@jvm.test")

    @Test
    fun `enable with a Kotlin-made passkey turns the flag on and a synced phone signs in with it`() = journey {
        val account = newAccount()
        val pm = KotlinAuthenticator()
        journeys.device(pm).use { phone ->
            journeys.signIn(phone, account, "phone")
            val flow = journeys.steppedUp(phone, account)
            val outcome = flow.createPasskey("Kotlin phone")

            assertEquals(EnableState.Enabled, flow.state())
            assertTrue(outcome.policy.passkeyRequired)
            assertEquals(1u, outcome.policy.passkeyCount)
            assertEquals(listOf("Kotlin phone"), outcome.passkeys.map { it.name })
            assertArrayEquals(pm.passkeys.single().credentialId, outcome.passkey.credentialId)
            assertEquals(KotlinAuthenticator.AAGUID.toString(), outcome.passkey.aaguid)
            assertFalse(outcome.passkey.providerKnown)
            assertTrue(outcome.passkey.backupEligible, "a synced passkey (BE)")
            assertEquals(1, phone.passkeys().list().size)
        }
        // J2 with a Kotlin-made assertion: the same vault on another phone, no code accepted.
        journeys.device(pm).use { newPhone ->
            val step = newPhone.signIn().withPassword(account.email, account.password, "new-phone", null)
            assertInstanceOf(SignInStep.PasskeyRequired::class.java, step)
            val accountId = newPhone.signIn().completeWithPasskey((step as SignInStep.PasskeyRequired).loginId)
            assertEquals(account.accountId, accountId)
            assertTrue(newPhone.passkeys().policy().passkeyRequired)
        }
        assertEquals(0, uniffiForeignFutureHandleCount(), "no platform call left running")
    }

    @Test
    fun `a cancelled sheet is a typed error, nothing is enabled, and the same flow retries`() = journey {
        val account = newAccount()
        val pm = KotlinAuthenticator()
        journeys.device(pm).use { phone ->
            journeys.signIn(phone, account, "phone")
            val flow = journeys.steppedUp(phone, account)
            pm.failNext(CredentialFailure(AndroidTypes.CREATE_CANCELLED, null, "Passkey registration was cancelled by the user."))

            val cancelled = expectThrows<PasskeysException.Cancelled> { flow.createPasskey(null) }
            assertEquals("error.cancelled", errorText(cancelled).key)
            assertTrue(TextTable.load().format(errorText(cancelled), "en").isNotBlank())
            assertTrue(errorIsRetryable(cancelled))
            val failed = assertInstanceOf(EnableState.Failed::class.java, flow.state())
            assertTrue(failed.retryable)
            assertEquals("error.cancelled", failed.text.key)
            assertFalse(phone.passkeys().policy().passkeyRequired, "the flag is never on without a passkey")
            assertEquals(0, phone.passkeys().list().size)

            flow.createPasskey(null)
            assertEquals(EnableState.Enabled, flow.state())
            assertEquals(1, phone.passkeys().list().size)
        }
    }

    @Test
    fun `once enabled, another Enable asks for the passkey, never a code`() = journey {
        val account = newAccount()
        val pm = KotlinAuthenticator()
        journeys.device(pm).use { phone ->
            journeys.signIn(phone, account, "phone")
            journeys.steppedUp(phone, account).createPasskey(null)

            val required = expectThrows<PasskeysException.PasskeyRequired> { journeys.steppedUp(phone, account) }
            assertEquals("error.passkey_required", errorText(required).key)
            assertEquals(1, pm.passkeys.size)
            assertEquals(1, phone.passkeys().list().size)
        }
    }

    @Test
    fun `Enable shows the passkeys already there and removes those the user does not keep`() = journey {
        val account = newAccount()
        val tabletPm = KotlinAuthenticator()
        // The tablet enabled once, then the requirement was turned off: its passkey stays.
        journeys.device(tabletPm).use { tablet ->
            journeys.signIn(tablet, account, "tablet")
            journeys.steppedUp(tablet, account).createPasskey("Tablet")
            tablet.passkeys().turnOffRequirement()
        }
        journeys.device(KotlinAuthenticator()).use { phone ->
            journeys.signIn(phone, account, "phone")
            val flow = phone.enable()
            val existing = flow.existingPasskeys()
            assertEquals(listOf("Tablet"), existing.map { it.name })
            flow.keepPasskeys(listOf(existing.single().credentialId))
            flow.keepPasskeys(emptyList()) // the user changed their mind: the last choice counts
            flow.checkDevice()
            flow.acknowledgeWarning()
            flow.startStepUp()
            flow.finishStepUp(account.password, Factor.EMAIL, server.http.codeFor(account.email, "step_up"))
            val outcome = flow.createPasskey("Phone")
            assertEquals(1u, outcome.removedPasskeys)
            assertEquals(listOf("Phone"), outcome.passkeys.map { it.name })
        }
        // The tablet's passkey, not kept, signs in no more.
        journeys.device(tabletPm).use { tablet ->
            expectThrows<PasskeysException> { journeys.signIn(tablet, account, "tablet-again") }
            assertFalse(tablet.signIn().isSignedIn())
        }
    }

    @Test
    fun `an app not associated with the domain is told apart from the user's mistakes`() = journey {
        val account = newAccount()
        val pm = KotlinAuthenticator()
        journeys.device(pm).use { phone ->
            journeys.signIn(phone, account, "phone")
            val flow = journeys.steppedUp(phone, account)
            pm.failNext(CredentialFailure(AndroidTypes.dom(AndroidTypes.CREATE_DOM, "SECURITY"), "SecurityError",
                "The incoming request cannot be validated"))

            val notAssociated = expectThrows<PasskeysException.DomainNotAssociated> { flow.createPasskey(null) }
            assertEquals("error.domain_not_associated", errorText(notAssociated).key)
            assertFalse(errorIsRetryable(notAssociated), "a build problem, not the user's")
            assertFalse(phone.passkeys().policy().passkeyRequired)
            flow.createPasskey(null)
            assertTrue(phone.passkeys().policy().passkeyRequired)
        }
    }

    @Test
    fun `a password manager without its Google account tells the user to sign in, not that there is none`() = journey {
        val account = newAccount()
        val pm = KotlinAuthenticator()
        journeys.device(pm).use { phone ->
            journeys.signIn(phone, account, "phone")
            val flow = journeys.steppedUp(phone, account)
            pm.failNext(CredentialFailure(AndroidTypes.dom(AndroidTypes.CREATE_DOM, "NOT_ALLOWED"), "NotAllowedError",
                "Unable to get sync account."))

            val notReady = expectThrows<PasskeysException.DeviceNotReady> { flow.createPasskey(null) }
            assertEquals(UnavailableReason.AccountMissing, notReady.reason)
            assertEquals("error.device_not_ready.account_missing", errorText(notReady).key)
            assertFalse(errorIsRetryable(notReady), "the user signs in first")
            assertFalse(phone.passkeys().policy().passkeyRequired)
            flow.createPasskey(null)
            assertEquals(EnableState.Enabled, flow.state())
        }
    }

    @Test
    fun `a timed-out sheet is retryable`() = journey {
        val account = newAccount()
        val pm = KotlinAuthenticator()
        journeys.device(pm).use { phone ->
            journeys.signIn(phone, account, "phone")
            val flow = journeys.steppedUp(phone, account)
            pm.failNext(CredentialFailure(AndroidTypes.dom(AndroidTypes.CREATE_DOM, "TIMEOUT"), "TimeoutError",
                "[15] Flow has timed out."))

            val timedOut = expectThrows<PasskeysException.TimedOut> { flow.createPasskey(null) }
            assertTrue(errorIsRetryable(timedOut))
            assertEquals("error.timed_out", errorText(timedOut).key)
            flow.createPasskey(null)
            assertEquals(EnableState.Enabled, flow.state())
        }
    }

    @Test
    fun `a response for another origin, or whose id is not its rawId, never leaves the device`() = journey {
        val tampered = listOf<(MutableMap<String, Any?>) -> Unit>(
            { it["id"] = KotlinAuthenticator.b64(ByteArray(32) { 7 }) },
            { r ->
                @Suppress("UNCHECKED_CAST")
                val response = r["response"] as MutableMap<String, Any?>
                val clientData = String(KotlinAuthenticator.b64d(response["clientDataJSON"] as String))
                response["clientDataJSON"] = KotlinAuthenticator.b64(
                    clientData.replace("https://${TestkitServer.RP_ID}", "https://bingx.phish.example").toByteArray(),
                )
            },
        )
        for (tamper in tampered) {
            val account = newAccount()
            val pm = KotlinAuthenticator()
            val proxy = object : JsonAuthenticator by pm {
                @Suppress("UNCHECKED_CAST")
                override suspend fun create(requestJson: String): String =
                    Json.write((Json.parse(pm.create(requestJson)) as MutableMap<String, Any?>).also(tamper))
            }
            journeys.device(proxy).use { phone ->
                journeys.signIn(phone, account, "phone")
                val flow = journeys.steppedUp(phone, account)
                val sent = phone.requestsSent()
                val invalid = expectThrows<PasskeysException.InvalidResponse> { flow.createPasskey(null) }
                assertEquals("error.invalid_response", errorText(invalid).key)
                assertEquals(sent + 1u, phone.requestsSent(), "the options only: the response was not sent")
                assertFalse(phone.passkeys().policy().passkeyRequired)
            }
        }
    }

    @Test
    fun `a device without a password manager is told why before any step-up`() = journey {
        val account = newAccount()
        journeys.device(KotlinAuthenticator(KotlinAuthenticator.NO_PASSWORD_MANAGER)).use { phone ->
            journeys.signIn(phone, account, "phone")
            val notReady = expectThrows<PasskeysException.DeviceNotReady> { phone.enable().checkDevice() }
            assertEquals(UnavailableReason.NoPasswordManager, notReady.reason)
            assertEquals("error.device_not_ready.no_password_manager", errorText(notReady).key)
            assertTrue(TextTable.load().format(errorText(notReady), "en").contains("password manager"))
        }
    }

    @Test
    fun `a stranger's phone has no passkey for a flagged account and gets no session`() = journey {
        val account = newAccount()
        journeys.device(KotlinAuthenticator()).use { phone ->
            journeys.signIn(phone, account, "phone")
            journeys.steppedUp(phone, account).createPasskey(null)
        }
        journeys.device(KotlinAuthenticator()).use { stranger ->
            val step = stranger.signIn().withPassword(account.email, account.password, "stranger", null)
            val loginId = (step as SignInStep.PasskeyRequired).loginId
            expectThrows<PasskeysException.NoCredential> { stranger.signIn().completeWithPasskey(loginId) }
            expectThrows<PasskeysException.NotSignedIn> { stranger.passkeys().list() }
        }
    }

    @Test
    fun `cancelling the coroutine mid-ceremony dismisses the sheet and leaves a retryable flow`() = journey {
        val account = newAccount()
        val pm = KotlinAuthenticator()
        journeys.device(pm).use { phone ->
            journeys.signIn(phone, account, "phone")
            val flow = journeys.steppedUp(phone, account)
            val hang = pm.hangNext()
            val tap = async { flow.createPasskey(null) }
            hang.started.await()

            tap.cancelAndJoin()
            withTimeout(10_000) { hang.cancelled.await() }
            assertFalse(phone.passkeys().policy().passkeyRequired)

            flow.createPasskey(null)
            assertEquals(EnableState.Enabled, flow.state())
            assertEquals(1, phone.passkeys().list().size)
        }
        assertEquals(0, uniffiForeignFutureHandleCount(), "no platform call left running")
    }

    @Test
    fun `two Enable taps at once - the second is refused while the first runs`() = journey {
        val account = newAccount()
        val pm = KotlinAuthenticator()
        journeys.device(pm).use { phone ->
            journeys.signIn(phone, account, "phone")
            val flow = journeys.steppedUp(phone, account)
            val hang = pm.hangNext()
            val first = async { flow.createPasskey(null) }
            hang.started.await()

            val busy = expectThrows<PasskeysException.InProgress> { flow.createPasskey(null) }
            assertTrue(errorIsRetryable(busy))
            first.cancelAndJoin()
            flow.createPasskey(null)
            assertEquals(1, phone.passkeys().list().size)
        }
    }
}
