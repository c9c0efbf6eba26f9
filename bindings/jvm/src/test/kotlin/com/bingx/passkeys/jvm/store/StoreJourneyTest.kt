package com.bingx.passkeys.jvm.store

import com.bingx.passkeys.LoginPath
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.Scenario
import com.bingx.passkeys.SecureStore
import com.bingx.passkeys.android.JsonPlatformAuthenticator
import com.bingx.passkeys.android.store.EncryptedFileStore
import com.bingx.passkeys.jvm.Journeys
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.expectThrows
import com.bingx.passkeys.jvm.journey
import com.bingx.passkeys.jvm.testkit.TestAccount
import com.bingx.passkeys.jvm.testkit.TestkitServer
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

/**
 * The Android keystore's file logic under the real library and the reference server: a phone
 * whose `SecureStore` is the [EncryptedFileStore] (a JCA key standing in for the Android
 * Keystore's) keeps its session and the signed policy across app restarts, and when the files
 * are tampered with, or their key is lost, the library fails closed as the user sees it.
 */
class StoreJourneyTest {
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

    @TempDir
    lateinit var dir: Path

    private val keys = JcaKeys()
    private val pm = KotlinAuthenticator()

    /** The app started (again) on this phone: a new client over the same folder and key. */
    private fun launch(): PasskeysClient =
        PasskeysClient(server.config(), JsonPlatformAuthenticator(pm), EncryptedFileStore(dir, keys))

    private fun policyFile(account: TestAccount): Path = entryFile(dir, "com.bingx.passkeys/policy:${account.accountId}")

    /** An account with passkeys required, enabled on this phone, its signed policy cached. */
    private suspend fun enabledAccount(): TestAccount {
        val account = server.http.signUp("store-${UUID.randomUUID()}@jvm.test")
        launch().use { phone ->
            journeys.signIn(phone, account, "phone")
            journeys.steppedUp(phone, account).createPasskey("phone")
            assertTrue(phone.passkeys().policy().passkeyRequired)
        }
        return account
    }

    private fun flipLastByte(file: Path) {
        val bytes = Files.readAllBytes(file)
        bytes[bytes.size - 1] = (bytes[bytes.size - 1].toInt() xor 0x40).toByte()
        Files.write(file, bytes)
    }

    @Test
    fun `after a restart the phone is still signed in and still refuses the blocked paths offline`() = journey {
        val account = enabledAccount()
        assertTrue(Files.exists(policyFile(account)))
        launch().use { restarted ->
            assertTrue(restarted.signIn().isSignedIn())
            expectThrows<PasskeysException.PathBlocked> { restarted.signIn().checkPath(LoginPath.H5) }
            expectThrows<PasskeysException.PathBlocked> { restarted.signIn().checkPath(LoginPath.THIRD_PARTY) }
            assertTrue(restarted.scenarios().needsPasskey(Scenario.Login))
            assertFalse(restarted.scenarios().needsPasskey(Scenario.Withdrawal), "the server's policy: login only")
            assertEquals(listOf("phone"), restarted.passkeys().list().map { it.name }, "the kept session works")
        }
    }

    @Test
    fun `a tampered or deleted policy file fails closed, never as no policy`() = journey {
        val account = enabledAccount()
        flipLastByte(policyFile(account))
        launch().use { tampered ->
            expectThrows<PasskeysException.PolicyUnavailable> { tampered.signIn().checkPath(LoginPath.H5) }
            expectThrows<PasskeysException.PolicyUnavailable> { tampered.signIn().checkPath(LoginPath.THIRD_PARTY) }
            assertTrue(tampered.scenarios().needsPasskey(Scenario.Withdrawal), "every scenario needs a passkey")
            // The server's fresh signed policy repairs the copy.
            tampered.passkeys().policy()
            expectThrows<PasskeysException.PathBlocked> { tampered.signIn().checkPath(LoginPath.H5) }
        }
        launch().use { repaired ->
            expectThrows<PasskeysException.PathBlocked> { repaired.signIn().checkPath(LoginPath.H5) }
            assertFalse(repaired.scenarios().needsPasskey(Scenario.Withdrawal))
        }

        Files.delete(policyFile(account))
        launch().use { deleted ->
            expectThrows<PasskeysException.PolicyUnavailable> { deleted.signIn().checkPath(LoginPath.H5) }
            assertTrue(deleted.scenarios().needsPasskey(Scenario.Withdrawal))
        }
    }

    @Test
    fun `a tampered session file is a keystore failure, not a signed-out phone`() = journey {
        enabledAccount()
        flipLastByte(entryFile(dir, "com.bingx.passkeys/session-token"))
        launch().use { phone ->
            expectThrows<PasskeysException.KeystoreFailed> { phone.signIn().isSignedIn() }
            expectThrows<PasskeysException.KeystoreFailed> { phone.passkeys().list() }
        }
    }

    /** The app's store, counting what reaches it (each call an FFI callback on a phone). */
    private class Counting(private val inner: SecureStore) : SecureStore {
        val reads = ConcurrentHashMap<String, AtomicInteger>()
        val writes = AtomicInteger()

        override fun get(name: String): String? {
            reads.computeIfAbsent(name) { AtomicInteger() }.incrementAndGet()
            return inner.get(name)
        }

        override fun set(name: String, value: String) {
            writes.incrementAndGet()
            inner.set(name, value)
        }

        override fun delete(name: String) {
            writes.incrementAndGet()
            inner.delete(name)
        }
    }

    @Test
    fun `a sign-in and an Enable read each entry from the app's store at most once`() = journey {
        val account = server.http.signUp("store-${UUID.randomUUID()}@jvm.test")
        val store = Counting(EncryptedFileStore(dir, keys))
        PasskeysClient(server.config(), JsonPlatformAuthenticator(pm), store).use { phone ->
            journeys.signIn(phone, account, "phone")
            journeys.steppedUp(phone, account).createPasskey("phone")
            assertTrue(phone.signIn().isSignedIn())
            expectThrows<PasskeysException.PathBlocked> { phone.signIn().checkPath(LoginPath.H5) }
        }
        val reread = store.reads.filterValues { it.get() > 1 }.keys
        assertEquals(emptySet<String>(), reread, "read again although this client wrote or read it")
        println("keystore callbacks for a sign-in and an Enable: ${store.reads.values.sumOf { it.get() }} reads, ${store.writes.get()} writes")
    }

    @Test
    fun `with the key lost the phone fails closed until the user signs in again`() = journey {
        val account = enabledAccount()
        keys.lose()
        launch().use { phone ->
            expectThrows<PasskeysException.KeystoreFailed> { phone.signIn().isSignedIn() }
            expectThrows<PasskeysException.PolicyUnavailable> { phone.signIn().checkPath(LoginPath.H5) }
            assertTrue(phone.scenarios().needsPasskey(Scenario.Withdrawal))

            // Signing in again (the server still wants the passkey) writes under a new key.
            journeys.signIn(phone, account, "phone")
            assertTrue(phone.signIn().isSignedIn())
            phone.passkeys().policy()
        }
        assertEquals(2, keys.made.get())
        launch().use { phone ->
            assertTrue(phone.signIn().isSignedIn())
            expectThrows<PasskeysException.PathBlocked> { phone.signIn().checkPath(LoginPath.H5) }
            assertFalse(phone.scenarios().needsPasskey(Scenario.Withdrawal))
        }
    }
}
