package com.bingx.passkeys.android

import com.bingx.passkeys.Capabilities

/**
 * A passkey authenticator that speaks the WebAuthn JSON encodings, as Android Credential Manager
 * does: `requestJson` in, `registrationResponseJson` / `authenticationResponseJson` out.
 *
 * [JsonPlatformAuthenticator] turns one into the library's `PlatformAuthenticator`. Implementations:
 * [CredentialManagerAuthenticator] on a device; a software authenticator in tests and QA builds.
 *
 * A failure is thrown as [CredentialFailure], in the platform's own terms; [CredentialErrors]
 * decides what it means. Coroutine cancellation must propagate (don't catch
 * `CancellationException`).
 */
interface JsonAuthenticator {
    /** What the device can do right now. */
    suspend fun capabilities(): Capabilities

    /** `PublicKeyCredentialCreationOptionsJSON` → `RegistrationResponseJSON`. */
    suspend fun create(requestJson: String): String

    /** `PublicKeyCredentialRequestOptionsJSON` → `AuthenticationResponseJSON`. */
    suspend fun get(requestJson: String): String

    /** `{"rpId", "credentialId"}`: the relying party no longer knows this credential. */
    suspend fun signalUnknownCredential(requestJson: String)

    /** `{"rpId", "userId", "allAcceptedCredentialIds": […]}`: the credentials still accepted. */
    suspend fun signalAllAcceptedCredentials(requestJson: String)

    /** `{"rpId", "userId", "name", "displayName"}`: the account's current names. */
    suspend fun signalCurrentUserDetails(requestJson: String)
}

/**
 * A platform failure in the platform's own terms: Credential Manager's exception `type`, the
 * DOMException name when there is one (`InvalidStateError`, …) and the platform's message.
 */
class CredentialFailure(
    val type: String,
    val domError: String?,
    val platformMessage: String?,
) : Exception(listOfNotNull(type, domError, platformMessage).joinToString(": "))
