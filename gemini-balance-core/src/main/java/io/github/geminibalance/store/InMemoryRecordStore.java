package io.github.geminibalance.store;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Records and usage aggregates in memory, bounded: the newest {@code capacity} request records and as
 * many error records, and the usage of the last {@code usageDays} UTC days. Older entries are forgotten,
 * never dropped at the door, so {@link #droppedRecords()} stays 0. Thread-safe.
 */
public final class InMemoryRecordStore implements RecordSink, RecordQueries {

    /** The default number of request (and of error) records kept. */
    public static final int DEFAULT_CAPACITY = 10_000;
    /** The default number of UTC days of usage kept. */
    public static final int DEFAULT_USAGE_DAYS = 35;

    private static final Comparator<UsageRow> ROW_ORDER = Comparator
            .comparing(UsageRow::day, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(UsageRow::model, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(UsageRow::keyId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(UsageRow::client, Comparator.nullsFirst(Comparator.naturalOrder()));

    private final int capacity;
    private final int usageDays;
    private final Deque<RequestRecord> requests = new ArrayDeque<>();
    private final Deque<ErrorRecord> errors = new ArrayDeque<>();
    private final Map<String, UsageRow> usage = new TreeMap<>();
    private long nextId = 1;
    private LocalDate newestDay;

    /**
     * A store keeping {@code capacity} records of each kind and {@code usageDays} days of usage.
     */
    public InMemoryRecordStore(int capacity, int usageDays) {
        if (capacity < 1 || usageDays < 1) {
            throw new IllegalArgumentException("capacity and usageDays must be positive");
        }
        this.capacity = capacity;
        this.usageDays = usageDays;
    }

    @Override
    public synchronized boolean offer(RequestRecord record) {
        RequestRecord stored = record.withId(nextId++);
        requests.addFirst(stored);
        if (requests.size() > capacity) {
            requests.removeLast();
        }
        add(new UsageRow(day(stored.at()), nz(stored.model()), nz(stored.keyId()), nz(stored.client()), 1, 0,
                stored.promptTokens(), stored.completionTokens(), stored.thinkingTokens(), stored.cachedTokens()));
        return true;
    }

    @Override
    public synchronized boolean offer(ErrorRecord record) {
        ErrorRecord stored = record.withId(nextId++);
        errors.addFirst(stored);
        if (errors.size() > capacity) {
            errors.removeLast();
        }
        add(new UsageRow(day(stored.at()), nz(stored.model()), nz(stored.keyId()), nz(stored.client()), 0, 1,
                0, 0, 0, 0));
        return true;
    }

    private void add(UsageRow row) {
        usage.merge(row.day() + "\u0000" + row.model() + "\u0000" + row.keyId() + "\u0000" + row.client(), row,
                UsageRow::plus);
        // old days are forgotten when a new day starts, not on every record (the rows may be many)
        if (newestDay == null || row.day().isAfter(newestDay)) {
            newestDay = row.day();
            LocalDate oldest = row.day().minusDays(usageDays - 1L);
            usage.values().removeIf(r -> r.day().isBefore(oldest));
        }
    }

    @Override
    public long droppedRecords() {
        return 0;
    }

    @Override
    public synchronized Page<RequestRecord> requests(RecordQuery query) {
        return page(requests, query::matches, query.limit(), r -> new Cursor(r.at().toEpochMilli(), r.id()));
    }

    @Override
    public synchronized Page<ErrorRecord> errors(RecordQuery query) {
        Page<ErrorRecord> page = page(errors, query::matches, query.limit(),
                r -> new Cursor(r.at().toEpochMilli(), r.id()));
        return new Page<>(page.items().stream().map(ErrorRecord::withoutBody).toList(), page.nextCursor());
    }

    private static <T> Page<T> page(Deque<T> newestFirst, Predicate<T> filter, int limit,
            java.util.function.Function<T, Cursor> position) {
        List<T> all = new ArrayList<>(newestFirst);
        all.sort(Comparator.comparing(position, Comparator.comparingLong(Cursor::atMillis)
                .thenComparingLong(Cursor::id)).reversed());
        List<T> items = new ArrayList<>();
        Iterator<T> it = all.iterator();
        while (it.hasNext() && items.size() <= limit) {
            T record = it.next();
            if (filter.test(record)) {
                items.add(record);
            }
        }
        if (items.size() <= limit) {
            return new Page<>(items, null);
        }
        List<T> shown = items.subList(0, limit);
        return new Page<>(shown, position.apply(shown.get(limit - 1)).encode());
    }

    @Override
    public synchronized Optional<ErrorRecord> error(long id) {
        return errors.stream().filter(r -> r.id() == id).findFirst();
    }

    @Override
    public synchronized List<UsageRow> usage(UsageQuery query) {
        Map<String, UsageRow> grouped = new TreeMap<>();
        for (UsageRow row : usage.values()) {
            if (row.day().isBefore(query.from()) || row.day().isAfter(query.to())
                    || (query.model() != null && !query.model().equals(row.model()))
                    || (query.keyId() != null && !query.keyId().equals(row.keyId()))
                    || (query.client() != null && !query.client().equals(row.client()))) {
                continue;
            }
            UsageRow projected = new UsageRow(
                    query.groups(UsageGroup.DAY) ? row.day() : null,
                    query.groups(UsageGroup.MODEL) ? row.model() : null,
                    query.groups(UsageGroup.KEY) ? row.keyId() : null,
                    query.groups(UsageGroup.CLIENT) ? row.client() : null,
                    row.requests(), row.errors(), row.promptTokens(), row.completionTokens(),
                    row.thinkingTokens(), row.cachedTokens());
            grouped.merge(projected.day() + "\u0000" + projected.model() + "\u0000" + projected.keyId() + "\u0000"
                    + projected.client(), projected, UsageRow::plus);
        }
        return grouped.values().stream().sorted(ROW_ORDER).toList();
    }

    private static LocalDate day(java.time.Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }
}
