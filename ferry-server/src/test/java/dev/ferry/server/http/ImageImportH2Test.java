package dev.ferry.server.http;

import dev.ferry.server.TestDatabases;
import java.nio.file.Path;

class ImageImportH2Test extends ImageImportContract {
    @Override
    String databaseUrl(Path dir) {
        return TestDatabases.h2(dir);
    }
}
