package com.bingx.passkeys.bench

import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.uniffiEnsureInitialized
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import java.io.File

/**
 * One client cold start, as an app start pays it: the keystore already holds a session and the
 * server-signed policy (written by the SDK itself in the parent's journeys). Timed, in order:
 * - `create`: `PasskeysClient(config, platform, store)` (config checks, HTTP client and TLS setup);
 * - `policy`: `isSignedIn()`, `checkPath(H5)` — the first policy check: the keystore read across
 *   the FFI and the policy's ECDSA P-256 signature verified — and `needsPasskey(Withdrawal)`;
 * - `runtime`: the first async call, `enable().checkDevice()`: the library's tokio runtime starts
 *   and the platform's capabilities come back across the FFI.
 * Not timed: the JVM's start, kotlinx.coroutines' first use (an app has made it long before), and
 * `load`, the library load (JNA binds every function of the bindings; printed apart).
 *
 * [main] runs in a fresh JVM (the benchmark starts one per run); [measure] is the same in this one.
 */
object ColdStart {
    /** The file [main] reads: the server, the relying party, the pinned key and the keystore. */
    fun write(file: File, baseUrl: String, fixture: Fixture, keystore: Map<String, String>) {
        val lines = mutableListOf(
            "base_url\t$baseUrl",
            "rp_id\t${fixture.rpId}",
            "policy_key\t${fixture.policyKey}",
        )
        keystore.forEach { (name, value) ->
            require('\t' !in name && '\n' !in name && '\t' !in value && '\n' !in value) { "keystore entry $name" }
            lines.add("store\t$name\t$value")
        }
        file.writeText(lines.joinToString("\n"))
    }

    /** Nanoseconds: total, create, policy, runtime. */
    fun measure(file: File): LongArray {
        val values = mutableMapOf<String, String>()
        val keystore = mutableMapOf<String, String>()
        for (line in file.readLines()) {
            val f = line.split('\t', limit = 3)
            when {
                f.size == 3 && f[0] == "store" -> keystore[f[1]] = f[2]
                f.size == 2 -> values[f[0]] = f[1]
            }
        }
        val config = Fixture.config(values.getValue("base_url"), values.getValue("rp_id"), values.getValue("policy_key"))
        val store = MapStore(keystore)
        val platform = InstantAuthenticator(emptyMap(), emptyMap())

        val t0 = System.nanoTime()
        val client = PasskeysClient(config, platform, store)
        val t1 = System.nanoTime()
        Ceremonies.firstChecks(client)
        val t2 = System.nanoTime()
        runBlocking { client.enable().use { it.checkDevice() } }
        val t3 = System.nanoTime()
        client.close()
        return longArrayOf(t3 - t0, t1 - t0, t2 - t1, t3 - t2)
    }

    /**
     * Prints `cold <total> <create> <policy> <runtime> <load> <second>` in nanoseconds; `second`
     * is the total of a second client in the same process (what of the first was once per
     * process: class loading, the JNA callbacks' setup, the runtime's start).
     */
    @JvmStatic
    fun main(args: Array<String>) {
        runBlocking { yield() }
        val l0 = System.nanoTime()
        uniffiEnsureInitialized()
        val load = System.nanoTime() - l0
        val parts = measure(File(args[0]))
        val second = measure(File(args[0]))[0]
        println("cold ${parts.joinToString(" ")} $load $second")
    }
}
