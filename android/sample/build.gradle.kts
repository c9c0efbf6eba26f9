import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

// QA settings, e.g. ./gradlew :sample:installDebug -Ppasskeys.rpId=qa.bingx.example
//   passkeys.serverUrl      the reference server as the device sees it (default: through
//                           `adb reverse tcp:8787 tcp:8787`, the only plain-http address allowed)
//   passkeys.rpId           the relying party id; with the real Credential Manager a domain whose
//                           /.well-known/assetlinks.json names this app and its signing certificate
//   passkeys.apkKeyHash     unpadded base64url SHA-256 of the signing certificate (the
//                           android:apk-key-hash origin); also pass it to `serve --android-apk-key-hash`
fun setting(name: String, default: String) = (findProperty("passkeys.$name") as String?) ?: default

android {
    namespace = "com.bingx.passkeys.sample"
    compileSdk = 35

    defaultConfig {
        applicationId = "com.bingx.passkeys.sample"
        minSdk = 28
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        buildConfigField("String", "SERVER_URL", "\"${setting("serverUrl", "http://127.0.0.1:8787")}\"")
        buildConfigField("String", "RP_ID", "\"${setting("rpId", "passkeys.bingx.test")}\"")
        buildConfigField("String", "APK_KEY_HASH", "\"${setting("apkKeyHash", "")}\"")
    }

    buildFeatures {
        buildConfig = true
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
    implementation(project(":passkeys"))
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.11.0")
}
