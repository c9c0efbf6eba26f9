package com.bingx.passkeys.jvm.authenticator

import com.bingx.passkeys.Capabilities
import com.bingx.passkeys.UnavailableReason
import com.bingx.passkeys.android.CredentialFailure
import com.bingx.passkeys.android.JsonAuthenticator
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.awaitCancellation
import java.math.BigInteger
import java.nio.ByteBuffer
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.MessageDigest
import java.security.SecureRandom
import java.security.Signature
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import java.util.Base64
import java.util.UUID

/** The `type` strings Credential Manager's exceptions carry (androidx.credentials 1.5). */
object AndroidTypes {
    const val CREATE_CANCELLED = "android.credentials.CreateCredentialException.TYPE_USER_CANCELED"
    const val GET_CANCELLED = "android.credentials.GetCredentialException.TYPE_USER_CANCELED"
    const val NO_CREDENTIAL = "android.credentials.GetCredentialException.TYPE_NO_CREDENTIAL"
    const val CREATE_DOM = "androidx.credentials.TYPE_CREATE_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION"
    const val GET_DOM = "androidx.credentials.TYPE_GET_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION"

    /** A DOMException type as Credential Manager writes it, e.g. `dom(CREATE_DOM, "INVALID_STATE")`. */
    fun dom(exception: String, error: String) = "$exception/androidx.credentials.TYPE_${error}_ERROR"
}

/**
 * A passkey provider written only with the JDK's crypto (P-256 keys, SHA256withECDSA, SHA-256,
 * SecureRandom): it answers `requestJson` with the JSON Android Credential Manager returns, so
 * that the reference server verifies ceremonies no Rust code produced. Passkeys are discoverable,
 * synced-style (flags UP|UV|BE|BS, counter 0) and kept in memory; attestation "none"; the client
 * data origin is `https://<rpId>`, as on iOS.
 *
 * Switches for the journeys of J7: [failNext] makes the next ceremony fail with a Credential
 * Manager error, [hangNext] makes it wait until its coroutine is cancelled.
 */
class KotlinAuthenticator(
    private val capabilities: Capabilities = Capabilities(true, true, true, null),
) : JsonAuthenticator {
    class Passkey(val rpId: String, val credentialId: ByteArray, val userId: ByteArray, val keys: KeyPair) {
        /** The account name shown with the passkey (`user.name`, then the latest signal's). */
        @Volatile var userName: String? = null

        /** The account's display name shown with the passkey (`user.displayName`, then the latest signal's). */
        @Volatile var userDisplayName: String? = null
    }

    private val vault = mutableListOf<Passkey>()
    private val random = SecureRandom()

    @Volatile private var nextFailure: CredentialFailure? = null
    @Volatile private var nextHang: Hang? = null

    /** A ceremony that waits until its coroutine is cancelled, as a sheet nobody answers. */
    class Hang {
        /** Completes when the ceremony started waiting. */
        val started = CompletableDeferred<Unit>()

        /** Completes when the ceremony was cancelled (the sheet was dismissed). */
        val cancelled = CompletableDeferred<Unit>()
    }

    /** Every signal received, as its JSON. */
    val signals: MutableList<String> = java.util.Collections.synchronizedList(mutableListOf())

    /** The passkeys held. */
    val passkeys: List<Passkey> get() = synchronized(vault) { vault.toList() }

    /** How many sign-in ceremonies (`get`) were asked for, including those that failed. */
    val gets: Int get() = getCalls.get()
    private val getCalls = java.util.concurrent.atomic.AtomicInteger()

    /** The next ceremony fails with [failure]. */
    fun failNext(failure: CredentialFailure) { nextFailure = failure }

    /** The next ceremony never answers until it is cancelled. */
    fun hangNext(): Hang = Hang().also { nextHang = it }

    override suspend fun capabilities(): Capabilities = capabilities

    override suspend fun create(requestJson: String): String {
        switches()
        val options = Json.parse(requestJson)
        val rpId = options.obj("rp").str("id")!!
        val userId = b64d(options.obj("user").str("id")!!)
        if (options.list("pubKeyCredParams").none { (it as Map<*, *>)["alg"] == -7L }) {
            throw CredentialFailure(AndroidTypes.dom(AndroidTypes.CREATE_DOM, "NOT_SUPPORTED"), "NotSupportedError",
                "None of the requested algorithms is supported")
        }
        val excluded = options.list("excludeCredentials").map { b64d((it as Map<*, *>)["id"] as String) }
        if (passkeys.any { p -> p.rpId == rpId && excluded.any { it.contentEquals(p.credentialId) } }) {
            throw CredentialFailure(AndroidTypes.dom(AndroidTypes.CREATE_DOM, "INVALID_STATE"), "InvalidStateError",
                "One of the excluded credentials exists on the local device")
        }
        val keys = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }
            .generateKeyPair()
        val passkey = Passkey(rpId, ByteArray(32).also(random::nextBytes), userId, keys).apply {
            userName = options.obj("user").str("name")
            userDisplayName = options.obj("user").str("displayName")
        }
        val clientData = clientData("webauthn.create", options.str("challenge")!!, rpId)
        val authData = authenticatorData(rpId, FLAGS or AT, attestedCredential(passkey))
        val attestation = Cbor.encode(linkedMapOf("fmt" to "none", "attStmt" to emptyMap<String, Any>(), "authData" to authData))
        synchronized(vault) { vault.add(passkey) }
        return Json.write(linkedMapOf(
            "id" to b64(passkey.credentialId),
            "rawId" to b64(passkey.credentialId),
            "type" to "public-key",
            "response" to linkedMapOf(
                "clientDataJSON" to b64(clientData),
                "attestationObject" to b64(attestation),
                "authenticatorData" to b64(authData),
                "publicKey" to b64(keys.public.encoded),
                "publicKeyAlgorithm" to -7L,
                "transports" to listOf("internal", "hybrid"),
            ),
            "authenticatorAttachment" to "platform",
            "clientExtensionResults" to mapOf("credProps" to mapOf("rk" to true)),
        ))
    }

    override suspend fun get(requestJson: String): String {
        getCalls.incrementAndGet()
        switches()
        val options = Json.parse(requestJson)
        val rpId = options.str("rpId")!!
        val allowed = options.list("allowCredentials").map { b64d((it as Map<*, *>)["id"] as String) }
        val passkey = passkeys.firstOrNull { p ->
            p.rpId == rpId && (allowed.isEmpty() || allowed.any { it.contentEquals(p.credentialId) })
        } ?: throw CredentialFailure(AndroidTypes.NO_CREDENTIAL, null, "No credentials available")
        val clientData = clientData("webauthn.get", options.str("challenge")!!, rpId)
        val authData = authenticatorData(rpId, FLAGS, ByteArray(0))
        val signature = Signature.getInstance("SHA256withECDSA").run {
            initSign(passkey.keys.private)
            update(authData)
            update(sha256(clientData))
            sign()
        }
        return Json.write(linkedMapOf(
            "id" to b64(passkey.credentialId),
            "rawId" to b64(passkey.credentialId),
            "type" to "public-key",
            "response" to linkedMapOf(
                "clientDataJSON" to b64(clientData),
                "authenticatorData" to b64(authData),
                "signature" to b64(signature),
                "userHandle" to b64(passkey.userId),
            ),
            "authenticatorAttachment" to "platform",
            "clientExtensionResults" to emptyMap<String, Any>(),
        ))
    }

    /** A password manager forgets a credential its relying party no longer knows. */
    override suspend fun signalUnknownCredential(requestJson: String) {
        signals.add(requestJson)
        val signal = Json.parse(requestJson)
        val id = b64d(signal.str("credentialId")!!)
        synchronized(vault) { vault.removeAll { it.rpId == signal.str("rpId") && it.credentialId.contentEquals(id) } }
    }

    /** A password manager forgets the user's credentials its relying party no longer accepts. */
    override suspend fun signalAllAcceptedCredentials(requestJson: String) {
        signals.add(requestJson)
        val signal = Json.parse(requestJson)
        val user = b64d(signal.str("userId")!!)
        val accepted = signal.list("allAcceptedCredentialIds").map { b64d(it as String) }
        synchronized(vault) {
            vault.removeAll { p ->
                p.rpId == signal.str("rpId") && p.userId.contentEquals(user) &&
                    accepted.none { it.contentEquals(p.credentialId) }
            }
        }
    }

    /** A password manager shows the account's current names on the user's passkeys. */
    override suspend fun signalCurrentUserDetails(requestJson: String) {
        signals.add(requestJson)
        val signal = Json.parse(requestJson)
        val user = b64d(signal.str("userId")!!)
        synchronized(vault) {
            vault.filter { it.rpId == signal.str("rpId") && it.userId.contentEquals(user) }.forEach {
                it.userName = signal.str("name")
                it.userDisplayName = signal.str("displayName")
            }
        }
    }

    private suspend fun switches() {
        nextFailure?.let { nextFailure = null; throw it }
        nextHang?.let { hang ->
            nextHang = null
            try {
                hang.started.complete(Unit)
                awaitCancellation()
            } finally {
                hang.cancelled.complete(Unit)
            }
        }
    }

    private fun clientData(type: String, challenge: String, rpId: String): ByteArray =
        Json.write(linkedMapOf("type" to type, "challenge" to challenge, "origin" to "https://$rpId", "crossOrigin" to false))
            .toByteArray(Charsets.UTF_8)

    private fun authenticatorData(rpId: String, flags: Int, attested: ByteArray): ByteArray =
        ByteBuffer.allocate(37 + attested.size)
            .put(sha256(rpId.toByteArray(Charsets.UTF_8)))
            .put(flags.toByte())
            .putInt(0)
            .put(attested)
            .array()

    /** AAGUID, credential id length and id, COSE_Key (EC2, ES256, P-256). */
    private fun attestedCredential(passkey: Passkey): ByteArray {
        val point = (passkey.keys.public as ECPublicKey).w
        val coseKey = Cbor.encode(linkedMapOf(
            1 to 2, 3 to -7, -1 to 1, -2 to coordinate(point.affineX), -3 to coordinate(point.affineY),
        ))
        return ByteBuffer.allocate(18 + passkey.credentialId.size + coseKey.size)
            .putLong(AAGUID.mostSignificantBits).putLong(AAGUID.leastSignificantBits)
            .putShort(passkey.credentialId.size.toShort())
            .put(passkey.credentialId)
            .put(coseKey)
            .array()
    }

    companion object {
        /** This provider's AAGUID; the server lists it as an unknown provider. */
        val AAGUID: UUID = UUID.fromString("6b6f746c-696e-4a56-8d00-62696e677821")
        private const val UP = 0x01
        private const val UV = 0x04
        private const val BE = 0x08
        private const val BS = 0x10
        private const val AT = 0x40
        const val FLAGS = UP or UV or BE or BS

        fun b64(bytes: ByteArray): String = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)
        fun b64d(text: String): ByteArray = Base64.getUrlDecoder().decode(text)
        fun sha256(bytes: ByteArray): ByteArray = MessageDigest.getInstance("SHA-256").digest(bytes)

        private fun coordinate(n: BigInteger): ByteArray {
            val bytes = n.toByteArray().takeLast(32).toByteArray()
            return ByteArray(32 - bytes.size) + bytes
        }

        /** A device with no password manager. */
        val NO_PASSWORD_MANAGER = Capabilities(false, true, false, UnavailableReason.NoPasswordManager)
    }
}
