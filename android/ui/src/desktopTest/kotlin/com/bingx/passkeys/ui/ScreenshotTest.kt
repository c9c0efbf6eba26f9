package com.bingx.passkeys.ui

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.fail
import java.io.File

/**
 * Every screen of every journey ([Journeys], driven through the real library and `serve`),
 * rendered in each language and compared with its golden PNG (scripts/screens); with
 * `-Dscreens.mode=record` the renders become the goldens. A golden no journey renders any more
 * fails the comparison (and is deleted by a recording), so the folder always matches the journeys.
 */
class ScreenshotTest {
    private val record = System.getProperty("screens.mode") == "record"
    private val goldens = File(System.getProperty("screens.dir") ?: error("screens.dir is not set"))
    private val out = File(System.getProperty("screens.out") ?: error("screens.out is not set"))

    @TestFactory
    fun `every screen of every journey looks as its golden, in each language`(): List<DynamicTest> {
        val shots = Journeys.all()
        assertEquals(shots.size, shots.map { it.first }.toSet().size, "screen names repeat")
        val tests = mutableListOf<DynamicTest>()
        for (language in Screenshots.LANGUAGES) {
            val texts = DesktopTexts(language)
            tests += DynamicTest.dynamicTest("$language: every text the screens show is in the tables") {
                val missing = shots.flatMap { (_, screen) -> keys(screen) }.filterNot(texts::has).distinct()
                assertEquals(emptyList<String>(), missing, "keys without a $language text")
            }
            for ((name, screen) in shots) {
                tests += DynamicTest.dynamicTest("$language/$name") { check(language, name, screen) }
            }
            tests += DynamicTest.dynamicTest("$language: no golden without its screen") {
                val expected = shots.map { "${it.first}.png" }.toSet()
                val stale = File(goldens, language).listFiles { f -> f.extension == "png" }.orEmpty().filter { it.name !in expected }
                if (record) {
                    stale.forEach { it.delete() }
                } else {
                    assertEquals(emptyList<String>(), stale.map { it.name }, "goldens of screens no journey shows (scripts/screens --record deletes them)")
                }
            }
        }
        return tests
    }

    private fun check(language: String, name: String, screen: Screen) {
        val png = Screenshots.render(screen, language)
        val golden = Screenshots.golden(goldens, language, name)
        if (record) {
            golden.parentFile.mkdirs()
            golden.writeBytes(png)
            return
        }
        if (!golden.isFile) {
            save(language, name, png, null)
            fail("no golden $golden: render it with scripts/screens --record and review it")
        }
        val difference = Screenshots.compare(png, golden.readBytes())
        if (!difference.same) {
            save(language, name, png, Screenshots.diffImage(png, golden.readBytes()))
            fail("$language/$name differs from its golden: $difference; see ${File(out, language)}")
        }
        assertTrue(difference.same)
    }

    private fun save(language: String, name: String, png: ByteArray, diff: ByteArray?) {
        val dir = File(out, language).apply { mkdirs() }
        File(dir, "$name.png").writeBytes(png)
        diff?.let { File(dir, "$name.diff.png").writeBytes(it) }
    }

    /** Every text key [screen] shows beyond the composables' own literals. */
    private fun keys(screen: Screen): List<String> {
        val texts = mutableListOf<UiText>()
        fun message(m: Message?) = m?.let { texts += it.text }
        fun health(h: HealthCard?) = h?.let { texts += it.headline; it.action?.let(texts::add) }
        when (screen) {
            is Screen.SignIn -> message(screen.message)
            is Screen.Code -> message(screen.message)
            is Screen.PasskeyRequired -> message(screen.message)
            is Screen.SecurityCenter -> message(screen.notice)
            is Screen.Passkeys -> { message(screen.message); health(screen.health) }
            is Screen.EnableIntro -> { texts += screen.warning; message(screen.message) }
            is Screen.StepUp -> message(screen.message)
            is Screen.PlatformSheet -> Unit
            is Screen.EnableDone -> health(screen.health)
            is Screen.ManagePasskey -> message(screen.message)
            is Screen.Withdrawal -> message(screen.message)
        }
        return texts.map { it.key }
    }
}
