package io.github.geminibalance.store;

/** The kinds of durable mark a key can carry. */
public enum MarkKind {
    /** Rejected by Gemini (invalid or suspended key): key-wide, until an operator or a re-check clears it. */
    INVALID,
    /** Out of daily quota for one model, until the quota day ends. */
    EXHAUSTED,
    /** Rate-limited for one model, until a known time. */
    COOLDOWN
}
