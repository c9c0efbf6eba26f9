package com.bingx.passkeys.android

import android.app.PendingIntent
import android.content.Context
import android.os.CancellationSignal
import androidx.credentials.ClearCredentialStateRequest
import androidx.credentials.CreateCredentialRequest
import androidx.credentials.CreateCredentialResponse
import androidx.credentials.CredentialManager
import androidx.credentials.CredentialManagerCallback
import androidx.credentials.GetCredentialRequest
import androidx.credentials.GetCredentialResponse
import androidx.credentials.exceptions.ClearCredentialException
import androidx.credentials.exceptions.CreateCredentialException
import androidx.credentials.exceptions.GetCredentialException
import java.util.concurrent.Executor

/**
 * A test double of androidx's `CredentialManager` interface (the real interface, from the
 * generated declarations): it records what the shell asks and answers as the test scripts it.
 * The callback forms are not used by the shell, so they fail the test if called.
 */
class TestCredentialManager : CredentialManager {
    /** Every (context, request) of `createCredential`, in order. */
    val creates = mutableListOf<Pair<Context, CreateCredentialRequest>>()

    /** Every (context, request) of `getCredential`, in order. */
    val gets = mutableListOf<Pair<Context, GetCredentialRequest>>()

    /**
     * Whether the requests' contexts are recorded ([creates], [gets]). Off, the double keeps no
     * reference to them, as androidx's Play-services sign-in controller keeps only a weak one.
     */
    var recordContexts = true

    /** What `createCredential` does. */
    var onCreate: suspend (CreateCredentialRequest) -> CreateCredentialResponse = { error("no create scripted") }

    /** What `getCredential` does. */
    var onGet: suspend (GetCredentialRequest) -> GetCredentialResponse = { error("no get scripted") }

    override suspend fun createCredential(context: Context, request: CreateCredentialRequest): CreateCredentialResponse {
        if (recordContexts) creates += context to request
        return onCreate(request)
    }

    override suspend fun getCredential(context: Context, request: GetCredentialRequest): GetCredentialResponse {
        if (recordContexts) gets += context to request
        return onGet(request)
    }

    override fun createCredentialAsync(
        context: Context,
        request: CreateCredentialRequest,
        cancellationSignal: CancellationSignal?,
        executor: Executor,
        callback: CredentialManagerCallback<CreateCredentialResponse, CreateCredentialException>,
    ) = throw AssertionError("the shell uses the suspending createCredential")

    override fun getCredentialAsync(
        context: Context,
        request: GetCredentialRequest,
        cancellationSignal: CancellationSignal?,
        executor: Executor,
        callback: CredentialManagerCallback<GetCredentialResponse, GetCredentialException>,
    ) = throw AssertionError("the shell uses the suspending getCredential")

    override fun clearCredentialStateAsync(
        request: ClearCredentialStateRequest,
        cancellationSignal: CancellationSignal?,
        executor: Executor,
        callback: CredentialManagerCallback<Void?, ClearCredentialException>,
    ) = throw AssertionError("the shell never clears credential state")

    /** How many times `createSettingsPendingIntent` was called. */
    var settingsAsked = 0

    /** What `createSettingsPendingIntent` answers. */
    var onSettings: () -> PendingIntent = { throw AssertionError("no settings intent scripted") }

    override fun createSettingsPendingIntent(): PendingIntent {
        settingsAsked++
        return onSettings()
    }
}

/**
 * A [PendingIntent] with nothing behind it, for checking that one is handed on unchanged: its
 * constructor is hidden API, so the instance is allocated without running one (never sent).
 */
fun opaquePendingIntent(): PendingIntent {
    val field = sun.misc.Unsafe::class.java.getDeclaredField("theUnsafe").apply { isAccessible = true }
    return (field.get(null) as sun.misc.Unsafe).allocateInstance(PendingIntent::class.java) as PendingIntent
}

/** [DeviceFacts] as a test states them. */
internal data class TestDeviceFacts(
    override val sdkInt: Int = 35,
    val secure: Boolean = true,
    val framework: Boolean = true,
    val playServices: Boolean? = true,
) : DeviceFacts {
    override fun isDeviceSecure() = secure

    override fun frameworkCredentialManagerPresent() = framework

    override fun playServicesEnabled() = playServices
}
