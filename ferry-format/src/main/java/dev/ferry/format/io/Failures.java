package dev.ferry.format.io;

import java.io.IOException;

/** Failures handed from one thread to another (a reader, a download, a read-ahead). */
public final class Failures {

    private Failures() {
    }

    /**
     * Throws {@code failure} as it is when it is an {@link IOException}, a {@link RuntimeException}
     * or an {@link Error}, any other in an IOException; does nothing when it is null.
     */
    public static void rethrow(Throwable failure) throws IOException {
        if (failure instanceof IOException e) {
            throw e;
        } else if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IOException(failure);
        }
    }
}
