package com.bingx.passkeys.ui

import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.unit.Density
import org.jetbrains.skia.EncodedImageFormat
import java.awt.image.BufferedImage
import java.io.ByteArrayInputStream
import java.io.File
import javax.imageio.ImageIO
import kotlin.math.abs

/**
 * Renders the sample's screens headless and compares them with the golden PNGs in
 * android/ui/screenshots/ (scripts/screens).
 *
 * A phone of 360 × 780 dp at density 2 (720 × 1560 px), the Noto Sans CJK SC face for both
 * languages ([DesktopFonts]) so that a render is the same on every machine with Debian's
 * fonts-noto-cjk. Two renders count as the same when at most [ALLOWED_SHARE] of their pixels
 * differ by more than [CHANNEL_TOLERANCE] in any channel: anti-aliasing may move, a word may not.
 */
object Screenshots {
    const val WIDTH_PX = 720
    const val HEIGHT_PX = 1560
    const val DENSITY = 2f

    /** Largest difference in one colour channel (0–255) that is still the same pixel. */
    const val CHANNEL_TOLERANCE = 24

    /** Share of pixels that may differ beyond the channel tolerance: 0.1 % (about 1,100 px). */
    const val ALLOWED_SHARE = 0.001

    /** The languages every screen is rendered in: the tables' `en` and `zh-Hans`. */
    val LANGUAGES = listOf("en", "zh-Hans")

    /** [screen] as the user of [language] sees it, as a PNG. */
    fun render(screen: Screen, language: String): ByteArray {
        val texts = DesktopTexts(language)
        val dates = DesktopDates(language)
        val fonts = DesktopFonts.family()
        val scene = ImageComposeScene(WIDTH_PX, HEIGHT_PX, Density(DENSITY)) {
            CompositionLocalProvider(LocalUiTexts provides texts, LocalDateText provides dates) {
                SampleTheme(fontFamily = fonts) {
                    SampleScreen(screen, NoActions)
                }
            }
        }
        try {
            // The second frame at a fixed time: layout settled, animations (progress) frozen.
            scene.render(0)
            val image = scene.render(0)
            return image.encodeToData(EncodedImageFormat.PNG)?.bytes
                ?: error("Skia could not encode the render as PNG")
        } finally {
            scene.close()
        }
    }

    /** How two renders differ. */
    data class Difference(val differingPixels: Long, val totalPixels: Long, val sizeMismatch: Boolean) {
        val share: Double get() = if (totalPixels == 0L) 1.0 else differingPixels.toDouble() / totalPixels

        /** Within the tolerance: the same screen. */
        val same: Boolean get() = !sizeMismatch && share <= ALLOWED_SHARE

        override fun toString(): String =
            if (sizeMismatch) "a different size" else "%d of %d px differ (%.3f %%)".format(differingPixels, totalPixels, share * 100)
    }

    /** Compares [actual] with [golden] (both PNG), pixel by pixel. */
    fun compare(actual: ByteArray, golden: ByteArray): Difference {
        val a = decode(actual)
        val g = decode(golden)
        if (a.width != g.width || a.height != g.height) {
            return Difference(0, a.width.toLong() * a.height, sizeMismatch = true)
        }
        var differing = 0L
        for (y in 0 until a.height) {
            for (x in 0 until a.width) {
                if (differs(a.getRGB(x, y), g.getRGB(x, y))) differing++
            }
        }
        return Difference(differing, a.width.toLong() * a.height, sizeMismatch = false)
    }

    /**
     * A picture of where [actual] differs from [golden]: the golden faded to grey, each
     * differing pixel red. Same size as the golden (a size mismatch: the actual, faded).
     */
    fun diffImage(actual: ByteArray, golden: ByteArray): ByteArray {
        val a = decode(actual)
        val g = decode(golden)
        val out = BufferedImage(g.width, g.height, BufferedImage.TYPE_INT_RGB)
        for (y in 0 until g.height) {
            for (x in 0 until g.width) {
                val base = g.getRGB(x, y)
                val inside = x < a.width && y < a.height
                out.setRGB(x, y, if (!inside || differs(a.getRGB(x, y), base)) 0xE02020 else faded(base))
            }
        }
        return encode(out)
    }

    private fun differs(p: Int, q: Int): Boolean {
        for (shift in intArrayOf(0, 8, 16, 24)) {
            if (abs(((p ushr shift) and 0xFF) - ((q ushr shift) and 0xFF)) > CHANNEL_TOLERANCE) return true
        }
        return false
    }

    private fun faded(rgb: Int): Int {
        val grey = (((rgb shr 16) and 0xFF) + ((rgb shr 8) and 0xFF) + (rgb and 0xFF)) / 3
        val light = 160 + grey * 95 / 255
        return (light shl 16) or (light shl 8) or light
    }

    fun decode(png: ByteArray): BufferedImage =
        ImageIO.read(ByteArrayInputStream(png)) ?: error("not a PNG image")

    fun encode(image: BufferedImage): ByteArray {
        val out = java.io.ByteArrayOutputStream()
        check(ImageIO.write(image, "png", out)) { "no PNG writer" }
        return out.toByteArray()
    }

    /** The golden of [name] in [language] under [dir]. */
    fun golden(dir: File, language: String, name: String): File = File(File(dir, language), "$name.png")
}

/** Screens rendered for a picture do nothing when tapped. */
object NoActions : SampleActions {
    override fun emailChanged(value: String) = Unit
    override fun passwordChanged(value: String) = Unit
    override fun codeChanged(value: String) = Unit
    override fun newNameChanged(value: String) = Unit
    override fun signIn() = Unit
    override fun signInWithPasskey() = Unit
    override fun signInWith(other: OtherLogin) = Unit
    override fun submitCode() = Unit
    override fun continueWithPasskey() = Unit
    override fun useCodeInstead() = Unit
    override fun openPasskeys() = Unit
    override fun startEnable() = Unit
    override fun keepPasskey(id: String, keep: Boolean) = Unit
    override fun acknowledgeWarning() = Unit
    override fun submitStepUp() = Unit
    override fun openPasskey(id: String) = Unit
    override fun renamePasskey() = Unit
    override fun deletePasskey() = Unit
    override fun turnOffRequirement() = Unit
    override fun cancelReset() = Unit
    override fun dismissNudge() = Unit
    override fun openWithdrawal() = Unit
    override fun confirmWithdrawal() = Unit
    override fun signOut() = Unit
    override fun back() = Unit
}
