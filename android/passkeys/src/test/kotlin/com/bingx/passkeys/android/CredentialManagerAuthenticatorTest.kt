package com.bingx.passkeys.android

import android.app.Activity
import android.content.Context
import android.content.ContextWrapper
import androidx.credentials.CreatePasswordResponse
import androidx.credentials.CreatePublicKeyCredentialRequest
import androidx.credentials.CreatePublicKeyCredentialResponse
import androidx.credentials.GetCredentialResponse
import androidx.credentials.GetPublicKeyCredentialOption
import androidx.credentials.PasswordCredential
import androidx.credentials.PublicKeyCredential
import com.bingx.passkeys.CreateRequest
import com.bingx.passkeys.GetRequest
import com.bingx.passkeys.PlatformAuthenticatorException
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.coroutines.cancellation.CancellationException

/**
 * The shell as the core uses it (`JsonPlatformAuthenticator` over `CredentialManagerAuthenticator`)
 * with a test double of androidx's `CredentialManager`: the requests it builds from the core's
 * CreateRequest/GetRequest, and how it reads what Credential Manager answers.
 */
class CredentialManagerAuthenticatorTest {
    private val activity: Context = ContextWrapper(null)
    private val manager = TestCredentialManager()
    private val platform = JsonPlatformAuthenticator(CredentialManagerAuthenticator({ activity }, manager, TestDeviceFacts()))

    private val creationOptions =
        """{"rp":{"id":"passkeys.bingx.test","name":"BingX"},"user":{"id":"dXNlcg","name":"ana@bingx.test",""" +
            """"displayName":"Ana"},"challenge":"Y2hhbGxlbmdl","pubKeyCredParams":[{"type":"public-key","alg":-7}],""" +
            """"excludeCredentials":[{"type":"public-key","id":"b2xk"}],"authenticatorSelection":""" +
            """{"residentKey":"required","requireResidentKey":true,"userVerification":"required"},"timeout":60000}"""
    private val requestOptions =
        """{"rpId":"passkeys.bingx.test","challenge":"Y2hhbGxlbmdl","allowCredentials":[],"userVerification":"required"}"""
    private val registration =
        """{"id":"bmV3","rawId":"bmV3","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"o2Nm"}}"""
    private val assertion =
        """{"id":"bmV3","rawId":"bmV3","type":"public-key","response":{"clientDataJSON":"e30",""" +
            """"authenticatorData":"AAAA","signature":"MEU","userHandle":"dXNlcg"}}"""

    private fun createRequest() = CreateRequest(
        requestJson = creationOptions,
        rpId = "passkeys.bingx.test",
        challenge = "challenge".toByteArray(),
        userId = "user".toByteArray(),
        userName = "ana@bingx.test",
        userDisplayName = "Ana",
        excludeCredentialIds = listOf("old".toByteArray()),
        timeoutMs = 60_000u,
    )

    private fun getRequest() = GetRequest(
        requestJson = requestOptions,
        rpId = "passkeys.bingx.test",
        challenge = "challenge".toByteArray(),
        allowCredentialIds = emptyList(),
        timeoutMs = null,
    )

    @Test
    fun `create hands the core's options to Credential Manager unchanged, as a passkey request an app may make`() {
        manager.onCreate = { CreatePublicKeyCredentialResponse(registration) }
        val answer = runBlocking { platform.create(createRequest()) }

        assertEquals(registration, answer, "the registration JSON comes back unchanged for the core to check")
        val (context, request) = manager.creates.single()
        assertSame(activity, context, "the sheet is shown over the given Activity")
        val passkey = assertInstanceOf(CreatePublicKeyCredentialRequest::class.java, request)
        assertEquals(creationOptions, passkey.requestJson)
        // An app (not a browser) sets no origin and no client data hash: a non-null origin needs
        // CREDENTIAL_MANAGER_SET_ORIGIN on API 34+.
        assertNull(passkey.origin)
        assertNull(passkey.clientDataHash)
        assertFalse(passkey.preferImmediatelyAvailableCredentials, "the sheet is always shown for a create")
        assertFalse(passkey.isConditional, "never the automatic (conditional) create")
    }

    @Test
    fun `get asks for exactly one passkey option with the core's options`() {
        manager.onGet = { GetCredentialResponse(PublicKeyCredential(assertion)) }
        val answer = runBlocking { platform.get(getRequest()) }

        assertEquals(assertion, answer)
        val (context, request) = manager.gets.single()
        assertSame(activity, context)
        val option = assertInstanceOf(GetPublicKeyCredentialOption::class.java, request.credentialOptions.single())
        assertEquals(requestOptions, option.requestJson)
        assertNull(option.clientDataHash)
        assertNull(request.origin)
        assertFalse(request.preferImmediatelyAvailableCredentials, "a sign-in shows the sheet, with hybrid (QR) sign-in")
    }

    @Test
    fun `a password instead of a passkey is a typed error, not a response`() {
        manager.onCreate = { CreatePasswordResponse() }
        val created = assertThrows(PlatformAuthenticatorException.Other::class.java) { runBlocking { platform.create(createRequest()) } }
        assertEquals(AndroidxFailures.UNEXPECTED_RESPONSE, created.kind)

        manager.onGet = { GetCredentialResponse(PasswordCredential("ana@bingx.test", "hunter2")) }
        val got = assertThrows(PlatformAuthenticatorException.Other::class.java) { runBlocking { platform.get(getRequest()) } }
        assertEquals(AndroidxFailures.UNEXPECTED_RESPONSE, got.kind)
        assertFalse(got.detail.contains("hunter2"), "a password never reaches an error")
    }

    @Test
    fun `response JSON that is not an object is refused before it reaches the core`() {
        for (odd in listOf("", "   ", "null", "[]", "\"{}\"", "{\"id\":\"x\"")) {
            manager.onCreate = { CreatePublicKeyCredentialResponse(odd) }
            val created = assertThrows(PlatformAuthenticatorException.Other::class.java, { runBlocking { platform.create(createRequest()) } }, odd)
            assertEquals(AndroidxFailures.UNEXPECTED_RESPONSE, created.kind, odd)
            manager.onGet = { GetCredentialResponse(PublicKeyCredential(odd)) }
            val got = assertThrows(PlatformAuthenticatorException.Other::class.java, { runBlocking { platform.get(getRequest()) } }, odd)
            assertEquals(AndroidxFailures.UNEXPECTED_RESPONSE, got.kind, odd)
        }
    }

    @Test
    fun `coroutine cancellation is not turned into an error`() {
        manager.onCreate = { throw CancellationException("the screen went away") }
        assertThrows(CancellationException::class.java) { runBlocking { platform.create(createRequest()) } }
        manager.onGet = { throw CancellationException("the screen went away") }
        assertThrows(CancellationException::class.java) { runBlocking { platform.get(getRequest()) } }
    }

    @Test
    fun `a failure the shell does not know is a typed Other, never a crash`() {
        manager.onCreate = { throw IllegalArgumentException("requestJson must be a valid JSON") }
        val e = assertThrows(PlatformAuthenticatorException.Other::class.java) { runBlocking { platform.create(createRequest()) } }
        assertEquals("java.lang.IllegalArgumentException", e.kind)
    }

    @Test
    fun `the sheet's Activity stays reachable until its ceremony answers, though the app lets it go`() {
        // androidx's Play-services path (Android 9-13) keeps the Activity only weakly and drops
        // an answer whose Activity was collected: a rotation during the sheet must not lose it.
        manager.recordContexts = false
        var front: Context? = ContextWrapper(null)
        var sheetOver = java.lang.ref.WeakReference(front)
        // The app's own reference goes as soon as the sheet is up (the Activity was recreated).
        val rotated = JsonPlatformAuthenticator(
            CredentialManagerAuthenticator({ front.also { front = null } }, manager, TestDeviceFacts()),
        )
        val reachable = mutableListOf<Boolean>()
        val whileUp: suspend () -> Unit = {
            kotlinx.coroutines.delay(20) // the ceremony suspends: only what is kept stays
            repeat(3) {
                System.gc()
                Thread.sleep(20)
            }
            reachable += sheetOver.get() != null
        }
        manager.onGet = {
            whileUp()
            GetCredentialResponse(PublicKeyCredential(assertion))
        }
        manager.onCreate = {
            whileUp()
            CreatePublicKeyCredentialResponse(registration)
        }
        runBlocking { rotated.get(getRequest()) }
        front = ContextWrapper(null)
        sheetOver = java.lang.ref.WeakReference(front)
        runBlocking { rotated.create(createRequest()) }
        assertEquals(listOf(true, true), reachable, "an Activity was collected while its sheet was up")
        // And nothing keeps it once the ceremony answered.
        repeat(3) {
            System.gc()
            Thread.sleep(20)
        }
        assertNull(sheetOver.get(), "the Activity is let go once its ceremony answered")
    }

    @Test
    fun `the Activity is asked for at each ceremony, so a rotated screen's new Activity shows the next sheet`() {
        val first: Context = ContextWrapper(null)
        val second: Context = ContextWrapper(null)
        var current = first
        val rotating = JsonPlatformAuthenticator(CredentialManagerAuthenticator({ current }, manager, TestDeviceFacts()))
        manager.onCreate = { CreatePublicKeyCredentialResponse(registration) }
        manager.onGet = { GetCredentialResponse(PublicKeyCredential(assertion)) }

        runBlocking { rotating.create(createRequest()) }
        current = second
        runBlocking { rotating.get(getRequest()) }
        runBlocking { rotating.create(createRequest()) }

        assertSame(first, manager.creates[0].first)
        assertSame(second, manager.gets.single().first, "the Activity of now, not the one the authenticator was made with")
        assertSame(second, manager.creates[1].first)
    }

    @Test
    fun `without an Activity a ceremony is a typed error and never reaches Credential Manager`() {
        val none = JsonPlatformAuthenticator(CredentialManagerAuthenticator({ null }, manager, TestDeviceFacts()))
        manager.onCreate = { CreatePublicKeyCredentialResponse(registration) }
        manager.onGet = { GetCredentialResponse(PublicKeyCredential(assertion)) }

        val created = assertThrows(PlatformAuthenticatorException.Other::class.java) { runBlocking { none.create(createRequest()) } }
        assertEquals(CredentialManagerAuthenticator.NO_ACTIVITY, created.kind)
        val got = assertThrows(PlatformAuthenticatorException.Other::class.java) { runBlocking { none.get(getRequest()) } }
        assertEquals(CredentialManagerAuthenticator.NO_ACTIVITY, got.kind)
        assertTrue(manager.creates.isEmpty() && manager.gets.isEmpty(), "no sheet launched")
        assertTrue(runBlocking { none.capabilities() }.passwordManagerAvailable, "the device check needs no Activity")
    }

    @Test
    fun `an Activity that is finishing or destroyed never shows a sheet`() {
        manager.onCreate = { CreatePublicKeyCredentialResponse(registration) }
        val live = activity()
        runBlocking { JsonPlatformAuthenticator(CredentialManagerAuthenticator({ live }, manager, TestDeviceFacts())).create(createRequest()) }
        assertSame(live, manager.creates.single().first)

        for (gone in listOf(activity(finishing = true), activity(destroyed = true))) {
            val stale = JsonPlatformAuthenticator(CredentialManagerAuthenticator({ gone }, manager, TestDeviceFacts()))
            val e = assertThrows(PlatformAuthenticatorException.Other::class.java) { runBlocking { stale.create(createRequest()) } }
            assertEquals(CredentialManagerAuthenticator.NO_ACTIVITY, e.kind)
        }
        assertEquals(1, manager.creates.size, "only the live Activity launched a sheet")
    }

    /**
     * android-all's own Activity in the given state. Its constructor needs a Looper, which the
     * JVM lacks, so the instance is allocated without it; `isFinishing`/`isDestroyed` read the
     * two fields set here.
     */
    private fun activity(finishing: Boolean = false, destroyed: Boolean = false): Activity {
        val unsafeClass = Class.forName("sun.misc.Unsafe")
        val unsafe = unsafeClass.getDeclaredField("theUnsafe").apply { isAccessible = true }.get(null)
        val activity = unsafeClass.getMethod("allocateInstance", Class::class.java).invoke(unsafe, Activity::class.java) as Activity
        Activity::class.java.getDeclaredField("mFinished").apply { isAccessible = true }.setBoolean(activity, finishing)
        Activity::class.java.getDeclaredField("mDestroyed").apply { isAccessible = true }.setBoolean(activity, destroyed)
        check(activity.isFinishing == finishing && activity.isDestroyed == destroyed)
        return activity
    }

    @Test
    fun `androidx 1_5_0 has no signal API, so signals report not supported`() {
        val e = assertThrows(PlatformAuthenticatorException.Other::class.java) {
            runBlocking { platform.signalUnknownCredential("passkeys.bingx.test", byteArrayOf(1, 2)) }
        }
        assertEquals("androidx.credentials.signalCredentialState", e.kind)
        assertTrue(manager.creates.isEmpty() && manager.gets.isEmpty(), "nothing reached Credential Manager")
    }
}
