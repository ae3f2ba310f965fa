package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.RequestRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one batch of records and the usage aggregates they add to (per day, model, key and client in
 * {@code gb_usage}, and per day, model and client in {@code gb_usage_day}), on a connection in a
 * transaction the caller commits. Text is cut to its column's width, so one odd record cannot fail a batch.
 */
final class RecordBatch {

    static final String INSERT_REQUEST = "INSERT INTO gb_request (at_ms, request_id, route, model_asked, model_sent,"
            + " model, stream, client, key_id, attempts, status, latency_ms, ttfb_ms, prompt_tokens,"
            + " completion_tokens, thinking_tokens, cached_tokens, finish_reason, error_code)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_ERROR = "INSERT INTO gb_error (at_ms, request_id, key_id, status, reason, message,"
            + " model, client, request_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final List<String> USAGE_KEYS = List.of("day", "model", "key_id", "client");
    private static final List<String> USAGE_DAY_KEYS = List.of("day", "model", "client");
    private static final List<String> USAGE_VALUES = List.of("requests", "errors", "prompt_tokens",
            "completion_tokens", "thinking_tokens", "cached_tokens");

    private final String upsertUsage;
    private final String upsertUsageDay;

    RecordBatch(Dialect dialect) {
        this.upsertUsage = dialect.upsert("gb_usage", USAGE_KEYS, USAGE_VALUES, true);
        this.upsertUsageDay = dialect.upsert("gb_usage_day", USAGE_DAY_KEYS, USAGE_VALUES, true);
    }

    void write(Connection connection, List<Object> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        Map<UsageKey, long[]> usage = new LinkedHashMap<>();
        try (PreparedStatement requests = connection.prepareStatement(INSERT_REQUEST);
                PreparedStatement errors = connection.prepareStatement(INSERT_ERROR)) {
            int requestCount = 0;
            int errorCount = 0;
            for (Object record : batch) {
                if (record instanceof RequestRecord r) {
                    bindRequest(requests, r);
                    requests.addBatch();
                    requestCount++;
                    long[] sums = usage.computeIfAbsent(UsageKey.of(r.at(), r.model(), r.keyId(), r.client()),
                            k -> new long[6]);
                    sums[0]++;
                    sums[2] += r.promptTokens();
                    sums[3] += r.completionTokens();
                    sums[4] += r.thinkingTokens();
                    sums[5] += r.cachedTokens();
                } else if (record instanceof ErrorRecord e) {
                    bindError(errors, e);
                    errors.addBatch();
                    errorCount++;
                    usage.computeIfAbsent(UsageKey.of(e.at(), e.model(), e.keyId(), e.client()), k -> new long[6])[1]++;
                }
            }
            if (requestCount > 0) {
                requests.executeBatch();
            }
            if (errorCount > 0) {
                errors.executeBatch();
            }
        }
        // the same sums without the key, for the reports that do not need it (gb_usage_day, schema 2)
        Map<UsageKey, long[]> byDay = new LinkedHashMap<>();
        try (PreparedStatement upsert = connection.prepareStatement(upsertUsage)) {
            for (Map.Entry<UsageKey, long[]> entry : usage.entrySet()) {
                UsageKey key = entry.getKey();
                upsert.setLong(1, key.day());
                upsert.setString(2, key.model());
                upsert.setString(3, key.keyId());
                upsert.setString(4, key.client());
                long[] sums = entry.getValue();
                for (int i = 0; i < sums.length; i++) {
                    upsert.setLong(5 + i, sums[i]);
                }
                upsert.addBatch();
                long[] day = byDay.computeIfAbsent(new UsageKey(key.day(), key.model(), "", key.client()),
                        k -> new long[6]);
                for (int i = 0; i < sums.length; i++) {
                    day[i] += sums[i];
                }
            }
            upsert.executeBatch();
        }
        try (PreparedStatement upsert = connection.prepareStatement(upsertUsageDay)) {
            for (Map.Entry<UsageKey, long[]> entry : byDay.entrySet()) {
                UsageKey key = entry.getKey();
                upsert.setLong(1, key.day());
                upsert.setString(2, key.model());
                upsert.setString(3, key.client());
                long[] sums = entry.getValue();
                for (int i = 0; i < sums.length; i++) {
                    upsert.setLong(4 + i, sums[i]);
                }
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private static void bindRequest(PreparedStatement s, RequestRecord r) throws SQLException {
        s.setLong(1, r.at().toEpochMilli());
        s.setString(2, Text.cut(r.requestId(), 64));
        s.setString(3, Text.cut(r.route(), 64));
        s.setString(4, Text.cut(r.modelAsked(), 128));
        s.setString(5, Text.cut(r.modelSent(), 128));
        s.setString(6, Text.key(r.model(), 128));
        s.setInt(7, r.stream() ? 1 : 0);
        s.setString(8, Text.key(r.client(), 128));
        s.setString(9, Text.key(r.keyId(), 32));
        s.setString(10, Text.cut(Attempt.formatAll(r.attempts()), 1000));
        s.setInt(11, r.status());
        s.setLong(12, r.latencyMs());
        s.setLong(13, r.ttfbMs());
        s.setLong(14, r.promptTokens());
        s.setLong(15, r.completionTokens());
        s.setLong(16, r.thinkingTokens());
        s.setLong(17, r.cachedTokens());
        s.setString(18, Text.cut(r.finishReason(), 32));
        s.setString(19, Text.cut(r.errorCode(), 64));
    }

    private static void bindError(PreparedStatement s, ErrorRecord e) throws SQLException {
        s.setLong(1, e.at().toEpochMilli());
        s.setString(2, Text.cut(e.requestId(), 64));
        s.setString(3, Text.key(e.keyId(), 32));
        s.setInt(4, e.status());
        s.setString(5, Text.cut(e.reason(), 64));
        s.setString(6, Text.cut(e.message(), 4000));
        s.setString(7, Text.key(e.model(), 128));
        s.setString(8, Text.key(e.client(), 128));
        s.setString(9, e.requestBody());
    }

    /** The usage row a record adds to. */
    private record UsageKey(long day, String model, String keyId, String client) {

        static UsageKey of(Instant at, String model, String keyId, String client) {
            return new UsageKey(LocalDate.ofInstant(at, ZoneOffset.UTC).toEpochDay(), Text.key(model, 128),
                    Text.key(keyId, 32), Text.key(client, 128));
        }
    }
}
