package com.bingx.passkeys.jvm.authenticator

import com.bingx.passkeys.Capabilities
import com.bingx.passkeys.PlatformAuthenticatorException
import com.bingx.passkeys.android.CredentialErrors
import com.bingx.passkeys.android.CredentialFailure
import com.bingx.passkeys.android.JsonAuthenticator

/**
 * Two password managers on one phone, as the platform's sheet offers them (the Kotlin twin of
 * testkit's `TwoPasswordManagers`): a new passkey goes into the first, or into the second when
 * the first already holds one for the account; an assertion comes from whichever holds the
 * passkey. It decides with [CredentialErrors], as the app would.
 */
class TwoPasswordManagers(val first: KotlinAuthenticator, val second: KotlinAuthenticator) : JsonAuthenticator {
    override suspend fun capabilities(): Capabilities = first.capabilities()

    override suspend fun create(requestJson: String): String = try {
        first.create(requestJson)
    } catch (e: CredentialFailure) {
        if (!e.means<PlatformAuthenticatorException.AlreadyRegistered>()) throw e
        second.create(requestJson)
    }

    override suspend fun get(requestJson: String): String = try {
        first.get(requestJson)
    } catch (e: CredentialFailure) {
        if (!e.means<PlatformAuthenticatorException.NoCredential>()) throw e
        second.get(requestJson)
    }

    override suspend fun signalUnknownCredential(requestJson: String) {
        first.signalUnknownCredential(requestJson)
        second.signalUnknownCredential(requestJson)
    }

    override suspend fun signalAllAcceptedCredentials(requestJson: String) {
        first.signalAllAcceptedCredentials(requestJson)
        second.signalAllAcceptedCredentials(requestJson)
    }

    override suspend fun signalCurrentUserDetails(requestJson: String) {
        first.signalCurrentUserDetails(requestJson)
        second.signalCurrentUserDetails(requestJson)
    }

    private inline fun <reified T : PlatformAuthenticatorException> CredentialFailure.means(): Boolean =
        CredentialErrors.toException(type, domError, platformMessage) is T
}
