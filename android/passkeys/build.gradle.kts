import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "com.bingx.passkeys"
    compileSdk = 35

    defaultConfig {
        // Passkeys need Android 9 (shared/PLATFORM.md §1).
        minSdk = 28
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].apply {
        // The uniffi bindings with `android = true`, written by scripts/bindings (not committed).
        kotlin.srcDir("../../bindings/generated/kotlin-android")
        // libbingx_passkeys.so per ABI, written by `cargo ndk` in scripts/build-android.
        jniLibs.srcDir("src/main/jniLibs")
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

dependencies {
    // The generated bindings call the library through JNA; the AAR carries JNA's own .so files.
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.11.0")
    implementation("androidx.credentials:credentials:1.5.0")
    // Needed on Android 13 and below (Google Password Manager through Play services).
    implementation("androidx.credentials:credentials-play-services-auth:1.5.0")
}
