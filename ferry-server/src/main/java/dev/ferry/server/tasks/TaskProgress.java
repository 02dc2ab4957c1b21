package dev.ferry.server.tasks;

/** Bytes processed so far by a running task, and the total when known (-1 if not). */
public record TaskProgress(long bytesDone, long bytesTotal) {
    public TaskProgress {
        if (bytesDone < 0 || bytesTotal < -1) {
            throw new IllegalArgumentException("bad progress " + bytesDone + "/" + bytesTotal);
        }
    }
}
