package dev.ferry.format.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A {@link ReadSource} over a local file, read with positioned {@link FileChannel} reads. */
public final class FileReadSource implements ReadSource {
    private final FileChannel channel;

    private FileReadSource(FileChannel channel) {
        this.channel = channel;
    }

    public static FileReadSource open(Path path) throws IOException {
        return new FileReadSource(FileChannel.open(path, StandardOpenOption.READ));
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        return channel.read(ByteBuffer.wrap(buf, off, len), position);
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        return channel.read(dst, position);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
