package com.bingx.passkeys.qa

import com.bingx.passkeys.PlatformAuthenticator
import com.bingx.passkeys.SoftwareFault
import com.bingx.passkeys.SoftwarePasswordManager

/**
 * The QA bindings' software password manager (passkey-rs in the library, `softpm` feature) as a
 * [QaPasswordManager]: real P-256 passkeys held in memory (gone when the process ends), and every
 * [QaFault] switchable. Needs bindings generated with `scripts/bindings --softpm`.
 */
class SoftwareQaPasswordManager(origin: String) : QaPasswordManager {
    /** The software password manager itself (its passkeys, the signals it received). */
    val manager: SoftwarePasswordManager = SoftwarePasswordManager(origin)

    override val platform: PlatformAuthenticator = manager.asPlatformAuthenticator()

    override fun setFault(fault: QaFault?) = manager.setFault(fault?.let { softwareFault(it) })

    companion object {
        /** Password managers whose ceremonies run from `https://<rp id>`, as an app of the rp's own. */
        val factory = QaPasswordManagers { rpId -> SoftwareQaPasswordManager("https://$rpId") }

        /** The library's spelling of [fault]. */
        fun softwareFault(fault: QaFault): SoftwareFault = when (fault) {
            QaFault.CANCEL -> SoftwareFault.Cancel
            QaFault.NO_CREDENTIAL -> SoftwareFault.NoCredential
            QaFault.NO_PASSWORD_MANAGER -> SoftwareFault.NoPasswordManager
            QaFault.TIMEOUT -> SoftwareFault.Timeout
            QaFault.INTERRUPTED -> SoftwareFault.Interrupted
            QaFault.NO_USER_VERIFICATION -> SoftwareFault.NoUserVerification
            QaFault.WRONG_ORIGIN -> SoftwareFault.WrongOrigin
            QaFault.TAMPER_SIGNATURE -> SoftwareFault.TamperSignature
            QaFault.WRONG_CHALLENGE -> SoftwareFault.WrongChallenge
            QaFault.MISMATCHED_RAW_ID -> SoftwareFault.MismatchedRawId
            QaFault.IGNORE_ALLOW_LIST -> SoftwareFault.IgnoreAllowList
        }
    }
}
