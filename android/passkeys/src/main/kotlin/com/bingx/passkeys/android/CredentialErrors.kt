package com.bingx.passkeys.android

import com.bingx.passkeys.PlatformAuthenticatorException

/**
 * What a Credential Manager failure means, as the library's `PlatformAuthenticatorException`
 * (shared/PLATFORM.md §1, "Suggested mapping to core error kinds"). Pure functions over the
 * exception's `type`, its DOMException name and its message, so that every row is tested on a
 * plain JVM. `CredentialManagerAuthenticator` derives the three from androidx's exception and
 * `DomError` classes (public API; the `type` members are `@RestrictTo`), with the type strings
 * androidx gives those classes.
 *
 * Rules are tried in order; the platform's wording (which differs across GMS and Android
 * versions) is matched as a case-insensitive substring. Messages come first because they are
 * more specific than types: a DOMException says only "InvalidStateError" or "NotAllowedError",
 * the message says why.
 */
object CredentialErrors {
    /** Messages of a password manager that lacks the account it syncs with (no Google account). */
    private val ACCOUNT_MISSING = listOf(
        "User is unable to create passkeys",
        "Unable to get sync account",
        "Failed to decrypt credential",
    )

    /** The exception a Credential Manager failure becomes. */
    fun toException(type: String, domError: String?, message: String?): PlatformAuthenticatorException {
        val exceptionType = type.substringBefore('/')
        val dom = domError ?: type.substringAfter('/', "").takeIf { it.isNotEmpty() }?.let(::domErrorName)
        val text = message.orEmpty()
        val detail = text.ifEmpty { type }
        fun says(vararg words: String) = words.any { text.contains(it, ignoreCase = true) }
        fun typeIs(vararg words: String) = words.any { exceptionType.contains(it, ignoreCase = true) }
        val creating = typeIs("CREATE")
        return when {
            // AlreadyRegistered: an excludeCredentials match.
            says("excluded credentials") -> PlatformAuthenticatorException.AlreadyRegistered()
            creating && dom == "InvalidStateError" -> PlatformAuthenticatorException.AlreadyRegistered()
            // UserCancelled: the sheet or the screen-lock prompt was dismissed.
            says("Unable to create key during registration") -> PlatformAuthenticatorException.Cancelled()
            says("None of the allowed credentials can be authenticated") ->
                PlatformAuthenticatorException.Cancelled()
            // NoGoogleAccount / SyncUnavailable: the password manager is there but lacks its
            // account (the user signs in or turns sync on; on an emulator, a cold boot).
            says(*ACCOUNT_MISSING.toTypedArray()) -> PlatformAuthenticatorException.AccountMissing(detail)
            // DomainNotAssociated: assetlinks.json does not name this app and certificate.
            says("The incoming request cannot be validated") || dom == "SecurityError" ->
                PlatformAuthenticatorException.DomainNotAssociated(detail)
            // Retryable: a time-out.
            says("Flow has timed out") || dom == "TimeoutError" -> PlatformAuthenticatorException.TimedOut()
            typeIs("USER_CANCELED", "CANCELLATION") -> PlatformAuthenticatorException.Cancelled()
            // Retryable: interrupted (e.g. the user went to Settings).
            typeIs("INTERRUPTED") -> PlatformAuthenticatorException.Interrupted(detail)
            typeIs("NO_CREDENTIAL") -> PlatformAuthenticatorException.NoCredential()
            // NoProvider / ProviderDisabled.
            typeIs("NO_CREATE_OPTION", "PROVIDER_CONFIGURATION", "UNSUPPORTED") ->
                PlatformAuthenticatorException.NoPasswordManager(detail)
            // Unknown: keep the type and message for the log.
            else -> PlatformAuthenticatorException.Other(listOfNotNull(exceptionType, dom).joinToString("/"), text)
        }
    }

    /**
     * The DOMException name of a `DomError.type`: `androidx.credentials.TYPE_INVALID_STATE_ERROR`
     * (and the older `…TYPE_CREATE_PUBLIC_KEY_CREDENTIAL_INVALID_STATE_ERROR`) → `InvalidStateError`.
     * Read from the type string rather than the class name, which R8 renames.
     */
    fun domErrorName(domErrorType: String): String? {
        val constant = domErrorType.substringAfterLast('.')
            .removePrefix("TYPE_")
            .removePrefix("CREATE_PUBLIC_KEY_CREDENTIAL_")
            .removePrefix("GET_PUBLIC_KEY_CREDENTIAL_")
        if (!constant.endsWith("_ERROR") || constant.any { !(it.isUpperCase() || it == '_') }) return null
        return constant.split('_').filter { it.isNotEmpty() }
            .joinToString("") { it.lowercase().replaceFirstChar(Char::uppercaseChar) }
    }
}
