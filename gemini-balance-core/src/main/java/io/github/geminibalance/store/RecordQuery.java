package io.github.geminibalance.store;

import java.time.Instant;

/**
 * A filter over request or error records, newest first. Null filters match everything.
 *
 * @param from the earliest time, inclusive, or null
 * @param to the latest time, exclusive, or null
 * @param model the model ({@link RequestRecord#model()}, {@link ErrorRecord#model()}), or null
 * @param keyId the key (of the last attempt for request records), or null
 * @param status the HTTP status, or null
 * @param client the client label, or null
 * @param limit the page size, 1 to {@value #MAX_LIMIT}
 * @param cursor the {@link Page#nextCursor()} of the previous page, or null for the first page
 */
public record RecordQuery(Instant from, Instant to, String model, String keyId, Integer status, String client,
        int limit, String cursor) {

    /** The largest page. */
    public static final int MAX_LIMIT = 1000;

    /** Checks the limit and the cursor. */
    public RecordQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ": " + limit);
        }
        if (cursor != null) {
            Cursor.parse(cursor);
        }
    }

    /** The newest {@code limit} records, unfiltered. */
    public static RecordQuery latest(int limit) {
        return new RecordQuery(null, null, null, null, null, null, limit, null);
    }

    /** This query between {@code newFrom} (inclusive) and {@code newTo} (exclusive). */
    public RecordQuery between(Instant newFrom, Instant newTo) {
        return new RecordQuery(newFrom, newTo, model, keyId, status, client, limit, cursor);
    }

    /** This query for one model. */
    public RecordQuery model(String newModel) {
        return new RecordQuery(from, to, newModel, keyId, status, client, limit, cursor);
    }

    /** This query for one key. */
    public RecordQuery key(String newKeyId) {
        return new RecordQuery(from, to, model, newKeyId, status, client, limit, cursor);
    }

    /** This query for one status. */
    public RecordQuery status(Integer newStatus) {
        return new RecordQuery(from, to, model, keyId, newStatus, client, limit, cursor);
    }

    /** This query for one client label. */
    public RecordQuery client(String newClient) {
        return new RecordQuery(from, to, model, keyId, status, newClient, limit, cursor);
    }

    /** This query with another page size. */
    public RecordQuery withLimit(int newLimit) {
        return new RecordQuery(from, to, model, keyId, status, client, newLimit, cursor);
    }

    /** The next page of this query. */
    public RecordQuery after(String newCursor) {
        return new RecordQuery(from, to, model, keyId, status, client, limit, newCursor);
    }

    /** The parsed cursor, or null. */
    public Cursor position() {
        return cursor == null ? null : Cursor.parse(cursor);
    }

    /** Whether a request record passes the filters and the cursor. */
    public boolean matches(RequestRecord r) {
        return matches(r.at(), r.id(), r.model(), r.keyId(), r.status(), r.client());
    }

    /** Whether an error record passes the filters and the cursor. */
    public boolean matches(ErrorRecord r) {
        return matches(r.at(), r.id(), r.model(), r.keyId(), r.status(), r.client());
    }

    private boolean matches(Instant at, long id, String recordModel, String recordKey, int recordStatus,
            String recordClient) {
        Cursor position = position();
        return (from == null || !at.isBefore(from))
                && (to == null || at.isBefore(to))
                && (model == null || model.equals(recordModel))
                && (keyId == null || keyId.equals(recordKey))
                && (status == null || status == recordStatus)
                && (client == null || client.equals(recordClient))
                && (position == null || position.admits(at.toEpochMilli(), id));
    }
}
