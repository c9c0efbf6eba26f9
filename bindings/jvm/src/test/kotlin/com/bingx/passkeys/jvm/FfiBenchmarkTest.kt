package com.bingx.passkeys.jvm

import com.bingx.passkeys.Scenario
import com.bingx.passkeys.jvm.authenticator.KotlinAuthenticator
import com.bingx.passkeys.jvm.testkit.TestkitServer
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import java.util.UUID

/**
 * One policy check across the FFI from Kotlin, next to JNA's per-call floor. No budget: BRIEF §6
 * budgets the SDK's overhead per ceremony and its cold start (OverheadBenchmarkTest), since a single
 * check costs about the floor. Prints the figures; asserts nothing about time (tests never time).
 * Runs only with -Pbench (scripts/bench-kotlin).
 */
@Tag("bench")
class FfiBenchmarkTest {
    @Test
    fun `needsPasskey across the FFI`() {
        TestkitServer.start().use { server -> measure(server) }
    }

    private fun measure(server: TestkitServer) {
        val journeys = Journeys(server)
        val account = server.http.signUp("bench-${UUID.randomUUID()}@jvm.test")
        journeys.device(KotlinAuthenticator()).use { phone ->
            journey {
                journeys.signIn(phone, account, "phone")
                journeys.steppedUp(phone, account).createPasskey(null)
                phone.passkeys().policy() // the device's verified copy, which the check reads
            }
            val lib = System.getProperty("uniffi.component.bingx_passkeys.libraryOverride")
            var needed = 0
            // The app holds the Scenarios part, as it holds a screen's model: one call per check.
            val scenarios = phone.scenarios()
            val check = medianMicros { if (scenarios.needsPasskey(Scenario.Withdrawal)) needed++ }
            var sent = 0UL
            val floor = medianMicros { sent += phone.requestsSent() }
            println(
                "bench: Scenarios.needsPasskey(Scenario.Withdrawal) across the FFI from Kotlin: median %.2f µs, p90 %.2f µs per call (no budget: about JNA's floor below; %s)"
                    .format(check.first, check.second, lib),
            )
            println("bench: requestsSent() (a plain getter: the FFI floor): median %.2f µs, p90 %.2f µs per call".format(floor.first, floor.second))
            println("bench: (withdrawal needs a passkey: ${needed > 0}; getter sum $sent)")
        }
    }

    /** Median and 90th percentile, in µs per call, over 1,000 batches of 100 calls after 20,000 warm-up calls. */
    private fun medianMicros(call: () -> Unit): Pair<Double, Double> {
        repeat(20_000) { call() }
        val perCall = DoubleArray(1_000) {
            val start = System.nanoTime()
            repeat(100) { call() }
            (System.nanoTime() - start) / 1_000.0 / 100
        }.sorted()
        return perCall[500] to perCall[900]
    }
}
