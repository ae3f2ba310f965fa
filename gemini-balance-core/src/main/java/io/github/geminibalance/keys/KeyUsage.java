package io.github.geminibalance.keys;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * One key's usage today: requests and tokens, counted per quota day (Gemini's daily quotas reset at
 * midnight in {@link KeyPool#QUOTA_ZONE}). Not thread-safe: the pool guards it with its lock.
 */
final class KeyUsage {

    private final ZoneId zone;
    private LocalDate day;
    private Instant dayStarts; // the bounds of {@code day} in the quota zone
    private Instant dayEnds;
    private long requests;
    private long tokens;

    KeyUsage(ZoneId zone) {
        this.zone = zone;
    }

    /** Counts one request at {@code now}. */
    void countRequest(Instant now) {
        roll(now);
        requests++;
    }

    /** Adds tokens spent at {@code now}. */
    void addTokens(long n, Instant now) {
        roll(now);
        tokens += n;
    }

    /** Requests today, as of {@code now}. */
    long requests(Instant now) {
        roll(now);
        return requests;
    }

    /** Tokens today, as of {@code now}. */
    long tokens(Instant now) {
        roll(now);
        return tokens;
    }

    private void roll(Instant now) {
        if (dayEnds != null && now.isBefore(dayEnds) && !now.isBefore(dayStarts)) {
            return; // the same quota day: no time-zone arithmetic on the hot path
        }
        LocalDate today = LocalDate.ofInstant(now, zone);
        dayStarts = today.atStartOfDay(zone).toInstant();
        dayEnds = today.plusDays(1).atStartOfDay(zone).toInstant();
        if (!today.equals(day)) {
            day = today;
            requests = 0;
            tokens = 0;
        }
    }
}
