package com.bingx.passkeys.ui

import androidx.compose.runtime.staticCompositionLocalOf

/**
 * The screens' texts in the user's language: a [UiText] (a key of `i18n/texts.toml` or of
 * `i18n/sample.toml`, and its placeholders' values) to the sentence shown. On Android the
 * implementation reads the string resources scripts/texts generates (`strings.xml`); on the
 * desktop the same tables' generated properties files. A key without a text is a bug in the
 * tables, never the user's: implementations show the library's fallback text, not the key.
 */
fun interface UiTexts {
    fun text(text: UiText): String
}

/** Unix seconds to a date as the user reads it (the platform's date format, the user's zone). */
fun interface DateText {
    fun format(unixSeconds: Long): String
}

/** The [UiTexts] of the screens below; provided by the app (or the screenshot test) at the root. */
val LocalUiTexts = staticCompositionLocalOf<UiTexts> {
    error("no UiTexts provided: wrap the screens in CompositionLocalProvider(LocalUiTexts provides …)")
}

/** The [DateText] of the screens below; provided at the root with [LocalUiTexts]. */
val LocalDateText = staticCompositionLocalOf<DateText> {
    error("no DateText provided: wrap the screens in CompositionLocalProvider(LocalDateText provides …)")
}
