package io.github.geminibalance.store;

import java.util.List;
import java.util.Optional;

/** Reads request and error records and usage aggregates. */
public interface RecordQueries {

    /** Request records matching the query, newest first. */
    Page<RequestRecord> requests(RecordQuery query);

    /** Error records matching the query, newest first, without their request bodies. */
    Page<ErrorRecord> errors(RecordQuery query);

    /** One error record with its request body, if still kept. */
    Optional<ErrorRecord> error(long id);

    /**
     * Usage aggregates, ordered by day, model, key and client (the dimensions grouped by).
     */
    List<UsageRow> usage(UsageQuery query);
}
