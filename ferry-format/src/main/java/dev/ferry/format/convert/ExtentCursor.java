package dev.ferry.format.convert;

import java.io.IOException;

/** Walks a disk's extents in virtual order; may read metadata as it goes. */
@FunctionalInterface
public interface ExtentCursor {
    /** The next extent, or null when there are no more. */
    Extent next() throws IOException;
}
