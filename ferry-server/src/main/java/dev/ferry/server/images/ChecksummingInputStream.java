package dev.ferry.server.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Passes a stream through unchanged while computing its MD5 and SHA-512, each on its own
 * platform thread ({@link DigestPair}), so that hashing costs the slower of the two digests rather than
 * their sum and runs in parallel with whoever reads (usually a store writing to disk or the
 * network). Memory is bounded: a reader faster than the digests waits for them.
 *
 * <p>Contract: read to the end (until a read returns -1), then {@link #finish()}. Calling
 * {@code finish()} earlier throws {@link IllegalStateException}: a digest of part of a stream
 * must never pass for the digest of the image. {@link #close()} stops the digest threads and
 * closes the underlying stream; always close (try-with-resources), also after {@code finish()}.
 * Not thread-safe, like any stream: one reader.
 */
public final class ChecksummingInputStream extends InputStream {

    static final int CHUNK_SIZE = DigestPair.CHUNK_SIZE;

    private final InputStream in;
    private final DigestPair digests = new DigestPair();
    private boolean eof;
    private boolean closed;
    private Checksums result;

    public ChecksummingInputStream(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        if (eof) {
            return -1;
        }
        int n = in.read(b, off, len);
        if (n < 0) {
            eof = true;
            return -1;
        }
        digests.update(b, off, n);
        return n;
    }

    /** Skipped bytes are read and digested too: every byte of the stream counts. */
    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        byte[] buffer = new byte[CHUNK_SIZE];
        long total = 0;
        int n;
        while ((n = read(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    @Override
    public int available() throws IOException {
        return closed || eof ? 0 : in.available();
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Bytes read so far. */
    public long bytesRead() {
        return digests.size();
    }

    /**
     * The digests of the whole stream; waits for the digest threads to catch up.
     *
     * @throws IllegalStateException if the end of the stream has not been reached, or the stream
     *                               was closed before it
     */
    public Checksums finish() throws IOException {
        if (result != null) {
            return result;
        }
        if (!eof) {
            throw new IllegalStateException("checksums are only known at the end of the stream (read "
                    + digests.size() + " bytes so far)");
        }
        result = digests.finish();
        return result;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            in.close();
        } finally {
            if (result == null) {
                digests.close(); // a partial digest is worthless
            }
        }
    }
}
