package io.github.geminibalance.store;

import java.util.List;

/**
 * One page of records, newest first.
 *
 * @param items the records
 * @param nextCursor the cursor of the next page, or null when this is the last page
 * @param <T> the record type
 */
public record Page<T>(List<T> items, String nextCursor) {

    /** Copies the items. */
    public Page {
        items = List.copyOf(items);
    }
}
