package io.github.geminibalance.store.jdbc;

import java.util.Map;

/** The uploaded files contract on the memory repository. */
class InMemoryFilesTest extends FilesStoreContract {

    @Override
    Map<String, String> newDatabase() {
        return null;
    }
}
