package com.bingx.passkeys.sample

import android.app.Activity
import android.content.Context
import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.PlatformAuthenticator
import com.bingx.passkeys.android.AndroidOrigin
import com.bingx.passkeys.android.CredentialManagerAuthenticator
import com.bingx.passkeys.android.JsonPlatformAuthenticator
import java.util.Base64

/**
 * The store build: the phone's own password managers through Credential Manager, https only
 * ([BuildConfig.SERVER_URL]), the server's policy-signing key pinned at build time, the app's
 * `android:apk-key-hash:` origin read from its own signing certificate, and the codes typed by the
 * user.
 */
object SampleFlavour : Flavour {
    override val name = "store: Credential Manager"
    override val startEmail = ""
    override val startPassword = ""

    override suspend fun config(context: Context): PasskeysConfig = PasskeysConfig(
        baseUrl = BuildConfig.SERVER_URL,
        rpId = BuildConfig.RP_ID,
        // Whatever key signed this build (debug, upload, Play App Signing): Credential Manager
        // writes its hash into every response's origin, which the core then accepts.
        androidApkKeyHashes = AndroidOrigin.apkKeyHashes(context),
        allowInsecureLoopback = false,
        policyKey = policyKey(),
    )

    private fun policyKey(): ByteArray? = BuildConfig.POLICY_KEY.takeIf { it.isNotEmpty() }?.let {
        try {
            Base64.getUrlDecoder().decode(it.trimEnd('='))
        } catch (e: IllegalArgumentException) {
            throw SampleNotReady("The build's policy key is not base64url; rebuild with -Ppasskeys.policyKey.")
        }
    }

    override fun platform(context: Context, activity: () -> Activity?): PlatformAuthenticator =
        JsonPlatformAuthenticator(CredentialManagerAuthenticator(context, activity))

    override suspend fun deliveredCode(email: String, purpose: String): String? = null

    override suspend fun idToken(provider: String): String? = null

    override val faults: List<SampleFault> = emptyList()
}
