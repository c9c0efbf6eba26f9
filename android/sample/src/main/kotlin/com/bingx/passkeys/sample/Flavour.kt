package com.bingx.passkeys.sample

import android.app.Activity
import android.content.Context
import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.PlatformAuthenticator

/**
 * What differs between the two builds of the sample; each flavour's `SampleFlavour` object
 * implements it: `qa` (the QA bindings' software password manager, its faults on screen, the
 * reference server's outbox and identity provider) and `store` (Credential Manager, codes typed
 * by the user).
 */
interface Flavour {
    /** The flavour's name. */
    val name: String

    /** The email the sign-in field starts with (the reference server's demo account in qa). */
    val startEmail: String

    /** The password the field starts with (the demo account's in qa, empty in store). */
    val startPassword: String

    /**
     * The library's configuration for the app of [context] (may read the server: call it off the
     * main thread).
     */
    suspend fun config(context: Context): PasskeysConfig

    /**
     * The password manager the client uses; its sheets show over the Activity [activity] gives at
     * each ceremony (the one in front, or null), never over one it kept.
     */
    fun platform(context: Context, activity: () -> Activity?): PlatformAuthenticator

    /**
     * qa: the code the reference server's outbox holds for [email] and [purpose] (`login`,
     * `step_up`), filled in for the tester; store: null (the user types what was delivered).
     */
    suspend fun deliveredCode(email: String, purpose: String): String?

    /**
     * A third-party login's id token for [provider] (`google`, `apple`, `telegram`): qa, the
     * reference server's test identity provider for [startEmail]; store, null (an app asks the
     * provider's SDK; the sample links none).
     */
    suspend fun idToken(provider: String): String?

    /** qa: the software password manager's faults, switchable on screen; store: none. */
    val faults: List<SampleFault>
}

/** A QA switch: [label] on screen, [apply] when tapped. */
class SampleFault(val label: String, val apply: () -> Unit)

/** The sample cannot run a journey, for a reason the user is told. */
class SampleNotReady(message: String) : Exception(message)
