package com.bingx.passkeys.android

import android.app.Activity
import android.app.KeyguardManager
import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import androidx.credentials.CreatePublicKeyCredentialRequest
import androidx.credentials.CreatePublicKeyCredentialResponse
import androidx.credentials.CredentialManager
import androidx.credentials.GetCredentialRequest
import androidx.credentials.GetPublicKeyCredentialOption
import androidx.credentials.PublicKeyCredential
import androidx.credentials.exceptions.CreateCredentialCancellationException
import androidx.credentials.exceptions.CreateCredentialCustomException
import androidx.credentials.exceptions.CreateCredentialException
import androidx.credentials.exceptions.CreateCredentialInterruptedException
import androidx.credentials.exceptions.CreateCredentialNoCreateOptionException
import androidx.credentials.exceptions.CreateCredentialProviderConfigurationException
import androidx.credentials.exceptions.CreateCredentialUnknownException
import androidx.credentials.exceptions.CreateCredentialUnsupportedException
import androidx.credentials.exceptions.GetCredentialCancellationException
import androidx.credentials.exceptions.GetCredentialCustomException
import androidx.credentials.exceptions.GetCredentialException
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
import com.bingx.passkeys.Capabilities
import com.bingx.passkeys.PlatformAuthenticatorException
import com.bingx.passkeys.UnavailableReason
import java.lang.ref.WeakReference

/**
 * Android Credential Manager (androidx.credentials 1.5.0) as a [JsonAuthenticator]: the core's
 * `requestJson` goes unchanged into `CreatePublicKeyCredentialRequest` /
 * `GetPublicKeyCredentialOption`, the response JSON comes back unchanged (the core checks it),
 * and each androidx exception becomes a [CredentialFailure] in androidx's own terms, which
 * [CredentialErrors] maps. Use it as
 * `JsonPlatformAuthenticator(CredentialManagerAuthenticator(applicationContext) { currentActivity })`.
 *
 * The Activity the sheets are shown over is asked for at each ceremony, never kept: a client
 * lives as long as the process, an Activity only until the next rotation. When there is none (the
 * provider gives null, or an Activity that is finishing or destroyed), the ceremony fails with
 * `PlatformAuthenticatorException.Other(kind = "no activity")` instead of launching the sheet
 * from a dead Activity.
 *
 * Only androidx's public API is used (no `@RestrictTo` member: exceptions are told apart by class
 * and their message, never by the restricted `type`/`errorMessage`/`DomError.type`).
 *
 * @param activity the Activity to show the sheets over, read at each create and get (typically
 *   the app's resumed Activity, held weakly); null when there is none.
 * @param credentialManager the Credential Manager to call (a test passes its own implementation).
 */
class CredentialManagerAuthenticator internal constructor(
    private val activity: () -> Context?,
    private val credentialManager: CredentialManager,
    private val device: DeviceFacts,
) : JsonAuthenticator {
    /** Over [credentialManager], showing its sheets over the Activity [activity] gives at each ceremony. */
    constructor(context: Context, credentialManager: CredentialManager, activity: () -> Activity?) :
        this(activity, credentialManager, AndroidDeviceFacts(context.applicationContext ?: context))

    /**
     * Over the device's Credential Manager, showing its sheets over the Activity [activity] gives
     * at each ceremony. [context] may be the application's: nothing keeps an Activity.
     */
    constructor(context: Context, activity: () -> Activity?) :
        this(context, CredentialManager.create(context.applicationContext ?: context), activity)

    /**
     * Over the device's Credential Manager, showing its sheets over [activity] only, held weakly:
     * for an app with that one Activity. Keep one client per process all the same (its store
     * cache, its policy memo and its one-ceremony lock assume it): two clients alive at once, as
     * across an Activity change, would each keep their own session and flagged marks. A client
     * that outlives the Activity takes a provider of the current Activity instead.
     */
    constructor(activity: Activity) : this(activity, weakly(activity))

    override suspend fun capabilities(): Capabilities = DeviceCheck.capabilities(device)

    /**
     * The Activities whose sheets are up now, held strongly until each ceremony answers. On
     * Android 9–13 androidx hands a passkey sign-in to Play services through a controller that
     * keeps the Activity only in a `WeakReference` and, when the answer comes back and the
     * Activity is gone, drops it without calling back; an Activity recreated meanwhile (rotation,
     * dark mode, a fold) could otherwise be collected and the user's sign-in lost until the
     * core's time-out. Holding a destroyed Activity for the seconds of a ceremony is bounded.
     */
    private val sheetsUp = java.util.Collections.synchronizedList(ArrayList<Context>())

    /** [block] with [context] kept reachable (see [sheetsUp]) until it returns or throws. */
    private inline fun <T> keepingReachable(context: Context, block: () -> T): T {
        sheetsUp.add(context)
        try {
            return block()
        } finally {
            sheetsUp.remove(context)
        }
    }

    /** The Activity to show a sheet over now, or the typed refusal when there is none alive. */
    private fun sheetContext(): Context {
        val current = activity()
        if (current == null || (current is Activity && (current.isFinishing || current.isDestroyed))) {
            throw PlatformAuthenticatorException.Other(NO_ACTIVITY, "the app gave no live Activity to show the passkey sheet over")
        }
        return current
    }

    override suspend fun create(requestJson: String): String {
        val context = sheetContext()
        val response = try {
            keepingReachable(context) {
                credentialManager.createCredential(context, CreatePublicKeyCredentialRequest(requestJson))
            }
        } catch (e: CreateCredentialException) {
            throw AndroidxFailures.of(e)
        }
        return when (response) {
            is CreatePublicKeyCredentialResponse -> AndroidxFailures.jsonObject(response.registrationResponseJson)
            else -> throw CredentialFailure(AndroidxFailures.UNEXPECTED_RESPONSE, null, "not a passkey registration")
        }
    }

    override suspend fun get(requestJson: String): String {
        val context = sheetContext()
        val request = GetCredentialRequest(listOf(GetPublicKeyCredentialOption(requestJson)))
        val credential = try {
            keepingReachable(context) { credentialManager.getCredential(context, request) }.credential
        } catch (e: GetCredentialException) {
            throw AndroidxFailures.of(e)
        }
        return when (credential) {
            is PublicKeyCredential -> AndroidxFailures.jsonObject(credential.authenticationResponseJson)
            else -> throw CredentialFailure(AndroidxFailures.UNEXPECTED_RESPONSE, null, "not a passkey assertion")
        }
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

    companion object {
        /** `PlatformAuthenticatorException.Other`'s kind when there is no live Activity for the sheet. */
        const val NO_ACTIVITY = "no activity"

        /** A provider of [activity] that does not keep it alive. */
        private fun weakly(activity: Activity): () -> Activity? {
            val reference = WeakReference(activity)
            return { reference.get() }
        }
    }
}

/**
 * An androidx.credentials exception in androidx's own terms: the `type` string androidx gives
 * each exception class (framework `android.credentials.…TYPE_…` or `androidx.credentials.TYPE_…`)
 * and the DOMException name, read from the class (public API) rather than from the restricted
 * `type` members. [CredentialErrors] decides what it means.
 */
internal object AndroidxFailures {
    private const val CREATE = "android.credentials.CreateCredentialException"
    private const val GET = "android.credentials.GetCredentialException"
    private const val X = "androidx.credentials"

    /**
     * A ceremony answered with something other than a passkey (a password, a custom credential)
     * or with response JSON that is not an object.
     */
    const val UNEXPECTED_RESPONSE = "$X.TYPE_UNEXPECTED_RESPONSE"

    /**
     * [json] when it is a JSON object's text; the core checks its content. Anything else is a
     * provider's fault, reported before it reaches the core.
     */
    fun jsonObject(json: String): String {
        val text = json.trim()
        if (!(text.startsWith("{") && text.endsWith("}"))) {
            throw CredentialFailure(UNEXPECTED_RESPONSE, null, "the response is not a JSON object")
        }
        return json
    }

    /** A create failure as androidx describes it. */
    fun of(e: CreateCredentialException): CredentialFailure {
        val message = e.message
        return when (e) {
            is CreatePublicKeyCredentialDomException ->
                CredentialFailure("$X.TYPE_CREATE_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION", domErrorName(e.domError), message)
            is CreateCredentialCancellationException -> CredentialFailure("$CREATE.TYPE_USER_CANCELED", null, message)
            is CreateCredentialInterruptedException -> CredentialFailure("$CREATE.TYPE_INTERRUPTED", null, message)
            is CreateCredentialNoCreateOptionException -> CredentialFailure("$CREATE.TYPE_NO_CREATE_OPTIONS", null, message)
            is CreateCredentialProviderConfigurationException ->
                CredentialFailure("$X.TYPE_CREATE_CREDENTIAL_PROVIDER_CONFIGURATION_EXCEPTION", null, message)
            is CreateCredentialUnsupportedException ->
                CredentialFailure("$X.TYPE_CREATE_CREDENTIAL_UNSUPPORTED_EXCEPTION", null, message)
            is CreateCredentialUnknownException -> CredentialFailure("$CREATE.TYPE_UNKNOWN", null, message)
            is CreateCredentialCustomException -> CredentialFailure(e.type, null, message)
            // CreatePublicKeyCredentialException itself, and classes of later androidx versions.
            else -> CredentialFailure("$X.TYPE_CREATE_CREDENTIAL_EXCEPTION", null, message)
        }
    }

    /** A get failure as androidx describes it. */
    fun of(e: GetCredentialException): CredentialFailure {
        val message = e.message
        return when (e) {
            is GetPublicKeyCredentialDomException ->
                CredentialFailure("$X.TYPE_GET_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION", domErrorName(e.domError), message)
            is GetCredentialCancellationException -> CredentialFailure("$GET.TYPE_USER_CANCELED", null, message)
            is GetCredentialInterruptedException -> CredentialFailure("$GET.TYPE_INTERRUPTED", null, message)
            is NoCredentialException -> CredentialFailure("$GET.TYPE_NO_CREDENTIAL", null, message)
            is GetCredentialProviderConfigurationException ->
                CredentialFailure("$X.TYPE_GET_CREDENTIAL_PROVIDER_CONFIGURATION_EXCEPTION", null, message)
            is GetCredentialUnsupportedException ->
                CredentialFailure("$X.TYPE_GET_CREDENTIAL_UNSUPPORTED_EXCEPTION", null, message)
            is GetCredentialUnknownException -> CredentialFailure("$GET.TYPE_UNKNOWN", null, message)
            is GetCredentialCustomException -> CredentialFailure(e.type, null, message)
            // GetPublicKeyCredentialException itself, and classes of later androidx versions.
            else -> CredentialFailure("$X.TYPE_GET_CREDENTIAL_EXCEPTION", null, message)
        }
    }

    /** The DOMException name of [error] (`InvalidStateError`, …); null for a class this does not know. */
    fun domErrorName(error: DomError): String? = when (error) {
        is AbortError -> "AbortError"
        is ConstraintError -> "ConstraintError"
        is DataCloneError -> "DataCloneError"
        is DataError -> "DataError"
        is EncodingError -> "EncodingError"
        is HierarchyRequestError -> "HierarchyRequestError"
        is InUseAttributeError -> "InUseAttributeError"
        is InvalidCharacterError -> "InvalidCharacterError"
        is InvalidModificationError -> "InvalidModificationError"
        is InvalidNodeTypeError -> "InvalidNodeTypeError"
        is InvalidStateError -> "InvalidStateError"
        is NamespaceError -> "NamespaceError"
        is NetworkError -> "NetworkError"
        is NoModificationAllowedError -> "NoModificationAllowedError"
        is NotAllowedError -> "NotAllowedError"
        is NotFoundError -> "NotFoundError"
        is NotReadableError -> "NotReadableError"
        is NotSupportedError -> "NotSupportedError"
        is OperationError -> "OperationError"
        is OptOutError -> "OptOutError"
        is QuotaExceededError -> "QuotaExceededError"
        is ReadOnlyError -> "ReadOnlyError"
        is SecurityError -> "SecurityError"
        is SyntaxError -> "SyntaxError"
        is TimeoutError -> "TimeoutError"
        is TransactionInactiveError -> "TransactionInactiveError"
        is UnknownError -> "UnknownError"
        is VersionError -> "VersionError"
        is WrongDocumentError -> "WrongDocumentError"
        else -> null
    }
}

/**
 * What the device check reads from the device. [AndroidDeviceFacts] reads a real device; tests
 * give their own.
 */
internal interface DeviceFacts {
    /** `Build.VERSION.SDK_INT`. */
    val sdkInt: Int

    /** A screen lock is set (`KeyguardManager.isDeviceSecure`): passkeys need one. */
    fun isDeviceSecure(): Boolean

    /** API 34+: the framework's Credential Manager service exists on this device. */
    fun frameworkCredentialManagerPresent(): Boolean

    /**
     * Google Play services, the passkey provider androidx uses before Android 14: true installed
     * and enabled, false not installed or disabled, null when this app cannot tell (package
     * visibility hides it, API 30+).
     */
    fun playServicesEnabled(): Boolean?
}

/**
 * The device check: what Credential Manager lets an app know before a ceremony, on API 28–35.
 *
 * "No password manager" is reported only where the platform can tell:
 * - API 28–33: androidx reaches passkeys through Google Play services only; when it is absent
 *   (API 28–29; from API 30 package visibility hides an absent package, so only a disabled one
 *   counts, unless the app declares a `<queries>` entry for `com.google.android.gms`) or
 *   disabled, there is no password manager for passkeys.
 * - API 34+: when the framework Credential Manager service is absent as well as Play services.
 *   With the service present, an app cannot list the enabled providers (there is no such API for
 *   relying parties): a device whose user turned every provider off is found out at the ceremony,
 *   as `CreateCredentialNoCreateOptionException`, which maps to `NoPasswordManager`.
 * A Google account missing from Google Password Manager cannot be seen either (accounts are
 * hidden from apps since API 26); it shows at the ceremony as its own message.
 */
internal object DeviceCheck {
    /** Passkeys need Android 9. */
    private const val PASSKEYS_MIN_SDK = 28

    /** The first API level with the framework Credential Manager. */
    private const val FRAMEWORK_SDK = 34

    /** What [facts] say the device can do. */
    fun capabilities(facts: DeviceFacts): Capabilities {
        if (facts.sdkInt < PASSKEYS_MIN_SDK) {
            return Capabilities(false, false, false, UnavailableReason.OsTooOld)
        }
        val playServices = facts.playServicesEnabled()
        val passwordManager = when {
            facts.sdkInt >= FRAMEWORK_SDK && facts.frameworkCredentialManagerPresent() -> true
            playServices == false -> false
            else -> true // present, or this app cannot tell: the ceremony will
        }
        val secure = facts.isDeviceSecure()
        return Capabilities(
            passwordManagerAvailable = passwordManager,
            userCanAuthenticate = secure,
            supportsSignals = false, // androidx.credentials 1.5.0 has no signal API
            unavailableReason = when {
                !passwordManager -> UnavailableReason.NoPasswordManager
                !secure -> UnavailableReason.NoScreenLock
                else -> null
            },
        )
    }
}

/** [DeviceFacts] of the device [context] runs on. */
internal class AndroidDeviceFacts(private val context: Context) : DeviceFacts {
    override val sdkInt: Int get() = Build.VERSION.SDK_INT

    override fun isDeviceSecure(): Boolean =
        context.getSystemService(KeyguardManager::class.java)?.isDeviceSecure == true

    override fun frameworkCredentialManagerPresent(): Boolean =
        Build.VERSION.SDK_INT >= Build.VERSION_CODES.UPSIDE_DOWN_CAKE &&
            context.getSystemService(android.credentials.CredentialManager::class.java) != null

    override fun playServicesEnabled(): Boolean? = playServicesState {
        val info = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
            context.packageManager.getApplicationInfo(PLAY_SERVICES, PackageManager.ApplicationInfoFlags.of(0))
        } else {
            @Suppress("DEPRECATION")
            context.packageManager.getApplicationInfo(PLAY_SERVICES, 0)
        }
        info.enabled
    }

    internal companion object {
        const val PLAY_SERVICES = "com.google.android.gms"

        /**
         * Whether Play services is there and enabled, from [lookup] (its `ApplicationInfo.enabled`).
         * Not found is "not installed" on every API level: from API 30 package visibility would
         * hide it, but this library's manifest declares it in `<queries>` (merged into the
         * app's), so not found means a phone without Google services, where Android 9–13 has
         * no passkey provider. The device check then says so before the step-up, not the
         * ceremony after it.
         */
        fun playServicesState(lookup: () -> Boolean): Boolean = try {
            lookup()
        } catch (e: PackageManager.NameNotFoundException) {
            false
        }
    }
}
