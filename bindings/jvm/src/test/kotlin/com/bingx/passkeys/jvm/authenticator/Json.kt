package com.bingx.passkeys.jvm.authenticator

/**
 * Just enough JSON for the test authenticator and the raw HTTP calls of the tests (the JDK has
 * none). Values are `Map<String, Any?>` (insertion-ordered), `List<Any?>`, `String`, `Long`,
 * `Double`, `Boolean` and `null`.
 */
object Json {
    fun parse(text: String): Any? = Reader(text).run {
        val value = value()
        skipSpace()
        require(pos == text.length) { "trailing characters at $pos" }
        value
    }

    fun write(value: Any?): String = buildString { write(value, this) }

    private fun write(value: Any?, out: StringBuilder) {
        when (value) {
            null -> out.append("null")
            is String -> quote(value, out)
            is Boolean, is Int, is Long -> out.append(value.toString())
            is Map<*, *> -> {
                out.append('{')
                value.entries.forEachIndexed { i, (k, v) ->
                    if (i > 0) out.append(',')
                    quote(k as String, out)
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
            else -> throw IllegalArgumentException("no JSON for ${value.javaClass}")
        }
    }

    private fun quote(s: String, out: StringBuilder) {
        out.append('"')
        for (c in s) {
            when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c < ' ' -> out.append("\\u%04x".format(c.code))
                else -> out.append(c)
            }
        }
        out.append('"')
    }

    private class Reader(val text: String) {
        var pos = 0

        fun skipSpace() {
            while (pos < text.length && text[pos] in " \t\r\n") pos++
        }

        fun value(): Any? {
            skipSpace()
            require(pos < text.length) { "unexpected end" }
            return when (text[pos]) {
                '{' -> obj()
                '[' -> array()
                '"' -> string()
                't' -> literal("true", true)
                'f' -> literal("false", false)
                'n' -> literal("null", null)
                else -> number()
            }
        }

        fun literal(word: String, value: Any?): Any? {
            require(text.startsWith(word, pos)) { "bad literal at $pos" }
            pos += word.length
            return value
        }

        fun obj(): Map<String, Any?> {
            val map = LinkedHashMap<String, Any?>()
            pos++
            skipSpace()
            if (text[pos] == '}') return map.also { pos++ }
            while (true) {
                skipSpace()
                val key = string()
                skipSpace()
                expect(':')
                map[key] = value()
                skipSpace()
                if (text[pos] == '}') return map.also { pos++ }
                expect(',')
            }
        }

        fun array(): List<Any?> {
            val list = ArrayList<Any?>()
            pos++
            skipSpace()
            if (text[pos] == ']') return list.also { pos++ }
            while (true) {
                list.add(value())
                skipSpace()
                if (text[pos] == ']') return list.also { pos++ }
                expect(',')
            }
        }

        fun string(): String {
            expect('"')
            val out = StringBuilder()
            while (true) {
                val c = text[pos++]
                when (c) {
                    '"' -> return out.toString()
                    '\\' -> when (val e = text[pos++]) {
                        'n' -> out.append('\n')
                        't' -> out.append('\t')
                        'r' -> out.append('\r')
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000c')
                        'u' -> out.append(text.substring(pos, pos + 4).toInt(16).toChar()).also { pos += 4 }
                        else -> out.append(e)
                    }
                    else -> out.append(c)
                }
            }
        }

        fun number(): Any {
            val start = pos
            while (pos < text.length && text[pos] in "+-0123456789.eE") pos++
            val literal = text.substring(start, pos)
            return literal.toLongOrNull() ?: literal.toDoubleOrNull()
                ?: throw IllegalArgumentException("bad number at $start")
        }

        fun expect(c: Char) {
            require(pos < text.length && text[pos] == c) { "expected '$c' at $pos" }
            pos++
        }
    }
}

/** The object member [key] of a parsed JSON object. */
@Suppress("UNCHECKED_CAST")
fun Any?.obj(key: String): Map<String, Any?> = (this as Map<String, Any?>)[key] as Map<String, Any?>

/** The string member [key] of a parsed JSON object, if present. */
fun Any?.str(key: String): String? = (this as Map<*, *>)[key] as String?

/** The array member [key] of a parsed JSON object, empty if absent. */
fun Any?.list(key: String): List<Any?> = (this as Map<*, *>)[key] as List<*>? ?: emptyList()
