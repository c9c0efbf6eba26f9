import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

// The pins, in one place for Gradle and scripts/build-android: android/gradle.properties.
fun pinned(name: String): String =
    providers.gradleProperty(name).orNull ?: error("android/gradle.properties must set $name")

// The version of rustls-platform-verifier's Kotlin component must be exactly the one the Rust
// crate was released with. The crate records it as the version of its helper crate
// `rustls-platform-verifier-android` (0.2.0 for rustls-platform-verifier 0.7.1), so it is read
// from the workspace's Cargo.lock, as the crate's README describes. A ValueSource, so Gradle's
// configuration cache notices when Cargo.lock changes.
abstract class RustlsAndroidComponentVersion :
    ValueSource<String, RustlsAndroidComponentVersion.Params> {
    interface Params : ValueSourceParameters {
        val cargoLock: RegularFileProperty
    }

    override fun obtain(): String {
        val lock = parameters.cargoLock.get().asFile
        val lines = lock.readLines()
        val at = lines.indexOfFirst { it.trim() == "name = \"$CRATE\"" }
        val version = if (at < 0) {
            null
        } else {
            // The [[package]] entry's own lines, up to the next entry.
            lines.drop(at + 1)
                .takeWhile { !it.startsWith("[[") }
                .map { it.trim() }
                .firstOrNull { it.startsWith("version = \"") }
                ?.removePrefix("version = \"")
                ?.substringBefore('"')
                ?.takeIf { it.isNotEmpty() }
        }
        return version ?: throw GradleException(
            if (at < 0) {
                "$CRATE is not in $lock: the core no longer uses rustls-platform-verifier on " +
                    "Android, or the lock file is not the workspace's"
            } else {
                "$CRATE has no version in $lock"
            },
        )
    }

    companion object {
        const val CRATE = "rustls-platform-verifier-android"
    }
}

val rustlsAndroidComponentVersion = providers.of(RustlsAndroidComponentVersion::class.java) {
    parameters.cargoLock.set(layout.projectDirectory.file("../../Cargo.lock"))
}

android {
    namespace = "com.bingx.passkeys"
    compileSdk = 35
    // The NDK scripts/build-android links the .so files with; AGP uses it to strip their debug
    // sections when packaging.
    ndkVersion = pinned("bingx.ndkVersion")

    defaultConfig {
        // Passkeys need Android 9 (shared/PLATFORM.md §1).
        minSdk = pinned("bingx.minSdk").toInt()
        // R8 rules that travel inside the AAR and apply to the app that shrinks it: JNA, the
        // generated bindings, the JNI entry and rustls-platform-verifier's Kotlin component.
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].apply {
        // The uniffi bindings with `android = true`, written by scripts/bindings (not committed).
        kotlin.srcDir("../../bindings/generated/kotlin-android")
        // libbingx_passkeys.so per ABI, written by `cargo ndk` in scripts/build-android.
        jniLibs.srcDir("src/main/jniLibs")
    }

    packaging {
        jniLibs {
            // Uncompressed in the APK and zip-aligned to 16 KB (AGP's default for minSdk ≥ 23,
            // stated so no one turns it off here): Android maps them straight from the APK, which on
            // a 16 KB-page device needs both this and the 16 KB-aligned LOAD segments that
            // scripts/build-android links and checks. An app's own `packaging` block decides for
            // its APK; the same setting there keeps it.
            useLegacyPackaging = false
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
        allWarningsAsErrors.set(true)
    }
}

// A release AAR carries the library for all four ABIs, or it is not built: a phone of a missing ABI
// would fail at System.loadLibrary. (Debug builds may carry fewer: scripts/qa-android builds the
// emulator's ABI only.)
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64", "x86")
val jniLibsDir = layout.projectDirectory.dir("src/main/jniLibs")
val checkReleaseJniLibs by tasks.registering {
    description = "Fails unless src/main/jniLibs holds libbingx_passkeys.so for every ABI."
    val files = abis.associateWith { jniLibsDir.file("$it/libbingx_passkeys.so").asFile }
    inputs.files(files.values.filter { it.exists() })
    doLast {
        val missing = files.filterValues { !it.isFile }.keys
        if (missing.isNotEmpty()) {
            throw GradleException(
                "libbingx_passkeys.so is missing for ${missing.joinToString()} in $jniLibsDir: " +
                    "build the release AAR with scripts/build-android",
            )
        }
    }
}
tasks.matching { it.name == "preReleaseBuild" }.configureEach { dependsOn(checkReleaseJniLibs) }

dependencies {
    // The generated bindings call the library through JNA; the AAR carries JNA's own .so files.
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.11.0")
    implementation("androidx.credentials:credentials:1.5.0")
    // Needed on Android 13 and below (Google Password Manager through Play services).
    implementation("androidx.credentials:credentials-play-services-auth:1.5.0")
    // rustls-platform-verifier's Kotlin component (org.rustls.platformverifier.CertificateVerifier),
    // which the Rust verifier calls through JNI once PasskeysAndroid.initialize ran. Its version
    // comes from Cargo.lock (above); its repository is declared in settings.gradle.kts.
    addProvider(
        "implementation",
        rustlsAndroidComponentVersion.map { "rustls:rustls-platform-verifier:$it" },
    )
}
