package com.bingx.passkeys.qa.host

import java.io.File
import java.security.SecureRandom
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/**
 * `passkeys-testkit serve` as a child process of a JVM test, on a free loopback port: the one
 * place the host-side test builds (bindings/jvm's Kotlin tests, android/ui's screenshot tests)
 * start and stop the reference server. [close] stops it; a JVM shutdown hook stops it too should a
 * test run be killed, so nothing outlives the tests.
 *
 * Host tests only (compiled as test sources by both Maven builds), never part of the QA kit a
 * phone runs: a phone reaches a server by its URL.
 */
class TestkitProcess private constructor(
    private val process: Process,
    val baseUrl: String,
    /** The back office's credential the server was started with (`X-Admin-Token`). */
    val adminToken: String,
) : AutoCloseable {
    private val hook = Thread { process.destroyForcibly() }

    init {
        Runtime.getRuntime().addShutdownHook(hook)
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
        runCatching { Runtime.getRuntime().removeShutdownHook(hook) }
    }

    companion object {
        /**
         * Starts `passkeys-testkit serve --addr 127.0.0.1:0 --rp-id [rpId]` with [extraArgs] (the
         * binary is the system property `passkeys.testkit.bin`, which [builtBy] builds); returns
         * once its banner says where it listens, or fails after 30 s. Its back office's credential
         * is this JVM's `PASSKEYS_TESTKIT_ADMIN_TOKEN`, or a random one when that is not set.
         */
        fun serve(rpId: String, extraArgs: List<String> = emptyList(), builtBy: String): TestkitProcess {
            val bin = File(System.getProperty("passkeys.testkit.bin") ?: error("passkeys.testkit.bin is not set"))
            check(bin.canExecute()) { "$bin is missing: run $builtBy (it builds passkeys-testkit)" }
            // Port 0: the kernel picks a free port; the banner's "base URL:" line names it.
            val command = listOf(bin.path, "serve", "--addr", "127.0.0.1:0", "--rp-id", rpId) + extraArgs
            val adminToken = System.getenv(ADMIN_TOKEN_ENV)
                ?: ByteArray(24).also { SecureRandom().nextBytes(it) }.joinToString("") { "%02x".format(it) }
            val builder = ProcessBuilder(command).redirectErrorStream(true)
            builder.environment()[ADMIN_TOKEN_ENV] = adminToken
            val process = builder.start()
            val lines = LinkedBlockingQueue<String>()
            Thread {
                // Keep draining the output so the server never blocks on a full pipe.
                process.inputStream.bufferedReader().forEachLine { lines.add(it) }
                lines.add(EOF)
            }.apply { isDaemon = true }.start()
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
            while (System.nanoTime() < deadline) {
                val line = lines.poll(100, TimeUnit.MILLISECONDS) ?: continue
                if (line == EOF) break
                val url = line.trim().removePrefix("base URL:")
                if (url != line.trim()) return TestkitProcess(process, url.trim(), adminToken)
            }
            process.destroyForcibly()
            error("passkeys-testkit serve printed no base URL")
        }

        private const val EOF = "\u0000eof"
        private const val ADMIN_TOKEN_ENV = "PASSKEYS_TESTKIT_ADMIN_TOKEN"
    }
}
