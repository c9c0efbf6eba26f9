package com.bingx.passkeys.sample

import android.app.Activity
import android.app.AlertDialog
import android.text.InputType
import android.widget.EditText
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException

/** Asks the user for the code a message delivered; cancelling the dialog throws [SampleNotReady]. */
object CodePrompt {
    /** The code the user typed for [purpose]. */
    suspend fun ask(activity: Activity, purpose: String): String = suspendCancellableCoroutine { continuation ->
        val field = EditText(activity).apply { inputType = InputType.TYPE_CLASS_NUMBER }
        val dialog = AlertDialog.Builder(activity)
            .setTitle(if (purpose == "step_up") "Code to confirm it's you" else "Code to sign in")
            .setMessage("Enter the code we sent to your email.")
            .setView(field)
            .setPositiveButton("OK") { _, _ ->
                if (continuation.isActive) continuation.resume(field.text.toString().trim())
            }
            .setOnCancelListener {
                if (continuation.isActive) continuation.resumeWithException(SampleNotReady("No code entered."))
            }
            .create()
        continuation.invokeOnCancellation { dialog.dismiss() }
        dialog.show()
    }
}
