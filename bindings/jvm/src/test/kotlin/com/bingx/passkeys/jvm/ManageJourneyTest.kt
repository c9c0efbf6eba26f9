package com.bingx.passkeys.jvm

import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.jvm.authenticator.Json
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.authenticator.TwoPasswordManagers
import com.bingx.passkeys.jvm.testkit.TestkitServer
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import java.util.UUID

/** J5 (manage) and the J7 case of a passkey already in the password manager, with Kotlin-made passkeys. */
class ManageJourneyTest {
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

    private fun newAccount() = server.http.signUp("kotlin-${UUID.randomUUID()}@jvm.test")

    @Test
    fun `a passkey already in this password manager is refused by the manager, not created twice`() = journey {
        val account = newAccount()
        val pm = KotlinAuthenticator()
        journeys.device(pm).use { phone ->
            journeys.signIn(phone, account, "phone")
            journeys.steppedUp(phone, account).createPasskey(null)
            phone.disablePasskeyRequirement()
            assertFalse(phone.policy().passkeyRequired)

            // Enable again: the server's excludeCredentials names the passkey this manager holds.
            val again = journeys.steppedUp(phone, account)
            expectThrows<PasskeysException.AlreadyRegistered> { again.createPasskey(null) }
            expectThrows<PasskeysException.AlreadyRegistered> { phone.addPasskey(null) }
            assertEquals(1, pm.passkeys.size)
            assertEquals(1, phone.passkeys().size)
        }
    }

    @Test
    fun `deleting a passkey needs the passkey, keeps the last one, and tells the password manager`() = journey {
        val account = newAccount()
        val first = KotlinAuthenticator()
        val second = KotlinAuthenticator()
        // One phone, two password managers: "add another passkey" lands in the second.
        journeys.device(TwoPasswordManagers(first, second)).use { phone ->
            journeys.signIn(phone, account, "phone")
            journeys.steppedUp(phone, account).createPasskey("Phone")
            val only = phone.passkeys().single().credentialId
            expectThrows<PasskeysException.LastPasskey> { phone.deletePasskey(only) }
            assertEquals(listOf("Work phone"), phone.renamePasskey(only, "Work phone").map { it.name })

            phone.addPasskey("Backup")
            val list = phone.passkeys()
            assertEquals(listOf("Work phone", "Backup"), list.map { it.name })
            assertEquals(1, second.passkeys.size)

            val left = phone.deletePasskey(list[0].credentialId)
            assertEquals(listOf("Backup"), left.map { it.name })
            val signal = Json.parse(first.signals.single()) as Map<*, *>
            assertEquals(TestkitServer.RP_ID, signal["rpId"])
            assertEquals(KotlinAuthenticator.b64(list[0].credentialId), signal["credentialId"])
            assertTrue(first.passkeys.isEmpty(), "the password manager forgot the deleted passkey")
            assertTrue(phone.securityEvents().any { it.kind == "passkey_removed" })
        }
    }
}
