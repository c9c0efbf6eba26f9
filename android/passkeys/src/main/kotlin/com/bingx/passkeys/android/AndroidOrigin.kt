package com.bingx.passkeys.android

import android.content.Context
import android.content.pm.PackageManager
import android.content.pm.Signature
import android.os.Build
import java.security.MessageDigest
import java.util.Base64

/**
 * The app's own `android:apk-key-hash:` origin, read from its signing certificate at run time.
 *
 * Credential Manager writes `"origin":"android:apk-key-hash:<hash>"` into the clientDataJSON of
 * an app's passkey ceremonies, the hash being the unpadded base64url SHA-256 of the certificate
 * that signed the installed APK (shared/PLATFORM.md §1). The core refuses a response whose
 * origin it was not given, so pass these to the client:
 *
 * ```kotlin
 * PasskeysConfig(…, androidApkKeyHashes = AndroidOrigin.apkKeyHashes(context), …)
 * ```
 *
 * Read from the package itself, they are right for whatever key signed this build (debug,
 * upload, or Play App Signing), with nothing to configure. The server's allow-list and
 * assetlinks.json must still name the same certificate.
 */
public object AndroidOrigin {
    /**
     * The hashes of the certificates the installed app is signed with, for
     * `PasskeysConfig.androidApkKeyHashes`: the current signer (or every signer of an APK signed
     * by several), then the earlier certificates of a rotated key (its proven lineage), without
     * repeats. Passkeys need API 28, where `GET_SIGNING_CERTIFICATES` arrived.
     *
     * @throws IllegalStateException when the system gives no signing certificate for the app.
     */
    @JvmStatic
    public fun apkKeyHashes(context: Context): List<String> {
        val packageManager = context.packageManager
        val info = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
            packageManager.getPackageInfo(
                context.packageName,
                PackageManager.PackageInfoFlags.of(PackageManager.GET_SIGNING_CERTIFICATES.toLong()),
            )
        } else {
            @Suppress("DEPRECATION")
            packageManager.getPackageInfo(context.packageName, PackageManager.GET_SIGNING_CERTIFICATES)
        }
        val signing = info.signingInfo ?: error("no signing information for ${context.packageName}")
        val current: Array<Signature> = signing.apkContentsSigners ?: emptyArray()
        val lineage: Array<Signature> =
            if (signing.hasMultipleSigners()) emptyArray() else signing.signingCertificateHistory ?: emptyArray()
        val hashes = (current + lineage).map { apkKeyHash(it.toByteArray()) }.distinct()
        check(hashes.isNotEmpty()) { "no signing certificate for ${context.packageName}" }
        return hashes
    }

    /**
     * The origin hash of one signing certificate ([certificate]: its DER encoding, as
     * `Signature.toByteArray()` gives it): unpadded base64url of its SHA-256, 43 characters. The
     * same 32 bytes that assetlinks.json writes as `sha256_cert_fingerprints` in hex.
     */
    @JvmStatic
    public fun apkKeyHash(certificate: ByteArray): String =
        Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(certificate))
}
