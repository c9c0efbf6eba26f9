package com.bingx.passkeys.ui

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.awt.image.BufferedImage

/** The golden comparison itself: what it lets through and what it catches. */
class ScreenshotComparisonTest {
    private fun screen(width: Int = 200, height: Int = 100, paint: (BufferedImage) -> Unit = {}): ByteArray {
        val image = BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB)
        for (y in 0 until height) for (x in 0 until width) image.setRGB(x, y, 0xFFFFFFFF.toInt())
        paint(image)
        return Screenshots.encode(image)
    }

    @Test
    fun anti_aliasing_noise_is_the_same_screen() {
        val golden = screen()
        val shifted = screen { it.setRGB(3, 3, 0xFFF0F0F0.toInt()) } // 15 off in each channel
        val speck = screen { it.setRGB(5, 5, 0xFF000000.toInt()) } // one pixel of 20,000
        assertTrue(Screenshots.compare(shifted, golden).same)
        assertEquals(0L, Screenshots.compare(shifted, golden).differingPixels)
        assertTrue(Screenshots.compare(speck, golden).same)
    }

    @Test
    fun a_changed_word_is_caught_and_shown_in_red() {
        val golden = screen()
        // A 10 × 5 block (50 px, 0.25 %): about one short word at this size.
        val word = screen { image -> for (y in 40 until 45) for (x in 60 until 70) image.setRGB(x, y, 0xFF202020.toInt()) }
        val difference = Screenshots.compare(word, golden)
        assertFalse(difference.same, "$difference")
        assertEquals(50L, difference.differingPixels)
        val diff = Screenshots.decode(Screenshots.diffImage(word, golden))
        assertEquals(0xE02020, diff.getRGB(65, 42) and 0xFFFFFF)
        assertTrue((diff.getRGB(10, 10) and 0xFFFFFF) != 0xE02020)
    }

    @Test
    fun another_size_is_never_the_same() {
        assertFalse(Screenshots.compare(screen(width = 201), screen()).same)
    }
}
