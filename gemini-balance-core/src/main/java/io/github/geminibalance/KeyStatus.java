package io.github.geminibalance;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one key for the admin API and health checks. Contains no secret.
 *
 * @param id the stable key id
 * @param masked the masked key
 * @param state the key-wide state (COOLING/EXHAUSTED when any model is resting)
 * @param restingUntil per model: when a cooling or exhausted model becomes usable again
 * @param consecutiveFailures transient failures since the last success
 * @param inFlight requests using the key right now
 * @param lastErrorStatus HTTP status of the last error, or 0
 * @param lastErrorReason reason of the last error, or null
 * @param lastErrorAt time of the last error, or null
 * @param requestsToday attempts made with the key since midnight Pacific
 * @param tokensToday tokens reported for the key since midnight Pacific
 * @param addedAt when the key was first stored (or, without a store, when the pool was built)
 * @param note an operator's note, or null
 * @param disabledUntil while DISABLED: when the key comes back by itself, or null for never (and always
 *     null in other states)
 */
public record KeyStatus(
        String id,
        String masked,
        KeyState state,
        Map<String, Instant> restingUntil,
        int consecutiveFailures,
        int inFlight,
        int lastErrorStatus,
        String lastErrorReason,
        Instant lastErrorAt,
        long requestsToday,
        long tokensToday,
        Instant addedAt,
        String note,
        Instant disabledUntil) {}
