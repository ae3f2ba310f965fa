package io.github.geminibalance.store;

import java.time.Clock;

/**
 * Everything the pool remembers: its keys, its records and the queries over them. {@link #inMemory()}
 * keeps them in memory (bounded) for embedders; module {@code gemini-balance-store} keeps them in a
 * database.
 */
public interface Store extends AutoCloseable {

    /** The keys and their marks. */
    KeyRepository keys();

    /** Where records are offered. */
    RecordSink sink();

    /** Queries over the records. */
    RecordQueries queries();

    /**
     * The setting overrides an operator made at run time. The default keeps none ({@link
     * SettingsRepository#none()}); the memory store and the database store keep them.
     *
     * @return the overrides
     */
    default SettingsRepository settingOverrides() {
        return SettingsRepository.none();
    }

    /**
     * The stored responses of {@code POST /v1/responses}. The default keeps none ({@link
     * ResponseRepository#none()}); the memory store keeps the newest {@value
     * InMemoryResponseRepository#DEFAULT_CAPACITY}, the database store all of them until the retention of
     * request records.
     *
     * @return the stored responses
     */
    default ResponseRepository responses() {
        return ResponseRepository.none();
    }

    /**
     * The generated images served for {@code response_format: url}. The default keeps none ({@link
     * ImageRepository#none()}); the memory store keeps up to {@link InMemoryImageRepository#DEFAULT_MAX_BYTES},
     * the database store keeps them until they expire.
     *
     * @return the images
     */
    default ImageRepository images() {
        return ImageRepository.none();
    }

    /**
     * The Gemini resources that live with one key (uploaded files, cached contents, batches, upload sessions)
     * and the key and owner of each. The default keeps none ({@link ResourceRepository#none()}: the facade then
     * keeps them in memory); the memory store keeps the newest {@value InMemoryResourceRepository#DEFAULT_CAPACITY},
     * the database store all of them until they expire.
     *
     * @return the key-bound resources
     */
    default ResourceRepository resources() {
        return ResourceRepository.none();
    }

    /**
     * Waits until every record and mark offered before the call is written, at most {@code timeoutMillis};
     * false when they were not all written in time. Immediate for memory stores.
     */
    default boolean flush(long timeoutMillis) {
        return true;
    }

    /** Whether the backing database answered the last write (always true in memory). */
    default boolean healthy() {
        return true;
    }

    /** Writes what is queued (for a short while) and releases the store. */
    @Override
    default void close() {}

    /** A memory store with the default bounds, stamping times from the system clock. */
    static Store inMemory() {
        return inMemory(Clock.systemUTC());
    }

    /** A memory store with the default bounds. */
    static Store inMemory(Clock clock) {
        InMemoryKeyRepository keys = new InMemoryKeyRepository(clock);
        InMemoryRecordStore records = new InMemoryRecordStore(InMemoryRecordStore.DEFAULT_CAPACITY,
                InMemoryRecordStore.DEFAULT_USAGE_DAYS);
        InMemorySettingsRepository settings = new InMemorySettingsRepository(clock);
        InMemoryResponseRepository responses = new InMemoryResponseRepository(
                InMemoryResponseRepository.DEFAULT_CAPACITY);
        InMemoryImageRepository images = new InMemoryImageRepository(InMemoryImageRepository.DEFAULT_MAX_BYTES);
        InMemoryResourceRepository resources = new InMemoryResourceRepository();
        return new Store() {
            @Override
            public KeyRepository keys() {
                return keys;
            }

            @Override
            public RecordSink sink() {
                return records;
            }

            @Override
            public RecordQueries queries() {
                return records;
            }

            @Override
            public SettingsRepository settingOverrides() {
                return settings;
            }

            @Override
            public ResponseRepository responses() {
                return responses;
            }

            @Override
            public ImageRepository images() {
                return images;
            }

            @Override
            public ResourceRepository resources() {
                return resources;
            }
        };
    }
}
