package com.bingx.passkeys.ui

/**
 * A text to show: a key of the string tables and its placeholders' values, by name.
 *
 * Keys of the library's table (`i18n/texts.toml`: `error.cancelled`, `enable.warning`, …) come
 * from the library ([com.bingx.passkeys.PasskeysText]); keys of the sample's own table
 * (`i18n/sample.toml`, every key starting `sample.`) are the screens' titles, labels and notes.
 * [UiTexts] turns either into the user's language; no screen holds a finished sentence.
 */
data class UiText(val key: String, val args: Map<String, String> = emptyMap())

/** How a [Message] reads: a neutral note, a success, or a refusal/failure. */
enum class Tone { INFO, SUCCESS, ERROR }

/** A line under the part of the screen it is about (an error, a refusal, a confirmation). */
data class Message(val text: UiText, val tone: Tone)

/** A factor besides the password, as the screens name it (the library's `Factor`). */
enum class CodeFactor { EMAIL, SMS, AUTHENTICATOR }

/** One passkey as the Passkeys page and the Manage screen show it. */
data class PasskeyRow(
    /** The credential id, unpadded base64url: the row's identity, never shown. */
    val id: String,
    /** The user's name for it (the server's default is the provider's name). */
    val name: String,
    /** The password manager that holds it (from its AAGUID), e.g. "Google Password Manager". */
    val provider: String,
    /** When it was added, unix seconds (shown with [LocalDateText]). */
    val added: Long,
    /** When it last signed in, unix seconds; null: never used yet. */
    val lastUsed: Long?,
    /** Synced by its password manager (backed up), rather than bound to one device. */
    val synced: Boolean,
)

/**
 * A passkey the account already has, on Enable's first step: [keep] whether it stays when the
 * requirement goes on (false until the user says so: one they do not recognise may have been
 * added by someone who once had their password and a code).
 */
data class ExistingPasskey(val passkey: PasskeyRow, val keep: Boolean = false)

/** The Passkeys page's health card: can one lost phone lock the account out, and what to do. */
data class HealthCard(
    val atRisk: Boolean,
    /** `health.ok` or the first reason's text (library keys). */
    val headline: UiText,
    /** The action's text (e.g. `health.action.add_synced_passkey`); null when nothing to do. */
    val action: UiText?,
    /** The server asks to show the nudge now (`health.nudge`), dismissible. */
    val nudge: Boolean,
)

/** The other ways in on the sign-in screen, each refused while passkeys are required. */
enum class OtherLogin { GOOGLE, APPLE, TELEGRAM, WEB_H5 }

/** What the password manager's sheet (handed over to the platform) is doing. */
enum class SheetPurpose { CREATE_PASSKEY, SIGN_IN, VERIFY }

/**
 * What the user sees now: one value per screen of the journeys. The composables are pure
 * functions of it (plus callbacks); [SampleViewModel] produces it from the library's answers.
 * A value is the same in every language (texts are keys, dates are seconds), so one journey's
 * screens render in each language. Every field is what the screen shows; nothing here is a secret
 * (no token, no password, no code) beyond what the user is typing into a field, which is shown
 * masked, and which `toString()` hides too (a state in a log or a crash report shows no password
 * or code; see [hidden]).
 */
sealed interface Screen {
    companion object {
        /** What `toString()` shows for a typed password or code: whether one is there, not it. */
        fun hidden(typed: String): String = if (typed.isEmpty()) "<empty>" else "<hidden>"
    }

    /** Whether a request is running (buttons disabled, a progress indicator). */
    val busy: Boolean

    /**
     * Sign-in: email and password, "Sign in with a passkey", and the other ways in (Google,
     * Apple, Telegram, the web/H5 login), which show a refusal ([message]) while this phone knows
     * the account requires passkeys.
     */
    data class SignIn(
        val email: String,
        val password: String,
        val message: Message? = null,
        override val busy: Boolean = false,
    ) : Screen {
        override fun toString(): String =
            "SignIn(email=$email, password=${hidden(password)}, message=$message, busy=$busy)"
    }

    /** Sign-in, second step with the flag off: the code the server sent by [factor]. */
    data class Code(
        val email: String,
        val factor: CodeFactor,
        val code: String,
        val message: Message? = null,
        override val busy: Boolean = false,
    ) : Screen {
        override fun toString(): String =
            "Code(email=$email, factor=$factor, code=${hidden(code)}, message=$message, busy=$busy)"
    }

    /**
     * Sign-in with the flag on: the account accepts only its passkey. "Use a code instead" is
     * there and refused ([message] `error.passkey_required` / `error.downgrade_refused`), never
     * a fallback.
     */
    data class PasskeyRequired(
        val email: String,
        val message: Message? = null,
        override val busy: Boolean = false,
    ) : Screen

    /**
     * Security Center: the account, the Passkeys row ([passkeyCount], whether passkeys are
     * required) and the other security rows; [notice] e.g. a new-device notice after sign-in.
     * [pendingReset]: a reset of the account's passkeys waiting for support when the user signed
     * in (the library's `recovery.pending_notice`), shown with a button that cancels it with a
     * passkey: the user may not have asked for it.
     */
    data class SecurityCenter(
        val email: String,
        val passkeyRequired: Boolean,
        val passkeyCount: Int,
        val notice: Message? = null,
        val pendingReset: UiText? = null,
        override val busy: Boolean = false,
    ) : Screen

    /**
     * The Passkeys page: each passkey's details, the health card, "Add a passkey", and the
     * requirement's switch (turning it off needs a passkey).
     */
    data class Passkeys(
        val passkeys: List<PasskeyRow>,
        val health: HealthCard?,
        val passkeyRequired: Boolean,
        val message: Message? = null,
        override val busy: Boolean = false,
    ) : Screen

    /**
     * Enable, first step: what the requirement means, the library's warning (`enable.warning`:
     * no more codes, H5 and third-party logins blocked, the passkeys already there removed unless
     * kept) and "I understand"; [deviceReady] is the device check's outcome (null while it runs),
     * with its refusal in [message]. After the check, [existing]: the passkeys the account
     * already has, each with its Keep switch (off until the user turns it on); null while they
     * load or when they could not be read, and then "I understand" waits: Enable removes every
     * one not kept, so none goes without the user having seen it.
     */
    data class EnableIntro(
        val warning: UiText,
        val deviceReady: Boolean?,
        val existing: List<ExistingPasskey>? = null,
        val message: Message? = null,
        override val busy: Boolean = false,
    ) : Screen

    /** Enable, second step: confirm it is you, with the password and the code sent by [factor]. */
    data class StepUp(
        val factor: CodeFactor,
        val password: String,
        val code: String,
        val message: Message? = null,
        override val busy: Boolean = false,
    ) : Screen {
        override fun toString(): String =
            "StepUp(factor=$factor, password=${hidden(password)}, code=${hidden(code)}, " +
                "message=$message, busy=$busy)"
    }

    /**
     * Handed to the password manager: its sheet is on top (on a phone, the system's; here the
     * software password manager answers at once). What shows beneath it.
     */
    data class PlatformSheet(
        val purpose: SheetPurpose,
        override val busy: Boolean = true,
    ) : Screen

    /**
     * Enable, done: the passkey saved, passkeys now required, other sessions signed out, and the
     * passkeys the account had that the user did not keep removed ([removedPasskeys]).
     */
    data class EnableDone(
        val passkey: PasskeyRow,
        val revokedSessions: Int,
        val health: HealthCard?,
        val removedPasskeys: Int = 0,
        override val busy: Boolean = false,
    ) : Screen

    /**
     * One passkey: rename it, or delete it (refused for the last one: `error.last_passkey`;
     * each change confirmed with a passkey).
     */
    data class ManagePasskey(
        val passkey: PasskeyRow,
        val newName: String,
        val isLast: Boolean,
        val message: Message? = null,
        override val busy: Boolean = false,
    ) : Screen

    /**
     * A withdrawal's confirmation: what is sent where, "Confirm with passkey"; [verified] once the
     * passkey approved it (the proof goes with the request and is never shown).
     */
    data class Withdrawal(
        val asset: String,
        val amount: String,
        val address: String,
        val verified: Boolean,
        val message: Message? = null,
        override val busy: Boolean = false,
    ) : Screen
}

/** What the user can do on the screens; the composables call these, the view model acts. */
interface SampleActions {
    fun emailChanged(value: String)
    fun passwordChanged(value: String)
    fun codeChanged(value: String)
    fun newNameChanged(value: String)

    /** Sign-in: email + password. */
    fun signIn()

    /** Sign-in: the usernameless passkey button. */
    fun signInWithPasskey()

    /** Sign-in: Google, Apple, Telegram or the web (H5) login. */
    fun signInWith(other: OtherLogin)

    /** Code step: submit the code. */
    fun submitCode()

    /** Passkey-required step: "Continue with passkey". */
    fun continueWithPasskey()

    /** Passkey-required step: "Use a code instead" (refused while passkeys are required). */
    fun useCodeInstead()

    fun openPasskeys()

    /** Passkeys page: "Enable" / "Add a passkey". */
    fun startEnable()

    /** Enable intro: the Keep switch of the existing passkey [id] ([PasskeyRow.id]) turned [keep]. */
    fun keepPasskey(id: String, keep: Boolean)

    /** Enable intro: "I understand, continue". */
    fun acknowledgeWarning()

    /** Step-up: submit password + code. */
    fun submitStepUp()

    fun openPasskey(id: String)

    fun renamePasskey()

    fun deletePasskey()

    /** Passkeys page: turn the requirement off (needs a passkey). */
    fun turnOffRequirement()

    fun dismissNudge()

    fun openWithdrawal()

    fun confirmWithdrawal()

    fun signOut()

    /** Security Center: cancel the reset waiting for support (needs a passkey). */
    fun cancelReset()

    /** Back to the previous screen (Security Center from any page). */
    fun back()
}
