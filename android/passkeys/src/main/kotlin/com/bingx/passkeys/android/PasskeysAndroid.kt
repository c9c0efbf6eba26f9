package com.bingx.passkeys.android

import android.content.Context

/**
 * The Android package's one process-wide set-up: call [initialize] once, before the first
 * `PasskeysClient` is built (in `Application.onCreate` is simplest).
 *
 * The library's HTTPS checks the server's certificate with the phone's own trust store
 * (rustls-platform-verifier calling Android's `X509TrustManager`), which needs the app's
 * [Context]. Until [initialize] ran, every request of a client is refused with
 * `PasskeysException.NotInitialized` (never a crash); pins and trust anchors given in
 * `PasskeysConfig` apply on top of, or instead of, the trust store as documented there.
 */
public object PasskeysAndroid {
    @Volatile
    private var initialized: Boolean = false

    /** Whether [initialize] completed in this process. */
    public val isInitialized: Boolean
        get() = initialized

    /**
     * Loads the library and hands the certificate verifier the application context. Safe to call
     * more than once and from any thread; later calls return at once.
     *
     * @throws UnsatisfiedLinkError when the AAR's `libbingx_passkeys.so` is missing for this ABI.
     * @throws RuntimeException when the verifier cannot reach its Kotlin component (the
     *   `rustls-platform-verifier` dependency or its keep rules are missing from the app build).
     */
    @JvmStatic
    public fun initialize(context: Context) {
        if (initialized) return
        synchronized(this) {
            if (initialized) return
            System.loadLibrary("bingx_passkeys")
            nativeInitialize(context.applicationContext ?: context)
            initialized = true
        }
    }

    /** The JNI entry in the library (bindings/src/android.rs). */
    @JvmStatic
    private external fun nativeInitialize(context: Context)
}
