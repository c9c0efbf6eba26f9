package com.bingx.passkeys.ui

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Typography
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontFamily

/** BingX's blue, the screens' primary colour. */
val BingXBlue = Color(0xFF2354E6)

/** The sample's colours (light), shared by Android and the desktop. */
internal val SampleColors = lightColorScheme(
    primary = BingXBlue,
    onPrimary = Color.White,
    primaryContainer = Color(0xFFE3EAFD),
    onPrimaryContainer = Color(0xFF0E2A7A),
    secondary = Color(0xFF1F2A44),
    background = Color(0xFFF4F5F9),
    onBackground = Color(0xFF14171F),
    surface = Color.White,
    onSurface = Color(0xFF14171F),
    surfaceVariant = Color(0xFFEEF0F5),
    onSurfaceVariant = Color(0xFF5B6275),
    outline = Color(0xFFC9CDD8),
    error = Color(0xFFCC3344),
    errorContainer = Color(0xFFFDE7EA),
    onErrorContainer = Color(0xFF7A1020),
)

/** A success's colours (a confirmation line, "device ready"). */
internal val SuccessContainer = Color(0xFFE3F6EC)
internal val OnSuccessContainer = Color(0xFF0F5A34)

/** A warning's colours (the Enable warning, passkeys at risk). */
internal val WarningContainer = Color(0xFFFFF3DC)
internal val OnWarningContainer = Color(0xFF6B4A00)

/**
 * The sample's Material 3 theme. [fontFamily] replaces every text style's family: the desktop
 * renders with one font that has Latin and CJK glyphs (so a screenshot is the same on every
 * machine); on Android null keeps the system's fonts.
 */
@Composable
fun SampleTheme(fontFamily: FontFamily? = null, content: @Composable () -> Unit) {
    val typography = fontFamily?.let { Typography().withFamily(it) } ?: Typography()
    MaterialTheme(colorScheme = SampleColors, typography = typography, content = content)
}

private fun Typography.withFamily(family: FontFamily): Typography {
    fun TextStyle.f() = copy(fontFamily = family)
    return Typography(
        displayLarge = displayLarge.f(), displayMedium = displayMedium.f(), displaySmall = displaySmall.f(),
        headlineLarge = headlineLarge.f(), headlineMedium = headlineMedium.f(), headlineSmall = headlineSmall.f(),
        titleLarge = titleLarge.f(), titleMedium = titleMedium.f(), titleSmall = titleSmall.f(),
        bodyLarge = bodyLarge.f(), bodyMedium = bodyMedium.f(), bodySmall = bodySmall.f(),
        labelLarge = labelLarge.f(), labelMedium = labelMedium.f(), labelSmall = labelSmall.f(),
    )
}
