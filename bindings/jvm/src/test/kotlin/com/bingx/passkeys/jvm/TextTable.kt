package com.bingx.passkeys.jvm

import com.bingx.passkeys.PasskeysText
import java.io.File

/**
 * The repository's string table, `i18n/texts.toml`, read from the repository as `scripts/texts`
 * reads it (the part of TOML the table uses: `["key"]` tables of one-line strings and a list of
 * placeholder names). What the app's string resources are generated from: a key the table lacks
 * is a text no user can read.
 */
class TextTable private constructor(val entries: Map<String, Entry>) {
    /** One key: its placeholders (in the table's order) and its text per language. */
    data class Entry(val placeholders: List<String>, val values: Map<String, String>)

    /** The entry of [key]; fails when the table lacks it. */
    fun entry(key: String): Entry = entries[key] ?: throw AssertionError("i18n/texts.toml has no key $key")

    /** [text] in [language] (`en`, `zh-Hans`), its placeholders filled with its values. */
    fun format(text: PasskeysText, language: String): String {
        val template = entry(text.key).values[language]
            ?: throw AssertionError("${text.key} has no $language text")
        val values = text.args.associate { it.name to it.value }
        return PLACEHOLDER.replace(template) { match ->
            values[match.groupValues[1]] ?: throw AssertionError("${text.key} needs a value for ${match.value}")
        }
    }

    companion object {
        /** Every language the table must have. */
        val LANGUAGES = listOf("en", "zh-Hans")

        private val PLACEHOLDER = Regex("""\{([a-z_]+)\}""")

        /**
         * The repository's table: `-Dpasskeys.texts=…`, or `i18n/texts.toml` beside the scenario
         * catalogue the build names (`passkeys.scenarios.dir`, the repository's `scenarios/`).
         */
        fun load(): TextTable {
            val path = System.getProperty("passkeys.texts")?.let(::File)
                ?: System.getProperty("passkeys.scenarios.dir")?.let { File(it).absoluteFile.parentFile.resolve("i18n/texts.toml") }
                ?: error("neither passkeys.texts nor passkeys.scenarios.dir is set")
            check(path.isFile) { "$path: no string table (run the tests from the repository, or set -Dpasskeys.texts)" }
            return parse(path.readText())
        }

        fun parse(source: String): TextTable {
            val entries = linkedMapOf<String, Entry>()
            var key: String? = null
            var placeholders = emptyList<String>()
            var values = linkedMapOf<String, String>()
            fun flush() {
                key?.let { entries[it] = Entry(placeholders, values) }
                placeholders = emptyList()
                values = linkedMapOf()
            }
            source.lineSequence().map { it.trim() }.forEachIndexed { i, line ->
                when {
                    line.isEmpty() || line.startsWith("#") -> Unit
                    line.startsWith("[\"") && line.endsWith("\"]") -> {
                        flush()
                        key = line.removePrefix("[\"").removeSuffix("\"]")
                    }
                    else -> {
                        val field = line.substringBefore('=').trim()
                        val value = line.substringAfter('=').trim()
                        check(key != null && '=' in line) { "i18n/texts.toml line ${i + 1}: $line" }
                        if (field == "placeholders") {
                            placeholders = Regex(""""([^"]*)"""").findAll(value).map { it.groupValues[1] }.toList()
                        } else {
                            values[field] = string(value, i + 1)
                        }
                    }
                }
            }
            flush()
            return TextTable(entries)
        }

        /** A TOML basic string on one line. */
        private fun string(literal: String, line: Int): String {
            check(literal.length >= 2 && literal.startsWith('"') && literal.endsWith('"')) {
                "i18n/texts.toml line $line: not a one-line string"
            }
            val out = StringBuilder()
            var i = 1
            while (i < literal.length - 1) {
                val c = literal[i++]
                if (c != '\\') {
                    out.append(c)
                    continue
                }
                when (val e = literal[i++]) {
                    'n' -> out.append('\n')
                    't' -> out.append('\t')
                    '"' -> out.append('"')
                    '\\' -> out.append('\\')
                    'u' -> out.append(literal.substring(i, i + 4).toInt(16).toChar()).also { i += 4 }
                    else -> error("i18n/texts.toml line $line: escape \\$e")
                }
            }
            return out.toString()
        }
    }
}
