package com.bingx.passkeys.jvm.testkit

import com.bingx.passkeys.PasskeysConfig
import java.io.File
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/**
 * The reference server, `passkeys-testkit serve`, as a child process on a free loopback port
 * (in-memory SQLite, relying party [RP_ID]). [close] stops it; a JVM shutdown hook stops it too
 * should a test run be killed, so nothing outlives the tests.
 */
class TestkitServer private constructor(private val process: Process, val baseUrl: String) : AutoCloseable {
    private val hook = Thread { process.destroyForcibly() }

    init {
        Runtime.getRuntime().addShutdownHook(hook)
    }

    val http = TestkitHttp(baseUrl)

    /** A client configuration for this server, pinning its policy-signing key. */
    fun config(): PasskeysConfig =
        PasskeysConfig(baseUrl, RP_ID, emptyList(), allowInsecureLoopback = true, policyKey = http.policyKey())

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
        runCatching { Runtime.getRuntime().removeShutdownHook(hook) }
    }

    companion object {
        /** The relying party of the tests (as testkit's harness). */
        const val RP_ID = "passkeys.bingx.test"

        /** Starts the server; returns once its banner says where it listens. */
        fun start(): TestkitServer {
            val bin = File(System.getProperty("passkeys.testkit.bin") ?: error("passkeys.testkit.bin is not set"))
            check(bin.canExecute()) { "$bin is missing: run scripts/test-kotlin (it builds passkeys-testkit)" }
            // Port 0: the kernel picks a free port; the banner's "base URL:" line names it.
            val process = ProcessBuilder(bin.path, "serve", "--addr", "127.0.0.1:0", "--rp-id", RP_ID)
                .redirectErrorStream(true)
                .start()
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
                if (url != line.trim()) return TestkitServer(process, url.trim())
            }
            process.destroyForcibly()
            error("passkeys-testkit serve printed no base URL")
        }

        private const val EOF = "\u0000eof"
    }
}
