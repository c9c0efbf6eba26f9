package android.security.keystore

import java.security.InvalidKeyException

/**
 * The JVM's stand-in for Android's exception of the same name (not on the JVM's class path): the
 * store tells a key gone for good from a passing refusal by this class's name.
 */
class KeyPermanentlyInvalidatedException : InvalidKeyException("Key permanently invalidated")
