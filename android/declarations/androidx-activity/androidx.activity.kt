// Hand-written compile-only declaration (android/declarations/README.md), never shipped:
// androidx.activity.ComponentActivity, the activity the sample's Compose screens run in, as
// androidx's public API file names it (activity/activity/api/current.txt, "Signature format:
// 4.0"). Its supertypes between it and android.app.Activity (androidx.core.app.ComponentActivity,
// the lifecycle and saved-state owners) and all its members are left out: the sample uses none.
package androidx.activity

/** androidx.activity.ComponentActivity (an `android.app.Activity`). */
open class ComponentActivity : android.app.Activity()
