package io.github.geminibalance.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.store.KeyRepository;
import io.github.geminibalance.store.RecordQueries;
import io.github.geminibalance.store.RecordSink;
import io.github.geminibalance.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} in a database. {@link #open} creates the SQLite file (and its directory) on first
 * start, refuses a file that is corrupted or has a newer schema without touching it, connects, migrates
 * the schema, starts the writer thread and schedules the daily clean-up. Every failure at start is a
 * one-line {@link ConfigException} naming the setting to fix.
 *
 * <p>Records, marks and counters are written asynchronously in batches by one writer thread; key
 * management and queries run on the caller's thread. All writes of one store take one lock, so SQLite
 * sees one writer at a time.
 */
public final class JdbcStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
    private static final Duration RETENTION_EVERY = Duration.ofDays(1);
    private static final Duration RETENTION_FIRST = Duration.ofMinutes(5);
    private static final long MAX_RETRY_PAUSE_MILLIS = 5_000;

    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;
    private final RecordWriter writer;
    private final JdbcKeyRepository keys;
    private final JdbcRecordQueries queries;
    private final JdbcSettingsRepository settingsRepository;
    private final JdbcResponseRepository responses;
    private final JdbcImageRepository images;
    private final JdbcResourceRepository resources;
    private final Clock clock;
    private final Retention retention;
    private final ScheduledExecutorService ownScheduler;
    private final ScheduledFuture<?> cleanUp;

    private JdbcStore(DatabaseSettings settings, HikariDataSource dataSource, Clock clock,
            ScheduledExecutorService scheduler) {
        this.settings = settings;
        this.dataSource = dataSource;
        Dialect dialect = new Dialect(settings.type());
        Lock writeLock = new ReentrantLock();
        this.writer = new RecordWriter(dataSource, dialect, writeLock, clock, settings.queueCapacity(),
                settings.recordRequestBody(), MAX_RETRY_PAUSE_MILLIS);
        this.keys = new JdbcKeyRepository(dataSource, dialect, writeLock, writer, clock);
        this.queries = new JdbcRecordQueries(dataSource);
        this.settingsRepository = new JdbcSettingsRepository(dataSource, dialect, writeLock, clock);
        this.responses = new JdbcResponseRepository(dataSource, dialect, writeLock);
        this.images = new JdbcImageRepository(dataSource, dialect, writeLock);
        this.resources = new JdbcResourceRepository(dataSource, dialect, writeLock);
        this.clock = clock;
        this.retention = new Retention(dataSource, dialect, writeLock, clock, settings, Retention.DEFAULT_BATCH,
                settingsRepository);
        this.ownScheduler = scheduler == null ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gemini-balance-store-cleanup");
            thread.setDaemon(true);
            return thread;
        }) : null;
        ScheduledExecutorService runner = scheduler != null ? scheduler : ownScheduler;
        this.cleanUp = runner.scheduleAtFixedRate(this::cleanUpQuietly, RETENTION_FIRST.toMillis(),
                RETENTION_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        writer.start();
    }

    /**
     * The store the settings name: in memory for {@code DATABASE_TYPE=none}, else {@link #open}.
     *
     * @throws ConfigException when the database cannot be used
     */
    public static Store create(DatabaseSettings settings, Clock clock) {
        return settings.inMemory() ? Store.inMemory(clock) : open(settings, clock, null);
    }

    /**
     * Opens the database of the settings, with its own clean-up thread.
     *
     * @param settings where the database is
     * @param clock the clock that stamps key changes and decides what the clean-up deletes
     * @param scheduler runs the daily clean-up; null for a thread of the store's own
     * @throws ConfigException when the database cannot be used, naming the setting to fix
     * @throws IllegalArgumentException for {@code DATABASE_TYPE=none}
     */
    public static JdbcStore open(DatabaseSettings settings, Clock clock, ScheduledExecutorService scheduler) {
        if (settings.inMemory()) {
            throw new IllegalArgumentException("DATABASE_TYPE=none has no database: use JdbcStore.create");
        }
        if (settings.type() == DatabaseType.SQLITE) {
            Connections.prepareSqlite(settings);
        }
        HikariDataSource dataSource = Connections.pool(settings);
        try {
            Migrations.check(dataSource, settings.type(), settings.urlSetting());
            int applied = Migrations.migrate(dataSource, settings.type(), settings.urlSetting());
            LOG.info("store: {} database ready{}", settings.type().name().toLowerCase(java.util.Locale.ROOT),
                    applied > 0 ? " (" + applied + " schema migrations applied)" : "");
            return new JdbcStore(settings, dataSource, clock, scheduler);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e instanceof ConfigException ? e : Connections.failure(settings, e);
        }
    }

    @Override
    public KeyRepository keys() {
        return keys;
    }

    @Override
    public RecordSink sink() {
        return writer;
    }

    @Override
    public RecordQueries queries() {
        return queries;
    }

    /** The setting overrides, in table {@code gb_setting}. */
    @Override
    public io.github.geminibalance.store.SettingsRepository settingOverrides() {
        return settingsRepository;
    }

    /** The stored responses, in table {@code gb_response}. */
    @Override
    public io.github.geminibalance.store.ResponseRepository responses() {
        return responses;
    }

    /** The generated images served by URL, in table {@code gb_image}. */
    @Override
    public io.github.geminibalance.store.ImageRepository images() {
        return images;
    }

    /**
     * The key-bound resources (uploaded files, cached contents, batches, uploads under way) and their keys, in
     * table {@code gb_resource}; expired ones go in the daily clean-up.
     */
    @Override
    public io.github.geminibalance.store.ResourceRepository resources() {
        return resources;
    }

    /** The daily clean-up, to run it now. */
    public Retention retention() {
        return retention;
    }

    /** The settings the store was opened with. */
    public DatabaseSettings settings() {
        return settings;
    }

    /** The writer thread's Linux id when it runs at the lowest CPU priority, -1 when not, 0 before it starts. */
    long writerThreadId() {
        return writer.nativeThreadId();
    }

    /** Records and changes waiting for the writer: a gauge. */
    public int backlog() {
        return writer.backlog();
    }

    @Override
    public boolean flush(long timeoutMillis) {
        return writer.flush(timeoutMillis);
    }

    @Override
    public boolean healthy() {
        return writer.healthy();
    }

    DataSource dataSource() {
        return dataSource;
    }

    private void cleanUpQuietly() {
        try {
            retention.runOnce();
            resources.deleteExpired(clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("store clean-up failed, will try again tomorrow: {}", Text.oneLine(e.getMessage(), null));
        }
    }

    /** Writes what is queued (up to 5 seconds), stops the writer and the clean-up, closes the pool. */
    @Override
    public void close() {
        cleanUp.cancel(false);
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
        writer.close(5_000);
        dataSource.close();
    }
}
