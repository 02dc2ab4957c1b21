package dev.ferry.server.tasks;

import dev.ferry.format.convert.DiskWriter;
import dev.ferry.server.images.Checksums;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * MD5 and SHA-512 of a raw conversion output, computed while the converter writes it (each
 * digest on its own virtual thread, both fed the same copied pieces) instead of by reading the
 * file again afterwards. A raw output is the virtual disk itself, and the converter
 * hands its writer the non-zero data in strictly increasing order, so the output's bytes are the
 * written pieces with zeros in the gaps. {@link #wrap} returns the writer to give the converter;
 * {@link #result()} the digests once it has finished, or null if the order was ever broken (the
 * caller then digests the file).
 */
final class InOrderDigest implements AutoCloseable {

    private static final byte[] ZEROS = new byte[1 << 20];
    private static final Piece END = new Piece(new byte[0], 0);
    /** Pieces queued per digest: at most 2 x this many distinct pieces (4 MiB at most each) are held. */
    private static final int QUEUED = 8;

    private record Piece(byte[] data, int length) {
    }

    private final Digest md5 = new Digest("MD5");
    private final Digest sha512 = new Digest("SHA-512");
    private long position;
    private boolean broken;
    private boolean ended;

    /** One digest on its own virtual thread, fed the same immutable pieces as the other. */
    private static final class Digest {
        final BlockingQueue<Piece> queue = new ArrayBlockingQueue<>(QUEUED);
        final AtomicReference<Object> outcome = new AtomicReference<>(); // hex String or Throwable
        final Thread thread;

        Digest(String algorithm) {
            MessageDigest md;
            try {
                md = MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " is missing from this JDK", e);
            }
            MessageDigest digest = md;
            thread = Thread.ofVirtual().name("ferry-output-" + algorithm).start(() -> {
                try {
                    for (Piece p = queue.take(); p != END; p = queue.take()) {
                        digest.update(p.data(), 0, p.length());
                    }
                    outcome.set(HexFormat.of().formatHex(digest.digest()));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
        }

        String await() throws InterruptedException {
            thread.join();
            return outcome.get() instanceof String hex ? hex : null;
        }
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
                if (!broken && offset >= position) {
                    zerosUpTo(offset);
                    put(new Piece(data, data.length));
                    position = offset + data.length;
                } else {
                    broken = true;
                }
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
            String m = md5.await();
            String s = sha512.await();
            return m == null || s == null ? null : new Checksums(m, s, position);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the digests");
        }
    }

    private void feed(long offset, byte[] buf, int off, int len) throws IOException {
        if (broken || offset < position) {
            broken = true;
            return;
        }
        zerosUpTo(offset);
        put(new Piece(Arrays.copyOfRange(buf, off, off + len), len));
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
            ended = !broken;
        }
    }

    private void put(Piece p) throws IOException {
        for (Digest d : new Digest[] {md5, sha512}) {
            try {
                while (!broken && !d.queue.offer(p, 100, TimeUnit.MILLISECONDS)) {
                    if (d.outcome.get() != null) { // that digest stopped: give up on digesting in order
                        broken = true;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while digesting");
            }
        }
    }

    /** Stops the digest threads if the conversion did not finish. */
    @Override
    public void close() {
        if (!ended || broken) {
            md5.thread.interrupt();
            sha512.thread.interrupt();
        }
    }
}
