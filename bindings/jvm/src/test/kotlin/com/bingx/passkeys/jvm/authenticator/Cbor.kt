package com.bingx.passkeys.jvm.authenticator

import java.io.ByteArrayOutputStream

/**
 * A CBOR encoder (RFC 8949) for what an authenticator writes: unsigned and negative integers,
 * byte and text strings, and maps whose keys the caller gives in CTAP2 canonical order.
 */
object Cbor {
    fun encode(value: Any): ByteArray = ByteArrayOutputStream().also { write(value, it) }.toByteArray()

    private fun write(value: Any, out: ByteArrayOutputStream) {
        when (value) {
            is Int -> write(value.toLong(), out)
            is Long -> if (value >= 0) head(0, value, out) else head(1, -1 - value, out)
            is ByteArray -> {
                head(2, value.size.toLong(), out)
                out.write(value)
            }
            is String -> {
                val bytes = value.toByteArray(Charsets.UTF_8)
                head(3, bytes.size.toLong(), out)
                out.write(bytes)
            }
            is Map<*, *> -> {
                head(5, value.size.toLong(), out)
                for ((k, v) in value) {
                    write(k!!, out)
                    write(v!!, out)
                }
            }
            else -> throw IllegalArgumentException("no CBOR for ${value.javaClass}")
        }
    }

    private fun head(major: Int, n: Long, out: ByteArrayOutputStream) {
        val type = major shl 5
        when {
            n < 24 -> out.write(type or n.toInt())
            n < 0x100 -> { out.write(type or 24); out.write(n.toInt()) }
            n < 0x10000 -> { out.write(type or 25); bigEndian(n, 2, out) }
            n < 0x100000000L -> { out.write(type or 26); bigEndian(n, 4, out) }
            else -> { out.write(type or 27); bigEndian(n, 8, out) }
        }
    }

    private fun bigEndian(n: Long, bytes: Int, out: ByteArrayOutputStream) {
        for (i in bytes - 1 downTo 0) out.write((n ushr (8 * i)).toInt() and 0xff)
    }
}
