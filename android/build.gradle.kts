// Plugin versions in one place. Kotlin matches bindings/jvm/pom.xml (the JVM harness of the same
// sources). AGP 8.5.1 or later zip-aligns uncompressed native libraries to 16 KB in the APK, which
// devices with 16 KB pages need; 8.7.3 needs Gradle 8.9+ and JDK 17. The NDK version and minSdk are
// in gradle.properties (shared with scripts/build-android).
plugins {
    id("com.android.library") version "8.7.3" apply false
    id("com.android.application") version "8.7.3" apply false
    id("org.jetbrains.kotlin.android") version "2.4.21" apply false
    // The Compose compiler of the same Kotlin, for the sample's screens (android/ui).
    id("org.jetbrains.kotlin.plugin.compose") version "2.4.21" apply false
}
