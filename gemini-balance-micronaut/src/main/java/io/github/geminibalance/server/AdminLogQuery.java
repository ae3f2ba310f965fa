package io.github.geminibalance.server;

import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.store.Cursor;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.UsageGroup;
import io.github.geminibalance.store.UsageQuery;
import io.micronaut.http.HttpParameters;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the query parameters of {@link AdminLogsController}'s routes into store queries. Every bad
 * parameter, an unknown one included, is a 400 that names it; a value is never echoed (a key pasted
 * by mistake into {@code key} must not come back in an answer or a log).
 *
 * @param records the record query
 */
record AdminLogQuery(RecordQuery records) {

    /** The page size when {@code limit} is not given. */
    static final int DEFAULT_LIMIT = 50;
    /** The largest {@code limit}. */
    static final int MAX_LIMIT = 500;
    /** The days a usage report covers when {@code from} is not given (ending with {@code to}, today by default). */
    static final int DEFAULT_USAGE_DAYS = 30;

    private static final Set<String> RECORD_PARAMETERS = Set.of("from", "to", "model", "key", "status", "client",
            "limit", "cursor");
    private static final Set<String> USAGE_PARAMETERS = Set.of("from", "to", "group", "model", "key", "client");
    private static final Pattern KEY_ID = Pattern.compile("k-[0-9a-f]{8}");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,40}");
    private static final int MAX_TEXT = 128;

    /**
     * A usage report's query and the names of its groups.
     *
     * @param query the store's query
     * @param groups the dimensions grouped by, lower case, in the store's order
     */
    record Usage(UsageQuery query, List<String> groups) {}

    /** The query of {@code GET /admin/logs/requests} and {@code /admin/logs/errors}. */
    static AdminLogQuery records(HttpParameters parameters) {
        known(parameters, RECORD_PARAMETERS);
        Instant from = instant(parameters, "from");
        Instant to = instant(parameters, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidRequestException("to", "The query parameter 'to' must be after 'from'.");
        }
        int limit = DEFAULT_LIMIT;
        String limitText = single(parameters, "limit");
        if (limitText != null) {
            limit = integer(limitText, "limit", 1, MAX_LIMIT,
                    "The query parameter 'limit' must be a whole number from 1 to " + MAX_LIMIT + ".");
        }
        String statusText = single(parameters, "status");
        Integer status = statusText == null ? null : integer(statusText, "status", 100, 599,
                "The query parameter 'status' must be an HTTP status, 100 to 599.");
        String cursor = single(parameters, "cursor");
        if (cursor != null) {
            try {
                Cursor.parse(cursor);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("cursor", "The query parameter 'cursor' is not a cursor of this API: "
                        + "pass the 'next' of the previous page as it is.");
            }
        }
        return new AdminLogQuery(new RecordQuery(from, to, text(parameters, "model"), keyId(parameters),
                status, text(parameters, "client"), limit, cursor));
    }

    /** The query of {@code GET /admin/usage}; without {@code from} and {@code to}, the 30 days up to {@code today}. */
    static Usage usage(HttpParameters parameters, LocalDate today) {
        known(parameters, USAGE_PARAMETERS);
        LocalDate to = day(parameters, "to");
        LocalDate from = day(parameters, "from");
        if (to == null) {
            to = from != null && from.isAfter(today) ? from : today;
        }
        if (from == null) {
            from = to.minusDays(DEFAULT_USAGE_DAYS - 1L);
        }
        if (to.isBefore(from)) {
            throw new InvalidRequestException("to", "The query parameter 'to' must not be before 'from'.");
        }
        Set<UsageGroup> groups = EnumSet.noneOf(UsageGroup.class);
        String group = single(parameters, "group");
        for (String name : (group == null ? "day" : group).split(",", -1)) {
            try {
                groups.add(UsageGroup.valueOf(name.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("group", "The query parameter 'group' must be day, model, key or "
                        + "client (or several, separated by commas).");
            }
        }
        List<String> names = new ArrayList<>();
        for (UsageGroup g : UsageGroup.values()) {
            if (groups.contains(g)) {
                names.add(g.name().toLowerCase(Locale.ROOT));
            }
        }
        return new Usage(new UsageQuery(from, to, groups, text(parameters, "model"), keyId(parameters),
                text(parameters, "client")), List.copyOf(names));
    }

    /** The id of {@code /admin/logs/errors/{id}}. */
    static long id(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidRequestException("id", "An error record's id is a positive whole number (see the 'id' of "
                + "GET /admin/logs/errors).");
    }

    private static void known(HttpParameters parameters, Set<String> allowed) {
        for (String name : parameters.names()) {
            if (!allowed.contains(name)) {
                String shown = PARAMETER_NAME.matcher(name).matches() ? "'" + name + "'" : "of this name";
                throw new InvalidRequestException(PARAMETER_NAME.matcher(name).matches() ? name : null,
                        "Unknown query parameter " + shown + "; this route takes " + String.join(", ",
                                allowed.stream().sorted().toList()) + ".");
            }
        }
    }

    private static String single(HttpParameters parameters, String name) {
        List<String> values = parameters.getAll(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidRequestException(name, "The query parameter '" + name + "' is given more than once.");
        }
        String value = values.get(0).strip();
        if (value.isEmpty()) {
            throw new InvalidRequestException(name, "The query parameter '" + name + "' is empty.");
        }
        return value;
    }

    private static String text(HttpParameters parameters, String name) {
        String value = single(parameters, name);
        if (value != null && value.length() > MAX_TEXT) {
            throw new InvalidRequestException(name, "The query parameter '" + name + "' is longer than " + MAX_TEXT
                    + " characters.");
        }
        return value;
    }

    private static String keyId(HttpParameters parameters) {
        String value = single(parameters, "key");
        if (value != null && !KEY_ID.matcher(value).matches()) {
            throw new InvalidRequestException("key", "The query parameter 'key' must be a key id such as k-3f9a1c07 "
                    + "(see GET /admin/keys), not a key.");
        }
        return value;
    }

    private static int integer(String text, String name, int min, int max, String problem) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidRequestException(name, problem);
    }

    // 2026-06-01T12:00:00Z, 2026-06-01T14:00:00+02:00, or 2026-06-01 (its start, UTC)
    private static Instant instant(HttpParameters parameters, String name) {
        String text = single(parameters, name);
        if (text == null) {
            return null;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            throw new InvalidRequestException(name, "The query parameter '" + name + "' must be an ISO-8601 time "
                    + "such as 2026-06-01T12:00:00Z, or a day such as 2026-06-01.");
        }
    }

    // 2026-06-01, or a time: its UTC day
    private static LocalDate day(HttpParameters parameters, String name) {
        String text = single(parameters, name);
        if (text == null) {
            return null;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text);
            }
            return LocalDate.ofInstant(OffsetDateTime.parse(text).toInstant(), ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new InvalidRequestException(name, "The query parameter '" + name + "' must be a day such as "
                    + "2026-06-01 (or an ISO-8601 time, for its UTC day).");
        }
    }
}
