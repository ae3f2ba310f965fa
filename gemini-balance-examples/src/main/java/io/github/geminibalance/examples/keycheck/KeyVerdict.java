package io.github.geminibalance.examples.keycheck;

/** What the key checker found out about one key. */
public enum KeyVerdict {
    /** Gemini answered the probe: the key works. */
    VALID,
    /** Gemini rejected the key itself (invalid, expired, suspended, API blocked). */
    INVALID,
    /** The key authenticated but its quota is used up for now (429), per minute or per day. */
    RATE_LIMITED,
    /** Anything else: Gemini failed (5xx), the model is unknown, the network or a timeout. */
    ERROR
}
