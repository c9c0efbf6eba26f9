// Hand-written compile-only declarations (android/declarations/README.md), never shipped: the
// two members of androidx.activity:activity-compose the sample uses, with the receiver,
// parameters, defaults' presence and nullability of androidx's public API file
// (activity/activity-compose/api/current.txt, "Signature format: 4.0"; the file drops the
// @Composable type annotation of `content`, which the Kotlin sources carry). Bodies throw:
// scripts/check-android compiles against these, it never runs them.
@file:Suppress("UNUSED_PARAMETER")

package androidx.activity.compose

import androidx.activity.ComponentActivity
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionContext

/** `ComponentActivityKt.setContent`: composes [content] into this activity's window. */
fun ComponentActivity.setContent(
    parent: CompositionContext? = null,
    content: @Composable () -> Unit,
): Unit = throw UnsupportedOperationException("compile-only declaration")

/** `BackHandlerKt.BackHandler`: [onBack] on the system back gesture while [enabled]. */
@Composable
fun BackHandler(enabled: Boolean = true, onBack: () -> Unit): Unit =
    throw UnsupportedOperationException("compile-only declaration")
