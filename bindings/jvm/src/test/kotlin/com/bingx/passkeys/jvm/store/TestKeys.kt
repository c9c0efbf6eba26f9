package com.bingx.passkeys.jvm.store

import com.bingx.passkeys.android.store.StoreKey
import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey

/** A fresh AES-256 key from the JDK (the JVM's stand-in for the Android Keystore's key). */
fun aes256(): SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()

/**
 * A key store holding at most one key, as the Android Keystore holds the store's alias: made
 * on the first write, and [lose]-able (a Keystore reset, a restore to a new phone).
 */
class JcaKeys(private var key: SecretKey? = null) : StoreKey {
    /** Keys made so far. */
    val made = AtomicInteger()

    /** Keys replaced so far (a key the key store held but could not use). */
    val replaced = AtomicInteger()

    /** When set, questions to the key store throw this ([failuresLeft] more times). */
    @Volatile var failure: Exception? = null

    /** How many more questions [failure] answers; then the key store answers again. */
    @Volatile var failuresLeft: Int = Int.MAX_VALUE

    @Synchronized private fun failIfSet() {
        val f = failure ?: return
        if (failuresLeft <= 0) {
            failure = null
            return
        }
        failuresLeft--
        throw f
    }

    @Synchronized override fun existing(): SecretKey? {
        failIfSet()
        return key
    }

    @Synchronized override fun getOrCreate(): SecretKey {
        failIfSet()
        return key ?: aes256().also { key = it; made.incrementAndGet() }
    }

    /** As the Keystore's `deleteEntry` then `generateKey`: the alias answers again, with a new key. */
    @Synchronized override fun replace(): SecretKey {
        failure = null
        replaced.incrementAndGet()
        made.incrementAndGet()
        return aes256().also { key = it }
    }

    /** The key is gone; the files stay. */
    @Synchronized fun lose() {
        key = null
    }
}

/** The file an entry lives in: the SHA-256 of its name in hex (EntryFiles' naming). */
fun entryFile(directory: Path, name: String): Path {
    val digest = MessageDigest.getInstance("SHA-256").digest(name.toByteArray(Charsets.UTF_8))
    return directory.resolve(digest.joinToString("") { "%02x".format(it) } + ".entry")
}

/** The entry files in [directory]. */
fun entryFiles(directory: Path): List<Path> =
    Files.list(directory).use { files -> files.filter { it.fileName.toString().endsWith(".entry") }.toList() }
