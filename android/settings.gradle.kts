// The Android build: the `passkeys` library (AAR: generated Kotlin bindings, the Credential Manager
// shell, libbingx_passkeys.so per ABI) and a one-screen `sample` app. Built by scripts/build-android
// (which builds the .so files first); versions pinned in gradle.properties and build.gradle.kts.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
        // The Kotlin half of rustls-platform-verifier (the library's HTTPS checks certificates with
        // Android's own trust manager through it). Its maintainers publish it as a Maven repository
        // in their GitHub repository, not on Google's Maven or Maven Central, as the crate's README
        // (0.7.1, "Gradle Setup") describes; the version is taken from Cargo.lock, in
        // passkeys/build.gradle.kts. Only that one artifact is looked up here. For a build without
        // GitHub, pass a mirror of it: -Pbingx.rustlsMavenRepo=<URL or folder>.
        maven {
            name = "rustlsPlatformVerifier"
            url = uri(
                providers.gradleProperty("bingx.rustlsMavenRepo").orNull
                    ?: "https://github.com/rustls/rustls-platform-verifier/raw/maven-archive/android-release-support/maven/"
            )
            content { includeModule("rustls", "rustls-platform-verifier") }
        }
    }
}

rootProject.name = "bingx-passkeys-android"
include(":passkeys", ":sample")
