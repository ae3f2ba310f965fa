package io.github.geminibalance.keys;

import io.github.geminibalance.store.KeyCounter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * One key's usage today: requests and tokens, counted per quota day (Gemini's daily quotas reset at
 * midnight in {@link KeyPool#QUOTA_ZONE}). It also keeps what was counted since the last {@link #drain},
 * so the pool can write the counts to its store in a few batched additions instead of one per request.
 * Not thread-safe: the pool guards it with its lock.
 */
final class KeyUsage {

    private final ZoneId zone;
    private LocalDate day;
    private Instant dayStarts; // the bounds of {@code day} in the quota zone
    private Instant dayEnds;
    private long requests;
    private long tokens;
    // counted since the last drain, for {@code day}
    private long pendingRequests;
    private long pendingTokens;
    // a previous day's counts not drained before the day ended
    private LocalDate carriedDay;
    private long carriedRequests;
    private long carriedTokens;

    KeyUsage(ZoneId zone) {
        this.zone = zone;
    }

    /** Counts one request at {@code now}. */
    void countRequest(Instant now) {
        roll(now);
        requests++;
        pendingRequests++;
    }

    /** Adds tokens spent at {@code now}. */
    void addTokens(long n, Instant now) {
        roll(now);
        tokens += n;
        pendingTokens += n;
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

    /**
     * Adds counts read back from the store (a restart) when they are today's as of {@code now}; they are
     * not counted again by {@link #drain}.
     */
    void restore(LocalDate counted, long requestCount, long tokenCount, Instant now) {
        roll(now);
        if (counted.equals(day)) {
            requests += requestCount;
            tokens += tokenCount;
        }
    }

    /** Moves what was counted since the last drain into {@code out}, as the key's counters per quota day. */
    void drain(String keyId, List<KeyCounter> out) {
        if (carriedDay != null) {
            out.add(new KeyCounter(keyId, carriedDay, carriedRequests, carriedTokens));
            carriedDay = null;
            carriedRequests = 0;
            carriedTokens = 0;
        }
        if (day != null && (pendingRequests != 0 || pendingTokens != 0)) {
            out.add(new KeyCounter(keyId, day, pendingRequests, pendingTokens));
            pendingRequests = 0;
            pendingTokens = 0;
        }
    }

    private void roll(Instant now) {
        if (dayEnds != null && now.isBefore(dayEnds) && !now.isBefore(dayStarts)) {
            return; // the same quota day: no time-zone arithmetic on the hot path
        }
        LocalDate today = LocalDate.ofInstant(now, zone);
        dayStarts = today.atStartOfDay(zone).toInstant();
        dayEnds = today.plusDays(1).atStartOfDay(zone).toInstant();
        if (!today.equals(day)) {
            if (day != null && (pendingRequests != 0 || pendingTokens != 0)) {
                // the pool drains every few seconds: at most one day is ever carried
                carriedDay = day;
                carriedRequests = pendingRequests;
                carriedTokens = pendingTokens;
            }
            day = today;
            requests = 0;
            tokens = 0;
            pendingRequests = 0;
            pendingTokens = 0;
        }
    }
}
