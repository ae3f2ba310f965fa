package io.github.geminibalance.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.ProxyStatus;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The admin API's view of the way out: {@code GET /admin/proxies} (the {@code PROXIES}, credentials
 * masked, with their health) and {@code GET /admin/vertex-keys} (the Vertex AI express pool, keys masked,
 * shown apart from the Gemini pool of {@code /admin/keys}, read-only: its keys come from {@code
 * VERTEX_API_KEYS} only).
 */
@Controller("/admin")
final class AdminUpstreamController {

    private final GeminiBalance gemini;

    AdminUpstreamController(GeminiBalance gemini) {
        this.gemini = gemini;
    }

    /** {@code GET /admin/proxies}. */
    @Get(uri = "/proxies", produces = MediaType.APPLICATION_JSON)
    MutableHttpResponse<byte[]> proxies() {
        List<ProxyEntry> proxies = gemini.proxyStatus().stream().map(ProxyEntry::of).toList();
        return json(new ProxyList(proxies, gemini.config().upstream().proxyByKey()));
    }

    /** {@code GET /admin/vertex-keys}: the Vertex pool in rotation order, with the number of keys per state. */
    @Get(uri = "/vertex-keys", produces = MediaType.APPLICATION_JSON)
    MutableHttpResponse<byte[]> vertexKeys() {
        List<KeyStatus> status = gemini.vertex().keyStatus();
        Map<String, Integer> summary = new TreeMap<>();
        status.forEach(k -> summary.merge(k.state().name(), 1, Integer::sum));
        return json(new AdminController.KeyList(status.stream().map(AdminController.KeyEntry::of).toList(), summary));
    }

    /** The answer of {@code GET /admin/proxies}. */
    record ProxyList(List<ProxyEntry> proxies, @JsonProperty("consistent_by_key") boolean consistentByKey) {}

    /** One proxy: its masked URL, whether it is tried first, until when it rests, its failures. */
    record ProxyEntry(String url, boolean healthy, @JsonProperty("resting_until") String restingUntil, long failures) {
        static ProxyEntry of(ProxyStatus p) {
            return new ProxyEntry(p.url(), p.healthy(), p.restingUntil() == null ? null : p.restingUntil().toString(),
                    p.failures());
        }
    }

    private static MutableHttpResponse<byte[]> json(Object value) {
        try {
            return HttpResponse.ok(GeminiBalance.jsonWriter().writeValueAsBytes(value))
                    .contentType(MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.CACHE_CONTROL, "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize the admin answer", e);
        }
    }
}
