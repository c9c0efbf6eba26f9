package com.bingx.passkeys.bench

import com.bingx.passkeys.Factor
import com.bingx.passkeys.LoginPath
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.Scenario
import com.bingx.passkeys.SignInStep

/**
 * The three ceremonies of the budget, through the Kotlin API as an app calls it: the app holds the
 * sign-in part (as a screen's model holds it) and starts a new Enable flow per attempt.
 */
class Ceremonies(private val client: PasskeysClient, private val fixture: Fixture) : AutoCloseable {
    private val signIn = client.signIn()

    /** J1: check device → warning → step-up start/finish → create passkey (4 requests). */
    suspend fun enable() {
        client.enable().use { flow ->
            flow.checkDevice()
            flow.warning()
            flow.acknowledgeWarning()
            flow.startStepUp()
            flow.finishStepUp(fixture.password, Factor.EMAIL, "000000")
            flow.createPasskey(null)
        }
    }

    /** J2: the password step answered "passkey required" → complete with the passkey (2 requests). */
    suspend fun passwordLogin() {
        when (val step = signIn.withPassword(fixture.email, fixture.password, "bench", null)) {
            is SignInStep.PasskeyRequired -> signIn.completeWithPasskey(step.loginId)
            else -> error("the password step answered $step")
        }
    }

    /** J3: a usernameless sign-in (2 requests). */
    suspend fun usernameless() {
        signIn.withPasskey()
    }

    override fun close() = signIn.close()

    companion object {
        /**
         * What an app start asks first: signed in? may the H5 login show? (the first policy check:
         * the keystore's signed policy read and verified), does a withdrawal need a passkey?
         */
        fun firstChecks(client: PasskeysClient) {
            client.signIn().use { signIn ->
                check(signIn.isSignedIn()) { "the keystore holds a session" }
                try {
                    signIn.checkPath(LoginPath.H5)
                    error("the signed policy blocks H5")
                } catch (_: PasskeysException.PathBlocked) {
                }
            }
            client.scenarios().use { it.needsPasskey(Scenario.Withdrawal) }
        }
    }
}
