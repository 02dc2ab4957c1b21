package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.TestDatabases;
import dev.ferry.server.config.FerryConfig;
import dev.ferry.server.db.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default task list order and its owner-filtered form are served by the V6 indexes. */
class TaskListIndexH2Test {

    @TempDir
    Path dir;

    @Test
    void theDefaultAndOwnerFilteredListsReadInIndexOrder() {
        try (Database db = Database.open(new FerryConfig.Database(TestDatabases.h2(dir), "", "", 2))) {
            String all = plan(db, "SELECT id FROM tasks ORDER BY created_at DESC, id DESC FETCH FIRST 20 ROWS ONLY");
            assertThat(all).contains("tasks_created_id").contains("index sorted");
            String owned = plan(db, "SELECT id FROM tasks WHERE owner = 'p' ORDER BY owner DESC, created_at DESC, id DESC "
                    + "FETCH FIRST 20 ROWS ONLY");
            assertThat(owned).contains("tasks_owner_created_id").contains("index sorted");
        }
    }

    private static String plan(Database db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery("EXPLAIN " + sql).mapTo(String.class).one()).toLowerCase();
    }
}
