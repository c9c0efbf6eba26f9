// Hand-written compile-only declaration, never shipped: androidx.annotation is on Google's Maven
// repository only, and the generated Android bindings (uniffi, `android = true`) annotate their
// API 34 cleaner with it. The name and the `value`/`api` parameters of
// androidx.annotation.RequiresApi; it only marks, nothing checks it here.
package androidx.annotation

/** Marks code that must only run on API level [api] (or [value]) and above; checked by Android lint only. */
@MustBeDocumented
@Retention(AnnotationRetention.BINARY)
@Target(
    AnnotationTarget.CLASS,
    AnnotationTarget.FUNCTION,
    AnnotationTarget.PROPERTY_GETTER,
    AnnotationTarget.PROPERTY_SETTER,
    AnnotationTarget.CONSTRUCTOR,
    AnnotationTarget.FIELD,
    AnnotationTarget.FILE,
)
annotation class RequiresApi(
    /** The API level, as `value` (the two are synonyms). */
    val value: Int = 1,
    /** The API level, as `api`. */
    val api: Int = 1,
)
