package com.bingx.passkeys.jvm

import com.bingx.passkeys.DeviceDescription
import com.bingx.passkeys.HealthReason
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.android.JsonAuthenticator
import com.bingx.passkeys.android.JsonPlatformAuthenticator
import com.bingx.passkeys.healthText
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.testkit.TestkitServer
import com.bingx.passkeys.newDeviceNoticeText
import com.bingx.passkeys.securityEventText
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import java.util.UUID

/**
 * Before a device change, the new-device half (BRIEF §7): an app that describes its device in
 * `PasskeysConfig.device` gets `SignIn.newDeviceNotice()` after signing in on a model or OS the
 * account has not used before, with the passkey health; the security activity records it.
 */
class NewDeviceTest {
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

    /** An app install on [platform] that describes itself as [model] running [os]. */
    private fun phone(platform: JsonAuthenticator, model: String, os: String): PasskeysClient =
        PasskeysClient(
            server.config().copy(device = DeviceDescription(model, os)),
            JsonPlatformAuthenticator(platform),
            MemoryStore(),
        )

    @Test
    fun `a sign-in on a new phone carries the notice and the health, and the activity records it`() = journey {
        val account = server.http.signUp("kotlin-${UUID.randomUUID()}@jvm.test")
        val pm = KotlinAuthenticator()
        phone(pm, "Pixel 8", "Android 15").use { old ->
            journeys.signIn(old, account, "old")
            assertNull(old.signIn().newDeviceNotice(), "the account's first device is silent")
            journeys.steppedUp(old, account).createPasskey("Phone")

            phone(pm, "Pixel 9", "Android 16").use { new ->
                journeys.signIn(new, account, "new")
                val notice = checkNotNull(new.signIn().newDeviceNotice()) { "a new device is noticed" }
                assertEquals("Pixel 9", notice.model)
                assertEquals("Android 16", notice.os)
                assertTrue(notice.health.atRisk)
                assertEquals(listOf(HealthReason.SINGLE_PASSKEY), notice.health.reasons)
                assertEquals("health.reason.single_passkey", healthText(notice.health).key)
                val text = newDeviceNoticeText(notice)
                assertEquals("health.new_device_warning", text.key)
                assertEquals(
                    mapOf("model" to "Pixel 9", "os" to "Android 16"),
                    text.args.associate { it.name to it.value },
                )

                val event = new.passkeys().activity().single { it.kind == "new_device_login" }
                assertEquals("activity.new_device_login", securityEventText(event).key)
                assertTrue(event.detail.contains("Pixel 9"), event.detail)

                new.signIn().signOut()
                assertNull(new.signIn().newDeviceNotice(), "cleared at sign-out")
                journeys.signIn(new, account, "new")
                assertNull(new.signIn().newDeviceNotice(), "a known device")
            }
            assertNull(old.signIn().newDeviceNotice())
        }
    }

    @Test
    fun `a bad description is refused when the client is built`() {
        val bad = server.config().copy(device = DeviceDescription("", "Android 15"))
        try {
            PasskeysClient(bad, JsonPlatformAuthenticator(KotlinAuthenticator()), MemoryStore()).close()
            throw AssertionError("an empty model was accepted")
        } catch (e: PasskeysException.InvalidConfig) {
            assertTrue(e.detail.contains("model"), e.detail)
        }
    }
}
