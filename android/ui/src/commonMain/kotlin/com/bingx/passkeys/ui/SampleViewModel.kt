package com.bingx.passkeys.ui

import com.bingx.passkeys.EnableFlow
import com.bingx.passkeys.Factor
import com.bingx.passkeys.InternalException
import com.bingx.passkeys.LoginId
import com.bingx.passkeys.LoginPath
import com.bingx.passkeys.PasskeyAdded
import com.bingx.passkeys.PasskeyHealth
import com.bingx.passkeys.PasskeyInfo
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.PasskeysText
import com.bingx.passkeys.Scenario
import com.bingx.passkeys.SignInStep
import com.bingx.passkeys.errorText
import com.bingx.passkeys.healthActionText
import com.bingx.passkeys.healthText
import com.bingx.passkeys.pendingResetNoticeText
import com.bingx.passkeys.resetStatusText
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import java.util.Base64

/** The id token of a third-party login, from the provider's own SDK; null: the user closed it. */
fun interface IdTokens {
    /** A token for [provider] (`google`, `apple`, `telegram`). */
    suspend fun idToken(provider: String): String?
}

/**
 * The sample's screens over one [PasskeysClient]: every [SampleActions] call becomes library
 * calls, every answer a [Screen]. The same shape as the iOS sample's `SampleViewModel`.
 *
 * It decides nothing the library decides: "use a code instead" asks the library (which refuses
 * while the account requires a passkey), blocked logins are the library's refusals, the last
 * passkey's delete is the server's. A library error becomes a [Message] with the error's text
 * (`errorText`) on the screen where it happened; anything else a neutral "stopped by an error in
 * the library" ([INTERNAL]); nothing crashes and nothing sensitive (password, code, token,
 * proof) is put in a message.
 *
 * One action at a time: while one runs, the screen is [Screen.busy] and further taps are
 * ignored. Actions run in [scope] (an app: the activity's or view model's main scope); [idle]
 * waits for the running one.
 *
 * @param deviceId this install's id, sent with password sign-ins (the server's trusted devices).
 * @param idTokens third-party logins' id tokens (the providers' SDKs).
 */
class SampleViewModel(
    private val client: PasskeysClient,
    private val deviceId: String,
    private val idTokens: IdTokens,
    private val scope: CoroutineScope,
) : SampleActions, AutoCloseable {
    private val state = MutableStateFlow<Screen>(Screen.SignIn(email = "", password = ""))

    /** What the user sees now. */
    val screen: StateFlow<Screen> = state.asStateFlow()

    private val signIn = client.signIn()
    private val page = client.passkeys()
    private val scenarios = client.scenarios()
    private val recovery = client.recovery()
    private var flow: EnableFlow? = null
    private var steppedUp = false
    /** The sign-in attempt waiting for its code or passkey (an object: nothing can print it). */
    private var loginId: LoginId? = null
    private var factor: Factor = Factor.EMAIL
    /** The account signed in, or being signed in: the email typed (the account id after a usernameless sign-in). */
    var account = ""
        private set
    private var passkeys: List<PasskeyInfo> = emptyList()
    /** Enable: the passkeys the account already had when its first step showed them. */
    private var existing: List<PasskeyInfo> = emptyList()
    private var running: Job? = null

    /**
     * The first screen: Security Center when a session is stored, sign-in otherwise. A kept session
     * asks the server for a reset waiting for support first (best effort), so that an owner who
     * stays signed in for weeks sees one asked for meanwhile, not only at the next sign-in.
     */
    fun start() = act {
        if (!signIn.isSignedIn()) {
            state.value = Screen.SignIn(account, "")
            return@act
        }
        try {
            recovery.accountState()
        } catch (_: PasskeysException) {
            // Offline or refused: Security Center shows what the sign-in said.
        }
        state.value = if (signIn.isSignedIn()) securityCenter() else Screen.SignIn(account, "")
    }

    /** Waits until the running action (if any) has finished. */
    suspend fun idle() {
        running?.join()
    }

    override fun close() {
        flow?.close()
        scenarios.close()
        recovery.close()
        page.close()
        signIn.close()
    }

    // Typing: the field of the screen shown.

    override fun emailChanged(value: String) = state.update { s -> if (s is Screen.SignIn) s.copy(email = value) else s }

    override fun passwordChanged(value: String) = state.update { s ->
        when (s) {
            is Screen.SignIn -> s.copy(password = value)
            is Screen.StepUp -> s.copy(password = value)
            else -> s
        }
    }

    override fun codeChanged(value: String) = state.update { s ->
        when (s) {
            is Screen.Code -> s.copy(code = value)
            is Screen.StepUp -> s.copy(code = value)
            else -> s
        }
    }

    override fun newNameChanged(value: String) = state.update { s -> if (s is Screen.ManagePasskey) s.copy(newName = value) else s }

    override fun keepPasskey(id: String, keep: Boolean) = state.update { s ->
        if (s is Screen.EnableIntro && !s.busy) {
            s.copy(existing = s.existing?.map { if (it.passkey.id == id) it.copy(keep = keep) else it })
        } else {
            s
        }
    }

    // Sign-in.

    override fun signIn() = on<Screen.SignIn> { s ->
        account = s.email.trim()
        state.value = afterPassword(signIn.withPassword(account, s.password, deviceId, null))
    }

    private suspend fun afterPassword(step: SignInStep): Screen = when (step) {
        is SignInStep.CodeRequired -> {
            loginId = step.loginId
            factor = step.factors.firstOrNull() ?: Factor.EMAIL
            Screen.Code(account, codeFactor(factor), code = "")
        }
        is SignInStep.PasskeyRequired -> {
            loginId = step.loginId
            Screen.PasskeyRequired(account)
        }
        is SignInStep.SignedIn -> securityCenter()
    }

    override fun submitCode() = on<Screen.Code> { s ->
        signIn.completeWithCode(attempt(), factor, s.code.trim(), false)?.close()
        state.value = securityCenter()
    }

    override fun continueWithPasskey() = on<Screen.PasskeyRequired> {
        sheet(SheetPurpose.SIGN_IN) { signIn.completeWithPasskey(attempt()) }
        state.value = securityCenter()
    }

    /** The attempt the code and passkey screens belong to: only [afterPassword] leads to them. */
    private fun attempt(): LoginId = checkNotNull(loginId) { "no sign-in attempt" }

    override fun useCodeInstead() = on<Screen.PasskeyRequired> {
        // The library refuses (error.passkey_required) without a request: this attempt was answered
        // "passkey required". Asked, not assumed: should it ever accept, the screens follow it.
        signIn.completeWithCode(attempt(), Factor.EMAIL, "", false)?.close()
        state.value = securityCenter()
    }

    override fun signInWithPasskey() = on<Screen.SignIn> {
        val id = sheet(SheetPurpose.SIGN_IN) { signIn.withPasskey() }
        if (account.isEmpty()) account = id
        state.value = securityCenter()
    }

    override fun signInWith(other: OtherLogin) = on<Screen.SignIn> { s ->
        // Refused on the device, before any request, for an account this phone knows requires
        // passkeys; the server refuses it again for any other.
        signIn.checkPath(if (other == OtherLogin.WEB_H5) LoginPath.H5 else LoginPath.THIRD_PARTY)
        if (other == OtherLogin.WEB_H5) {
            account = s.email.trim()
            state.value = afterPassword(signIn.withH5(account, s.password, deviceId))
            return@on
        }
        val provider = other.name.lowercase()
        val token = idTokens.idToken(provider)
        if (token == null) {
            state.value = s
            return@on
        }
        account = signIn.withThirdParty(provider, token)
        state.value = securityCenter()
    }

    override fun signOut() = on<Screen.SecurityCenter> {
        signIn.signOut()
        loginId = null
        state.value = Screen.SignIn(account, "")
    }

    // Security Center and the Passkeys page.

    override fun cancelReset() = on<Screen.SecurityCenter> {
        val cancelled = sheet(SheetPurpose.VERIFY) { recovery.cancel() }
        state.value = securityCenter(Message(text(resetStatusText(cancelled)), Tone.SUCCESS))
    }

    override fun openPasskeys() = on<Screen.SecurityCenter> { state.value = passkeysPage() }

    override fun openPasskey(id: String) = on<Screen.Passkeys> {
        val info = passkeys.firstOrNull { row(it).id == id } ?: return@on
        state.value = Screen.ManagePasskey(row(info), newName = info.name, isLast = passkeys.size == 1)
    }

    override fun renamePasskey() = on<Screen.ManagePasskey> { s ->
        val info = passkeys.first { row(it).id == s.passkey.id }
        sheet(SheetPurpose.VERIFY) { page.rename(info.credentialId, s.newName.trim()) }
        state.value = passkeysPage(Message(UiText("sample.passkeys.renamed"), Tone.SUCCESS))
    }

    override fun deletePasskey() = on<Screen.ManagePasskey> { s ->
        val info = passkeys.first { row(it).id == s.passkey.id }
        sheet(SheetPurpose.VERIFY) { page.delete(info.credentialId) }
        state.value = passkeysPage(Message(UiText("sample.passkeys.deleted"), Tone.SUCCESS))
    }

    override fun turnOffRequirement() = on<Screen.Passkeys> {
        sheet(SheetPurpose.VERIFY) { page.turnOffRequirement() }
        state.value = passkeysPage(Message(UiText("sample.passkeys.turned_off"), Tone.SUCCESS))
    }

    override fun dismissNudge() = on<Screen.Passkeys> { s ->
        state.value = s.copy(health = healthCard(page.dismissNudge()), busy = false)
    }

    // Enable.

    override fun startEnable() = on<Screen.Passkeys> { s ->
        if (s.passkeyRequired) {
            // Another passkey for an account that requires them: verified with a passkey it has.
            val added = sheet(SheetPurpose.CREATE_PASSKEY) { page.add(null) }
            passkeys = added.passkeys
            state.value = done(added)
            return@on
        }
        flow?.close()
        val enable = client.enable().also { flow = it }
        steppedUp = false
        existing = emptyList()
        val intro = Screen.EnableIntro(warning = text(enable.warning()), deviceReady = null, busy = true)
        state.value = intro
        try {
            enable.checkDevice()
        } catch (e: PasskeysException) {
            state.value = intro.copy(deviceReady = false)
            throw e
        }
        val ready = intro.copy(deviceReady = true)
        state.value = ready
        // The passkeys already there, each with its Keep switch off: Enable removes every one not
        // kept (one added while the requirement was off could be someone else's). Until they are
        // read, "I understand" waits; should reading fail, its error shows and Back starts over.
        existing = enable.existingPasskeys()
        state.value = ready.copy(existing = existing.map { ExistingPasskey(row(it)) }, busy = false)
    }

    override fun acknowledgeWarning() = on<Screen.EnableIntro> { s ->
        val enable = flow ?: return@on
        val shown = s.existing ?: return@on
        // The user's choice, before the ceremony that applies it: the passkeys whose Keep switch
        // is on, by credential id (an empty list keeps none).
        val keep = shown.filter { it.keep }.map { it.passkey.id }.toSet()
        enable.keepPasskeys(existing.filter { row(it).id in keep }.map { it.credentialId })
        enable.acknowledgeWarning()
        factor = enable.startStepUp().firstOrNull() ?: Factor.EMAIL
        state.value = Screen.StepUp(codeFactor(factor), password = "", code = "")
    }

    override fun submitStepUp() = on<Screen.StepUp> { s ->
        val enable = flow ?: return@on
        // After a failed or cancelled sheet the step-up stands: the next tap goes straight to it.
        if (!steppedUp) {
            enable.finishStepUp(s.password, factor, s.code.trim())
            steppedUp = true
        }
        val added = try {
            sheet(SheetPurpose.CREATE_PASSKEY) { enable.createPasskey(null) }
        } catch (e: PasskeysException.StepUpRequired) {
            // The step-up expired: a new code is sent, the user confirms again.
            steppedUp = false
            factor = enable.startStepUp().firstOrNull() ?: factor
            state.value = Screen.StepUp(codeFactor(factor), password = "", code = "")
            throw e
        }
        passkeys = added.passkeys
        state.value = done(added)
    }

    /** Enable's end, or another passkey's: what [added] says changed. */
    private fun done(added: PasskeyAdded): Screen.EnableDone = Screen.EnableDone(
        row(added.passkey),
        revokedSessions = added.revokedSessions.toInt(),
        health = added.health?.let(::healthCard),
        removedPasskeys = added.removedPasskeys.toInt(),
    )

    // An important scenario.

    override fun openWithdrawal() = on<Screen.SecurityCenter> {
        state.value = Screen.Withdrawal(WITHDRAWAL_ASSET, WITHDRAWAL_AMOUNT, WITHDRAWAL_ADDRESS, verified = false)
    }

    override fun confirmWithdrawal() = on<Screen.Withdrawal> { s ->
        if (scenarios.needsPasskey(Scenario.Withdrawal)) {
            val params = mapOf("asset" to s.asset, "amount" to s.amount, "address" to s.address)
            // The proof goes with the withdrawal request it approves (the app's own API); never shown.
            sheet(SheetPurpose.VERIFY) { scenarios.verify(Scenario.Withdrawal, params) }.close()
        }
        state.value = s.copy(verified = true, message = null, busy = false)
    }

    override fun back() {
        val to = when (val s = state.value) {
            is Screen.Passkeys, is Screen.Withdrawal, is Screen.EnableDone -> return act { state.value = securityCenter() }
            is Screen.ManagePasskey, is Screen.EnableIntro, is Screen.StepUp -> return act { state.value = passkeysPage() }
            is Screen.Code, is Screen.PasskeyRequired -> Screen.SignIn(account, "")
            else -> s
        }
        if (!state.value.busy) state.value = to
    }

    // The machinery.

    private suspend fun securityCenter(notice: Message? = null): Screen.SecurityCenter {
        val policy = page.policy()
        return Screen.SecurityCenter(
            email = account.ifEmpty { policy.accountId },
            passkeyRequired = policy.passkeyRequired,
            passkeyCount = policy.passkeyCount.toInt(),
            notice = notice,
            pendingReset = signIn.pendingReset()?.let { text(pendingResetNoticeText(it)) },
        )
    }

    private suspend fun passkeysPage(message: Message? = null): Screen.Passkeys {
        passkeys = page.list()
        val health = if (passkeys.isEmpty()) null else healthCard(page.health())
        return Screen.Passkeys(passkeys.map(::row), health, page.policy().passkeyRequired, message)
    }

    /** Runs [block] when the screen shown is an [S] and nothing else runs. */
    private inline fun <reified S : Screen> on(crossinline block: suspend (S) -> Unit) {
        val s = state.value as? S ?: return
        act { block(s) }
    }

    private fun act(block: suspend () -> Unit) {
        if (running?.isActive == true) return
        val before = state.value
        state.update { it.withBusy(true) }
        // The block runs on the scope's dispatcher (IO in the app), beside keystrokes on the main
        // thread: what it reads and writes back goes through `update` (compare-and-set), so a
        // keystroke is never lost to a stale copy.
        running = scope.launch {
            try {
                block()
            } catch (e: CancellationException) {
                state.value = before
                throw e
            } catch (e: PasskeysException) {
                state.update { it.failed(text(errorText(e))) }
            } catch (e: InternalException) {
                state.update { it.failed(INTERNAL) }
            } catch (e: Exception) {
                // The keystore, the network below the library, a bug here: named nowhere (a
                // message could carry what the user typed), shown as the library's stop.
                state.update { it.failed(INTERNAL) }
            }
        }
    }

    /**
     * Hands the screen to the password manager's sheet for [block]; on failure the screen beneath
     * comes back (the error then lands there).
     */
    private suspend fun <T> sheet(purpose: SheetPurpose, block: suspend () -> T): T {
        val under = state.value
        state.value = Screen.PlatformSheet(purpose)
        try {
            return block()
        } catch (e: Exception) {
            state.value = under
            throw e
        }
    }

    companion object {
        /** The sample withdrawal (an important scenario the server's policy may put behind a passkey). */
        const val WITHDRAWAL_ASSET = "USDT"
        const val WITHDRAWAL_AMOUNT = "250"
        const val WITHDRAWAL_ADDRESS = "TQ4sM7dX2r9vKpW3nY8fBz6eHj5uLc9xVe"

        /** What anything but the library's own errors shows. */
        val INTERNAL = UiText("sample.error.internal")

        /** The library's [PasskeysText] as a [UiText]. */
        fun text(text: PasskeysText): UiText = UiText(text.key, text.args.associate { it.name to it.value })

        /** A passkey as the screens show it. */
        fun row(info: PasskeyInfo): PasskeyRow = PasskeyRow(
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(info.credentialId),
            name = info.name,
            provider = info.provider,
            added = info.createdAt,
            lastUsed = info.lastUsedAt,
            synced = info.backedUp,
        )

        /** The health card of [health]. */
        fun healthCard(health: PasskeyHealth): HealthCard = HealthCard(
            atRisk = health.atRisk,
            headline = text(healthText(health)),
            action = healthActionText(health)?.let(::text),
            nudge = health.nudge,
        )

        private fun codeFactor(factor: Factor): CodeFactor = when (factor) {
            Factor.EMAIL -> CodeFactor.EMAIL
            Factor.SMS -> CodeFactor.SMS
            Factor.TOTP -> CodeFactor.AUTHENTICATOR
        }
    }
}

/** [this] with [busy] set. */
internal fun Screen.withBusy(busy: Boolean): Screen = when (this) {
    is Screen.SignIn -> copy(busy = busy)
    is Screen.Code -> copy(busy = busy)
    is Screen.PasskeyRequired -> copy(busy = busy)
    is Screen.SecurityCenter -> copy(busy = busy)
    is Screen.Passkeys -> copy(busy = busy)
    is Screen.EnableIntro -> copy(busy = busy)
    is Screen.StepUp -> copy(busy = busy)
    is Screen.PlatformSheet -> copy(busy = busy)
    is Screen.EnableDone -> copy(busy = busy)
    is Screen.ManagePasskey -> copy(busy = busy)
    is Screen.Withdrawal -> copy(busy = busy)
}

/** [this], no longer busy, with [text] as its error line (where the screen has one). */
internal fun Screen.failed(text: UiText): Screen {
    val m = Message(text, Tone.ERROR)
    return when (this) {
        is Screen.SignIn -> copy(message = m, busy = false)
        is Screen.Code -> copy(message = m, busy = false)
        is Screen.PasskeyRequired -> copy(message = m, busy = false)
        is Screen.SecurityCenter -> copy(notice = m, busy = false)
        is Screen.Passkeys -> copy(message = m, busy = false)
        is Screen.EnableIntro -> copy(message = m, busy = false)
        is Screen.StepUp -> copy(message = m, busy = false)
        is Screen.PlatformSheet -> copy(busy = false)
        is Screen.EnableDone -> copy(busy = false)
        is Screen.ManagePasskey -> copy(message = m, busy = false)
        is Screen.Withdrawal -> copy(message = m, busy = false)
    }
}
