package com.bingx.passkeys.android

import com.bingx.passkeys.Capabilities
import com.bingx.passkeys.CreateRequest
import com.bingx.passkeys.GetRequest
import com.bingx.passkeys.PlatformAuthenticator
import com.bingx.passkeys.PlatformAuthenticatorException
import java.util.Base64
import kotlin.coroutines.cancellation.CancellationException

/**
 * The library's `PlatformAuthenticator` over a [JsonAuthenticator]: the request JSON the core
 * prepared goes to the platform unchanged, the platform's response JSON comes back unchanged
 * (the core checks it), and a [CredentialFailure] becomes a typed
 * [PlatformAuthenticatorException] through [CredentialErrors].
 */
class JsonPlatformAuthenticator(private val platform: JsonAuthenticator) : PlatformAuthenticator {
    override suspend fun capabilities(): Capabilities = mapped { platform.capabilities() }

    override suspend fun create(request: CreateRequest): String = mapped { platform.create(request.requestJson) }

    override suspend fun get(request: GetRequest): String = mapped { platform.get(request.requestJson) }

    override suspend fun signalUnknownCredential(rpId: String, credentialId: ByteArray) = mapped {
        platform.signalUnknownCredential("""{"rpId":${quoted(rpId)},"credentialId":"${b64url(credentialId)}"}""")
    }

    override suspend fun signalAllAcceptedCredentials(
        rpId: String,
        userId: ByteArray,
        credentialIds: List<ByteArray>,
    ) = mapped {
        val ids = credentialIds.joinToString(",") { "\"${b64url(it)}\"" }
        platform.signalAllAcceptedCredentials(
            """{"rpId":${quoted(rpId)},"userId":"${b64url(userId)}","allAcceptedCredentialIds":[$ids]}""",
        )
    }

    override suspend fun signalCurrentUserDetails(
        rpId: String,
        userId: ByteArray,
        name: String,
        displayName: String,
    ) = mapped {
        platform.signalCurrentUserDetails(
            """{"rpId":${quoted(rpId)},"userId":"${b64url(userId)}","name":${quoted(name)},"displayName":${quoted(displayName)}}""",
        )
    }

    private suspend fun <T> mapped(call: suspend () -> T): T = try {
        call()
    } catch (e: CancellationException) {
        throw e
    } catch (e: PlatformAuthenticatorException) {
        throw e
    } catch (e: CredentialFailure) {
        throw CredentialErrors.toException(e.type, e.domError, e.platformMessage)
    } catch (e: Exception) {
        throw PlatformAuthenticatorException.Other(e.javaClass.name, e.message.orEmpty())
    }

    private companion object {
        fun b64url(bytes: ByteArray): String = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)

        /** A JSON string literal. */
        fun quoted(text: String): String = buildString {
            append('"')
            for (c in text) {
                when {
                    c == '"' -> append("\\\"")
                    c == '\\' -> append("\\\\")
                    c < ' ' -> append("\\u%04x".format(c.code))
                    else -> append(c)
                }
            }
            append('"')
        }
    }
}
