package io.github.geminibalance.store.jdbc;

import java.util.Map;

/** The uploaded files contract on the memory repository. */
class InMemoryResourcesTest extends ResourcesStoreContract {

    @Override
    Map<String, String> newDatabase() {
        return null;
    }
}
