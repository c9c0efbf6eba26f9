package com.bingx.passkeys.jvm

import com.bingx.passkeys.EnableFlow
import com.bingx.passkeys.Factor
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.SignInStep
import com.bingx.passkeys.android.JsonAuthenticator
import com.bingx.passkeys.android.JsonPlatformAuthenticator
import com.bingx.passkeys.jvm.testkit.TestAccount
import com.bingx.passkeys.jvm.testkit.TestkitServer
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.fail

/** What the journeys of the tests share: an app install, sign-in and step-up as a user does them. */
class Journeys(val server: TestkitServer) {
    /** An app install on [platform], with a keystore of its own (a map). */
    fun device(platform: JsonAuthenticator): PasskeysClient =
        PasskeysClient(server.config(), JsonPlatformAuthenticator(platform), MemoryStore())

    /** Password, then the emailed code or the passkey, whichever the server demands. */
    suspend fun signIn(client: PasskeysClient, account: TestAccount, deviceId: String) {
        val signIn = client.signIn()
        when (val step = signIn.withPassword(account.email, account.password, deviceId, null)) {
            is SignInStep.SignedIn -> Unit
            is SignInStep.PasskeyRequired -> signIn.completeWithPasskey(step.loginId)
            is SignInStep.CodeRequired ->
                signIn.completeWithCode(step.loginId, Factor.EMAIL, server.http.codeFor(account.email, "login"), false)
        }
    }

    /** Enable up to a completed step-up: device check, warning, password + emailed code. */
    suspend fun steppedUp(client: PasskeysClient, account: TestAccount): EnableFlow {
        val flow = client.enable()
        flow.checkDevice()
        flow.acknowledgeWarning()
        flow.startStepUp()
        flow.finishStepUp(account.password, Factor.EMAIL, server.http.codeFor(account.email, "step_up"))
        return flow
    }
}

/** Runs a journey with a deadline, so a hang fails the test instead of the build. */
fun journey(block: suspend CoroutineScope.() -> Unit): Unit = withDeadline(block)

/** [block]'s value, or a failure after a minute. */
fun <T> withDeadline(block: suspend CoroutineScope.() -> T): T = runBlocking { withTimeout(60_000) { block() } }

/** The exception [block] throws, which must be a [T]. */
suspend inline fun <reified T : Throwable> expectThrows(block: suspend () -> Unit): T {
    try {
        block()
    } catch (e: Throwable) {
        if (e is T) return e
        fail<Unit>("expected ${T::class.simpleName}, got $e")
    }
    fail<Unit>("expected ${T::class.simpleName}, nothing was thrown")
    error("unreachable")
}
