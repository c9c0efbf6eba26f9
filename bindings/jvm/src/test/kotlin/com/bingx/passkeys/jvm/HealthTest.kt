package com.bingx.passkeys.jvm

import com.bingx.passkeys.HealthAction
import com.bingx.passkeys.HealthReason
import com.bingx.passkeys.healthActionText
import com.bingx.passkeys.healthText
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.authenticator.TwoPasswordManagers
import com.bingx.passkeys.jvm.testkit.TestkitServer
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import java.util.UUID

/** Passkey health (BRIEF §7): the Enable outcome's nudge, the Passkeys page's health, dismissing the nudge. */
class HealthTest {
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

    @Test
    fun `one passkey after Enable is at risk, nudges, and is fine once a second one is added`() = journey {
        val account = server.http.signUp("kotlin-${UUID.randomUUID()}@jvm.test")
        val first = KotlinAuthenticator()
        val second = KotlinAuthenticator()
        journeys.device(TwoPasswordManagers(first, second)).use { phone ->
            journeys.signIn(phone, account, "phone")
            val outcome = journeys.steppedUp(phone, account).createPasskey("Phone")
            val health = outcome.health!!
            assertTrue(health.atRisk)
            assertEquals(listOf(HealthReason.SINGLE_PASSKEY), health.reasons)
            assertEquals(HealthAction.ADD_SECOND_PASSWORD_MANAGER, health.action)
            assertTrue(health.nudge, "the Enable outcome carries the nudge")
            assertEquals("health.reason.single_passkey", healthText(health).key)
            assertEquals("health.action.add_second_password_manager", healthActionText(health)?.key)

            val page = phone.passkeys()
            assertEquals(health, page.health())
            val dismissed = page.dismissNudge()
            assertTrue(dismissed.atRisk)
            assertFalse(dismissed.nudge)

            val added = page.add("Backup")
            val fine = added.health!!
            assertFalse(fine.atRisk)
            assertTrue(fine.reasons.isEmpty())
            assertNull(fine.action)
            assertNull(healthActionText(fine))
            assertEquals("health.ok", healthText(fine).key)
            assertEquals(fine, page.health())
        }
    }
}
