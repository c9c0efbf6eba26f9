//! Android only: the JNI entry the Kotlin shell calls once per process,
//! `com.bingx.passkeys.android.PasskeysAndroid.initialize(context)`.
//!
//! The library's HTTPS verifies certificates with the phone's own trust store through
//! rustls-platform-verifier, which calls Android's `X509TrustManager` over JNI and so needs the
//! Java VM and the app's `Context` (and the verifier's Kotlin component in the app: the Gradle
//! build wires it, android/README.md). Until this entry ran, the core refuses every request with
//! `PasskeysError::NotInitialized`; it never crashes on a missing initialisation.
//!
//! Not part of the uniffi surface: uniffi's Kotlin talks to the library through JNA, which has no
//! `JNIEnv` to hand over, so this one function is a plain JNI native method.

use jni::EnvUnowned;
use jni::errors::ThrowRuntimeExAndDefault;
use jni::jni_mangle;
use jni::objects::{JClass, JObject};

/// `PasskeysAndroid.nativeInitialize(context)`: hands the verifier the Java VM and the context
/// (its class loader finds the verifier's Kotlin component), then lets the core use it. Safe to
/// call more than once (the verifier keeps the first context). A JNI failure is thrown to the
/// Kotlin caller as a `RuntimeException`, and the core stays uninitialised.
#[jni_mangle("com.bingx.passkeys.android.PasskeysAndroid")]
pub fn native_initialize<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    context: JObject<'local>,
) {
    env.with_env(|env| -> Result<(), jni::errors::Error> {
        rustls_platform_verifier::android::init_with_env(env, context)?;
        bingx_passkeys_core::mark_platform_verifier_ready();
        Ok(())
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}
