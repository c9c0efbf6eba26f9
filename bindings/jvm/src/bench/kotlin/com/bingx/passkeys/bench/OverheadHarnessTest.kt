package com.bingx.passkeys.bench

import com.bingx.passkeys.PasskeysClient
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.io.File

/**
 * The overhead benchmark's harness works (not how fast: that is OverheadBenchmarkTest, -Pbench):
 * the replayed ceremonies pass the SDK's checks through the Kotlin API, again and again, with the
 * requests BRIEF §6 counts, and a cold start on the keystore they leave verifies its signed policy.
 */
class OverheadHarnessTest {
    @Test
    fun `replayed ceremonies pass the SDK's checks from Kotlin`() {
        Replay.start().use { replay ->
            val store = MapStore()
            PasskeysClient(replay.config(), replay.fixture.authenticator(), store).use { client ->
                Ceremonies(client, replay.fixture).use { ceremonies ->
                    runBlocking {
                        withTimeout(60_000) {
                            repeat(2) {
                                for ((requests, ceremony) in listOf<Pair<Int, suspend () -> Unit>>(
                                    2 to ceremonies::passwordLogin,
                                    4 to ceremonies::enable,
                                    2 to ceremonies::usernameless,
                                )) {
                                    val before = client.requestsSent()
                                    ceremony()
                                    assertEquals(requests.toULong(), client.requestsSent() - before)
                                }
                            }
                        }
                    }
                }
            }
            val file = File.createTempFile("bingx-overhead-cold", ".tsv")
            try {
                ColdStart.write(file, replay.baseUrl, replay.fixture, store.snapshot())
                assertEquals(4, ColdStart.measure(file).size)
            } finally {
                file.delete()
            }
        }
    }
}
