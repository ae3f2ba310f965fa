package io.github.geminibalance;

/** The state of a key as the admin API and health endpoint show it. */
public enum KeyState {
    /** Usable. */
    ACTIVE,
    /** Rate-limited for at least one model, until a known time. */
    COOLING,
    /** Out of daily quota for at least one model, until midnight Pacific. */
    EXHAUSTED,
    /** Too many consecutive failures: skipped while other keys are usable, probed again later. */
    FAILING,
    /** Rejected by Gemini (invalid or suspended): out of the pool until a re-check passes. */
    INVALID,
    /** Turned off by an admin. */
    DISABLED
}
