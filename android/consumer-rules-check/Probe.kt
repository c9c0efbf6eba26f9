// The workload of scripts/check-consumer-rules: calls through the generated bindings that lean on
// what android/passkeys/consumer-rules.pro keeps (JNA's classes, direct-mapped natives, RustBuffer
// and call-status structures, the foreign-trait method tables and their callbacks, async calls and
// their continuation callbacks, errors lifted from Rust). Run once as compiled and once shrunk,
// optimized and obfuscated with the rules; both runs must print the same lines.
package com.bingx.passkeys.rulescheck

import com.bingx.passkeys.Capabilities
import com.bingx.passkeys.CreateRequest
import com.bingx.passkeys.GetRequest
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.PlatformAuthenticator
import com.bingx.passkeys.PlatformAuthenticatorException
import com.bingx.passkeys.SecureStore
import com.bingx.passkeys.errorIsRetryable
import com.bingx.passkeys.errorText
import kotlinx.coroutines.runBlocking
import java.net.ServerSocket
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

/** A keystore in memory that counts the library's calls into it (a foreign trait). */
class CountingStore : SecureStore {
    private val entries = ConcurrentHashMap<String, String>()
    val calls = AtomicInteger()

    override fun get(name: String): String? = entries[name].also { calls.incrementAndGet() }

    override fun set(name: String, value: String) {
        calls.incrementAndGet()
        entries[name] = value
    }

    override fun delete(name: String) {
        calls.incrementAndGet()
        entries.remove(name)
    }
}

/** A device without a password manager (a foreign trait with async methods). */
class NoPasswordManager : PlatformAuthenticator {
    override suspend fun capabilities() = Capabilities(false, false, false, null)

    override suspend fun create(request: CreateRequest): String =
        throw PlatformAuthenticatorException.NoPasswordManager("none in this check")

    override suspend fun get(request: GetRequest): String =
        throw PlatformAuthenticatorException.NoPasswordManager("none in this check")

    override suspend fun signalUnknownCredential(rpId: String, credentialId: ByteArray) = Unit

    override suspend fun signalAllAcceptedCredentials(rpId: String, userId: ByteArray, credentialIds: List<ByteArray>) = Unit

    override suspend fun signalCurrentUserDetails(rpId: String, userId: ByteArray, name: String, displayName: String) = Unit
}

fun main() {
    // A loopback port with nothing listening: the sign-in's request is refused.
    val port = ServerSocket(0).use { it.localPort }
    val store = CountingStore()
    val config = PasskeysConfig(
        baseUrl = "http://127.0.0.1:$port/",
        rpId = "passkeys.bingx.test",
        allowInsecureLoopback = true,
    )
    val client = PasskeysClient(config, NoPasswordManager(), store)
    try {
        runBlocking { client.signIn().withPassword("qa@example.com", "not a password", "device-1", null) }
        println("sign-in: signed in (unexpected)")
    } catch (e: PasskeysException) {
        println("sign-in: ${e::class.simpleName}, text ${errorText(e).key}, retryable ${errorIsRetryable(e)}")
    }
    try {
        runBlocking { client.passkeys().list() }
        println("passkeys: listed (unexpected)")
    } catch (e: PasskeysException) {
        println("passkeys: ${e::class.simpleName}, text ${errorText(e).key}")
    }
    println("keystore called: ${store.calls.get() > 0}")
    println("requests sent: ${client.requestsSent()}")
}
