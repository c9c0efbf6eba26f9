import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
    id("org.jetbrains.kotlin.plugin.compose")
}

// Settings, e.g. ./gradlew :sample:assembleQaDebug -Ppasskeys.rpId=passkeys.bingx.test
//   passkeys.serverUrl   the server as the library reaches it. qa: http://127.0.0.1:8787 through
//                        `adb reverse tcp:8787 tcp:8787` (the library allows plain http to loopback
//                        only); store: an https URL
//   passkeys.testkitUrl  qa only: the reference server's test endpoints (outbox, admin policy) as the
//                        kit's own HTTP reaches them, default http://10.0.2.2:8787 (the emulator's host)
//   passkeys.rpId        the relying party id (`serve --rp-id`); with the real Credential Manager a
//                        domain whose /.well-known/assetlinks.json names this app and its certificate
//   passkeys.policyKey   store: the server's policy-signing key, base64url (required: an https
//                        client without it is refused); qa reads it from the server
// The store build's android:apk-key-hash origin is read from the app's own signing certificate at
// run time (AndroidOrigin.apkKeyHashes); the server must allow the same hash (`serve
// --android-apk-key-hash`, printed by `passkeys-testkit doctor --android-cert-sha256 …`).
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
        buildConfigField("String", "RP_ID", "\"${setting("rpId", "passkeys.bingx.test")}\"")
        testInstrumentationRunner = "androidx.test.runner.AndroidJUnitRunner"
    }

    // qa: the software password manager of the QA bindings (faults switchable on screen), plain
    // http to the reference server on the emulator's host; needs the library built with the
    // `softpm` feature (scripts/qa-android). store: Credential Manager, https only.
    flavorDimensions += "passwordManager"
    productFlavors {
        create("qa") {
            dimension = "passwordManager"
            applicationIdSuffix = ".qa"
            versionNameSuffix = "-qa"
            buildConfigField("String", "SERVER_URL", "\"${setting("serverUrl", "http://127.0.0.1:8787")}\"")
            buildConfigField("String", "TESTKIT_URL", "\"${setting("testkitUrl", "http://10.0.2.2:8787")}\"")
        }
        create("store") {
            dimension = "passwordManager"
            buildConfigField("String", "SERVER_URL", "\"${setting("serverUrl", "https://passkeys.bingx.test")}\"")
            buildConfigField("String", "POLICY_KEY", "\"${setting("policyKey", "")}\"")
        }
    }

    sourceSets {
        // The screens and their view model, shared with the desktop build that renders the
        // screenshots (android/ui: commonMain; androidMain holds the Android texts).
        getByName("main").kotlin.srcDirs("../ui/src/commonMain/kotlin", "../ui/src/androidMain/kotlin")
        // The QA kit's runner (plain Kotlin, run on the JVM by scripts/test-qa-kotlin) and its
        // software password manager, in the qa flavour only.
        getByName("qa").kotlin.srcDirs("../qa/src/main/kotlin", "../qa/src/softpm/kotlin")
        // The instrumented test plays the scenario catalogue J1–J6 and the QA-only J7.
        getByName("androidTestQa").assets.srcDirs("../../scenarios", "../qa/scenarios")
    }

    buildFeatures {
        buildConfig = true
        compose = true
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
    // The same Compose API the desktop build compiles the screens against (Compose Multiplatform
    // 1.7.3 is androidx.compose 1.7.x on Android).
    implementation(platform("androidx.compose:compose-bom:2024.12.01"))
    implementation("androidx.compose.material3:material3")
    implementation("androidx.activity:activity-compose:1.9.3")
    androidTestImplementation("androidx.test:runner:1.6.2")
    androidTestImplementation("androidx.test.ext:junit:1.2.1")
    androidTestImplementation("junit:junit:4.13.2")
}
