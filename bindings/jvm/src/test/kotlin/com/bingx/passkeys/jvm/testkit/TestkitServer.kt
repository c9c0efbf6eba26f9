package com.bingx.passkeys.jvm.testkit

import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.qa.host.TestkitProcess

/**
 * The reference server, `passkeys-testkit serve`, as a child process on a free loopback port
 * (in-memory SQLite, relying party [RP_ID]; [TestkitProcess] starts and stops it), with the test
 * kit's HTTP helpers.
 */
class TestkitServer private constructor(private val process: TestkitProcess) : AutoCloseable {
    /** Where the server listens. */
    val baseUrl: String = process.baseUrl

    val http = TestkitHttp(baseUrl)

    /** A client configuration for this server, pinning its policy-signing key. */
    fun config(): PasskeysConfig =
        PasskeysConfig(baseUrl, RP_ID, emptyList(), allowInsecureLoopback = true, policyKey = http.policyKey())

    override fun close() = process.close()

    companion object {
        /** The relying party of the tests (as testkit's harness). */
        const val RP_ID = "passkeys.bingx.test"

        /** Starts the server; returns once its banner says where it listens. */
        fun start(): TestkitServer = TestkitServer(TestkitProcess.serve(RP_ID, builtBy = "scripts/test-kotlin"))
    }
}
