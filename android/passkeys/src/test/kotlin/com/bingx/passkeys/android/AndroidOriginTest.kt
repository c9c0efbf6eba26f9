package com.bingx.passkeys.android

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The `android:apk-key-hash:` encoding of a signing certificate: exactly what Credential Manager
 * writes and the core matches byte for byte (a padded, standard-alphabet or re-cased hash never
 * matches: shared/PLATFORM.md §6).
 */
class AndroidOriginTest {
    @Test
    fun `the hash is unpadded base64url of the certificate's SHA-256`() {
        // SHA-256 of no bytes (E3:B0:C4:…:B8:55): the vector the testkit's doctor also checks.
        assertEquals("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", AndroidOrigin.apkKeyHash(ByteArray(0)))
        // SHA-256 of "abc" (FIPS 180-2): BA:78:16:BF:…:F2:00:15:AD.
        assertEquals("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", AndroidOrigin.apkKeyHash("abc".toByteArray()))
    }

    @Test
    fun `the hash holds the same 32 bytes as the assetlinks fingerprint`() {
        val fingerprint = "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD"
        val bytes = fingerprint.split(':').map { it.toInt(16).toByte() }.toByteArray()
        val hash = AndroidOrigin.apkKeyHash("abc".toByteArray())
        assertEquals(bytes.toList(), java.util.Base64.getUrlDecoder().decode(hash).toList())
    }

    @Test
    fun `every hash is 43 characters of the base64url alphabet, never padded`() {
        for (size in listOf(0, 1, 2, 3, 700, 1500)) {
            val hash = AndroidOrigin.apkKeyHash(ByteArray(size) { (it * 31).toByte() })
            assertEquals(43, hash.length, "$size bytes")
            assertTrue(hash.all { it.isLetterOrDigit() || it == '-' || it == '_' }, hash)
        }
    }
}
