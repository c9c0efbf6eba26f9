package com.bingx.passkeys.sample

import android.app.Application
import com.bingx.passkeys.android.PasskeysAndroid

/** Starts the library once per process, before any client is built. */
class SampleApplication : Application() {
    /** Why the library could not start (shown instead of running a journey), or `null`. */
    var startFailure: String? = null
        private set

    override fun onCreate() {
        super.onCreate()
        startFailure = try {
            PasskeysAndroid.initialize(this)
            null
        } catch (e: UnsatisfiedLinkError) {
            "libbingx_passkeys.so is missing for this device's ABI (${e.javaClass.simpleName})"
        } catch (e: RuntimeException) {
            "the certificate verifier could not start (${e.javaClass.simpleName}); check the app's Gradle and R8 set-up"
        }
    }
}
