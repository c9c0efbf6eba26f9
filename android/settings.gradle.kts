// The Android build: the `passkeys` library (AAR: generated Kotlin bindings, the Credential Manager
// shell, libbingx_passkeys.so per ABI) and a one-screen `sample` app. Built by scripts/build-android.
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
    }
}

rootProject.name = "bingx-passkeys-android"
include(":passkeys", ":sample")
