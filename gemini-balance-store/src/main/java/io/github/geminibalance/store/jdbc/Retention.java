package io.github.geminibalance.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import io.github.geminibalance.store.SettingsRepository;
import io.github.geminibalance.store.StoredSetting;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily clean-up: deletes request records (and stored responses, which share their retention), error
 * records and usage aggregates older than their retention (0 = keep), key counters older than a week and
 * marks that have ended, and generated images past their expiry. It deletes in statements of at most {@code batch} rows, each its own transaction
 * taken under the store's write lock, so the writer is never kept waiting for long.
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** The default number of rows one statement deletes. */
    public static final int DEFAULT_BATCH = 5_000;
    private static final int COUNTER_DAYS = 7;

    private final DataSource dataSource;
    private final Dialect dialect;
    private final Lock writeLock;
    private final Clock clock;
    private final DatabaseSettings settings;
    private final int batch;
    private final SettingsRepository overrides;

    Retention(DataSource dataSource, Dialect dialect, Lock writeLock, Clock clock, DatabaseSettings settings,
            int batch) {
        this(dataSource, dialect, writeLock, clock, settings, batch, SettingsRepository.none());
    }

    Retention(DataSource dataSource, Dialect dialect, Lock writeLock, Clock clock, DatabaseSettings settings,
            int batch, SettingsRepository overrides) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.writeLock = writeLock;
        this.clock = clock;
        this.settings = settings;
        this.batch = batch;
        this.overrides = overrides;
    }

    /**
     * How many days each kind of record is kept on the next run: the settings' values, or the stored
     * overrides of {@link DatabaseSettings#RETENTION_SETTINGS} (an operator's change at run time, read on
     * every run so that every instance sharing the database follows it). An override that no longer
     * passes the rules is ignored.
     *
     * @param errorLogDays {@code AUTO_DELETE_ERROR_LOGS_DAYS}, 0 = forever
     * @param requestLogDays {@code AUTO_DELETE_REQUEST_LOGS_DAYS}, 0 = forever
     * @param usageDays {@code USAGE_RETENTION_DAYS}, 0 = forever
     */
    public record Days(int errorLogDays, int requestLogDays, int usageDays) {}

    /** The days the next run keeps (see {@link Days}). */
    public Days days() {
        Map<String, StoredSetting> stored;
        try {
            stored = overrides.all();
        } catch (RuntimeException e) {
            LOG.warn("store clean-up: could not read the setting overrides, using the configured retention: {}",
                    Text.oneLine(e.getMessage(), null));
            stored = Map.of();
        }
        return new Days(days(stored, DatabaseSettings.AUTO_DELETE_ERROR_LOGS_DAYS, settings.errorLogDays()),
                days(stored, DatabaseSettings.AUTO_DELETE_REQUEST_LOGS_DAYS, settings.requestLogDays()),
                days(stored, DatabaseSettings.USAGE_RETENTION_DAYS, settings.usageDays()));
    }

    private static int days(Map<String, StoredSetting> stored, String name, int configured) {
        StoredSetting s = stored.get(name);
        if (s == null) {
            return configured;
        }
        try {
            return DatabaseSettings.retentionDays(name, s.value());
        } catch (io.github.geminibalance.config.ConfigException e) {
            LOG.warn("store clean-up: stored override of {} ignored: {}", name, e.getMessage());
            return configured;
        }
    }

    /**
     * What one run deleted.
     *
     * @param requests request records
     * @param errors error records
     * @param usageRows usage aggregate rows
     * @param other key counters and ended marks
     * @param responses stored responses (kept as long as request records)
     * @param images generated images past their expiry
     */
    public record Result(long requests, long errors, long usageRows, long other, long responses, long images) {

        /** A result without images. */
        public Result(long requests, long errors, long usageRows, long other, long responses) {
            this(requests, errors, usageRows, other, responses, 0);
        }

        /** A result without stored responses. */
        public Result(long requests, long errors, long usageRows, long other) {
            this(requests, errors, usageRows, other, 0, 0);
        }
    }

    /** Runs the clean-up now, as of the store's clock. */
    public Result runOnce() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Days days = days();
        long requests = days.requestLogDays() == 0 ? 0
                : deleteAll("gb_request", "at_ms", now.minus(Duration.ofDays(days.requestLogDays())).toEpochMilli());
        long responses = days.requestLogDays() == 0 ? 0
                : deleteAll("gb_response", "created_at",
                        now.minus(Duration.ofDays(days.requestLogDays())).toEpochMilli());
        long errors = days.errorLogDays() == 0 ? 0
                : deleteAll("gb_error", "at_ms", now.minus(Duration.ofDays(days.errorLogDays())).toEpochMilli());
        long usage = days.usageDays() == 0 ? 0
                : deleteAll("gb_usage", "day", today.minusDays(days.usageDays()).toEpochDay())
                        + deleteAll("gb_usage_day", "day", today.minusDays(days.usageDays()).toEpochDay());
        long other = deleteAll("gb_key_counter", "day", today.minusDays(COUNTER_DAYS).toEpochDay())
                + deleteAll("gb_key_mark", "until_at", now.toEpochMilli());
        long images = deleteAll("gb_image", "expires_at", now.toEpochMilli() + 1);
        if (requests + errors + usage + other + responses + images > 0) {
            LOG.info("store clean-up deleted {} request records, {} error records, {} usage rows, {} stored "
                    + "responses, {} expired images, {} other rows", requests, errors, usage, responses, images, other);
        }
        return new Result(requests, errors, usage, other, responses, images);
    }

    private long deleteAll(String table, String column, long below) {
        String sql = dialect.deleteBatch(table, column, batch);
        long total = 0;
        while (true) {
            int deleted = deleteOnce(sql, below);
            total += deleted;
            if (deleted < batch) {
                return total;
            }
        }
    }

    private int deleteOnce(String sql, long below) {
        writeLock.lock();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement s = connection.prepareStatement(sql)) {
            s.setLong(1, below);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new io.github.geminibalance.store.StoreException(
                    "store clean-up failed: " + Text.oneLine(e.getMessage(), null), e);
        } finally {
            writeLock.unlock();
        }
    }
}
