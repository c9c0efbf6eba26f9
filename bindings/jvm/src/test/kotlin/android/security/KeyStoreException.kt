package android.security

/**
 * The JVM's stand-in for Android's exception of the same name (API 33+; not on the JVM's class
 * path): the store asks it, by name, whether a Keystore failure may pass.
 */
class KeyStoreException(private val transient: Boolean) : Exception("Keystore operation failed") {
    /** Whether the failure may pass (Android: the Keystore service was busy or restarting). */
    fun isTransientFailure(): Boolean = transient
}
