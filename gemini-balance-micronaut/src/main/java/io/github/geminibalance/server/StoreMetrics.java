package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.store.jdbc.JdbcStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;

/**
 * The store's Prometheus series, read from the store at each scrape (nothing on the request path):
 * <ul>
 *   <li>{@code gemini_balance_store_dropped_records_total}: records (and key state writes) dropped since
 *       start because the writer's queue was full or the database failed a batch four times;</li>
 *   <li>{@code gemini_balance_store_backlog}: records and key state writes waiting for the writer;</li>
 *   <li>{@code gemini_balance_store_up}: 1 while the database answered the last write, else 0;</li>
 *   <li>{@code gemini_balance_store_responses_not_stored_total}: responses of {@code POST /v1/responses}
 *       that could not be stored since start.</li>
 * </ul>
 * With {@code DATABASE_TYPE=none} the records go to memory: nothing is dropped, the backlog is 0 and the
 * store is up. Bound when the context starts, only when a meter registry exists.
 */
@Context
@Requires(beans = MeterRegistry.class)
final class StoreMetrics {

    StoreMetrics(MeterRegistry registry, Store store, GeminiBalance gemini) {
        FunctionCounter.builder("gemini.balance.store.responses.not.stored", gemini,
                        GeminiBalance::responsesNotStored)
                .description("Responses of POST /v1/responses that could not be stored (the store failed or was busy)")
                .register(registry);
        FunctionCounter.builder("gemini.balance.store.dropped.records", store, s -> s.sink().droppedRecords())
                .description("Records dropped because the store's queue was full or its database kept failing")
                .register(registry);
        Gauge.builder("gemini.balance.store.backlog", store, s -> s instanceof JdbcStore j ? j.backlog() : 0)
                .description("Records and key state writes waiting for the store's writer")
                .strongReference(true)
                .register(registry);
        Gauge.builder("gemini.balance.store.up", store, s -> s.healthy() ? 1 : 0)
                .description("1 while the store's database answered the last write, else 0")
                .strongReference(true)
                .register(registry);
    }
}
