package com.bingx.passkeys.android.store

import javax.crypto.SecretKey

/**
 * Where an [EncryptedFileStore]'s AES-256 key comes from: on a device a non-exportable key in
 * the Android Keystore (`KeystoreSecureStore`), in JVM tests a JCA key.
 *
 * Implementations may throw any exception when the key store cannot be asked (locked, a
 * provider failure); the store reports it as `SecureStoreException.Unavailable` without its text.
 */
interface StoreKey {
    /** The key, or `null` when there is none: never made yet, or lost. Never creates one. */
    fun existing(): SecretKey?

    /** The key, made now when there is none (the first write, or the first after a key loss). */
    fun getOrCreate(): SecretKey

    /**
     * Drops the key the key store holds but can no longer use, and makes a new one. Only for a
     * write, after looking the key up failed twice in a row with `UnrecoverableKeyException`
     * that Android does not call transient (a key that survived an OS update or a restore
     * unusable): entries sealed under the old key
     * then read as unreadable, as after a lost key, and are rewritten as the library goes.
     */
    fun replace(): SecretKey
}
