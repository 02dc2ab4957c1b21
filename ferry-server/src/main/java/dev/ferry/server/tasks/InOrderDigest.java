package dev.ferry.server.tasks;

import dev.ferry.format.convert.DiskWriter;
import dev.ferry.server.images.Checksums;
import dev.ferry.server.images.ChecksummingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * MD5 and SHA-512 of a raw conversion output, computed while the converter writes it instead of
 * by reading the file again afterwards. A raw output is the virtual disk itself, and the converter
 * hands its writer the non-zero data in strictly increasing order, so the output's bytes are the
 * written pieces with zeros in the gaps. {@link #wrap} returns the writer to give the converter;
 * {@link #result()} the digests once it has finished, or null if the order was ever broken (the
 * caller then digests the file).
 */
final class InOrderDigest implements AutoCloseable {

    private static final byte[] ZEROS = new byte[1 << 20];
    private static final Piece END = new Piece(new byte[0], 0);

    private record Piece(byte[] data, int length) {
    }

    private final BlockingQueue<Piece> queue = new ArrayBlockingQueue<>(16);
    private final AtomicReference<Object> outcome = new AtomicReference<>(); // Checksums or Throwable
    private final Thread consumer;
    private long position;
    private boolean broken;
    private boolean ended;

    InOrderDigest() {
        consumer = Thread.ofVirtual().name("ferry-output-digest").start(this::consume);
    }

    DiskWriter wrap(DiskWriter inner) {
        Objects.requireNonNull(inner, "inner");
        return new DiskWriter() {
            @Override
            public long virtualSize() {
                return inner.virtualSize();
            }

            @Override
            public void write(long offset, byte[] buf, int off, int len) throws IOException {
                feed(offset, buf, off, len);
                inner.write(offset, buf, off, len);
            }

            @Override
            public void write(long offset, ByteBuffer src) throws IOException {
                ByteBuffer copy = src.duplicate();
                byte[] data = new byte[copy.remaining()];
                copy.get(data);
                feed(offset, data, 0, data.length);
                inner.write(offset, src);
            }

            @Override
            public void finish() throws IOException {
                inner.finish();
                zerosUpTo(inner.virtualSize());
                end();
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
    }

    /** The digests of the whole output, or null when they could not be computed in order. */
    Checksums result() throws IOException {
        if (broken || !ended) {
            return null;
        }
        try {
            consumer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the digests");
        }
        Object o = outcome.get();
        return o instanceof Checksums c ? c : null;
    }

    private void feed(long offset, byte[] buf, int off, int len) throws IOException {
        if (broken || offset < position) {
            broken = true;
            return;
        }
        zerosUpTo(offset);
        byte[] copy = (off == 0 && len == buf.length) ? buf.clone() : java.util.Arrays.copyOfRange(buf, off, off + len);
        put(new Piece(copy, len));
        position = offset + len;
    }

    private void zerosUpTo(long offset) throws IOException {
        while (!broken && position < offset) {
            int n = (int) Math.min(ZEROS.length, offset - position);
            put(new Piece(ZEROS, n));
            position += n;
        }
    }

    private void end() throws IOException {
        if (!broken) {
            put(END);
            ended = true;
        }
    }

    private void put(Piece p) throws IOException {
        try {
            while (!queue.offer(p, 100, TimeUnit.MILLISECONDS)) {
                if (outcome.get() != null) { // the consumer stopped: give up on digesting in order
                    broken = true;
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while digesting");
        }
    }

    private void consume() {
        InputStream pieces = new InputStream() {
            private Piece current;
            private int at;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    while (current == null || at == current.length()) {
                        if (current == END) {
                            return -1;
                        }
                        current = queue.take();
                        at = 0;
                    }
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("digest stopped");
                }
                if (current == END) {
                    return -1;
                }
                int n = Math.min(len, current.length() - at);
                System.arraycopy(current.data(), at, b, off, n);
                at += n;
                return n;
            }
        };
        try (ChecksummingInputStream digesting = new ChecksummingInputStream(pieces)) {
            digesting.transferTo(OutputStream.nullOutputStream());
            outcome.set(digesting.finish());
        } catch (Throwable t) {
            outcome.set(t);
        }
    }

    /** Stops the digest thread if the conversion did not finish. */
    @Override
    public void close() {
        if (!ended || broken) {
            consumer.interrupt();
        }
    }
}
