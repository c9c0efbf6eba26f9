// Versions in one place. Kotlin matches bindings/jvm/pom.xml (the JVM harness of the same sources).
plugins {
    id("com.android.library") version "8.7.3" apply false
    id("com.android.application") version "8.7.3" apply false
    id("org.jetbrains.kotlin.android") version "2.4.21" apply false
}
