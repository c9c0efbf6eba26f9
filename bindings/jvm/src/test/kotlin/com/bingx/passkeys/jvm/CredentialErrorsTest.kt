package com.bingx.passkeys.jvm

import com.bingx.passkeys.PlatformAuthenticatorException
import com.bingx.passkeys.PlatformAuthenticatorException.AccountMissing
import com.bingx.passkeys.PlatformAuthenticatorException.AlreadyRegistered
import com.bingx.passkeys.PlatformAuthenticatorException.Cancelled
import com.bingx.passkeys.PlatformAuthenticatorException.DomainNotAssociated
import com.bingx.passkeys.PlatformAuthenticatorException.Interrupted
import com.bingx.passkeys.PlatformAuthenticatorException.NoCredential
import com.bingx.passkeys.PlatformAuthenticatorException.NoPasswordManager
import com.bingx.passkeys.PlatformAuthenticatorException.Other
import com.bingx.passkeys.PlatformAuthenticatorException.TimedOut
import com.bingx.passkeys.android.CredentialErrors
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.Arguments
import org.junit.jupiter.params.provider.Arguments.arguments
import org.junit.jupiter.params.provider.MethodSource

/**
 * Every row of shared/PLATFORM.md §1 "Suggested mapping to core error kinds", with the `type`
 * strings Credential Manager really sets (framework `android.credentials.…TYPE_…`, androidx
 * `androidx.credentials.TYPE_…`, DOM exceptions as `<exception type>/<DomError type>`).
 */
class CredentialErrorsTest {
    companion object {
        private const val CREATE = "android.credentials.CreateCredentialException"
        private const val GET = "android.credentials.GetCredentialException"
        private const val X = "androidx.credentials"
        private fun createDom(error: String) = "$X.TYPE_CREATE_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION/$X.TYPE_${error}_ERROR"
        private fun getDom(error: String) = "$X.TYPE_GET_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION/$X.TYPE_${error}_ERROR"

        private fun row(kind: Class<out PlatformAuthenticatorException>, type: String, dom: String?, message: String?) =
            arguments(kind.simpleName, type, dom, message, kind)

        @JvmStatic
        fun table(): List<Arguments> = listOf(
            // UserCancelled
            row(Cancelled::class.java, "$CREATE.TYPE_USER_CANCELED", null, "Passkey registration was cancelled by the user."),
            row(Cancelled::class.java, "$GET.TYPE_USER_CANCELED", null, "Passkey retrieval was cancelled by the user."),
            row(Cancelled::class.java, "$X.TYPE_CREATE_CREDENTIAL_CANCELLATION_EXCEPTION", null, null),
            row(Cancelled::class.java, createDom("NOT_ALLOWED"), "NotAllowedError", "Unable to create key during registration"),
            row(Cancelled::class.java, getDom("NOT_ALLOWED"), "NotAllowedError", "None of the allowed credentials can be authenticated"),
            // AlreadyRegistered
            row(AlreadyRegistered::class.java, createDom("INVALID_STATE"), "InvalidStateError", null),
            row(AlreadyRegistered::class.java, createDom("INVALID_STATE"), null, null),
            row(AlreadyRegistered::class.java, createDom("NOT_ALLOWED"), "NotAllowedError",
                "One of the excluded credentials exists on the local device"),
            row(AlreadyRegistered::class.java, "$CREATE.TYPE_UNKNOWN", null,
                "The user attempted to register an authenticator that contains one of the Excluded Credentials"),
            // NoCredential
            row(NoCredential::class.java, "$GET.TYPE_NO_CREDENTIAL", null, "No credentials available"),
            // NoProvider / ProviderDisabled
            row(NoPasswordManager::class.java, "$CREATE.TYPE_NO_CREATE_OPTIONS", null, "No create options available."),
            row(NoPasswordManager::class.java, "$X.TYPE_CREATE_CREDENTIAL_PROVIDER_CONFIGURATION_EXCEPTION", null,
                "createCredentialAsync no provider dependencies found"),
            row(NoPasswordManager::class.java, "$X.TYPE_GET_CREDENTIAL_PROVIDER_CONFIGURATION_EXCEPTION", null, null),
            row(NoPasswordManager::class.java, "$X.TYPE_CREATE_CREDENTIAL_UNSUPPORTED_EXCEPTION", null,
                "Your device doesn't support credential manager"),
            row(NoPasswordManager::class.java, "$X.TYPE_GET_CREDENTIAL_UNSUPPORTED_EXCEPTION", null, null),
            // NoGoogleAccount / SyncUnavailable
            row(AccountMissing::class.java, createDom("NOT_ALLOWED"), "NotAllowedError", "User is unable to create passkeys."),
            row(AccountMissing::class.java, createDom("NOT_ALLOWED"), "NotAllowedError", "Unable to get sync account."),
            row(AccountMissing::class.java, getDom("UNKNOWN"), "UnknownError", "Failed to decrypt credential."),
            // DomainNotAssociated
            row(DomainNotAssociated::class.java, createDom("SECURITY"), "SecurityError", "The incoming request cannot be validated"),
            row(DomainNotAssociated::class.java, getDom("SECURITY"), "SecurityError", "The incoming request cannot be validated"),
            row(DomainNotAssociated::class.java, createDom("SECURITY"), "SecurityError", null),
            // Retryable
            row(Interrupted::class.java, "$CREATE.TYPE_INTERRUPTED", null, "The user went to settings"),
            row(Interrupted::class.java, "$GET.TYPE_INTERRUPTED", null, null),
            row(TimedOut::class.java, createDom("TIMEOUT"), "TimeoutError", "[15] Flow has timed out."),
            row(TimedOut::class.java, getDom("NOT_ALLOWED"), "NotAllowedError", "[15] Flow has timed out."),
            // Unknown
            row(Other::class.java, createDom("UNKNOWN"), "UnknownError", "unknown fido gms exception - 42"),
            row(Other::class.java, "$CREATE.TYPE_UNKNOWN", null, "16: [28431] Skipping password saving since the user is likely prompted"),
            row(Other::class.java, getDom("INVALID_STATE"), "InvalidStateError", null),
            row(Other::class.java, "com.example.CUSTOM_ERROR", null, "a provider's own error"),
        )
    }

    @ParameterizedTest(name = "{0}: {1} {2} \"{3}\"")
    @MethodSource("table")
    fun `each Credential Manager failure becomes its kind`(
        name: String,
        type: String,
        domError: String?,
        message: String?,
        expected: Class<out PlatformAuthenticatorException>,
    ) {
        assertInstanceOf(expected, CredentialErrors.toException(type, domError, message), name)
    }

    @Test
    fun `the platform's words travel with the kinds that carry them`() {
        val noPm = CredentialErrors.toException("$CREATE.TYPE_NO_CREATE_OPTIONS", null, "No create options available.")
        assertEquals("No create options available.", (noPm as NoPasswordManager).detail)
        val noAccount = CredentialErrors.toException(createDom("NOT_ALLOWED"), "NotAllowedError", "User is unable to create passkeys.")
        assertEquals("User is unable to create passkeys.", (noAccount as AccountMissing).detail)
        val domain = CredentialErrors.toException(createDom("SECURITY"), "SecurityError", null)
        assertEquals(createDom("SECURITY"), (domain as DomainNotAssociated).detail, "the type when there is no message")
        val other = CredentialErrors.toException(createDom("UNKNOWN"), null, "unknown fido gms exception - 42") as Other
        assertEquals("$X.TYPE_CREATE_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION/UnknownError", other.kind)
        assertEquals("unknown fido gms exception - 42", other.detail)
    }

    @Test
    fun `DOM error names are read from the type string, which R8 leaves alone`() {
        assertEquals("InvalidStateError", CredentialErrors.domErrorName("$X.TYPE_INVALID_STATE_ERROR"))
        assertEquals("InvalidStateError", CredentialErrors.domErrorName("$X.TYPE_CREATE_PUBLIC_KEY_CREDENTIAL_INVALID_STATE_ERROR"))
        assertEquals("NotAllowedError", CredentialErrors.domErrorName("$X.TYPE_NOT_ALLOWED_ERROR"))
        assertEquals("SecurityError", CredentialErrors.domErrorName("$X.TYPE_GET_PUBLIC_KEY_CREDENTIAL_SECURITY_ERROR"))
        assertNull(CredentialErrors.domErrorName("$X.TYPE_CREATE_CREDENTIAL_UNSUPPORTED_EXCEPTION"))
        assertNull(CredentialErrors.domErrorName("not a type"))
        assertTrue(CredentialErrors.toException(createDom("INVALID_STATE"), null, null) is AlreadyRegistered)
    }
}
