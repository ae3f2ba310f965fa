package io.github.geminibalance.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin routes that read the server's memory, never the database, so the web admin can poll them
 * every few seconds: {@code GET /admin/stats/live} (the header: calls and errors in the last minute, usable
 * keys) and {@code GET /admin/usage/today} (each key's attempts per model today, next to the daily quota
 * it hit before). Shapes in docs/api.md; behind {@code AUTH_TOKEN} like every {@code /admin} route. Keys
 * appear by id and masked.
 */
@Controller("/admin")
final class AdminLiveController {

    private final LiveStats live;
    private final GeminiBalance gemini;
    private final Clock clock;

    AdminLiveController(LiveStats live, GeminiBalance gemini, Clock clock) {
        this.live = live;
        this.gemini = gemini;
        this.clock = clock;
    }

    /** {@code GET /admin/stats/live}: the last minute's counts and the usable keys; cheap, on the event loop. */
    @Get(uri = "/stats/live", produces = MediaType.APPLICATION_JSON)
    MutableHttpResponse<byte[]> live() throws JsonProcessingException {
        LiveStats.Window window = live.window();
        Map<KeyState, Integer> states = gemini.keyStateCounts();
        int total = 0;
        int usable = 0;
        for (Map.Entry<KeyState, Integer> e : states.entrySet()) {
            total += e.getValue();
            if (e.getKey() == KeyState.ACTIVE || e.getKey() == KeyState.COOLING || e.getKey() == KeyState.EXHAUSTED) {
                usable += e.getValue();
            }
        }
        return json(new Live(clock.instant().toString(), LiveStats.WINDOW_SECONDS, window.requests(),
                window.failedRequests(), window.errors(), new Keys(usable, total)));
    }

    /** {@code GET /admin/usage/today}: attempts per key and model today, busiest first, with the quota hit. */
    @Get(uri = "/usage/today", produces = MediaType.APPLICATION_JSON)
    MutableHttpResponse<byte[]> today() throws JsonProcessingException {
        Instant now = clock.instant();
        Map<String, KeyStatus> keys = new HashMap<>();
        for (KeyStatus k : gemini.keyStatus()) {
            keys.put(k.id(), k);
        }
        List<KeyModelCounts.Row> rows = new ArrayList<>(live.keyModels().rows(now));
        rows.sort(Comparator.comparingLong(KeyModelCounts.Row::requests).reversed()
                .thenComparing(KeyModelCounts.Row::keyId).thenComparing(KeyModelCounts.Row::model));
        List<TodayEntry> data = new ArrayList<>(rows.size());
        for (KeyModelCounts.Row r : rows) {
            KeyStatus k = keys.get(r.keyId());
            Instant resting = k == null ? null : k.restingUntil().get(r.model());
            data.add(new TodayEntry(r.keyId(), k == null ? null : k.masked(), r.model(), r.requests(),
                    r.quotaDay() == null ? null : new Quota(r.quotaDay().toString(), r.quotaRequests()),
                    resting == null ? null : resting.toString(), k == null ? null : k.state().name()));
        }
        return json(new Today(KeyModelCounts.quotaDay(now).toString(), GeminiBalance.QUOTA_ZONE.getId(), data));
    }

    private static MutableHttpResponse<byte[]> json(Object body) throws JsonProcessingException {
        return HttpResponse.ok(GeminiBalance.jsonWriter().writeValueAsBytes(body))
                .contentType(MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    /** The answer of {@code GET /admin/stats/live}. */
    record Live(String at, @JsonProperty("window_seconds") int windowSeconds, long requests,
            @JsonProperty("failed_requests") long failedRequests, long errors, Keys keys) {}

    /** Keys that serve (active, cooling or out of quota for some models) and all keys. */
    record Keys(int usable, int total) {}

    /** The answer of {@code GET /admin/usage/today}. */
    record Today(String day, String zone, List<TodayEntry> data) {}

    /** One key and model today. */
    record TodayEntry(@JsonProperty("key_id") String keyId, String key, String model, long requests,
            @JsonProperty("quota_hit") Quota quotaHit, @JsonProperty("resting_until") String restingUntil,
            String state) {}

    /** The last daily quota the key ran out of for the model: the day and the attempts that fitted. */
    record Quota(String day, long requests) {}
}
