package com.bingx.passkeys.android

import android.app.Activity
import android.app.KeyguardManager
import android.os.Build
import androidx.credentials.CreatePublicKeyCredentialRequest
import androidx.credentials.CreatePublicKeyCredentialResponse
import androidx.credentials.CredentialManager
import androidx.credentials.GetCredentialRequest
import androidx.credentials.GetPublicKeyCredentialOption
import androidx.credentials.PublicKeyCredential
import androidx.credentials.exceptions.CreateCredentialException
import androidx.credentials.exceptions.GetCredentialException
import androidx.credentials.exceptions.publickeycredential.CreatePublicKeyCredentialDomException
import androidx.credentials.exceptions.publickeycredential.GetPublicKeyCredentialDomException
import com.bingx.passkeys.Capabilities
import com.bingx.passkeys.PlatformAuthenticatorException
import com.bingx.passkeys.UnavailableReason

/**
 * Android Credential Manager as a [JsonAuthenticator]: the core's `requestJson` goes unchanged
 * into `CreatePublicKeyCredentialRequest` / `GetPublicKeyCredentialOption`, the response JSON
 * comes back unchanged, and each androidx exception becomes a [CredentialFailure] that
 * [CredentialErrors] maps. Use it as `JsonPlatformAuthenticator(CredentialManagerAuthenticator(activity))`.
 *
 * Needs the Android SDK: built by Gradle only (the JVM harness compiles everything else here).
 * [activity] shows the sheets; create one authenticator per Activity.
 */
class CredentialManagerAuthenticator(private val activity: Activity) : JsonAuthenticator {
    private val credentialManager = CredentialManager.create(activity)

    override suspend fun capabilities(): Capabilities {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.P) {
            return Capabilities(false, false, false, UnavailableReason.OsTooOld)
        }
        val secure = activity.getSystemService(KeyguardManager::class.java)?.isDeviceSecure == true
        // No API tells an app whether a provider is enabled: a create that finds none fails with
        // NoCreateOption, which maps to NoPasswordManager (shared/PLATFORM.md §1).
        return Capabilities(
            passwordManagerAvailable = true,
            userCanAuthenticate = secure,
            supportsSignals = false,
            unavailableReason = if (secure) null else UnavailableReason.NoScreenLock,
        )
    }

    override suspend fun create(requestJson: String): String = try {
        val response = credentialManager.createCredential(activity, CreatePublicKeyCredentialRequest(requestJson))
        (response as? CreatePublicKeyCredentialResponse)?.registrationResponseJson
            ?: throw CredentialFailure(response.type, null, "not a public key credential")
    } catch (e: CreatePublicKeyCredentialDomException) {
        throw CredentialFailure(e.type, CredentialErrors.domErrorName(e.domError.type), e.errorMessage?.toString())
    } catch (e: CreateCredentialException) {
        throw CredentialFailure(e.type, null, e.errorMessage?.toString())
    }

    override suspend fun get(requestJson: String): String = try {
        val request = GetCredentialRequest(listOf(GetPublicKeyCredentialOption(requestJson)))
        val credential = credentialManager.getCredential(activity, request).credential
        (credential as? PublicKeyCredential)?.authenticationResponseJson
            ?: throw CredentialFailure(credential.type, null, "not a public key credential")
    } catch (e: GetPublicKeyCredentialDomException) {
        throw CredentialFailure(e.type, CredentialErrors.domErrorName(e.domError.type), e.errorMessage?.toString())
    } catch (e: GetCredentialException) {
        throw CredentialFailure(e.type, null, e.errorMessage?.toString())
    }

    // androidx.credentials 1.6.0 adds CredentialManager.signalCredentialState: with it, these
    // become signalCredentialState(SignalUnknownCredentialRequest(requestJson)),
    // signalCredentialState(SignalAllAcceptedCredentialIdsRequest(requestJson)) and
    // signalCredentialState(SignalCurrentUserDetailsRequest(requestJson)). On 1.5.0 there is no
    // signal API; the core treats a failed signal as advisory.
    override suspend fun signalUnknownCredential(requestJson: String) = notSupported()

    override suspend fun signalAllAcceptedCredentials(requestJson: String) = notSupported()

    override suspend fun signalCurrentUserDetails(requestJson: String) = notSupported()

    private fun notSupported(): Nothing =
        throw PlatformAuthenticatorException.Other("androidx.credentials.signalCredentialState", "not supported")
}
