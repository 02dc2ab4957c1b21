package dev.ferry.format.io;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes past the page cache ({@code O_DIRECT}) where the file system allows them, and buffers
 * aligned for them. The JDK refuses a direct write whose file offset, length or buffer address is
 * not a multiple of the file system's block size; callers send such pieces through an ordinary
 * channel on the same file (Linux keeps the two coherent: a direct write flushes and invalidates
 * cached pages of its range).
 */
public final class DirectWrites {

    /** Alignment of the buffers {@link #alignedBuffer} makes: enough for any block size accepted here. */
    public static final int ALIGNMENT = 4096;

    /** A channel open with O_DIRECT and the block size its writes must be aligned to. */
    public record Channel(FileChannel channel, int block) {
        public Channel {
            Objects.requireNonNull(channel, "channel");
        }

        /** Whether {@code buf}'s remaining bytes, written at {@code position}, can go through this channel. */
        public boolean fits(ByteBuffer buf, long position) {
            return buf.isDirect() && position % block == 0 && buf.remaining() % block == 0
                    && buf.alignmentOffset(buf.position(), block) == 0;
        }
    }

    private DirectWrites() {
    }

    /**
     * Opens an existing {@code file} for O_DIRECT writes; empty where the file system refuses them
     * (tmpfs) or its block size is not a power of two between 512 and {@link #ALIGNMENT}.
     */
    public static Optional<Channel> open(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            long block = Files.getFileStore(file).getBlockSize();
            if (block < 512 || block > ALIGNMENT || Long.bitCount(block) != 1) {
                return Optional.empty();
            }
            return Optional.of(new Channel(FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT),
                    (int) block));
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty(); // no O_DIRECT here: the caller uses the page cache
        }
    }

    /** A direct buffer of {@code size} bytes whose address is a multiple of {@link #ALIGNMENT}. */
    public static ByteBuffer alignedBuffer(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size + ALIGNMENT);
        int misalignment = b.alignmentOffset(0, ALIGNMENT);
        int start = misalignment == 0 ? 0 : ALIGNMENT - misalignment;
        return b.position(start).limit(start + size).slice();
    }
}
