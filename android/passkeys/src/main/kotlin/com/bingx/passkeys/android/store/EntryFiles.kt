package com.bingx.passkeys.android.store

import java.io.IOException
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.file.AtomicMoveNotSupportedException
import java.nio.file.Files
import java.nio.file.NoSuchFileException
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.StandardOpenOption
import java.security.MessageDigest
import java.util.concurrent.TimeUnit

/**
 * One file per entry in one folder. A file's name is the SHA-256 of the entry's name in hex
 * (any entry name gives a short, safe file name; the name itself is bound by [EntryCipher]).
 *
 * A write goes to a temporary file in the same folder, is flushed to the disk (fsync), then
 * renamed over the entry's file in one atomic step, and the folder is flushed: a reader, a crash
 * or a power cut sees the old content or the new one, never a mix. Writers on several threads
 * each use their own temporary file; the last rename wins.
 */
internal class EntryFiles(private val directory: Path) {
    /** The entry's file (which may not exist). */
    fun fileOf(name: String): Path {
        val digest = MessageDigest.getInstance("SHA-256").digest(name.toByteArray(Charsets.UTF_8))
        return directory.resolve(digest.joinToString("") { "%02x".format(it) } + ENTRY_SUFFIX)
    }

    /** The content of [file], or `null` when there is none. Throws [TooLarge] above [limit] bytes. */
    fun read(file: Path, limit: Int): ByteArray? {
        val channel = try {
            FileChannel.open(file, StandardOpenOption.READ)
        } catch (e: NoSuchFileException) {
            return null
        }
        channel.use {
            val size = it.size()
            if (size > limit) throw TooLarge(size)
            val buffer = ByteBuffer.allocate(size.toInt())
            while (buffer.hasRemaining()) {
                if (it.read(buffer) < 0) break
            }
            if (buffer.hasRemaining()) throw IOException("the file shrank while it was read")
            return buffer.array()
        }
    }

    /** Replace [file]'s content with [bytes], atomically. */
    fun write(file: Path, bytes: ByteArray) {
        Files.createDirectories(directory)
        val temporary = Files.createTempFile(directory, file.fileName.toString().take(16) + ".", TEMP_SUFFIX)
        try {
            FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING).use {
                val buffer = ByteBuffer.wrap(bytes)
                while (buffer.hasRemaining()) it.write(buffer)
                it.force(true)
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE)
            } catch (e: AtomicMoveNotSupportedException) {
                throw IOException("the file system cannot rename atomically", e)
            }
        } finally {
            Files.deleteIfExists(temporary)
        }
        syncDirectory()
    }

    /** Remove [file]; nothing to remove is fine. */
    fun delete(file: Path) {
        if (Files.deleteIfExists(file)) syncDirectory()
    }

    /** Remove every entry file and every temporary file. */
    fun deleteAll() {
        for (file in list()) {
            val name = file.fileName.toString()
            if (name.endsWith(ENTRY_SUFFIX) || name.endsWith(TEMP_SUFFIX)) Files.deleteIfExists(file)
        }
        syncDirectory()
    }

    /** Whether any entry file exists. */
    fun anyEntry(): Boolean = list().any { it.fileName.toString().endsWith(ENTRY_SUFFIX) }

    /**
     * Remove temporary files a crash left behind. Only old ones: a younger one may be another
     * store's write in progress on the same folder.
     */
    fun sweepTemporaryFiles() {
        val cutoff = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1)
        for (file in list()) {
            if (!file.fileName.toString().endsWith(TEMP_SUFFIX)) continue
            try {
                if (Files.getLastModifiedTime(file).toMillis() < cutoff) Files.deleteIfExists(file)
            } catch (e: IOException) {
                // Gone already, or not ours to remove: the next sweep tries again.
            }
        }
    }

    private fun list(): List<Path> = try {
        Files.newDirectoryStream(directory).use { it.toList() }
    } catch (e: NoSuchFileException) {
        emptyList()
    }

    /** Make a rename or removal in the folder durable. Best effort: not every system opens folders. */
    private fun syncDirectory() {
        try {
            FileChannel.open(directory, StandardOpenOption.READ).use { it.force(true) }
        } catch (e: IOException) {
            // The rename itself is atomic; only its durability across a power cut is at stake.
        }
    }

    /** A file above the size limit. */
    class TooLarge(val size: Long) : IOException("$size bytes")

    private companion object {
        const val ENTRY_SUFFIX = ".entry"
        const val TEMP_SUFFIX = ".tmp"
    }
}
