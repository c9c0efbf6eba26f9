package com.bingx.passkeys.android.store

import com.bingx.passkeys.SecureStore
import com.bingx.passkeys.SecureStoreException
import java.io.IOException
import java.nio.file.Path
import java.security.UnrecoverableKeyException
import java.util.concurrent.atomic.AtomicBoolean
import javax.crypto.SecretKey

/**
 * The library's [SecureStore] as encrypted files: one file per entry in [directory], each
 * sealed with AES-256-GCM under the key [key] gives (format: [EntryCipher]), written atomically
 * ([EntryFiles]). Plain JVM code (javax.crypto, java.nio.file): `KeystoreSecureStore` runs it on
 * Android with a key in the Android Keystore, and the JVM tests with a JCA key.
 *
 * What cannot be read back is an error, never `null`, so the library fails closed on it (BRIEF
 * §5 #14): a changed, truncated or foreign file, an entry sealed under another key or with an
 * unknown format version, and entries left without their key are all
 * [SecureStoreException.Unreadable]; a key store that cannot be asked is
 * [SecureStoreException.Unavailable]; a file system failure is [SecureStoreException.Other].
 * Details name what failed, never a value, an entry name or a key.
 *
 * Safe for calls from many threads at once.
 */
class EncryptedFileStore(private val directory: Path, private val key: StoreKey) : SecureStore {
    private val files = EntryFiles(directory)
    private val swept = AtomicBoolean(false)

    override fun get(name: String): String? = guarded("read") {
        val bytes = try {
            files.read(files.fileOf(name), EntryCipher.MAX_SEALED_BYTES)
        } catch (e: EntryFiles.TooLarge) {
            throw SecureStoreException.Unreadable("the entry file is too large to be an entry (${e.size} bytes)")
        } ?: return@guarded null
        val key = askKey { key.existing() }
            ?: throw SecureStoreException.Unreadable(
                "the entry's key is gone (a new device, or the key store was reset): it can never be read again",
            )
        EntryCipher.open(key, name, bytes)
    }

    override fun set(name: String, value: String) = guarded("write") {
        if (swept.compareAndSet(false, true)) files.sweepTemporaryFiles()
        val sealed = EntryCipher.seal(askKey { writeKey() }, name, value)
        files.write(files.fileOf(name), sealed)
    }

    /**
     * The key to seal with: made when there is none, and made anew when the key store holds one
     * it can no longer use (`UnrecoverableKeyException` again at once, and not a failure Android
     * calls transient). Without that, such a key would refuse every read and write for good, and
     * only clearing the app's data would help. Any other failure stays `Unavailable` (it may
     * pass) and never replaces the key; reads never replace it either.
     */
    private fun writeKey(): SecretKey = try {
        key.getOrCreate()
    } catch (e: UnrecoverableKeyException) {
        try {
            key.getOrCreate()
        } catch (again: UnrecoverableKeyException) {
            if (EntryCipher.keystoreSaysTransient(again)) throw again
            key.replace()
        }
    }

    override fun delete(name: String) = guarded("delete") {
        files.delete(files.fileOf(name))
    }

    /**
     * Forget every entry: what a fresh install knows. For an explicit reset the user asked for
     * (for instance when entries stay unreadable after the key was lost): never call it to hide a
     * read error, since the library then knows nothing and no longer fails closed. The key stays.
     */
    fun clear() = guarded("clear") {
        files.deleteAll()
    }

    /** Whether any entry is stored (readable or not). */
    fun hasEntries(): Boolean = guarded("list") { files.anyEntry() }

    private inline fun <K : SecretKey?> askKey(ask: () -> K): K = try {
        ask()
    } catch (e: SecureStoreException) {
        throw e
    } catch (e: Exception) {
        throw SecureStoreException.Unavailable("the key store cannot be asked for the store key (${e.javaClass.simpleName})")
    }

    /** [block], with every failure a [SecureStoreException] whose detail carries no value. */
    private inline fun <T> guarded(what: String, block: () -> T): T = try {
        block()
    } catch (e: SecureStoreException) {
        throw e
    } catch (e: IOException) {
        throw SecureStoreException.Other("could not $what the entry file (${e.javaClass.simpleName})")
    } catch (e: Exception) {
        throw SecureStoreException.Other("could not $what the entry (${e.javaClass.simpleName})")
    }

    override fun toString(): String = "EncryptedFileStore($directory)"
}
