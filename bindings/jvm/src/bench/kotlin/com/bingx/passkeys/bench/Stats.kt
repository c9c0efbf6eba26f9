package com.bingx.passkeys.bench

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
