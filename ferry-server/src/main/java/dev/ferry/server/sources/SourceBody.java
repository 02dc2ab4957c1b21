package dev.ferry.server.sources;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Objects;

/**
 * The body of an object-store download: counts bytes against a cap and turns read failures into
 * {@link SourceException}s that name the object ("no data from ... (read timeout)"). Closing it
 * closes {@code onClose} (the HTTP response), which aborts an unfinished transfer.
 */
final class SourceBody extends InputStream {

    private final InputStream in;
    private final Closeable onClose;
    private final String what;
    private final long maxBytes;
    private long count;
    private boolean closed;

    SourceBody(InputStream in, Closeable onClose, String what, long maxBytes) {
        this.in = Objects.requireNonNull(in, "in");
        this.onClose = Objects.requireNonNull(onClose, "onClose");
        this.what = Objects.requireNonNull(what, "what");
        this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
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
        int n;
        try {
            n = in.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw new SourceException("no data from " + what + " (read timeout) after " + count + " bytes", e);
        } catch (InterruptedIOException | SourceException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SourceException("error reading " + what + " after " + count + " bytes: " + HttpSource.rootMessage(e), e);
        }
        if (n > 0) {
            count += n;
            if (count > maxBytes) {
                throw new SourceException(what + " exceeds the size cap of " + maxBytes + " bytes");
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            onClose.close();
        }
    }
}
