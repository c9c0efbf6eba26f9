package com.bingx.passkeys.android.store

import com.bingx.passkeys.SecureStoreException
import java.nio.ByteBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.CodingErrorAction
import java.security.GeneralSecurityException
import java.security.InvalidKeyException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The sealed form of one entry, format version 1:
 *
 * ```
 * "BXPS" | version (1 byte) | nonce (12 bytes) | AES-256-GCM ciphertext | tag (16 bytes)
 * ```
 *
 * The nonce is fresh and random for every write: the cipher draws it (an Android Keystore key
 * with randomized encryption required refuses a nonce from the caller). The additional
 * authenticated data binds the format, its version and the entry's name, so an entry copied
 * over another name, or with its version byte changed, does not open.
 */
internal object EntryCipher {
    /** The only format version this library writes and reads. */
    const val VERSION: Int = 1

    /** Larger files are not entries of this store (a signed policy is a few hundred bytes). */
    const val MAX_SEALED_BYTES: Int = 256 * 1024

    private const val TRANSFORMATION = "AES/GCM/NoPadding"
    private val MAGIC = byteArrayOf('B'.code.toByte(), 'X'.code.toByte(), 'P'.code.toByte(), 'S'.code.toByte())
    private const val NONCE_BYTES = 12
    private const val TAG_BITS = 128
    private const val HEADER_BYTES = 4 + 1 + NONCE_BYTES
    private const val MIN_BYTES = HEADER_BYTES + TAG_BITS / 8
    private val AAD_CONTEXT = "com.bingx.passkeys.android.store".toByteArray(Charsets.UTF_8)

    /** `value` sealed under `key` for the entry `name`. */
    fun seal(key: SecretKey, name: String, value: String): ByteArray {
        val plain = value.toByteArray(Charsets.UTF_8)
        if (plain.size > MAX_SEALED_BYTES - MIN_BYTES) {
            throw SecureStoreException.Other("the value is larger than this store keeps (${MAX_SEALED_BYTES - MIN_BYTES} bytes)")
        }
        val encoded = key.encoded
        if (encoded != null && encoded.size != 32) {
            throw SecureStoreException.Other("the store key is not an AES-256 key")
        }
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, key)
        val nonce: ByteArray? = cipher.iv
        if (nonce == null || nonce.size != NONCE_BYTES) {
            throw SecureStoreException.Other("the cipher did not draw a 96-bit nonce")
        }
        cipher.updateAAD(aad(VERSION, name))
        val sealed = cipher.doFinal(plain)
        return ByteBuffer.allocate(HEADER_BYTES + sealed.size)
            .put(MAGIC).put(VERSION.toByte()).put(nonce).put(sealed)
            .array()
    }

    /**
     * The value sealed in `bytes` for the entry `name`. Anything but an intact entry of this
     * format, sealed under `key` for this name, is [SecureStoreException.Unreadable].
     */
    fun open(key: SecretKey, name: String, bytes: ByteArray): String {
        if (bytes.size < MIN_BYTES) {
            throw SecureStoreException.Unreadable("the entry is truncated (${bytes.size} bytes)")
        }
        if (!bytes.copyOfRange(0, MAGIC.size).contentEquals(MAGIC)) {
            throw SecureStoreException.Unreadable("the file is not an entry of this store")
        }
        val version = bytes[MAGIC.size].toInt() and 0xff
        if (version != VERSION) {
            throw SecureStoreException.Unreadable("the entry has format version $version; this library reads version $VERSION")
        }
        val plain = try {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, bytes, MAGIC.size + 1, NONCE_BYTES))
            cipher.updateAAD(aad(version, name))
            cipher.doFinal(bytes, HEADER_BYTES, bytes.size - HEADER_BYTES)
        } catch (e: AEADBadTagException) {
            throw SecureStoreException.Unreadable("the entry cannot be authenticated: it was changed, or sealed under another key")
        } catch (e: InvalidKeyException) {
            if (keyIsGone(e)) {
                // The key was invalidated for good: the entry never opens again.
                throw SecureStoreException.Unreadable("the store key cannot open entries (${e.javaClass.simpleName})")
            }
            // Android's Keystore also reports a passing failure (its service, the secure
            // hardware) as a plain InvalidKeyException. The entry may open at the next try:
            // giving it up would drop what it keeps (a passkey's result the server has not seen).
            throw SecureStoreException.Unavailable("the key store refused the key (${e.javaClass.simpleName})")
        } catch (e: GeneralSecurityException) {
            throw SecureStoreException.Unavailable("the cipher failed (${e.javaClass.simpleName})")
        }
        return try {
            Charsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(plain))
                .toString()
        } catch (e: CharacterCodingException) {
            throw SecureStoreException.Unreadable("the entry is not UTF-8 text")
        } finally {
            plain.fill(0)
        }
    }

    /**
     * Whether `e` says the key will never work again: Android's
     * `KeyPermanentlyInvalidatedException` (named, not imported, so that this file also runs on
     * the JVM). Any other [InvalidKeyException] may pass.
     */
    internal fun keyIsGone(e: InvalidKeyException): Boolean =
        generateSequence<Class<*>>(e.javaClass) { it.superclass }
            .any { it.name == KEY_GONE }

    private const val KEY_GONE = "android.security.keystore.KeyPermanentlyInvalidatedException"

    /**
     * Whether Android's Keystore says `e` (or one of its causes) may pass: its
     * `android.security.KeyStoreException.isTransientFailure()` (API 33+; named, not imported,
     * so that this file also runs on the JVM, and asked for by name). Where it cannot tell (older
     * Android, no such cause): `false`.
     */
    internal fun keystoreSaysTransient(e: Throwable): Boolean =
        generateSequence(e) { it.cause }.take(8).any { cause ->
            cause.javaClass.name == KEYSTORE_EXCEPTION &&
                runCatching { cause.javaClass.getMethod("isTransientFailure").invoke(cause) == true }
                    .getOrDefault(false)
        }

    private const val KEYSTORE_EXCEPTION = "android.security.KeyStoreException"

    private fun aad(version: Int, name: String): ByteArray {
        val nameBytes = name.toByteArray(Charsets.UTF_8)
        return ByteBuffer.allocate(AAD_CONTEXT.size + 2 + nameBytes.size)
            .put(AAD_CONTEXT).put(0).put(version.toByte()).put(nameBytes)
            .array()
    }
}
