package com.bingx.passkeys.bench

import com.bingx.passkeys.Capabilities
import com.bingx.passkeys.CreateRequest
import com.bingx.passkeys.GetRequest
import com.bingx.passkeys.PlatformAuthenticator
import com.bingx.passkeys.PlatformAuthenticatorException
import com.bingx.passkeys.SecureStore
import java.util.Base64

/**
 * The platform contract answered at once: the password manager's responses to the replayed
 * (fixed) challenges, looked up by challenge. The device is always ready; signals are accepted
 * and dropped. What crosses the FFI is what a real shell's answers cross it with.
 */
class InstantAuthenticator(
    private val created: Map<String, String>,
    private val asserted: Map<String, String>,
) : PlatformAuthenticator {
    private val encoder = Base64.getUrlEncoder().withoutPadding()

    /** Calls received (every method), for the benchmark's count of FFI callbacks. */
    val calls = java.util.concurrent.atomic.AtomicLong()

    override suspend fun capabilities(): Capabilities = calls.incrementAndGet().let { Capabilities(
        passwordManagerAvailable = true,
        userCanAuthenticate = true,
        supportsSignals = true,
        unavailableReason = null,
    ) }

    override suspend fun create(request: CreateRequest): String {
        calls.incrementAndGet()
        return created[encoder.encodeToString(request.challenge)] ?: unprepared()
    }

    override suspend fun get(request: GetRequest): String {
        calls.incrementAndGet()
        return asserted[encoder.encodeToString(request.challenge)] ?: unprepared()
    }

    override suspend fun signalUnknownCredential(rpId: String, credentialId: ByteArray) {
        calls.incrementAndGet()
    }

    override suspend fun signalAllAcceptedCredentials(rpId: String, userId: ByteArray, credentialIds: List<ByteArray>) {
        calls.incrementAndGet()
    }

    override suspend fun signalCurrentUserDetails(rpId: String, userId: ByteArray, name: String, displayName: String) {
        calls.incrementAndGet()
    }

    private fun unprepared(): Nothing =
        throw PlatformAuthenticatorException.Other("bench", "no prepared answer for this challenge")
}

/**
 * The app's keystore as a map in memory: every write and every read the library has not cached
 * still crosses the FFI as a callback, as with KeystoreSecureStore or the Keychain; only the
 * platform's own storage cost is left out (it is not the SDK's).
 */
class MapStore(initial: Map<String, String> = emptyMap()) : SecureStore {
    private val values = HashMap(initial)

    /** Calls received, for the benchmark's count of FFI callbacks. */
    @Volatile var calls = 0L
        private set

    @Synchronized override fun get(name: String): String? {
        calls++
        return values[name]
    }

    @Synchronized override fun set(name: String, value: String) {
        calls++
        values[name] = value
    }

    @Synchronized override fun delete(name: String) {
        calls++
        values.remove(name)
    }

    /** What the keystore holds now. */
    @Synchronized fun snapshot(): Map<String, String> = HashMap(values)
}
