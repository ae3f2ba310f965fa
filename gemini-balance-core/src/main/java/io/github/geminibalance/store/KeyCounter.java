package io.github.geminibalance.store;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One key's counters for one quota day.
 *
 * @param keyId the key's id
 * @param day the quota day the counters belong to (the caller chooses the calendar, such as Pacific time)
 * @param requests attempts made with the key that day
 * @param tokens tokens reported for the key that day
 */
public record KeyCounter(String keyId, LocalDate day, long requests, long tokens) {

    /** Checks the required components. */
    public KeyCounter {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(day, "day");
    }
}
