package com.bingx.passkeys.android

import android.content.ContextWrapper
import com.bingx.passkeys.UnavailableReason
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The device check before Enable: what it reports for each thing the platform can tell (API 28–35). */
class DeviceCheckTest {
    private fun check(facts: TestDeviceFacts) = runBlocking {
        CredentialManagerAuthenticator({ ContextWrapper(null) }, TestCredentialManager(), facts).capabilities()
    }

    @Test
    fun `below Android 9 passkeys are unavailable because the OS is too old`() {
        val c = check(TestDeviceFacts(sdkInt = 27))
        assertFalse(c.passwordManagerAvailable)
        assertEquals(UnavailableReason.OsTooOld, c.unavailableReason)
    }

    @Test
    fun `Android 9 to 13 without Google Play services has no password manager for passkeys`() {
        for (sdk in 28..33) {
            val c = check(TestDeviceFacts(sdkInt = sdk, framework = false, playServices = false))
            assertFalse(c.passwordManagerAvailable, "API $sdk")
            assertEquals(UnavailableReason.NoPasswordManager, c.unavailableReason, "API $sdk")
        }
    }

    @Test
    fun `Play services not found is not installed, on every API level, since the library declares it in queries`() {
        assertFalse(AndroidDeviceFacts.playServicesState { throw android.content.pm.PackageManager.NameNotFoundException() })
        assertTrue(AndroidDeviceFacts.playServicesState { true })
        assertFalse(AndroidDeviceFacts.playServicesState { false }, "installed but disabled")
    }

    @Test
    fun `when the app cannot see Play services the check does not claim it is missing`() {
        val c = check(TestDeviceFacts(sdkInt = 31, framework = false, playServices = null))
        assertTrue(c.passwordManagerAvailable)
        assertNull(c.unavailableReason)
    }

    @Test
    fun `Android 14 and later with the Credential Manager service count as having a password manager`() {
        // Providers cannot be listed by an app; a device with all of them off is found out by the
        // ceremony (NoCreateOption → NoPasswordManager).
        val c = check(TestDeviceFacts(sdkInt = 34, framework = true, playServices = false))
        assertTrue(c.passwordManagerAvailable)
        assertNull(c.unavailableReason)
    }

    @Test
    fun `Android 14 and later without the service and without Play services have none`() {
        val c = check(TestDeviceFacts(sdkInt = 35, framework = false, playServices = false))
        assertFalse(c.passwordManagerAvailable)
        assertEquals(UnavailableReason.NoPasswordManager, c.unavailableReason)
        val fallback = check(TestDeviceFacts(sdkInt = 35, framework = false, playServices = true))
        assertTrue(fallback.passwordManagerAvailable)
    }

    @Test
    fun `no screen lock means the user cannot verify a passkey`() {
        val c = check(TestDeviceFacts(sdkInt = 30, secure = false))
        assertTrue(c.passwordManagerAvailable)
        assertFalse(c.userCanAuthenticate)
        assertEquals(UnavailableReason.NoScreenLock, c.unavailableReason)
        val both = check(TestDeviceFacts(sdkInt = 29, secure = false, framework = false, playServices = false))
        assertEquals(UnavailableReason.NoPasswordManager, both.unavailableReason, "the missing password manager is said first")
    }

    @Test
    fun `a ready device is ready, and androidx 1_5_0 offers no signals`() {
        val c = check(TestDeviceFacts())
        assertTrue(c.passwordManagerAvailable)
        assertTrue(c.userCanAuthenticate)
        assertFalse(c.supportsSignals)
        assertNull(c.unavailableReason)
    }
}
