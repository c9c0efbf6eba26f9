package com.bingx.passkeys.sample

import android.app.Activity
import android.app.Application
import android.os.Bundle
import com.bingx.passkeys.android.PasskeysAndroid
import java.lang.ref.WeakReference

/**
 * Starts the library once per process, before any client is built, and knows the Activity in
 * front: the one the passkey sheets show over ([currentActivity]).
 */
class SampleApplication : Application() {
    /** The resumed Activity until it stops, held weakly (a rotation replaces it). */
    @Volatile
    private var front: WeakReference<Activity>? = null

    /** The Activity in front now, or null (none, or it stopped): read at each ceremony. */
    fun currentActivity(): Activity? = front?.get()

    /** Why the library could not start (shown instead of running a journey), or `null`. */
    var startFailure: String? = null
        private set

    override fun onCreate() {
        super.onCreate()
        registerActivityLifecycleCallbacks(FrontActivity())
        startFailure = try {
            PasskeysAndroid.initialize(this)
            null
        } catch (e: UnsatisfiedLinkError) {
            "libbingx_passkeys.so is missing for this device's ABI (${e.javaClass.simpleName})"
        } catch (e: RuntimeException) {
            "the certificate verifier could not start (${e.javaClass.simpleName}); check the app's Gradle and R8 set-up"
        }
    }

    private inner class FrontActivity : ActivityLifecycleCallbacks {
        override fun onActivityResumed(activity: Activity) {
            front = WeakReference(activity)
        }

        override fun onActivityStopped(activity: Activity) = forget(activity)

        override fun onActivityDestroyed(activity: Activity) = forget(activity)

        private fun forget(activity: Activity) {
            if (front?.get() === activity) front = null
        }

        override fun onActivityCreated(activity: Activity, savedInstanceState: Bundle?) = Unit

        override fun onActivityStarted(activity: Activity) = Unit

        override fun onActivityPaused(activity: Activity) = Unit

        override fun onActivitySaveInstanceState(activity: Activity, outState: Bundle) = Unit
    }
}
