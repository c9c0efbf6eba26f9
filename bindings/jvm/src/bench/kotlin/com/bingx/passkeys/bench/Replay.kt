package com.bingx.passkeys.bench

import com.bingx.passkeys.PasskeysConfig
import java.io.File
import java.util.Base64
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/**
 * `passkeys-testkit replay` (testkit/src/replay.rs) as a child process: it records the journeys
 * once against the reference server, then answers every request instantly from memory on a free
 * loopback port, until its standard input closes ([close]; a JVM shutdown hook kills it too).
 * Its binary: `PASSKEYS_REPLAY_BIN` (scripts/bench-kotlin: the `server` profile build, the same
 * one the Rust half runs against), else the `passkeys.testkit.bin` system property (the debug
 * build scripts/test-kotlin makes).
 */
class Replay private constructor(private val process: Process, val baseUrl: String, val fixture: Fixture) : AutoCloseable {
    private val hook = Thread { process.destroyForcibly() }

    init {
        Runtime.getRuntime().addShutdownHook(hook)
    }

    /** A configuration for this server, pinning the reference server's policy-signing key. */
    fun config(): PasskeysConfig = fixture.config(baseUrl)

    override fun close() {
        runCatching { process.outputStream.close() }
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
        runCatching { Runtime.getRuntime().removeShutdownHook(hook) }
    }

    companion object {
        fun binary(): File {
            val path = System.getenv("PASSKEYS_REPLAY_BIN")?.takeIf { it.isNotBlank() }
                ?: System.getProperty("passkeys.testkit.bin")
                ?: error("neither PASSKEYS_REPLAY_BIN nor passkeys.testkit.bin is set")
            return File(path).also { check(it.canExecute()) { "$it is missing: scripts/bench-kotlin builds it" } }
        }

        /** Starts the replay; returns once it printed its fixture and `base URL:` line. */
        fun start(): Replay {
            val process = ProcessBuilder(binary().path, "replay", "--addr", "127.0.0.1:0")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start()
            val lines = LinkedBlockingQueue<String>()
            Thread {
                process.inputStream.bufferedReader().forEachLine { lines.add(it) }
                lines.add(EOF)
            }.apply { isDaemon = true }.start()
            val printed = mutableListOf<String>()
            // Recording runs the real server (Argon2, webauthn-rs): seconds in a debug build.
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180)
            while (System.nanoTime() < deadline) {
                val line = lines.poll(100, TimeUnit.MILLISECONDS) ?: continue
                if (line == EOF) break
                if (line.startsWith("base URL:")) {
                    return Replay(process, line.removePrefix("base URL:").trim(), Fixture.parse(printed))
                }
                printed.add(line)
            }
            process.destroyForcibly()
            error("passkeys-testkit replay printed no base URL")
        }

        private const val EOF = "\u0000eof"
    }
}

/** What the replay printed: the account, the pinned key, the password manager's prepared answers. */
class Fixture(
    private val values: Map<String, String>,
    /** Registration responses by challenge (unpadded base64url). */
    val created: Map<String, String>,
    /** Assertion responses by challenge (unpadded base64url). */
    val asserted: Map<String, String>,
) {
    fun value(key: String): String = values[key] ?: error("the replay printed no $key")

    val rpId: String get() = value("rp_id")
    val email: String get() = value("email")
    val password: String get() = value("password")
    val policyKey: String get() = value("policy_key")

    fun config(baseUrl: String): PasskeysConfig = config(baseUrl, rpId, policyKey)

    fun authenticator(): InstantAuthenticator = InstantAuthenticator(created, asserted)

    companion object {
        fun parse(lines: List<String>): Fixture {
            val values = mutableMapOf<String, String>()
            val created = mutableMapOf<String, String>()
            val asserted = mutableMapOf<String, String>()
            for (line in lines) {
                val f = line.split('\t')
                when {
                    f.size == 4 && f[0] == "fixture" && f[1] == "create" -> created[f[2]] = f[3]
                    f.size == 4 && f[0] == "fixture" && f[1] == "get" -> asserted[f[2]] = f[3]
                    f.size == 3 && f[0] == "fixture" -> values[f[1]] = f[2]
                }
            }
            return Fixture(values, created, asserted)
        }

        /** The app's configuration: this server on loopback, this relying party, the pinned key. */
        fun config(baseUrl: String, rpId: String, policyKey: String) = PasskeysConfig(
            baseUrl = baseUrl,
            rpId = rpId,
            allowInsecureLoopback = true,
            policyKey = Base64.getUrlDecoder().decode(policyKey),
        )
    }
}
