package com.bingx.passkeys.jvm

import com.bingx.passkeys.CreateRequest
import com.bingx.passkeys.GetRequest
import com.bingx.passkeys.PlatformAuthenticatorException
import com.bingx.passkeys.android.JsonAuthenticator
import com.bingx.passkeys.android.JsonPlatformAuthenticator
import com.bingx.passkeys.jvm.authenticator.Json
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** The JSON-in/JSON-out adapter on its own: what it hands the platform, and what it throws. */
class JsonPlatformAuthenticatorTest {
    private class Recording(private val failure: Exception? = null) : JsonAuthenticator by KotlinAuthenticator() {
        val seen = mutableListOf<String>()

        override suspend fun create(requestJson: String): String {
            failure?.let { throw it }
            return requestJson.also { seen.add(it) }
        }

        override suspend fun signalUnknownCredential(requestJson: String) { seen.add(requestJson) }

        override suspend fun signalAllAcceptedCredentials(requestJson: String) { seen.add(requestJson) }

        override suspend fun signalCurrentUserDetails(requestJson: String) { seen.add(requestJson) }
    }

    private fun create(json: String) = CreateRequest(json, "bingx.com", ByteArray(16), ByteArray(8), "a", "A", emptyList(), null)

    @Test
    fun `request and response JSON pass through unchanged`() = runBlocking {
        val platform = Recording()
        val options = """{"rp":{"id":"bingx.com"},"challenge":"AAAA"}"""
        assertEquals(options, JsonPlatformAuthenticator(platform).create(create(options)))
        assertEquals(listOf(options), platform.seen)
    }

    @Test
    fun `signals are the JSON Credential Manager's signal requests take`() = runBlocking {
        val platform = Recording()
        val adapter = JsonPlatformAuthenticator(platform)
        adapter.signalUnknownCredential("bingx.com", byteArrayOf(1, 2, 3))
        adapter.signalAllAcceptedCredentials("bingx.\"com", byteArrayOf(9), listOf(byteArrayOf(1), byteArrayOf(-1)))
        adapter.signalCurrentUserDetails("bingx.com", byteArrayOf(9), "alice@bingx.com", "Alice \"A\" \\ Ng\n")
        assertEquals(mapOf("rpId" to "bingx.com", "credentialId" to "AQID"), Json.parse(platform.seen[0]))
        assertEquals(
            mapOf("rpId" to "bingx.\"com", "userId" to "CQ", "allAcceptedCredentialIds" to listOf("AQ", "_w")),
            Json.parse(platform.seen[1]),
        )
        assertEquals(
            mapOf("rpId" to "bingx.com", "userId" to "CQ", "name" to "alice@bingx.com", "displayName" to "Alice \"A\" \\ Ng\n"),
            Json.parse(platform.seen[2]),
        )
    }

    @Test
    fun `an undeclared exception becomes Other with its class, and cancellation is not swallowed`() = runBlocking {
        val broken = JsonPlatformAuthenticator(Recording(IllegalStateException("bad provider")))
        val other = expectThrows<PlatformAuthenticatorException.Other> { broken.create(create("{}")) }
        assertEquals(IllegalStateException::class.java.name, other.kind)
        assertEquals("bad provider", other.detail)

        val cancelled = JsonPlatformAuthenticator(Recording(CancellationException("job cancelled")))
        expectThrows<CancellationException> { cancelled.create(create("{}")) }
        val noCredential = JsonPlatformAuthenticator(KotlinAuthenticator())
        expectThrows<PlatformAuthenticatorException.NoCredential> {
            noCredential.get(GetRequest("""{"rpId":"bingx.com","challenge":"AAAA"}""", "bingx.com", ByteArray(16), emptyList(), null))
        }
        Unit
    }
}
