package com.bingx.passkeys.android

import android.content.ContextWrapper
import androidx.credentials.exceptions.CreateCredentialCancellationException
import androidx.credentials.exceptions.CreateCredentialCustomException
import androidx.credentials.exceptions.CreateCredentialInterruptedException
import androidx.credentials.exceptions.CreateCredentialNoCreateOptionException
import androidx.credentials.exceptions.CreateCredentialProviderConfigurationException
import androidx.credentials.exceptions.CreateCredentialUnknownException
import androidx.credentials.exceptions.CreateCredentialUnsupportedException
import androidx.credentials.exceptions.GetCredentialCancellationException
import androidx.credentials.exceptions.GetCredentialCustomException
import androidx.credentials.exceptions.GetCredentialInterruptedException
import androidx.credentials.exceptions.GetCredentialProviderConfigurationException
import androidx.credentials.exceptions.GetCredentialUnknownException
import androidx.credentials.exceptions.GetCredentialUnsupportedException
import androidx.credentials.exceptions.NoCredentialException
import androidx.credentials.exceptions.domerrors.AbortError
import androidx.credentials.exceptions.domerrors.ConstraintError
import androidx.credentials.exceptions.domerrors.DataCloneError
import androidx.credentials.exceptions.domerrors.DataError
import androidx.credentials.exceptions.domerrors.DomError
import androidx.credentials.exceptions.domerrors.EncodingError
import androidx.credentials.exceptions.domerrors.HierarchyRequestError
import androidx.credentials.exceptions.domerrors.InUseAttributeError
import androidx.credentials.exceptions.domerrors.InvalidCharacterError
import androidx.credentials.exceptions.domerrors.InvalidModificationError
import androidx.credentials.exceptions.domerrors.InvalidNodeTypeError
import androidx.credentials.exceptions.domerrors.InvalidStateError
import androidx.credentials.exceptions.domerrors.NamespaceError
import androidx.credentials.exceptions.domerrors.NetworkError
import androidx.credentials.exceptions.domerrors.NoModificationAllowedError
import androidx.credentials.exceptions.domerrors.NotAllowedError
import androidx.credentials.exceptions.domerrors.NotFoundError
import androidx.credentials.exceptions.domerrors.NotReadableError
import androidx.credentials.exceptions.domerrors.NotSupportedError
import androidx.credentials.exceptions.domerrors.OperationError
import androidx.credentials.exceptions.domerrors.OptOutError
import androidx.credentials.exceptions.domerrors.QuotaExceededError
import androidx.credentials.exceptions.domerrors.ReadOnlyError
import androidx.credentials.exceptions.domerrors.SecurityError
import androidx.credentials.exceptions.domerrors.SyntaxError
import androidx.credentials.exceptions.domerrors.TimeoutError
import androidx.credentials.exceptions.domerrors.TransactionInactiveError
import androidx.credentials.exceptions.domerrors.UnknownError
import androidx.credentials.exceptions.domerrors.VersionError
import androidx.credentials.exceptions.domerrors.WrongDocumentError
import androidx.credentials.exceptions.publickeycredential.CreatePublicKeyCredentialDomException
import androidx.credentials.exceptions.publickeycredential.GetPublicKeyCredentialDomException
import com.bingx.passkeys.CreateRequest
import com.bingx.passkeys.GetRequest
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
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory

/**
 * Every row of shared/PLATFORM.md §1 "Suggested mapping to core error kinds", with exceptions of
 * the real androidx.credentials classes thrown by Credential Manager into the shell, as the core
 * sees them (through `JsonPlatformAuthenticator`).
 */
class ExceptionMappingTest {
    private val manager = TestCredentialManager()
    private val platform = JsonPlatformAuthenticator(
        CredentialManagerAuthenticator({ ContextWrapper(null) }, manager, TestDeviceFacts()),
    )
    private val createRequest = CreateRequest("{}", "rp", byteArrayOf(1), byteArrayOf(2), "ana", "Ana", emptyList(), null)
    private val getRequest = GetRequest("{}", "rp", byteArrayOf(1), emptyList(), null)

    private fun creating(e: Exception): PlatformAuthenticatorException {
        manager.onCreate = { throw e }
        return try {
            runBlocking { platform.create(createRequest) }
            fail("the create succeeded")
        } catch (mapped: PlatformAuthenticatorException) {
            mapped
        }
    }

    private fun getting(e: Exception): PlatformAuthenticatorException {
        manager.onGet = { throw e }
        return try {
            runBlocking { platform.get(getRequest) }
            fail("the get succeeded")
        } catch (mapped: PlatformAuthenticatorException) {
            mapped
        }
    }

    private class Row(val name: String, val expected: Class<out PlatformAuthenticatorException>, val run: () -> PlatformAuthenticatorException)

    private fun create(expected: Class<out PlatformAuthenticatorException>, e: Exception) =
        Row("create ${e.javaClass.simpleName} ${describe(e)}", expected) { creating(e) }

    private fun get(expected: Class<out PlatformAuthenticatorException>, e: Exception) =
        Row("get ${e.javaClass.simpleName} ${describe(e)}", expected) { getting(e) }

    private fun describe(e: Exception): String {
        val dom = when (e) {
            is CreatePublicKeyCredentialDomException -> e.domError.javaClass.simpleName + " "
            is GetPublicKeyCredentialDomException -> e.domError.javaClass.simpleName + " "
            else -> ""
        }
        return dom + (e.message?.let { "\"$it\"" } ?: "")
    }

    private fun createDom(error: DomError, message: String? = null) = CreatePublicKeyCredentialDomException(error, message)
    private fun getDom(error: DomError, message: String? = null) = GetPublicKeyCredentialDomException(error, message)

    private val rows = listOf(
        // UserCancelled
        create(Cancelled::class.java, CreateCredentialCancellationException("Passkey registration was cancelled by the user.")),
        create(Cancelled::class.java, CreateCredentialCancellationException()),
        get(Cancelled::class.java, GetCredentialCancellationException("Passkey retrieval was cancelled by the user.")),
        create(Cancelled::class.java, createDom(NotAllowedError(), "Unable to create key during registration")),
        get(Cancelled::class.java, getDom(NotAllowedError(), "None of the allowed credentials can be authenticated")),
        // AlreadyRegistered
        create(AlreadyRegistered::class.java, createDom(InvalidStateError())),
        create(AlreadyRegistered::class.java, createDom(NotAllowedError(), "One of the excluded credentials exists on the local device")),
        create(AlreadyRegistered::class.java,
            CreateCredentialUnknownException("The user attempted to register an authenticator that contains one of the Excluded Credentials")),
        // NoCredential
        get(NoCredential::class.java, NoCredentialException("No credentials available")),
        get(NoCredential::class.java, NoCredentialException()),
        // NoProvider / ProviderDisabled
        create(NoPasswordManager::class.java, CreateCredentialNoCreateOptionException("No create options available.")),
        create(NoPasswordManager::class.java, CreateCredentialProviderConfigurationException("createCredentialAsync no provider dependencies found")),
        get(NoPasswordManager::class.java, GetCredentialProviderConfigurationException()),
        create(NoPasswordManager::class.java, CreateCredentialUnsupportedException("Your device doesn't support credential manager")),
        get(NoPasswordManager::class.java, GetCredentialUnsupportedException()),
        // NoGoogleAccount / SyncUnavailable
        create(AccountMissing::class.java, createDom(NotAllowedError(), "User is unable to create passkeys.")),
        create(AccountMissing::class.java, createDom(NotAllowedError(), "Unable to get sync account.")),
        get(AccountMissing::class.java, getDom(UnknownError(), "Failed to decrypt credential.")),
        // DomainNotAssociated
        create(DomainNotAssociated::class.java, createDom(SecurityError(), "The incoming request cannot be validated")),
        get(DomainNotAssociated::class.java, getDom(SecurityError(), "The incoming request cannot be validated")),
        create(DomainNotAssociated::class.java, createDom(SecurityError())),
        // Retryable
        create(Interrupted::class.java, CreateCredentialInterruptedException("The user went to settings")),
        get(Interrupted::class.java, GetCredentialInterruptedException()),
        create(TimedOut::class.java, createDom(TimeoutError(), "[15] Flow has timed out.")),
        get(TimedOut::class.java, getDom(NotAllowedError(), "[15] Flow has timed out.")),
        get(TimedOut::class.java, getDom(TimeoutError())),
        // Unknown
        create(Other::class.java, createDom(UnknownError(), "unknown fido gms exception - 42")),
        create(Other::class.java, CreateCredentialUnknownException("16: [28431] Skipping password saving since the user is likely prompted")),
        get(Other::class.java, GetCredentialUnknownException()),
        get(Other::class.java, getDom(InvalidStateError())),
        create(Other::class.java, CreateCredentialCustomException("com.example.CUSTOM_ERROR", "a provider's own error")),
        get(Other::class.java, GetCredentialCustomException("com.example.CUSTOM_ERROR")),
        create(Other::class.java, createDom(NotSupportedError(), "Algorithm not supported")),
    )

    @TestFactory
    fun `each Credential Manager exception becomes its kind`(): List<DynamicTest> = rows.map { row ->
        dynamicTest(row.name) { assertInstanceOf(row.expected, row.run(), row.name) }
    }

    @Test
    fun `the platform's words travel with the kinds that carry them`() {
        val noPm = creating(CreateCredentialNoCreateOptionException("No create options available.")) as NoPasswordManager
        assertEquals("No create options available.", noPm.detail)
        val noAccount = creating(createDom(NotAllowedError(), "Unable to get sync account.")) as AccountMissing
        assertEquals("Unable to get sync account.", noAccount.detail)
        val undecryptable = getting(getDom(UnknownError(), "Failed to decrypt credential.")) as AccountMissing
        assertEquals("Failed to decrypt credential.", undecryptable.detail)
        val interrupted = getting(GetCredentialInterruptedException("The user went to settings")) as Interrupted
        assertEquals("The user went to settings", interrupted.detail)
        val other = creating(createDom(UnknownError(), "unknown fido gms exception - 42")) as Other
        assertEquals("androidx.credentials.TYPE_CREATE_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION/UnknownError", other.kind)
        assertEquals("unknown fido gms exception - 42", other.detail)
        val custom = getting(GetCredentialCustomException("com.example.CUSTOM_ERROR", "a provider's own error")) as Other
        assertEquals("com.example.CUSTOM_ERROR", custom.kind, "a custom exception's public type names it")
    }

    @Test
    fun `every DomError class of androidx is named by the DOMException it stands for`() {
        val all: List<DomError> = listOf(
            AbortError(), ConstraintError(), DataCloneError(), DataError(), EncodingError(), HierarchyRequestError(),
            InUseAttributeError(), InvalidCharacterError(), InvalidModificationError(), InvalidNodeTypeError(),
            InvalidStateError(), NamespaceError(), NetworkError(), NoModificationAllowedError(), NotAllowedError(),
            NotFoundError(), NotReadableError(), NotSupportedError(), OperationError(), OptOutError(),
            QuotaExceededError(), ReadOnlyError(), SecurityError(), SyntaxError(), TimeoutError(),
            TransactionInactiveError(), UnknownError(), VersionError(), WrongDocumentError(),
        )
        for (error in all) {
            assertEquals(error.javaClass.simpleName, AndroidxFailures.domErrorName(error))
        }
        val unknown = object : DomError("androidx.credentials.TYPE_SOME_FUTURE_ERROR") {}
        assertEquals(null, AndroidxFailures.domErrorName(unknown), "a DomError class of a later androidx")
    }
}
