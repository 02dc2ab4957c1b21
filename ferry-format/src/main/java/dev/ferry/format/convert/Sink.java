package dev.ferry.format.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/** Positioned writes to the output file; holes are left where nothing is written. */
public final class Sink {
    private final FileChannel channel;

    public Sink(FileChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    public void write(long position, byte[] buf, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf, off, len);
        long p = position;
        while (b.hasRemaining()) {
            p += channel.write(b, p);
        }
    }

    public void write(long position, ByteBuffer b) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            p += channel.write(b, p);
        }
    }

    public long size() throws IOException {
        return channel.size();
    }

    /** Makes the file exactly {@code length} bytes; growing leaves a hole (one zero byte is written). */
    public void setLength(long length) throws IOException {
        long now = channel.size();
        if (now > length) {
            channel.truncate(length);
        } else if (now < length) {
            write(length - 1, new byte[1], 0, 1);
        }
    }

    public FileChannel channel() {
        return channel;
    }
}
