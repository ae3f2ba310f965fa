package io.github.geminibalance.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.KeyCheckResult;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The admin API under {@code /admin/keys}: the key pool's state, resetting and disabling a key, and an
 * immediate re-validation. {@link AuthFilter} lets only {@code AUTH_TOKEN} in and hides the whole API
 * (404) while it is unset. Keys are identified by their id ({@code k-3f9a1c07}) and shown masked; a raw
 * key never appears in an answer, and an unknown id is not echoed (it might be a key pasted by mistake).
 */
@Controller("/admin/keys")
final class AdminController {

    private final GeminiBalance gemini;

    AdminController(GeminiBalance gemini) {
        this.gemini = gemini;
    }

    /** {@code GET /admin/keys}: every key in rotation order, and the number of keys per state. */
    @Get(produces = MediaType.APPLICATION_JSON)
    MutableHttpResponse<byte[]> keys() {
        List<KeyStatus> status = gemini.keyStatus();
        Map<String, Integer> summary = new LinkedHashMap<>();
        for (KeyState s : KeyState.values()) {
            summary.put(s.name(), 0);
        }
        List<KeyEntry> keys = new ArrayList<>(status.size());
        for (KeyStatus k : status) {
            keys.add(KeyEntry.of(k));
            summary.merge(k.state().name(), 1, Integer::sum);
        }
        return json(new KeyList(keys, summary));
    }

    /** {@code POST /admin/keys/{id}/reset}: back to ACTIVE, no failures, no cooldowns; answers the new entry. */
    @Post(uri = "/{id}/reset", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    MutableHttpResponse<byte[]> reset(@PathVariable String id) {
        return change(id, gemini::resetKey);
    }

    /** {@code POST /admin/keys/{id}/disable}: out of the pool until reset; answers the new entry. */
    @Post(uri = "/{id}/disable", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    MutableHttpResponse<byte[]> disable(@PathVariable String id) {
        return change(id, gemini::disableKey);
    }

    /**
     * {@code POST /admin/keys/check[?all=true]}: re-validates now the keys that need it (invalid ones and
     * ones with failures), or every key with {@code all=true}, and answers each key's result.
     */
    @Post(uri = "/check", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> check(@Nullable @QueryValue("all") String all) {
        boolean every = parseFlag(all);
        return gemini.checkKeys(every).thenApply(results -> {
            List<CheckEntry> out = new ArrayList<>(results.size());
            for (KeyCheckResult r : results) {
                out.add(new CheckEntry(r.id(), r.masked(), r.valid(), r.status(), r.reason()));
            }
            return json(new CheckResults(out));
        });
    }

    private MutableHttpResponse<byte[]> change(String id, Operation operation) {
        if (!operation.apply(id)) {
            return notFound();
        }
        Predicate<KeyStatus> wanted = k -> k.id().equals(id);
        return gemini.keyStatus().stream().filter(wanted).findFirst()
                .map(k -> json(KeyEntry.of(k)))
                .orElseGet(AdminController::notFound);
    }

    private static MutableHttpResponse<byte[]> notFound() {
        return ErrorResponses.of(404, "No key has this id; key ids look like k-3f9a1c07 (see GET /admin/keys).",
                ErrorResponses.INVALID_REQUEST, "id", "key_not_found");
    }

    private static boolean parseFlag(String value) {
        if (value == null || value.isEmpty() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new InvalidRequestException("all", "The query parameter 'all' must be true or false.");
    }

    private static MutableHttpResponse<byte[]> json(Object value) {
        try {
            return HttpResponse.ok(GeminiBalance.jsonWriter().writeValueAsBytes(value))
                    .contentType(MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.CACHE_CONTROL, "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize the admin answer", e); // a bug: 500, logged
        }
    }

    @FunctionalInterface
    private interface Operation {
        boolean apply(String id);
    }

    /** The answer of {@code GET /admin/keys}. */
    record KeyList(List<KeyEntry> keys, Map<String, Integer> summary) {}

    /** One key as the admin API shows it; {@code key} is masked. */
    record KeyEntry(
            String id,
            String key,
            String state,
            Map<String, String> cooldowns,
            @JsonProperty("consecutive_failures") int consecutiveFailures,
            @JsonProperty("in_flight") int inFlight,
            @JsonProperty("last_error") LastError lastError,
            @JsonProperty("requests_today") long requestsToday,
            @JsonProperty("tokens_today") long tokensToday) {

        static KeyEntry of(KeyStatus k) {
            Map<String, String> cooldowns = new TreeMap<>();
            k.restingUntil().forEach((model, until) -> cooldowns.put(model, until.toString()));
            LastError last = k.lastErrorStatus() == 0 && k.lastErrorAt() == null ? null
                    : new LastError(k.lastErrorStatus(), k.lastErrorReason(), iso(k.lastErrorAt()));
            return new KeyEntry(k.id(), k.masked(), k.state().name(), cooldowns, k.consecutiveFailures(),
                    k.inFlight(), last, k.requestsToday(), k.tokensToday());
        }

        private static String iso(Instant at) {
            return at == null ? null : at.toString();
        }
    }

    /** The last error a key met: HTTP status (0 without a response), reason, ISO-8601 time. */
    record LastError(int status, String reason, String at) {}

    /** The answer of {@code POST /admin/keys/check}. */
    record CheckResults(List<CheckEntry> results) {}

    /** One key's check: {@code valid} when Gemini accepted the key (a rate limit counts as valid). */
    record CheckEntry(String id, String key, boolean valid, int status, String reason) {}
}
