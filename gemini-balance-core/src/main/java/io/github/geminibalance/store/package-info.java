/**
 * Where the pool's durable facts live: the keys and their marks ({@link io.github.geminibalance.store.KeyRepository}),
 * one record per client call and per failed upstream attempt ({@link io.github.geminibalance.store.RecordSink}),
 * and the queries over them ({@link io.github.geminibalance.store.RecordQueries}). {@link io.github.geminibalance.store.Store#inMemory()}
 * is the bounded, memory-only default for embedders; module {@code gemini-balance-store} implements the same
 * interfaces over SQLite, PostgreSQL and MySQL/MariaDB.
 *
 * <p>Times are {@link java.time.Instant}s (stored to the millisecond); usage days are UTC days.
 */
package io.github.geminibalance.store;
