package dev.ferry.server.tasks;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches a staging directory (inotify on Linux) and lists the files created in it since the
 * watch began: how a test sees whether an import staged its source ({@code task-…-source-….part})
 * without any help from the code under test.
 */
public final class StagingWatch implements AutoCloseable {

    private final WatchService watch;
    private final List<String> created = new ArrayList<>();

    public StagingWatch(Path staging) throws IOException {
        watch = staging.getFileSystem().newWatchService();
        staging.register(watch, ENTRY_CREATE);
    }

    /** Names of the files created so far; fails on an event overflow (events lost). */
    public List<String> created() {
        WatchKey key;
        while ((key = watch.poll()) != null) {
            for (WatchEvent<?> e : key.pollEvents()) {
                if (e.kind() != ENTRY_CREATE) {
                    throw new AssertionError("staging watch lost events: " + e.kind());
                }
                created.add(e.context().toString());
            }
            key.reset();
        }
        return List.copyOf(created);
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
