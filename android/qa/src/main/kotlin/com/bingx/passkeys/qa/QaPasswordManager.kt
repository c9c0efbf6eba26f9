package com.bingx.passkeys.qa

import com.bingx.passkeys.Capabilities
import com.bingx.passkeys.CreateRequest
import com.bingx.passkeys.GetRequest
import com.bingx.passkeys.PlatformAuthenticator
import com.bingx.passkeys.PlatformAuthenticatorException

/**
 * What a QA build can make a password manager do wrong, on purpose (the software password
 * manager's faults, `SoftwareFault` of the QA bindings). [catalogueName] is the spelling in a
 * catalogue step (`{"do": "fault", "fault": "cancel"}`) and on the sample's QA screen.
 */
enum class QaFault(val catalogueName: String, val label: String) {
    /** The user dismisses the sheet. */
    CANCEL("cancel", "User cancels"),

    /** Get finds no passkey, as if the password manager were empty. */
    NO_CREDENTIAL("no_credential", "No passkey found"),

    /** No password manager on the device (the device check says why). */
    NO_PASSWORD_MANAGER("no_password_manager", "No password manager"),

    /** The ceremony times out. */
    TIMEOUT("timeout", "Ceremony times out"),

    /** The ceremony is interrupted (app sent to the background). */
    INTERRUPTED("interrupted", "Ceremony interrupted"),

    /** Biometrics skipped: the response lacks user verification; core and server must refuse it. */
    NO_USER_VERIFICATION("no_user_verification", "No user verification"),

    /** The ceremony runs from a phishing origin and rp id. */
    WRONG_ORIGIN("wrong_origin", "Phishing origin"),

    /** One bit of the signature (get) or public key (create) flipped. */
    TAMPER_SIGNATURE("tamper_signature", "Tampered signature"),

    /** clientDataJSON carries another challenge than the request's. */
    WRONG_CHALLENGE("wrong_challenge", "Wrong challenge"),

    /** The response's id differs from its rawId. */
    MISMATCHED_RAW_ID("mismatched_raw_id", "id differs from rawId"),

    /** Get answers with the newest passkey whatever the request allows. */
    IGNORE_ALLOW_LIST("ignore_allow_list", "Ignores allowCredentials"),
    ;

    companion object {
        /** The fault spelled [name] in a catalogue step, or `null` for `"none"`. */
        fun named(name: String): QaFault? = if (name == "none") {
            null
        } else {
            entries.firstOrNull { it.catalogueName == name } ?: throw QaJsonException("unknown fault \"$name\"")
        }
    }
}

/** One password manager a QA device holds: the library's platform, and its fault switch. */
interface QaPasswordManager {
    /** This password manager as the platform a `PasskeysClient` is built with. */
    val platform: PlatformAuthenticator

    /** The next ceremonies fail (or answer broken) as [fault] says, until `setFault(null)`. */
    fun setFault(fault: QaFault?)
}

/** Makes the password managers of a run's devices (the software password manager in QA builds). */
fun interface QaPasswordManagers {
    /** A new, empty password manager whose ceremonies run for the relying party [rpId]. */
    fun create(rpId: String): QaPasswordManager
}

/**
 * Two password managers on one phone, as the platform's sheet offers them: a new passkey goes
 * into the first, or into the second when the first already holds one for the account (the
 * catalogue's `add_passkey`); an assertion comes from whichever holds the passkey. A fault
 * applies to both.
 */
class TwoPasswordManagers(val first: QaPasswordManager, val second: QaPasswordManager) : PlatformAuthenticator {
    /** Sets [fault] on both password managers. */
    fun setFault(fault: QaFault?) {
        first.setFault(fault)
        second.setFault(fault)
    }

    override suspend fun capabilities(): Capabilities = first.platform.capabilities()

    override suspend fun create(request: CreateRequest): String = try {
        first.platform.create(request)
    } catch (e: PlatformAuthenticatorException.AlreadyRegistered) {
        second.platform.create(request)
    }

    override suspend fun get(request: GetRequest): String = try {
        first.platform.get(request)
    } catch (e: PlatformAuthenticatorException.NoCredential) {
        second.platform.get(request)
    }

    override suspend fun signalUnknownCredential(rpId: String, credentialId: ByteArray) {
        first.platform.signalUnknownCredential(rpId, credentialId)
        second.platform.signalUnknownCredential(rpId, credentialId)
    }

    override suspend fun signalAllAcceptedCredentials(rpId: String, userId: ByteArray, credentialIds: List<ByteArray>) {
        first.platform.signalAllAcceptedCredentials(rpId, userId, credentialIds)
        second.platform.signalAllAcceptedCredentials(rpId, userId, credentialIds)
    }

    override suspend fun signalCurrentUserDetails(rpId: String, userId: ByteArray, name: String, displayName: String) {
        first.platform.signalCurrentUserDetails(rpId, userId, name, displayName)
        second.platform.signalCurrentUserDetails(rpId, userId, name, displayName)
    }
}
