package io.github.geminibalance.store;

/** A dimension usage aggregates can be grouped by. */
public enum UsageGroup {
    /** The UTC day. */
    DAY,
    /** The model. */
    MODEL,
    /** The key. */
    KEY,
    /** The client label. */
    CLIENT
}
