package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.ProxyStatus;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health}, open without a token: 200 {@code UP} while some key can serve, 503 {@code DOWN}
 * when none can, with the pool's state counts. With {@code REDIS_URL} set it also says whether Redis is
 * reachable ({@code "redis":"UP"} or {@code "DOWN"}); losing Redis does not make the server DOWN, since
 * the pool goes on with its local state. {@code "upstream":{"failingModels":N}} counts the models for
 * which Gemini itself is failing (the upstream circuit is open). With {@code PROXIES}, {@code
 * "proxies":{"total":N,"healthy":M}} (the list is in {@code GET /admin/proxies}); with {@code
 * VERTEX_API_KEYS}, {@code "vertexKeys":{"total":N,"usable":M}}. Never shows a key, masked or not.
 */
@Controller
final class HealthController {

    // States in which a key still serves at least some model (cooling and exhaustion are per model).
    private static final EnumSet<KeyState> SERVING = EnumSet.of(KeyState.ACTIVE, KeyState.COOLING, KeyState.EXHAUSTED);

    private final GeminiBalance gemini;
    private final boolean sharedState;

    private final Store store;
    private final boolean database;

    HealthController(GeminiBalance gemini, ServerConfig config, Store store, DatabaseSettings databaseSettings) {
        this.gemini = gemini;
        this.sharedState = config.redisUrl() != null;
        this.store = store;
        this.database = !databaseSettings.inMemory();
    }

    /** The health summary; cheap and non-blocking, so it runs on the event loop. */
    @Get(uri = AuthFilter.HEALTH_PATH, produces = MediaType.APPLICATION_JSON)
    HttpResponse<byte[]> health() throws JsonProcessingException {
        List<KeyStatus> keys = gemini.keyStatus();
        Map<String, Integer> states = new LinkedHashMap<>();
        for (KeyState s : KeyState.values()) {
            states.put(s.name(), 0);
        }
        int usable = 0;
        for (KeyStatus k : keys) {
            states.merge(k.state().name(), 1, Integer::sum);
            if (SERVING.contains(k.state())) {
                usable++;
            }
        }
        boolean up = gemini.hasUsableKey();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("total", keys.size());
        pool.put("usable", usable);
        pool.put("states", states);
        body.put("keys", pool);
        // a count only: the model names come from clients
        body.put("upstream", Map.of("failingModels", gemini.failingUpstreamModels().size()));
        List<ProxyStatus> proxies = gemini.proxyStatus();
        if (!proxies.isEmpty()) {
            // counts only: /health is open, the proxies' addresses are in GET /admin/proxies
            body.put("proxies", Map.of("total", proxies.size(),
                    "healthy", (int) proxies.stream().filter(ProxyStatus::healthy).count()));
        }
        List<KeyStatus> vertex = gemini.vertex().keyStatus();
        if (!vertex.isEmpty()) {
            body.put("vertexKeys", Map.of("total", vertex.size(),
                    "usable", (int) vertex.stream().filter(k -> SERVING.contains(k.state())).count()));
        }
        if (database) {
            // losing the database does not make the server DOWN either: records wait, then are dropped
            body.put("store", store.healthy() ? "UP" : "DOWN");
        }
        if (sharedState) {
            body.put("redis", gemini.keyStateStoreHealthy() ? "UP" : "DOWN");
        }
        return HttpResponse.<byte[]>status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(GeminiBalance.jsonWriter().writeValueAsBytes(body));
    }
}
