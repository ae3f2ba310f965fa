package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalance;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each key's upstream attempts per model on the current quota day (midnight to midnight in
 * {@link GeminiBalance#QUOTA_ZONE}, when Gemini's daily quotas reset), and, per key and model, the daily quota
 * it last ran out of: how many attempts it had made that day before Gemini answered that the day's quota
 * was used up. In memory, since the server started; the pool's own per-key counters
 * ({@code requests_today}) survive a restart, these per-model ones do not.
 */
final class KeyModelCounts {

    /**
     * One key and model.
     *
     * @param keyId the key's id
     * @param model the Gemini model
     * @param requests attempts today
     * @param quotaDay the last quota day the key ran out of quota for the model, or null
     * @param quotaRequests the attempts it had made that day before it ran out (0 when {@code quotaDay} is null)
     */
    record Row(String keyId, String model, long requests, LocalDate quotaDay, long quotaRequests) {}

    private record Pair(String keyId, String model) {}

    private static final class Counts {
        long requests;
        LocalDate quotaDay;
        long quotaRequests;
    }

    /**
     * The most key and model pairs kept (5,000 keys with 20 models each): model names come from clients,
     * so a client naming a new model in every call must not grow the map without end. Pairs beyond it are
     * not counted until the next quota day.
     */
    static final int MAX_PAIRS = 100_000;

    private final Map<Pair, Counts> counts = new HashMap<>();
    private LocalDate day;
    private Instant dayStarts; // the bounds of {@code day}: no time-zone arithmetic on every attempt
    private Instant dayEnds;

    /** Counts an attempt at {@code at}; {@code exhausted}: Gemini said the day's quota is used up. */
    synchronized void count(String keyId, String model, boolean exhausted, Instant at) {
        if (keyId == null || model == null) {
            return;
        }
        roll(at);
        Pair pair = new Pair(keyId, model);
        Counts c = counts.get(pair);
        if (c == null) {
            if (counts.size() >= MAX_PAIRS) {
                return;
            }
            c = new Counts();
            counts.put(pair, c);
        }
        if (exhausted) {
            if (!day.equals(c.quotaDay)) {
                c.quotaDay = day;
                c.quotaRequests = c.requests; // the attempts that fitted in the quota
            }
        }
        c.requests++;
    }

    /** The quota day of {@code at}. */
    static LocalDate quotaDay(Instant at) {
        return LocalDate.ofInstant(at, GeminiBalance.QUOTA_ZONE);
    }

    /** Every key and model with attempts today or a quota hit, as of {@code now}. */
    synchronized List<Row> rows(Instant now) {
        roll(now);
        List<Row> rows = new ArrayList<>(counts.size());
        counts.forEach((p, c) -> rows.add(new Row(p.keyId(), p.model(), c.requests, c.quotaDay,
                c.quotaDay == null ? 0 : c.quotaRequests)));
        return rows;
    }

    // a new quota day: today's counts start from zero, the quotas hit are kept
    private void roll(Instant at) {
        if (dayEnds != null && at.isBefore(dayEnds) && !at.isBefore(dayStarts)) {
            return;
        }
        LocalDate today = quotaDay(at);
        dayStarts = today.atStartOfDay(GeminiBalance.QUOTA_ZONE).toInstant();
        dayEnds = today.plusDays(1).atStartOfDay(GeminiBalance.QUOTA_ZONE).toInstant();
        if (today.equals(day)) {
            return;
        }
        day = today;
        counts.values().removeIf(c -> c.quotaDay == null);
        counts.values().forEach(c -> c.requests = 0);
    }
}
