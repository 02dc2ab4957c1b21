package dev.ferry.server.tasks;

import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ObjectNode;

/** What a running job may do with its task: report progress, and commit success. */
public interface JobContext {

    /** Records bytes done / total (total -1 if unknown); cheap to call often, writes are throttled. */
    void progress(long bytesDone, long bytesTotal);

    /**
     * Marks the task successful with {@code result}, running {@code inSameTransaction} (e.g. making
     * the image visible) in the same database transaction. Throws {@link LeaseLostException} and
     * commits nothing if another worker has taken the task over.
     */
    void succeed(ObjectNode result, Consumer<Handle> inSameTransaction);

    /** True once the lease is known to be lost; long loops should check it. */
    boolean leaseLost();
}
