package com.bingx.passkeys.jvm

import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.errorText
import com.bingx.passkeys.jvm.authenticator.Json
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.authenticator.TwoPasswordManagers
import com.bingx.passkeys.jvm.testkit.TestkitServer
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
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
            phone.passkeys().turnOffRequirement()
            assertFalse(phone.passkeys().policy().passkeyRequired)

            // Enable again, keeping that passkey: the server's excludeCredentials names the
            // passkey this manager holds.
            val again = journeys.steppedUp(phone, account)
            again.keepPasskeys(again.existingPasskeys().map { it.credentialId })
            val twice = expectThrows<PasskeysException.AlreadyRegistered> { again.createPasskey(null) }
            assertEquals("error.already_registered", errorText(twice).key)
            expectThrows<PasskeysException.AlreadyRegistered> { phone.passkeys().add(null) }
            assertEquals(1, pm.passkeys.size)
            assertEquals(1, phone.passkeys().list().size)
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
            val page = phone.passkeys()
            val only = page.list().single().credentialId
            val last = expectThrows<PasskeysException.LastPasskey> { page.delete(only) }
            assertEquals("error.last_passkey", errorText(last).key)
            // A name with nothing visible is refused before the passkey is asked for.
            val asked = first.gets
            val blank = expectThrows<PasskeysException.InvalidName> { page.rename(only, " \u202E\u0007 ") }
            assertEquals("error.invalid_name", errorText(blank).key)
            assertEquals(asked, first.gets, "no verification was asked for")
            assertEquals(listOf("Work phone"), page.rename(only, "Work phone").map { it.name })

            page.add("Backup")
            val list = page.list()
            assertEquals(listOf("Work phone", "Backup"), list.map { it.name })
            assertEquals(1, second.passkeys.size)

            val heard = first.signals.size
            val left = page.delete(list[0].credentialId)
            assertEquals(listOf("Backup"), left.map { it.name })
            // Exactly one "unknown credential" signal, for the deleted passkey.
            val signal = first.signals.drop(heard).map { Json.parse(it) as Map<*, *> }.single { "credentialId" in it }
            assertEquals(TestkitServer.RP_ID, signal["rpId"])
            assertEquals(KotlinAuthenticator.b64(list[0].credentialId), signal["credentialId"])
            assertTrue(first.passkeys.isEmpty(), "the password manager forgot the deleted passkey")
            assertTrue(page.activity().any { it.kind == "passkey_removed" })
        }
    }

    @Test
    fun `after a delete the password manager hears exactly the passkeys that remain`() = journey {
        val account = newAccount()
        val first = KotlinAuthenticator()
        val second = KotlinAuthenticator()
        journeys.device(TwoPasswordManagers(first, second)).use { phone ->
            journeys.signIn(phone, account, "phone")
            journeys.steppedUp(phone, account).createPasskey("Phone")
            val page = phone.passkeys()
            page.add("Backup")
            val list = page.list()
            assertEquals(2, list.size)
            val handle = first.passkeys.single().userId

            val heard = first.signals.size
            val left = page.delete(list[0].credentialId)
            val signals = first.signals.drop(heard).map { Json.parse(it) as Map<*, *> }
            val accepted = signals.lastOrNull { "allAcceptedCredentialIds" in it }
                ?: awaitingUserMember("signalAllAcceptedCredentials", signals)
            assertEquals(TestkitServer.RP_ID, accepted["rpId"])
            assertEquals(KotlinAuthenticator.b64(handle), accepted["userId"], "the account's user handle")
            val ids = (accepted["allAcceptedCredentialIds"] as List<*>).map { it as String }
            assertEquals(ids.size, ids.toSet().size, "no id twice")
            assertEquals(left.map { KotlinAuthenticator.b64(it.credentialId) }.toSet(), ids.toSet(), "exactly the passkeys that remain")
            assertEquals(listOf(KotlinAuthenticator.b64(second.passkeys.single().credentialId)), ids)
            assertTrue(KotlinAuthenticator.b64(list[0].credentialId) !in ids)
            assertTrue(first.passkeys.isEmpty())
            assertEquals(1, second.passkeys.size, "the passkey that remains stays in its password manager")
        }
    }

    @Test
    fun `after a rename the password manager hears the account's current names`() = journey {
        val account = newAccount()
        val pm = KotlinAuthenticator()
        journeys.device(pm).use { phone ->
            journeys.signIn(phone, account, "phone")
            journeys.steppedUp(phone, account).createPasskey("Phone")
            val passkey = pm.passkeys.single()
            val (name, displayName) = passkey.userName to passkey.userDisplayName

            val heard = pm.signals.size
            val page = phone.passkeys()
            assertEquals(listOf("Work phone"), page.rename(passkey.credentialId, "Work phone").map { it.name })
            val signals = pm.signals.drop(heard).map { Json.parse(it) as Map<*, *> }
            val details = signals.lastOrNull { "displayName" in it }
                ?: awaitingUserMember("signalCurrentUserDetails", signals)
            assertEquals(TestkitServer.RP_ID, details["rpId"])
            assertEquals(KotlinAuthenticator.b64(passkey.userId), details["userId"])
            // The account's names, as the passkey was created with them (not the passkey's new name).
            assertEquals(name, details["name"])
            assertEquals(displayName, details["displayName"])
            assertFalse(details["name"] == "Work phone")
            assertTrue(signals.none { "credentialId" in it }, "a rename forgets nothing")
            assertEquals(1, pm.passkeys.size)
            assertEquals(name, pm.passkeys.single().userName)
        }
    }

    /**
     * The reference server names the account (`user`) in its answers to the Passkeys page's list,
     * rename and delete; the core signals only with it. Until the server change that adds it has
     * landed, the signal tests fail here, saying so.
     */
    private fun awaitingUserMember(signal: String, heard: List<Map<*, *>>): Nothing = fail(
        "WAITING FOR THE SERVER: no $signal reached the password manager (heard $heard). The core sends it only " +
            "when the server's answer names the account (`user`: id, name, display_name in GET /v1/passkeys, " +
            "PATCH and DELETE /v1/passkeys/{id}); the reference server does not return it yet.",
    )
}
