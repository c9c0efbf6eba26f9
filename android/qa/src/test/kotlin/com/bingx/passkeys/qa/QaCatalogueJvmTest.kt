package com.bingx.passkeys.qa

import com.bingx.passkeys.PasskeysClient
import com.bingx.passkeys.PasskeysConfig
import com.bingx.passkeys.PasskeysException
import com.bingx.passkeys.jvm.testkit.TestkitServer
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import java.io.File

/**
 * The QA kit's runner on the JVM, exactly as the emulator's instrumented test runs it: the real
 * library built with the `softpm` feature, the software password manager of the QA bindings,
 * and one `passkeys-testkit serve` shared by every journey (as QA shares one server on the
 * host), each journey with accounts of its own and the server's policy put back afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QaCatalogueJvmTest {
    private lateinit var server: TestkitServer
    private lateinit var runner: CatalogueRunner

    @BeforeAll
    fun start() {
        server = TestkitServer.start()
        // The back office's credential scripts/test-qa-kotlin gave the server (J8's approval and clock).
        val adminToken = System.getenv("PASSKEYS_TESTKIT_ADMIN_TOKEN")
        runner = CatalogueRunner(QaTarget(server.baseUrl, TestkitServer.RP_ID, adminToken = adminToken), SoftwareQaPasswordManager.factory)
    }

    @AfterAll
    fun stop() = server.close()

    private fun journeys(): List<File> = listOf("passkeys.scenarios.dir", "passkeys.qa.scenarios.dir").flatMap { property ->
        val dir = File(System.getProperty(property) ?: error("$property is not set"))
        dir.listFiles { f -> f.extension == "json" }.orEmpty().toList()
    }.sortedBy { it.name }

    @TestFactory
    fun `every journey J1 to J9 passes with the software password manager`(): List<DynamicTest> {
        val files = journeys()
        assertEquals((1..9).map { "J$it" }, files.map { QaJson.parse(it.readText()).str("journey") }, "one file per journey")
        return files.map { file ->
            DynamicTest.dynamicTest(file.nameWithoutExtension) {
                val report = runBlocking { runner.run(file.readText()) }
                assertTrue(report.passed, report.summary())
                assertEquals(report.steps, report.stepsPassed)
            }
        }
    }

    @Test
    fun `a code accepted for a flagged account fails the run at that step, and says so`() {
        // J2 as an attacker would want it: the emailed code signs the new phone in (a downgrade).
        val file = journeys().single { it.name.startsWith("j2_") }
        val downgraded = file.readText().replace(
            """{"do": "code_login", "device": "new_phone", "account": "alice", "expect": "passkey_required"}""",
            """{"do": "code_login", "device": "new_phone", "account": "alice", "expect": "signed_in"}""",
        )
        assertFalse(downgraded == file.readText(), "the J2 file still has its code_login step")
        val report = runBlocking { runner.run(downgraded) }
        val failure = report.failure ?: error("the run passed a downgrade: ${report.summary()}")
        assertEquals(6, failure.index, report.summary())
        assertEquals("signed_in", failure.expected)
        assertEquals("passkey_required", failure.got)
        assertTrue(report.summary().startsWith("J2 FAILED at step 6 of 13"), report.summary())
    }

    @Test
    fun `the server's policy is as before after journeys that switch it`() {
        val before = TestkitApi(server.baseUrl).policy()
        for (name in listOf("j4_", "j6_")) {
            val report = runBlocking { runner.run(journeys().single { it.name.startsWith(name) }.readText()) }
            assertTrue(report.passed, report.summary())
        }
        assertEquals(before, TestkitApi(server.baseUrl).policy())
    }

    @Test
    fun `the library refuses plain http to the emulator's host address, so the app goes through adb reverse`() {
        val config = PasskeysConfig("http://10.0.2.2:8787", TestkitServer.RP_ID, emptyList(), allowInsecureLoopback = true)
        val manager = SoftwareQaPasswordManager.factory.create(TestkitServer.RP_ID)
        val refused = runCatching { PasskeysClient(config, manager.platform, QaMemoryStore()).close() }.exceptionOrNull()
        assertTrue(refused is PasskeysException.InvalidConfig, "$refused")
    }

    @Test
    fun `a file the kit cannot read is a typed error, not a crash`() {
        for (bad in listOf("", "{", """{"steps": []}""", """{"journey": "J9", "steps": [{"do": "teleport"}]}""")) {
            val outcome = runCatching { runBlocking { runner.run(bad) } }
            val report = outcome.getOrNull()
            assertTrue(
                outcome.exceptionOrNull() is QaJsonException || (report != null && !report.passed),
                "$bad: $outcome",
            )
        }
    }
}
