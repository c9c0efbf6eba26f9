package com.bingx.passkeys.sample

import android.app.Activity
import android.app.Application
import android.os.Bundle
import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.android.KeystoreSecureStore
import com.bingx.passkeys.android.PasskeysAndroid
import java.lang.ref.WeakReference
import com.bingx.passkeys.ui.SampleViewModel
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext

/**
 * Starts the library once per process, before any client is built, holds the process's one
 * client and the journey's view model ([model]), and knows the Activity in front: the one the
 * passkey sheets show over ([currentActivity]).
 */
class SampleApplication : Application() {
    /** The resumed Activity until it stops, held weakly (a rotation replaces it). */
    @Volatile
    private var front: WeakReference<Activity>? = null

    /** The Activity in front now, or null (none, or it stopped): read at each ceremony. */
    fun currentActivity(): Activity? = front?.get()

    /**
     * Where the library is called: off the main thread, and for the process, not an Activity. Its
     * keystore reads and writes ([KeystoreSecureStore]: a file, the Android Keystore, fsync) run
     * on the thread that calls it; and a rotation, dark mode or a fold recreates the Activity
     * while the passkey sheet is up, which must not cancel the ceremony (a passkey saved in the
     * password manager that never reached the server).
     */
    private val work = CoroutineScope(SupervisorJob() + Dispatchers.IO)

    private val building = Mutex()

    @Volatile
    private var built: SampleViewModel? = null

    /**
     * The journey's view model over the process's one client, built at first use off the main
     * thread; every Activity instance (a rotation, a second task another app started) shows the
     * same one. One client, since a client keeps its own view of the keystore in memory: two
     * clients over one keystore would each miss what the other wrote, such as the mark that the
     * account now requires passkeys.
     */
    suspend fun model(deviceId: String): SampleViewModel = building.withLock {
        built ?: withContext(Dispatchers.IO) {
            val app = this@SampleApplication
            val client = PasskeysClient(
                SampleFlavour.config(app),
                SampleFlavour.platform(app, app::currentActivity),
                KeystoreSecureStore(app),
            )
            SampleViewModel(client, deviceId, SampleFlavour::idToken, work).also {
                it.emailChanged(SampleFlavour.startEmail)
                it.passwordChanged(SampleFlavour.startPassword)
                it.start()
            }
        }.also { built = it }
    }

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
