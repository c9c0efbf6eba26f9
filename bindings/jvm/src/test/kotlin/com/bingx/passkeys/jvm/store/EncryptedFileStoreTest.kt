package com.bingx.passkeys.jvm.store

import android.security.keystore.KeyPermanentlyInvalidatedException
import com.bingx.passkeys.SecureStoreException
import com.bingx.passkeys.android.store.EncryptedFileStore
import com.bingx.passkeys.android.store.EntryCipher
import com.bingx.passkeys.android.store.StoreFolder
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.FileTime
import java.security.InvalidKeyException
import java.security.ProviderException
import java.security.UnrecoverableKeyException
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import javax.crypto.spec.SecretKeySpec

/**
 * The Android library's encrypted file store on the JVM, with a JCA key in place of the Android
 * Keystore's: what an attacker with the app's files, a crash, or a lost key makes of it.
 */
class EncryptedFileStoreTest {
    @TempDir
    lateinit var dir: Path

    private val session = "com.bingx.passkeys/session-token"
    private val policy = "com.bingx.passkeys/policy:acc_1"
    private val secret = "s3cr3t-session-token"

    /** The [SecureStoreException] [block] throws (a `null` or a value is a failure). */
    private inline fun <reified T : SecureStoreException> refused(what: String, block: () -> Any?): T {
        val outcome = try {
            block()
        } catch (e: SecureStoreException) {
            if (e is T) return e
            fail<Unit>("$what: expected ${T::class.simpleName}, got ${e.javaClass.simpleName}: ${e.message}")
        }
        fail<Unit>("$what: expected ${T::class.simpleName}, got the value $outcome")
        error("unreachable")
    }

    @Test
    fun `values round trip, survive a restart, and never lie on the disk in clear`() {
        val keys = JcaKeys()
        val store = EncryptedFileStore(dir, keys)
        assertNull(store.get(session))
        assertEquals(0, keys.made.get(), "reading nothing makes no key")
        store.delete(session)

        val values = mapOf(
            session to secret,
            policy to """{"payload":"eyJhY2NvdW50X2lkIjoiYWNjXzEifQ","signature":"MEUCIQ"}""",
            "com.bingx.passkeys/account-email" to "ünïcødé+日本@example.com",
            "com.bingx.passkeys/flagged:acc_1" to "1",
            "com.bingx.passkeys/empty" to "",
            "../../etc/passwd" to "a name that is not a path",
        )
        values.forEach(store::set)
        values.forEach { (name, value) -> assertEquals(value, store.get(name), name) }
        assertEquals(1, keys.made.get())

        val reopened = EncryptedFileStore(dir, keys)
        values.forEach { (name, value) -> assertEquals(value, reopened.get(name), name) }
        reopened.set(session, "s3cr3t-replaced")
        assertEquals("s3cr3t-replaced", store.get(session))
        reopened.delete(session)
        reopened.delete(session)
        assertNull(store.get(session))

        val onDisk = Files.list(dir).use { it.toList() }
        assertEquals(values.size - 1, onDisk.size, "one file per entry, no temporary file left: $onDisk")
        for (file in onDisk) {
            assertTrue(file.fileName.toString().matches(Regex("[0-9a-f]{64}\\.entry")), "$file")
            val text = String(Files.readAllBytes(file), Charsets.ISO_8859_1)
            assertFalse("s3cr3t" in text || "payload" in text || "acc_1" in text || "example.com" in text, "$file")
        }
        assertFalse(Files.exists(dir.resolveSibling("etc")), "an entry name never becomes a path")
    }

    @Test
    fun `each write draws a fresh nonce`() {
        val store = EncryptedFileStore(dir, JcaKeys())
        val sealed = (1..20).map {
            store.set(session, secret)
            Files.readAllBytes(entryFile(dir, session))
        }
        val nonces = sealed.map { it.copyOfRange(5, 17).toList() }.toSet()
        assertEquals(20, nonces.size, "20 writes of one value, 20 nonces")
        assertEquals(20, sealed.map { it.toList() }.toSet().size)
        assertEquals(4 + 1 + 12 + secret.length + 16, sealed.first().size)
    }

    @Test
    fun `a changed byte anywhere makes the entry unreadable, never empty`() {
        val keys = JcaKeys()
        val store = EncryptedFileStore(dir, keys)
        store.set(policy, """{"payload":"x","signature":"y"}""")
        val file = entryFile(dir, policy)
        val good = Files.readAllBytes(file)
        val places = mapOf("magic" to 0, "version" to 4, "nonce" to 5, "ciphertext" to 17, "tag" to good.size - 1)
        for ((place, at) in places) {
            val bad = good.copyOf().also { it[at] = (it[at].toInt() xor 0x01).toByte() }
            Files.write(file, bad)
            val e = refused<SecureStoreException.Unreadable>("a changed $place byte") { store.get(policy) }
            assertFalse(policy in e.detail || "acc_1" in e.detail, e.detail)
        }
        Files.write(file, good)
        assertEquals("""{"payload":"x","signature":"y"}""", store.get(policy), "the original still opens")
    }

    @Test
    fun `a truncated entry is unreadable`() {
        val store = EncryptedFileStore(dir, JcaKeys())
        store.set(session, secret)
        val file = entryFile(dir, session)
        val good = Files.readAllBytes(file)
        for (length in listOf(0, 1, 4, 5, 17, 32, good.size - 16, good.size - 1)) {
            Files.write(file, good.copyOf(length))
            refused<SecureStoreException.Unreadable>("$length of ${good.size} bytes") { store.get(session) }
        }
    }

    @Test
    fun `an entry of an unknown format version is unreadable and says so`() {
        val store = EncryptedFileStore(dir, JcaKeys())
        store.set(session, secret)
        val file = entryFile(dir, session)
        Files.write(file, Files.readAllBytes(file).also { it[4] = 2 })
        val e = refused<SecureStoreException.Unreadable>("version 2") { store.get(session) }
        assertTrue("version 2" in e.detail, e.detail)
    }

    @Test
    fun `an entry moved onto another name does not open`() {
        val store = EncryptedFileStore(dir, JcaKeys())
        store.set("com.bingx.passkeys/policy:acc_attacker", """{"blocked_paths":[]}""")
        store.set(policy, """{"blocked_paths":["h5"]}""")
        Files.copy(
            entryFile(dir, "com.bingx.passkeys/policy:acc_attacker"),
            entryFile(dir, policy),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        )
        refused<SecureStoreException.Unreadable>("another entry's file") { store.get(policy) }
    }

    @Test
    fun `an entry sealed under another key is unreadable`() {
        EncryptedFileStore(dir, JcaKeys()).set(session, secret)
        val other = EncryptedFileStore(dir, JcaKeys(aes256()))
        val e = refused<SecureStoreException.Unreadable>("another key") { other.get(session) }
        assertFalse(secret in e.detail || session in e.detail, e.detail)
    }

    @Test
    fun `a lost key leaves entries unreadable until they are written again`() {
        val keys = JcaKeys()
        val store = EncryptedFileStore(dir, keys)
        store.set(session, secret)
        store.set(policy, "signed policy")
        keys.lose()

        val e = refused<SecureStoreException.Unreadable>("no key") { store.get(session) }
        assertTrue("key" in e.detail, e.detail)
        refused<SecureStoreException.Unreadable>("no key") { store.get(policy) }
        assertNull(store.get("com.bingx.passkeys/account"), "nothing stored is still nothing")
        assertEquals(1, keys.made.get(), "reads never make a key")

        // A sign-in writes the session again: a new key, and the old policy still unreadable.
        store.set(session, "s3cr3t-new-session")
        assertEquals(2, keys.made.get())
        assertEquals("s3cr3t-new-session", store.get(session))
        refused<SecureStoreException.Unreadable>("sealed under the lost key") { store.get(policy) }
        store.set(policy, "a new signed policy")
        assertEquals("a new signed policy", store.get(policy))
    }

    @Test
    fun `a key the key store refuses for now is unavailable, not unreadable, and nothing is lost`() {
        val key = aes256()
        EncryptedFileStore(dir, JcaKeys(key)).set(session, secret)
        // Cipher.init refuses this key with a plain InvalidKeyException, as Android's Keystore
        // refuses a key when its service or the secure hardware fails for a moment.
        val refusing = EncryptedFileStore(dir, JcaKeys(SecretKeySpec(ByteArray(3), "AES")))
        val e = refused<SecureStoreException.Unavailable>("a passing refusal") { refusing.get(session) }
        assertTrue("InvalidKeyException" in e.detail, e.detail)
        assertEquals(secret, EncryptedFileStore(dir, JcaKeys(key)).get(session), "the entry is still there")
        // Only Android's sign of a key gone for good makes entries unreadable.
        assertTrue(EntryCipher.keyIsGone(KeyPermanentlyInvalidatedException()))
        assertFalse(EntryCipher.keyIsGone(InvalidKeyException("Keystore operation failed")))
    }

    @Test
    fun `a key the key store holds but can no longer use is replaced at the next write, a passing failure never`() {
        val keys = JcaKeys()
        val store = EncryptedFileStore(dir, keys)
        store.set(session, secret)
        store.set(policy, "signed policy")

        // Once: a passing failure. The write goes on under the same key; nothing is lost.
        keys.failure = UnrecoverableKeyException("Failed to obtain information about key")
        keys.failuresLeft = 1
        store.set(session, "s3cr3t-second-session")
        assertEquals(0, keys.replaced.get(), "one failure replaces nothing")
        assertEquals("signed policy", store.get(policy))

        // For good (some phones after an OS update): reads stay unavailable and change nothing;
        // the next write makes a new key, and what the old one sealed reads as unreadable.
        keys.failure = UnrecoverableKeyException("Failed to obtain information about key")
        keys.failuresLeft = Int.MAX_VALUE
        refused<SecureStoreException.Unavailable>("a read") { store.get(session) }
        assertEquals(0, keys.replaced.get(), "a read never replaces the key")
        store.set(session, "s3cr3t-new-session")
        assertEquals(1, keys.replaced.get())
        assertEquals("s3cr3t-new-session", store.get(session))
        refused<SecureStoreException.Unreadable>("sealed under the unusable key") { store.get(policy) }

        // Nor does a lookup failure Android calls transient (its service restarting), however
        // often it comes.
        keys.failure = UnrecoverableKeyException("Failed to obtain information about key").apply {
            initCause(android.security.KeyStoreException(transient = true))
        }
        keys.failuresLeft = Int.MAX_VALUE
        refused<SecureStoreException.Unavailable>("a write while the Keystore restarts") { store.set(session, "x") }
        assertEquals(1, keys.replaced.get())
        assertEquals(true, EntryCipher.keystoreSaysTransient(keys.failure!!))
        assertEquals(false, EntryCipher.keystoreSaysTransient(UnrecoverableKeyException("no cause")))

        // Any other failure of the key store never replaces the key.
        keys.failure = ProviderException("keystore2 is restarting")
        keys.failuresLeft = Int.MAX_VALUE
        refused<SecureStoreException.Unavailable>("a write") { store.set(session, "x") }
        keys.failure = null
        assertEquals(1, keys.replaced.get())
        assertEquals("s3cr3t-new-session", store.get(session))
    }

    @Test
    fun `each server environment has a folder of its own, and no name escapes the no-backup folder`() {
        assertEquals("bingx-passkeys-store", StoreFolder.name(""))
        assertEquals("bingx-passkeys-store-staging", StoreFolder.name("staging"))
        assertEquals("bingx-passkeys-store-qa_2.eu-1", StoreFolder.name("qa_2.eu-1"))
        for (bad in listOf(".", "..", "../x", "a/b", "a\\b", "prod env", "é", "x".repeat(65))) {
            try {
                StoreFolder.name(bad)
                fail<Unit>("the environment name \"$bad\" was taken")
            } catch (e: IllegalArgumentException) {
                // refused
            }
        }
        // Two environments' stores under one key see nothing of each other.
        val keys = JcaKeys()
        val prod = EncryptedFileStore(dir.resolve(StoreFolder.name("")), keys)
        val staging = EncryptedFileStore(dir.resolve(StoreFolder.name("staging")), keys)
        prod.set(session, secret)
        assertNull(staging.get(session))
    }

    @Test
    fun `a key store that cannot be asked is unavailable, and its words stay out`() {
        val keys = JcaKeys()
        val store = EncryptedFileStore(dir, keys)
        store.set(session, secret)
        keys.failure = ProviderException("keystore2 said: s3cr3t internals")
        for ((what, call) in listOf<Pair<String, () -> Any?>>(
            "read" to { store.get(session) },
            "write" to { store.set(session, "s3cr3t-other") },
        )) {
            val e = refused<SecureStoreException.Unavailable>(what, call)
            assertFalse("s3cr3t" in e.detail, e.detail)
            assertTrue("ProviderException" in e.detail, e.detail)
        }
        keys.failure = null
        assertEquals(secret, store.get(session), "a failed write changed nothing")
    }

    @Test
    fun `a file too large to be an entry is unreadable`() {
        val store = EncryptedFileStore(dir, JcaKeys())
        store.set(session, secret)
        Files.write(entryFile(dir, session), ByteArray(1024 * 1024))
        refused<SecureStoreException.Unreadable>("1 MiB") { store.get(session) }
    }

    @Test
    fun `a folder that cannot be written is a typed error`() {
        val notAFolder = dir.resolve("file")
        Files.write(notAFolder, byteArrayOf(1))
        val store = EncryptedFileStore(notAFolder.resolve("store"), JcaKeys())
        val e = refused<SecureStoreException.Other>("write") { store.set(session, secret) }
        assertFalse(secret in e.detail, e.detail)
        refused<SecureStoreException.Other>("read") { store.get(session) }
    }

    @Test
    fun `temporary files a crash left behind are swept, a write in progress is not`() {
        val stale = dir.resolve("0123456789abcdef.1111.tmp")
        val fresh = dir.resolve("0123456789abcdef.2222.tmp")
        Files.write(stale, byteArrayOf(1))
        Files.write(fresh, byteArrayOf(2))
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - TimeUnit.HOURS.toMillis(2)))
        EncryptedFileStore(dir, JcaKeys()).set(session, secret)
        assertFalse(Files.exists(stale))
        assertTrue(Files.exists(fresh))
    }

    @Test
    fun `clear forgets every entry`() {
        val store = EncryptedFileStore(dir, JcaKeys())
        store.set(session, secret)
        store.set(policy, "p")
        assertTrue(store.hasEntries())
        store.clear()
        assertFalse(store.hasEntries())
        assertNull(store.get(session))
        assertNull(store.get(policy))
    }

    @Test
    fun `many threads writing and reading at once see whole values only`() {
        val keys = JcaKeys()
        val store = EncryptedFileStore(dir, keys)
        val threads = 16
        val rounds = 40
        val shared = "com.bingx.passkeys/pending-registration"
        val written = ConcurrentHashMap.newKeySet<String>()
        val failures = ConcurrentHashMap.newKeySet<String>()
        val start = CountDownLatch(1)
        val pool = Executors.newFixedThreadPool(threads)
        try {
            val jobs = (0 until threads).map { t ->
                pool.submit {
                    start.await()
                    for (r in 0 until rounds) {
                        try {
                            val value = "thread $t round $r " + "x".repeat((t * 37 + r * 11) % 500)
                            written.add(value)
                            store.set(shared, value)
                            store.set("com.bingx.passkeys/own:$t", value)
                            val seen = store.get(shared)
                            if (seen == null || seen !in written) failures.add("read of a value never written")
                            if (store.get("com.bingx.passkeys/own:$t") != value) failures.add("thread $t lost its own write")
                        } catch (e: SecureStoreException) {
                            failures.add("${e.javaClass.simpleName}: ${e.message}")
                        }
                    }
                }
            }
            start.countDown()
            jobs.forEach { it.get(2, TimeUnit.MINUTES) }
        } finally {
            pool.shutdownNow()
        }
        assertEquals(emptySet<String>(), failures)
        assertEquals(1, keys.made.get(), "one key, made once")
        val last = store.get(shared)
        assertTrue(last != null && "round ${rounds - 1} " in last, "the last value is some thread's last write: $last")
        val files = Files.list(dir).use { it.toList() }
        assertEquals(threads + 1, files.size, "one file per entry, no temporary file left: $files")
    }
}
