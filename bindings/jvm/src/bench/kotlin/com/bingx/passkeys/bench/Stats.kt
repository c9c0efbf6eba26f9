package com.bingx.passkeys.bench

import com.sun.jna.CallbackThreadInitializer
import com.sun.jna.Native
import java.util.Locale

/** p50, p95, p99 (nearest rank) and mean of [us], as the Rust half prints them. */
fun summary(us: DoubleArray): String {
    val sorted = us.sortedArray()
    fun rank(p: Double) = sorted[(Math.ceil(p * sorted.size).toInt()).coerceIn(1, sorted.size) - 1]
    return String.format(
        Locale.ROOT,
        "n=%d p50_us=%.1f p95_us=%.1f p99_us=%.1f mean_us=%.1f",
        sorted.size, rank(0.50), rank(0.95), rank(0.99), sorted.average(),
    )
}

fun median(us: DoubleArray): Double = us.sortedArray()[us.size / 2]

/** A count from the environment (scripts/bench passes them), else [default]. */
fun setting(name: String, default: Int): Int = System.getenv(name)?.toIntOrNull() ?: default

/**
 * CPU time of this process so far (every thread alive), in µs: the scheduler's
 * `se.sum_exec_runtime` of each thread (/proc/self/task/<tid>/sched, ns precision), or, where the
 * kernel has no such file, utime + stime from /proc/self/stat (10 ms ticks).
 */
fun processCpuMicros(): Double {
    val sched = java.io.File("/proc/self/task").listFiles().orEmpty().sumOf { task ->
        runCatching {
            java.io.File(task, "sched").readLines()
                .first { it.startsWith("se.sum_exec_runtime") }
                .substringAfter(':').trim().toDouble()
        }.getOrDefault(0.0)
    }
    if (sched > 0.0) return sched * 1_000.0
    val fields = java.io.File("/proc/self/stat").readText().substringAfterLast(')').trim().split(' ')
    // After the command name: state is field 3, utime field 14, stime field 15.
    return (fields[11].toDouble() + fields[12].toDouble()) * 10_000.0
}

/**
 * An experiment (OVERHEAD_KEEP_ATTACHED=1), not what ships: the library's runtime thread, a native
 * thread, wakes Kotlin's continuations through a JNA callback; JNA attaches such a thread to the JVM
 * for the call (a new java.lang.Thread) and detaches it after, unless told to keep it attached.
 * The generated bindings' internal callback object is looked up by name, so that a rename in a
 * uniffi upgrade fails this experiment only, never the test suite's compilation.
 */
fun keepCallbackThreadsAttached() {
    val callback = Class.forName("com.bingx.passkeys.uniffiRustFutureContinuationCallbackImpl")
        .getField("INSTANCE").get(null) as com.sun.jna.Callback
    Native.setCallbackThreadInitializer(callback, CallbackThreadInitializer(true, false, "bingx-passkeys-wake"))
}
