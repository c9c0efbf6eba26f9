package com.bingx.passkeys.sample

import android.app.Activity
import android.view.View
import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.PlatformAuthenticator

/**
 * What differs between the two builds of the sample; each flavour's `SampleFlavour` object
 * implements it: `qa` (the QA bindings' software password manager, faults on screen, the reference
 * server's outbox) and `store` (Credential Manager, codes typed by the user).
 */
interface Flavour {
    /** The flavour's name, shown on screen. */
    val name: String

    /** The email the sign-in field starts with (the reference server's demo account in qa). */
    val startEmail: String

    /** The password the field starts with (the demo account's in qa, empty in store). */
    val startPassword: String

    /** The library's configuration (may read the server: call it off the main thread). */
    suspend fun config(): PasskeysConfig

    /** The password manager the client uses; [activity] shows its sheets. */
    fun platform(activity: Activity): PlatformAuthenticator

    /** The code emailed to [email] for [purpose] (`login`, `step_up`). */
    suspend fun emailedCode(activity: Activity, email: String, purpose: String): String

    /** Extra controls for the screen (qa: the password manager's faults), or `null`. */
    fun controls(activity: Activity, say: (String) -> Unit): View?
}

/** The sample cannot run a journey, for a reason the user is told. */
class SampleNotReady(message: String) : Exception(message)
