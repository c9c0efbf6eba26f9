package com.bingx.passkeys.qa

/** JSON the QA kit cannot read: a catalogue file or a server answer that is not what it says. */
class QaJsonException(message: String) : Exception(message)

/**
 * The little JSON the QA kit needs (catalogue files, the reference server's test endpoints),
 * without Android's `org.json`, so that the same code runs on the JVM and on a device. Objects
 * read as `Map<String, Any?>` (members in file order), arrays as `List<Any?>`, numbers as [Long]
 * when whole and [Double] otherwise.
 */
object QaJson {
    /** Nesting deeper than this is refused (the kit reads small files and answers). */
    private const val MAX_DEPTH = 64

    /** [text] as values; [QaJsonException] when it is not one JSON value. */
    fun parse(text: String): Any? {
        val reader = Reader(text)
        val value = reader.value(0)
        reader.skipSpace()
        if (!reader.atEnd()) throw QaJsonException("JSON: text after the value at ${reader.at}")
        return value
    }

    /** [value] (maps, lists, strings, numbers, booleans, null) as compact JSON. */
    fun write(value: Any?): String = StringBuilder().also { write(value, it) }.toString()

    private fun write(value: Any?, out: StringBuilder) {
        when (value) {
            null -> out.append("null")
            is String -> quote(value, out)
            is Boolean, is Int, is Long -> out.append(value.toString())
            is Double -> if (value.isFinite()) out.append(value.toString()) else throw QaJsonException("JSON: $value is not a number")
            is Map<*, *> -> {
                out.append('{')
                value.entries.forEachIndexed { i, (k, v) ->
                    if (i > 0) out.append(',')
                    quote(k.toString(), out)
                    out.append(':')
                    write(v, out)
                }
                out.append('}')
            }
            is List<*> -> {
                out.append('[')
                value.forEachIndexed { i, v ->
                    if (i > 0) out.append(',')
                    write(v, out)
                }
                out.append(']')
            }
            else -> throw QaJsonException("JSON: cannot write a ${value.javaClass.simpleName}")
        }
    }

    private fun quote(s: String, out: StringBuilder) {
        out.append('"')
        for (c in s) {
            when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c == '\n' -> out.append("\\n")
                c == '\r' -> out.append("\\r")
                c == '\t' -> out.append("\\t")
                c < ' ' -> out.append("\\u%04x".format(c.code))
                else -> out.append(c)
            }
        }
        out.append('"')
    }

    private class Reader(private val text: String) {
        var at = 0

        fun atEnd() = at >= text.length

        fun skipSpace() {
            while (!atEnd() && text[at] in " \t\r\n") at++
        }

        private fun fail(what: String): Nothing = throw QaJsonException("JSON: $what at $at")

        private fun expect(c: Char) {
            if (atEnd() || text[at] != c) fail("expected '$c'")
            at++
        }

        fun value(depth: Int): Any? {
            if (depth > MAX_DEPTH) fail("nesting deeper than $MAX_DEPTH")
            skipSpace()
            if (atEnd()) fail("expected a value")
            return when (text[at]) {
                '{' -> obj(depth)
                '[' -> array(depth)
                '"' -> string()
                't' -> word("true", true)
                'f' -> word("false", false)
                'n' -> word("null", null)
                else -> number()
            }
        }

        private fun word(w: String, v: Any?): Any? {
            if (!text.startsWith(w, at)) fail("expected $w")
            at += w.length
            return v
        }

        private fun obj(depth: Int): Map<String, Any?> {
            expect('{')
            val members = LinkedHashMap<String, Any?>()
            skipSpace()
            if (!atEnd() && text[at] == '}') return members.also { at++ }
            while (true) {
                skipSpace()
                val key = string()
                skipSpace()
                expect(':')
                members[key] = value(depth + 1)
                skipSpace()
                if (!atEnd() && text[at] == ',') {
                    at++
                    continue
                }
                expect('}')
                return members
            }
        }

        private fun array(depth: Int): List<Any?> {
            expect('[')
            val items = ArrayList<Any?>()
            skipSpace()
            if (!atEnd() && text[at] == ']') return items.also { at++ }
            while (true) {
                items.add(value(depth + 1))
                skipSpace()
                if (!atEnd() && text[at] == ',') {
                    at++
                    continue
                }
                expect(']')
                return items
            }
        }

        private fun string(): String {
            expect('"')
            val out = StringBuilder()
            while (true) {
                if (atEnd()) fail("unterminated string")
                val c = text[at++]
                when {
                    c == '"' -> return out.toString()
                    c == '\\' -> {
                        if (atEnd()) fail("unterminated escape")
                        when (val e = text[at++]) {
                            '"', '\\', '/' -> out.append(e)
                            'b' -> out.append('\b')
                            'f' -> out.append('\u000c')
                            'n' -> out.append('\n')
                            'r' -> out.append('\r')
                            't' -> out.append('\t')
                            'u' -> {
                                if (at + 4 > text.length) fail("short \\u escape")
                                val code = text.substring(at, at + 4).toIntOrNull(16) ?: fail("bad \\u escape")
                                out.append(code.toChar())
                                at += 4
                            }
                            else -> fail("bad escape \\$e")
                        }
                    }
                    c < ' ' -> fail("control character in a string")
                    else -> out.append(c)
                }
            }
        }

        private fun number(): Any {
            val start = at
            while (!atEnd() && text[at] in "+-0123456789.eE") at++
            val s = text.substring(start, at)
            if (s.isEmpty()) fail("unexpected '${text[start]}'")
            return s.toLongOrNull() ?: s.toDoubleOrNull()?.takeIf { it.isFinite() } ?: fail("bad number $s")
        }
    }
}

/** Member [name] of a JSON object as a string, or `null` (absent, or not a string). */
internal fun Any?.str(name: String): String? = (this as? Map<*, *>)?.get(name) as? String

/** Member [name] of a JSON object as a list (empty when absent). */
internal fun Any?.list(name: String): List<Any?> = ((this as? Map<*, *>)?.get(name) as? List<*>).orEmpty()
