package com.bingx.passkeys.android

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import com.bingx.passkeys.SecureStore
import com.bingx.passkeys.android.store.EncryptedFileStore
import com.bingx.passkeys.android.store.StoreFolder
import com.bingx.passkeys.android.store.StoreKey
import java.io.File
import java.security.KeyStore
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey

/**
 * The app's keystore for `PasskeysClient`: the library's secrets (session, remembered account,
 * the server-signed policy, a registration not yet confirmed) as AES-256-GCM files in the app's
 * private no-backup folder, sealed under a non-exportable AES-256 key in the Android Keystore.
 *
 * ```
 * val client = PasskeysClient(config, platform, KeystoreSecureStore(context))
 * ```
 *
 * The cipher and file logic is [EncryptedFileStore] (plain JVM code, tested on the JVM); this
 * class only finds the key. Make one per app process and hand it to the one client; calls may
 * come from any thread. Construct it off the main thread if StrictMode's disk checks matter:
 * it resolves the app's no-backup folder, and each call reads or writes a small file.
 *
 * One store per server environment: an app that builds clients for more than one server (an
 * internal build's environment switch) gives each its own `environment`, so no client reads
 * another server's session or policy (and sends that session to its own server).
 *
 * Where the data lives, and what survives what:
 * - Files: `noBackupFilesDir/bingx-passkeys-store/` (`bingx-passkeys-store-<environment>/` for
 *   another environment: [StoreFolder]), app-private and in credential-encrypted
 *   storage (readable after the user first unlocks the phone). Android's Auto Backup and
 *   device-to-device transfer skip the no-backup folder, and uninstalling removes it.
 * - Key: alias [KEY_ALIAS] in `AndroidKeyStore`, made on the first write; AES-256, GCM, no
 *   padding, randomized encryption required (the Keystore draws every nonce), no user
 *   authentication required (the library reads its policy without a prompt), never exportable
 *   (hardware-backed where the phone has a TEE). The key never leaves the phone.
 * - Restored to a new phone: neither files nor key come along, so the app starts with an empty
 *   store, as a fresh install does: signed out, no account remembered, no policy cached. Nothing
 *   is weakened by that: the server enforces every rule for the account, and the signed policy
 *   is cached again at the next sign-in.
 * - Key gone but files still there (a backup tool that copied the folder anyway, the Keystore
 *   wiped by a system update or a security reset, files copied from another phone): every entry
 *   reads as `SecureStoreException.Unreadable`, never as "nothing stored". The library fails
 *   closed on it: `isSignedIn()` and the actions that need the session throw
 *   `PasskeysException.KeystoreFailed`, path checks throw `PolicyUnavailable` and every scenario
 *   needs a passkey. The next write makes a new key (also when the Keystore still holds the
 *   alias but cannot use it: `UnrecoverableKeyException` twice in a row, as some phones give
 *   after an OS update, unless Android 13+ calls the failure transient), and the library
 *   overwrites entries as it goes: a new sign-in stores a new session, account and the server's signed policy; sign-out
 *   deletes the session without reading it. An entry nothing rewrites stays unreadable; an app
 *   may offer the user an explicit reset ([clear]), after which the phone knows what a fresh
 *   install knows.
 */
public class KeystoreSecureStore @JvmOverloads constructor(
    context: Context,
    /** The server environment (`""`: the default); see [StoreFolder.name] for the names allowed. */
    environment: String = "",
) : SecureStore {
    private val files = EncryptedFileStore(
        File(context.noBackupFilesDir, StoreFolder.name(environment)).toPath(),
        AndroidKeystoreKey(KEY_ALIAS),
    )

    override fun get(name: String): String? = files.get(name)

    override fun set(name: String, value: String): Unit = files.set(name, value)

    override fun delete(name: String): Unit = files.delete(name)

    /**
     * Forget every entry (the key stays): only for a reset the user asked for, never to hide a
     * read error. See the class notes on a lost key.
     */
    public fun clear(): Unit = files.clear()

    public companion object {
        /** The Android Keystore alias of the store's key. */
        public const val KEY_ALIAS: String = "com.bingx.passkeys.store.v1"

        /** The folder under `noBackupFilesDir` that holds the default environment's entries. */
        public const val DIRECTORY: String = StoreFolder.DEFAULT
    }
}

/** The store's key in `AndroidKeyStore`: looked up by alias, made on first use. */
private class AndroidKeystoreKey(private val alias: String) : StoreKey {
    /** The key's handle (not its bytes, which never leave the Keystore), once looked up. */
    @Volatile
    private var cached: SecretKey? = null

    override fun existing(): SecretKey? {
        cached?.let { return it }
        val key = keyStore().getKey(alias, null) as? SecretKey
        cached = key
        return key
    }

    // One lock for every store of the process (all share the alias): two stores writing first at
    // once (two environments) must not both generate it, the second replacing the first's key.
    override fun getOrCreate(): SecretKey = existing() ?: synchronized(CREATION) {
        existing() ?: create().also { cached = it }
    }

    override fun replace(): SecretKey = synchronized(CREATION) {
        cached = null
        // generateKey replaces the alias as well; deleting first also clears what the Keystore
        // could not read back, and a refusal here is left to generateKey to report.
        runCatching { keyStore().deleteEntry(alias) }
        create().also { cached = it }
    }

    private fun create(): SecretKey {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setKeySize(256)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setRandomizedEncryptionRequired(true)
            .setUserAuthenticationRequired(false)
            .build()
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(spec)
        return generator.generateKey()
    }

    private fun keyStore(): KeyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }

    private companion object {
        const val ANDROID_KEYSTORE = "AndroidKeyStore"

        /** Guards making and replacing the alias's key, process-wide. */
        val CREATION = Any()
    }
}
