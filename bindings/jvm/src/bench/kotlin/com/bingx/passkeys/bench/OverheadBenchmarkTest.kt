package com.bingx.passkeys.bench

import com.bingx.passkeys.PasskeysClient
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import java.io.File
import java.lang.management.ManagementFactory
import java.util.Locale

/**
 * BRIEF §6: the SDK's own overhead per ceremony, called from Kotlin (≤ 1 ms p95), and the
 * client's cold start (≤ 5 ms), against `passkeys-testkit replay` (a server that answers
 * instantly from memory) and [InstantAuthenticator]: what is measured is the FFI, the core's
 * checks, JSON, the HTTP client over loopback and the runtime. The Rust half (the core called
 * directly, same replay binary) is core/benches/overhead.rs; scripts/bench prints both and the
 * ratio. Prints `bench:` lines; asserts nothing about time. Runs only with -Pbench
 * (scripts/bench-kotlin), against the release library.
 *
 * Also the process's CPU time per ceremony (`cpu_us`), each kind in a block of its own: this machine
 * is shared, and contention stretches wall-clock time (most of all the thread hops of an async call
 * across the FFI) far more than CPU time.
 *
 * Counts from the environment: OVERHEAD_ITERATIONS (2000 per ceremony), OVERHEAD_WARMUP (1000
 * rounds, for the JIT), OVERHEAD_COLD_RUNS (20 fresh JVMs).
 */
@Tag("bench")
class OverheadBenchmarkTest {
    private val names = listOf("enable", "password_login", "usernameless")

    @Test
    fun `SDK overhead per ceremony and cold start, from Kotlin`() {
        val iterations = setting("OVERHEAD_ITERATIONS", 2000)
        val warmup = setting("OVERHEAD_WARMUP", 1000)
        val coldRuns = setting("OVERHEAD_COLD_RUNS", 20)
        if (setting("OVERHEAD_KEEP_ATTACHED", 0) == 1) keepCallbackThreadsAttached()
        Replay.start().use { replay ->
            val store = MapStore()
            val platform = replay.fixture.authenticator()
            PasskeysClient(replay.config(), platform, store).use { client ->
                Ceremonies(client, replay.fixture).use { ceremonies ->
                    suspend fun run(i: Int) = when (i) {
                        0 -> ceremonies.enable()
                        1 -> ceremonies.passwordLogin()
                        else -> ceremonies.usernameless()
                    }
                    val requests = LongArray(3)
                    val times = Array(3) { DoubleArray(iterations) }
                    val cpu = DoubleArray(3)
                    val started = DoubleArray(3)
                    val keystoreCalls = DoubleArray(3)
                    val platformCalls = DoubleArray(3)
                    runBlocking {
                        // One of each first, counting requests (the password login opens the
                        // session Enable needs).
                        for (i in listOf(1, 0, 2)) {
                            val before = client.requestsSent()
                            run(i)
                            requests[i] = (client.requestsSent() - before).toLong()
                        }
                        // Interleaved, so the machine's noise falls on all three alike.
                        repeat(warmup + iterations) { round ->
                            for (i in 0..2) {
                                val start = System.nanoTime()
                                run(i)
                                val us = (System.nanoTime() - start) / 1_000.0
                                if (round >= warmup) times[i][round - warmup] = us
                            }
                        }
                        // CPU time per ceremony: each kind in a block of its own, the process's CPU
                        // time (every thread: the caller, the library's runtime, the dispatcher the
                        // platform's callbacks run on, JIT and GC) over the block.
                        // Also the JVM threads started per ceremony: a native thread calling into the
                        // JVM (JNA callback) without being attached is attached for the call, as a
                        // new java.lang.Thread, and detached after.
                        val threadsMx = ManagementFactory.getThreadMXBean()
                        for (i in 0..2) {
                            val blocks = maxOf(iterations / 2, 1)
                            val before = processCpuMicros()
                            val startedBefore = threadsMx.totalStartedThreadCount
                            val keystoreBefore = store.calls
                            val platformBefore = platform.calls.get()
                            repeat(blocks) { run(i) }
                            cpu[i] = (processCpuMicros() - before) / blocks
                            started[i] = (threadsMx.totalStartedThreadCount - startedBefore).toDouble() / blocks
                            keystoreCalls[i] = (store.calls - keystoreBefore).toDouble() / blocks
                            platformCalls[i] = (platform.calls.get() - platformBefore).toDouble() / blocks
                        }
                    }
                    ffiUnits(client)
                    for (i in 0..2) {
                        println(
                            "bench: overhead side=kotlin ceremony=${names[i]} requests=${requests[i]} ${summary(times[i])} " +
                                String.format(
                                    Locale.ROOT, "cpu_us=%.1f keystore_callbacks=%.1f platform_callbacks=%.1f jvm_threads_started=%.1f",
                                    cpu[i], keystoreCalls[i], platformCalls[i], started[i],
                                ),
                        )
                    }
                }
            }
            val keystore = store.snapshot()
            cold(replay, keystore, coldRuns)
            newClient(replay, keystore, warmup / 2, iterations / 2)
        }
    }

    /**
     * What single crossings cost on this client (median of 1,000 batches of 20 after 5,000 warm-up
     * calls): a plain synchronous call (`requestsSent()`, the JNA floor), a synchronous call that
     * reads the keystore once through the app's `SecureStore` (`isSignedIn()`: + one callback), and
     * an async call that asks the platform once and reads the keystore once, no network
     * (`checkDevice()` on a new flow: + the async machinery both ways).
     */
    private fun ffiUnits(client: PasskeysClient) {
        fun median(call: () -> Unit): Double {
            repeat(5_000) { call() }
            return DoubleArray(1_000) {
                val start = System.nanoTime()
                repeat(20) { call() }
                (System.nanoTime() - start) / 1_000.0 / 20
            }.sortedArray()[500]
        }
        var sink = 0UL
        val plain = median { sink += client.requestsSent() }
        val signIn = client.signIn()
        val callback = median { if (signIn.isSignedIn()) sink++ }
        signIn.close()
        val async = median { runBlocking { client.enable().use { it.checkDevice() } } }
        println(
            String.format(
                Locale.ROOT,
                "bench: ffi side=kotlin plain_call_us=%.1f call_with_keystore_callback_us=%.1f async_call_with_platform_and_keystore_callbacks_us=%.1f",
                plain, callback, async,
            ) + " (check sum $sink)",
        )
    }

    /** Cold starts, each in a fresh JVM on the same classpath and library. */
    private fun cold(replay: Replay, keystore: Map<String, String>, runs: Int) {
        val file = File.createTempFile("bingx-overhead-cold", ".tsv")
        try {
            ColdStart.write(file, replay.baseUrl, replay.fixture, keystore)
            val java = File(System.getProperty("java.home"), "bin/java").path
            val classpath = System.getProperty("surefire.test.class.path") ?: System.getProperty("java.class.path")
            val properties = listOf("uniffi.component.bingx_passkeys.libraryOverride", "jna.library.path")
                .mapNotNull { key -> System.getProperty(key)?.let { "-D$key=$it" } }
            val parts = Array(6) { DoubleArray(runs) }
            repeat(runs) { run ->
                val process = ProcessBuilder(listOf(java) + properties + listOf("-cp", classpath, ColdStart::class.java.name, file.path))
                    .redirectErrorStream(true)
                    .start()
                val output = process.inputStream.bufferedReader().readText()
                process.waitFor()
                val line = output.lines().firstOrNull { it.startsWith("cold ") } ?: error("cold start: $output")
                line.removePrefix("cold ").split(' ').forEachIndexed { i, ns -> parts[i][run] = ns.toLong() / 1_000.0 }
            }
            println(
                "bench: cold side=kotlin ${summary(parts[0])} " +
                    String.format(
                        Locale.ROOT,
                        "create_p50_us=%.1f policy_p50_us=%.1f runtime_p50_us=%.1f load_p50_us=%.1f second_p50_us=%.1f",
                        median(parts[1]), median(parts[2]), median(parts[3]), median(parts[4]), median(parts[5]),
                    ),
            )
        } finally {
            file.delete()
        }
    }

    /** A new client in this warm JVM (the runtime already runs), many times. */
    private fun newClient(replay: Replay, keystore: Map<String, String>, warmup: Int, iterations: Int) {
        val file = File.createTempFile("bingx-overhead-new", ".tsv")
        try {
            ColdStart.write(file, replay.baseUrl, replay.fixture, keystore)
            val us = DoubleArray(iterations)
            repeat(warmup + iterations) { round ->
                val total = ColdStart.measure(file)[0] / 1_000.0
                if (round >= warmup) us[round - warmup] = total
            }
            println("bench: new_client side=kotlin ${summary(us)}")
        } finally {
            file.delete()
        }
    }
}
