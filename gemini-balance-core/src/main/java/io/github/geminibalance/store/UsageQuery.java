package io.github.geminibalance.store;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A usage report: the aggregates of the UTC days {@code from} to {@code to} (both inclusive), summed
 * over the dimensions not in {@code groupBy}. Null filters match everything.
 *
 * @param from the first day
 * @param to the last day
 * @param groupBy the dimensions kept apart; empty for one grand total
 * @param model only this model, or null
 * @param keyId only this key, or null
 * @param client only this client label, or null
 */
public record UsageQuery(LocalDate from, LocalDate to, Set<UsageGroup> groupBy, String model, String keyId,
        String client) {

    /** Checks the range and copies the groups. */
    public UsageQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
        groupBy = groupBy.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(groupBy));
    }

    /** Usage of the days {@code from} to {@code to}, grouped by {@code groups}, unfiltered. */
    public static UsageQuery of(LocalDate from, LocalDate to, UsageGroup... groups) {
        return new UsageQuery(from, to, groups.length == 0 ? Set.of() : EnumSet.of(groups[0], groups), null, null,
                null);
    }

    /** Whether the rows are split by {@code group}. */
    public boolean groups(UsageGroup group) {
        return groupBy.contains(group);
    }
}
