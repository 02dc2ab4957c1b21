package dev.ferry.server.sources;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Objects;

/**
 * A source opened for reading. {@code body} enforces the size cap and read timeout as it is read,
 * throwing {@link SourceException}; closing it (or this) before the end aborts the transfer.
 *
 * @param body          the bytes, exactly as sent (no content decoding)
 * @param contentLength the announced length, or -1 if unknown
 * @param finalUrl      where the bytes come from after redirects
 */
public record OpenedStream(InputStream body, long contentLength, URI finalUrl) implements Closeable {

    public OpenedStream {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(finalUrl, "finalUrl");
        if (contentLength < -1) {
            throw new IllegalArgumentException("contentLength must be -1 or non-negative: " + contentLength);
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
