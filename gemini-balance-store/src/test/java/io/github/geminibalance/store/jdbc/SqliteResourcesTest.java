package io.github.geminibalance.store.jdbc;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The uploaded files contract on SQLite files. */
class SqliteResourcesTest extends ResourcesStoreContract {

    @TempDir
    Path dir;
    private int files;

    @Override
    Map<String, String> newDatabase() {
        return Map.of("SQLITE_DATABASE", dir.resolve("files" + (++files) + ".db").toString());
    }
}
