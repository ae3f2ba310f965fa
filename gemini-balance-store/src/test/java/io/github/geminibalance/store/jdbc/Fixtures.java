package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Records for the tests, made deterministically from a seed. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final List<String> MODELS = List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash-lite");
    static final List<String> KEYS = List.of("k-00000001", "k-00000002", "k-00000003", "k-00000004");
    static final List<String> CLIENTS = List.of("alice", "bob", "ci");
    static final int[] STATUSES = {200, 200, 200, 429, 500};

    private Fixtures() {}

    /** {@code n} request records spread over {@code span}, some sharing a millisecond. */
    static List<RequestRecord> requests(int n, Instant from, Duration span, long seed) {
        Random random = new Random(seed);
        List<RequestRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant at = from.plusMillis((span.toMillis() / n) * (i / 3 * 3));
            String key = KEYS.get(random.nextInt(KEYS.size()));
            String model = MODELS.get(random.nextInt(MODELS.size()));
            int status = STATUSES[random.nextInt(STATUSES.length)];
            List<Attempt> attempts = status == 429
                    ? List.of(new Attempt(KEYS.get((KEYS.indexOf(key) + 1) % KEYS.size()), 429), new Attempt(key, 429))
                    : List.of(new Attempt(key, status));
            String client = random.nextInt(5) == 0 ? null : CLIENTS.get(random.nextInt(CLIENTS.size()));
            records.add(new RequestRecord(0, at, "req-" + seed + "-" + i, "openai.chat", "gpt-" + model, model,
                    random.nextBoolean(), client, attempts, status, 100 + random.nextInt(900), 50 + random.nextInt(50),
                    random.nextInt(1000), random.nextInt(500), random.nextInt(200), random.nextInt(100),
                    status == 200 ? "STOP" : null, status == 200 ? null : "upstream_" + status));
        }
        return records;
    }

    /** {@code n} error records spread over {@code span}. */
    static List<ErrorRecord> errors(int n, Instant from, Duration span, long seed) {
        Random random = new Random(seed);
        List<ErrorRecord> records = new ArrayList<>();
        Map<Integer, String> reasons = Map.of(429, "RESOURCE_EXHAUSTED", 400, "API_KEY_INVALID", 500, "INTERNAL");
        int[] statuses = {429, 400, 500};
        for (int i = 0; i < n; i++) {
            int status = statuses[random.nextInt(statuses.length)];
            records.add(new ErrorRecord(0, from.plusMillis((span.toMillis() / n) * i), "req-" + seed + "-" + i,
                    KEYS.get(random.nextInt(KEYS.size())), status, reasons.get(status), "message " + i,
                    MODELS.get(random.nextInt(MODELS.size())), CLIENTS.get(random.nextInt(CLIENTS.size())),
                    "{\"contents\":[" + i + "]}"));
        }
        return records;
    }
}
