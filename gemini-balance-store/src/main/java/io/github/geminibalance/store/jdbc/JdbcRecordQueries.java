package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.Cursor;
import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.Page;
import io.github.geminibalance.store.RecordQueries;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.UsageGroup;
import io.github.geminibalance.store.UsageQuery;
import io.github.geminibalance.store.UsageRow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@link RecordQueries} over JDBC. Pages are found by keyset: newest first by {@code (at_ms, id)},
 * the next page strictly below the cursor, so a page costs the same however deep it is. Each filter has
 * an index that starts with its column and ends with {@code (at_ms, id)}. Usage reports that neither
 * group nor filter by key read {@code gb_usage_day}, the others {@code gb_usage}.
 */
final class JdbcRecordQueries implements RecordQueries {

    private static final String REQUEST_COLUMNS = "id, at_ms, request_id, route, model_asked, model_sent, stream,"
            + " client, attempts, status, latency_ms, ttfb_ms, prompt_tokens, completion_tokens, thinking_tokens,"
            + " cached_tokens, finish_reason, error_code";
    private static final String ERROR_COLUMNS = "id, at_ms, request_id, key_id, status, reason, message, model,"
            + " client";

    private final DataSource dataSource;

    JdbcRecordQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Page<RequestRecord> requests(RecordQuery query) {
        List<RequestRecord> rows = Jdbc.run(dataSource, c -> {
            Where where = Where.of(query);
            try (PreparedStatement s = c.prepareStatement("SELECT " + REQUEST_COLUMNS + " FROM gb_request"
                    + where.sql() + " ORDER BY at_ms DESC, id DESC LIMIT " + (query.limit() + 1))) {
                where.bind(s);
                List<RequestRecord> result = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        result.add(request(rs));
                    }
                }
                return result;
            }
        });
        return page(rows, query.limit(), r -> new Cursor(r.at().toEpochMilli(), r.id()));
    }

    @Override
    public Page<ErrorRecord> errors(RecordQuery query) {
        List<ErrorRecord> rows = Jdbc.run(dataSource, c -> {
            Where where = Where.of(query);
            try (PreparedStatement s = c.prepareStatement("SELECT " + ERROR_COLUMNS + " FROM gb_error" + where.sql()
                    + " ORDER BY at_ms DESC, id DESC LIMIT " + (query.limit() + 1))) {
                where.bind(s);
                List<ErrorRecord> result = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        result.add(error(rs, null));
                    }
                }
                return result;
            }
        });
        return page(rows, query.limit(), r -> new Cursor(r.at().toEpochMilli(), r.id()));
    }

    @Override
    public Optional<ErrorRecord> error(long id) {
        return Jdbc.run(dataSource, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + ERROR_COLUMNS + ", request_body FROM gb_error WHERE id = ?")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(error(rs, rs.getString(10))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<UsageRow> usage(UsageQuery query) {
        List<String> groups = new ArrayList<>();
        for (UsageGroup group : UsageGroup.values()) {
            if (query.groups(group)) {
                groups.add(column(group));
            }
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String group : groups) {
            sql.append(group).append(", ");
        }
        // without the key, the per-day table answers: a few rows per day and model, whatever the pool's size
        String table = query.groups(UsageGroup.KEY) || query.keyId() != null ? "gb_usage" : "gb_usage_day";
        sql.append("SUM(requests), SUM(errors), SUM(prompt_tokens), SUM(completion_tokens), SUM(thinking_tokens),"
                + " SUM(cached_tokens), COUNT(*) FROM ").append(table).append(" WHERE day >= ? AND day <= ?");
        List<String> args = new ArrayList<>();
        filter(sql, args, "model", query.model());
        filter(sql, args, "key_id", query.keyId());
        filter(sql, args, "client", query.client());
        if (!groups.isEmpty()) {
            String list = String.join(", ", groups);
            sql.append(" GROUP BY ").append(list).append(" ORDER BY ").append(list);
        }
        return Jdbc.run(dataSource, c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                s.setLong(1, query.from().toEpochDay());
                s.setLong(2, query.to().toEpochDay());
                for (int i = 0; i < args.size(); i++) {
                    s.setString(3 + i, args.get(i));
                }
                List<UsageRow> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        int col = 1;
                        LocalDate day = query.groups(UsageGroup.DAY) ? LocalDate.ofEpochDay(rs.getLong(col++)) : null;
                        String model = query.groups(UsageGroup.MODEL) ? rs.getString(col++) : null;
                        String key = query.groups(UsageGroup.KEY) ? rs.getString(col++) : null;
                        String client = query.groups(UsageGroup.CLIENT) ? rs.getString(col++) : null;
                        if (rs.getLong(col + 6) == 0) {
                            continue;
                        }
                        rows.add(new UsageRow(day, model, key, client, rs.getLong(col), rs.getLong(col + 1),
                                rs.getLong(col + 2), rs.getLong(col + 3), rs.getLong(col + 4), rs.getLong(col + 5)));
                    }
                }
                return rows;
            }
        });
    }

    private static void filter(StringBuilder sql, List<String> args, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    private static String column(UsageGroup group) {
        return switch (group) {
            case DAY -> "day";
            case MODEL -> "model";
            case KEY -> "key_id";
            case CLIENT -> "client";
        };
    }

    private static <T> Page<T> page(List<T> rows, int limit, java.util.function.Function<T, Cursor> position) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> shown = rows.subList(0, limit);
        return new Page<>(shown, position.apply(shown.get(limit - 1)).encode());
    }

    private static RequestRecord request(ResultSet rs) throws SQLException {
        return new RequestRecord(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getInt(7) != 0, Text.orNull(rs.getString(8)),
                Attempt.parseAll(rs.getString(9)), rs.getInt(10), rs.getLong(11), rs.getLong(12), rs.getLong(13),
                rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getString(17), rs.getString(18));
    }

    private static ErrorRecord error(ResultSet rs, String body) throws SQLException {
        return new ErrorRecord(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                Text.orNull(rs.getString(4)), rs.getInt(5), rs.getString(6), rs.getString(7),
                Text.orNull(rs.getString(8)), Text.orNull(rs.getString(9)), body);
    }

    /** The WHERE clause of a record query and its parameters. */
    private record Where(String sql, List<Object> args) {

        static Where of(RecordQuery query) {
            StringBuilder sql = new StringBuilder();
            List<Object> args = new ArrayList<>();
            if (query.from() != null) {
                and(sql, "at_ms >= ?");
                args.add(query.from().toEpochMilli());
            }
            if (query.to() != null) {
                and(sql, "at_ms < ?");
                args.add(query.to().toEpochMilli());
            }
            if (query.model() != null) {
                and(sql, "model = ?");
                args.add(query.model());
            }
            if (query.keyId() != null) {
                and(sql, "key_id = ?");
                args.add(query.keyId());
            }
            if (query.status() != null) {
                and(sql, "status = ?");
                args.add(query.status());
            }
            if (query.client() != null) {
                and(sql, "client = ?");
                args.add(query.client());
            }
            Cursor position = query.position();
            if (position != null) {
                and(sql, "at_ms <= ? AND (at_ms < ? OR id < ?)");
                args.add(position.atMillis());
                args.add(position.atMillis());
                args.add(position.id());
            }
            return new Where(sql.toString(), args);
        }

        private static void and(StringBuilder sql, String condition) {
            sql.append(sql.length() == 0 ? " WHERE " : " AND ").append(condition);
        }

        void bind(PreparedStatement s) throws SQLException {
            for (int i = 0; i < args.size(); i++) {
                Object arg = args.get(i);
                if (arg instanceof Long l) {
                    s.setLong(i + 1, l);
                } else if (arg instanceof Integer n) {
                    s.setInt(i + 1, n);
                } else {
                    s.setString(i + 1, (String) arg);
                }
            }
        }
    }
}
