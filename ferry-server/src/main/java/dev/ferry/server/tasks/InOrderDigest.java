package dev.ferry.server.tasks;

import dev.ferry.format.convert.DiskWriter;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.images.Checksums;
import dev.ferry.server.images.DigestPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * MD5 and SHA-512 of a raw conversion output, computed while the converter writes it (a
 * {@link DigestPair}: each digest on its own thread) instead of by reading the file again
 * afterwards. A raw output is the virtual disk itself, and the converter hands its writer the
 * non-zero data in strictly increasing order, so the output's bytes are the written pieces with
 * zeros in the gaps. {@link #wrap} returns the writer to give the converter; {@link #result()} the
 * digests once it has finished, or null if the order was ever broken (the caller then digests
 * the file).
 */
final class InOrderDigest implements AutoCloseable {

    private final DigestPair digests = new DigestPair();
    private long position;
    private boolean broken;
    private Checksums result;

    /**
     * An in-order digest for a conversion to {@code target}, or null when its output cannot be
     * digested as written (only a raw output is the written pieces with zeros in the gaps): a
     * {@link DigestPair} holds 4 MiB and two threads, not to be made for nothing.
     */
    static InOrderDigest forTarget(TargetFormat target) {
        return target == TargetFormat.RAW ? new InOrderDigest() : null;
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
                if (inOrder(offset)) {
                    digests.update(buf, off, len);
                    position = offset + len;
                }
                inner.write(offset, buf, off, len);
            }

            @Override
            public void write(long offset, ByteBuffer src) throws IOException {
                if (inOrder(offset)) {
                    int len = src.remaining();
                    digests.update(src); // leaves src as it is for the writer
                    position = offset + len;
                }
                inner.write(offset, src);
            }

            @Override
            public void finish() throws IOException {
                inner.finish();
                if (inOrder(inner.virtualSize())) {
                    result = digests.finish();
                }
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
    }

    /** Feeds the zeros up to {@code offset}; false (for good) once a write went backwards. */
    private boolean inOrder(long offset) throws IOException {
        if (broken || offset < position) {
            broken = true;
            return false;
        }
        digests.updateZeros(offset - position);
        position = offset;
        return true;
    }

    /** The digests of the whole output, or null when they could not be computed in order. */
    Checksums result() {
        return broken ? null : result;
    }

    /** Stops the digest threads if the conversion did not finish. */
    @Override
    public void close() {
        digests.close();
    }
}
