package com.bingx.passkeys.android

import androidx.credentials.CredentialManager
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Test

/**
 * The password-manager settings intent (`PasswordManagerSettings`): offered from Android 14 (API
 * 34), where androidx's `createSettingsPendingIntent()` exists, and not below. What the intent
 * opens, and sending it, only a device shows.
 */
class PasswordManagerSettingsTest {
    @Test
    fun `below Android 14 there is no settings intent and Credential Manager is not even made`() {
        for (sdk in 28..33) {
            var made = 0
            val settings = PasswordManagerSettings.pendingIntent(sdk) {
                made++
                TestCredentialManager()
            }
            assertNull(settings, "API $sdk")
            assertEquals(0, made, "API $sdk: no CredentialManager made")
        }
    }

    @Test
    fun `from Android 14 it is Credential Manager's own settings intent, asked once and handed on unchanged`() {
        for (sdk in listOf(34, 35, 36)) {
            val intent = opaquePendingIntent()
            val manager = TestCredentialManager().apply { onSettings = { intent } }
            assertSame(intent, PasswordManagerSettings.pendingIntent(sdk) { manager }, "API $sdk")
            assertEquals(1, manager.settingsAsked, "API $sdk")
            assertEquals(0, manager.creates.size + manager.gets.size, "API $sdk: no ceremony")
        }
    }

    @Test
    fun `the gate is the documented API level`() {
        assertEquals(34, PasswordManagerSettings.MIN_SDK)
        val manager = TestCredentialManager().apply { onSettings = { opaquePendingIntent() } }
        assertNull(PasswordManagerSettings.pendingIntent(PasswordManagerSettings.MIN_SDK - 1) { manager })
        assertEquals(0, manager.settingsAsked)
    }

    @Test
    fun `a failure of Credential Manager is not hidden as no settings`() {
        // null means "this Android has no such screen"; a device that should have one and fails is
        // the app's to see, not a silent missing button.
        val failing: CredentialManager = TestCredentialManager().apply { onSettings = { throw SecurityException("denied") } }
        assertThrows(SecurityException::class.java) { PasswordManagerSettings.pendingIntent(34) { failing } }
    }
}
