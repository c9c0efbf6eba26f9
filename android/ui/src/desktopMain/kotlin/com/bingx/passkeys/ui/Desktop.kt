package com.bingx.passkeys.ui

import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.platform.Typeface
import org.jetbrains.skia.FontMgr
import java.io.File
import java.io.InputStreamReader
import java.time.Instant
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale
import java.util.Properties

/**
 * The screens' texts on the desktop, in [language] (`en` or `zh-Hans`): both string tables
 * (`i18n/texts.toml`, `i18n/sample.toml`) as scripts/texts writes them into
 * `texts/<language>.properties` on the classpath, `{name}` placeholders filled in by name.
 * A key the tables lack (a library newer than its tables) shows the library's fallback,
 * `error.server.other` with the key as its code, as the Android and Apple packages do.
 */
class DesktopTexts(val language: String) : UiTexts {
    private val table: Properties = Properties().apply {
        val stream = DesktopTexts::class.java.getResourceAsStream("/texts/$language.properties")
            ?: throw IllegalArgumentException("no texts for language '$language' (texts/$language.properties; run scripts/texts)")
        stream.use { load(InputStreamReader(it, Charsets.UTF_8)) }
    }

    override fun text(text: UiText): String {
        val template = table.getProperty(text.key)
            ?: return text(UiText(FALLBACK_KEY, mapOf("code" to text.key)))
        return PLACEHOLDER.replace(template) { m -> text.args[m.groupValues[1]] ?: m.value }
    }

    /** Whether the tables have a text for [key]. */
    fun has(key: String): Boolean = table.getProperty(key) != null

    companion object {
        /** What a key without a text shows (the packages' fallback). */
        const val FALLBACK_KEY = "error.server.other"
        private val PLACEHOLDER = Regex("""\{([a-z_]+)\}""")
    }
}

/** Dates as the user of [language] reads them (a medium date), in UTC so a render is the same anywhere. */
class DesktopDates(language: String) : DateText {
    private val format = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)
        .withLocale(Locale.forLanguageTag(language))
        .withZone(ZoneOffset.UTC)

    override fun format(unixSeconds: Long): String = format.format(Instant.ofEpochSecond(unixSeconds))
}

/**
 * The one font of the desktop's renders: Noto Sans CJK SC (Debian's fonts-noto-cjk), which has
 * Latin and Simplified Chinese glyphs, so both languages render alike on every machine that has
 * the package, whatever its other fonts.
 */
object DesktopFonts {
    /** Where Debian's fonts-noto-cjk puts the collections. */
    const val DIR = "/usr/share/fonts/opentype/noto"
    private const val FAMILY = "Noto Sans CJK SC"

    private val family: FontFamily by lazy {
        val file = File(DIR, "NotoSansCJK-Regular.ttc")
        require(file.isFile) { "$file is missing: install Debian's fonts-noto-cjk (scripts/setup does)" }
        // One face; bold and medium weights are drawn from it by Skia (font synthesis).
        FontFamily(Typeface(scFace(file), alias = FAMILY))
    }

    /** The font family of the screens. */
    fun family(): FontFamily = family

    /** The Simplified Chinese member of a Noto CJK collection, found by its family name. */
    private fun scFace(file: File): org.jetbrains.skia.Typeface {
        for (index in 0 until 16) {
            val face = FontMgr.default.makeFromFile(file.path, index) ?: break
            if (face.familyName == FAMILY) return face
        }
        throw IllegalStateException("$file holds no '$FAMILY' face")
    }
}
