package io.github.geminibalance.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.KeyAdmin;
import io.github.geminibalance.KeyCheckResult;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The admin API under {@code /admin/keys}: the key pool's state; adding, deleting, restoring, disabling
 * (for a while or until enabled), enabling, resetting and noting keys; an immediate re-validation.
 * {@link AuthFilter} lets only {@code AUTH_TOKEN} in and hides the whole API (404) while it is unset. Keys
 * are identified by their id ({@code k-3f9a1c07}) and shown masked; a raw key never appears in an answer,
 * and an unknown id is not echoed (it might be a key pasted by mistake). Changes are stored before they
 * answer ({@link KeyAdmin}) and never run on the event loop; bodies are read by {@link AdminBodies}.
 */
@Controller("/admin/keys")
final class AdminController {

    private final GeminiBalance gemini;
    private final Clock clock;

    AdminController(GeminiBalance gemini, Clock clock) {
        this.gemini = gemini;
        this.clock = clock;
    }

    /**
     * {@code GET /admin/keys}: every key of the pool in rotation order, and the number of keys per state;
     * {@code ?deleted=true}: the deleted keys instead, most recently deleted first.
     */
    @Get(produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> keys(@Nullable @QueryValue("deleted") String deleted) {
        if (AdminBodies.flag("deleted", deleted)) {
            return gemini.keys().deleted().thenApply(list -> json(new DeletedList(list.stream().map(DeletedEntry::of)
                    .toList())));
        }
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
        return CompletableFuture.completedFuture(json(new KeyList(keys, summary)));
    }

    /** {@code POST /admin/keys}: adds keys ({@code {"keys": [...], "check": false}}); answers what it did with each. */
    @Post(consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> add(@Nullable @Body byte[] body) {
        AdminBodies.AddKeys add = AdminBodies.addKeys(body);
        return gemini.keys().add(add.keys(), add.check()).thenApply(r -> json(AddAnswer.of(r, add.check())));
    }

    /** {@code DELETE /admin/keys/{id}}: deletes a key (it stays deleted across restarts); answers the deleted key. */
    @Delete(uri = "/{id}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> delete(@PathVariable String id) {
        return gemini.keys().delete(id).thenApply(k -> k.map(d -> json(DeletedEntry.of(d)))
                .orElseGet(AdminController::notFound));
    }

    /** {@code POST /admin/keys/delete}: deletes the keys of {@code {"ids": [...]}} or of {@code {"state": "INVALID"}}. */
    @Post(uri = "/delete", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> deleteMany(@Nullable @Body byte[] body) {
        AdminBodies.DeleteKeys delete = AdminBodies.deleteKeys(body);
        CompletableFuture<KeyAdmin.DeleteResult> result = delete.state() != null
                ? gemini.keys().deleteInState(delete.state()) : gemini.keys().delete(delete.ids());
        return result.thenApply(r -> json(new DeleteAnswer(r.deleted(), r.notFound())));
    }

    /** {@code POST /admin/keys/{id}/restore}: undoes a delete; answers the key's entry. */
    @Post(uri = "/{id}/restore", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> restore(@PathVariable String id) {
        return entry(gemini.keys().restore(id));
    }

    /** {@code POST /admin/keys/{id}/reset}: back to ACTIVE, no failures, no cooldowns, not disabled; answers the new entry. */
    @Post(uri = "/{id}/reset", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> reset(@PathVariable String id) {
        return entry(gemini.keys().reset(id));
    }

    /**
     * {@code POST /admin/keys/{id}/disable}: out of the pool until enabled or reset, or, with {@code
     * {"until": "<ISO-8601>"}} or {@code {"hours": N}}, until then; answers the new entry.
     */
    @Post(uri = "/{id}/disable", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> disable(@PathVariable String id, @Nullable @Body byte[] body) {
        Instant until = AdminBodies.disableUntil(body, clock);
        return entry(gemini.keys().disable(id, until));
    }

    /** {@code POST /admin/keys/{id}/enable}: lifts a disable (cooldowns stay); answers the new entry. */
    @Post(uri = "/{id}/enable", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> enable(@PathVariable String id) {
        return entry(gemini.keys().enable(id));
    }

    /**
     * {@code POST /admin/keys/{id}/check}: re-validates one key now with the test call (its state follows the
     * verdict; a disabled key stays disabled); answers its result as an entry of {@code POST /admin/keys/check}.
     */
    @Post(uri = "/{id}/check", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> checkOne(@PathVariable String id) {
        return gemini.keys().check(id).thenApply(r -> r.map(c -> json(CheckEntry.of(c)))
                .orElseGet(AdminController::notFound));
    }

    /** {@code PATCH /admin/keys/{id}}: sets the key's note ({@code {"note": "..."}}, null clears it). */
    @Patch(uri = "/{id}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> update(@PathVariable String id, @Nullable @Body byte[] body) {
        String note = AdminBodies.note(body);
        return entry(gemini.keys().note(id, note));
    }

    /**
     * {@code POST /admin/keys/check[?all=true]}: re-validates now the keys that need it (invalid ones and
     * ones with failures), or every key with {@code all=true}, and answers each key's result.
     */
    @Post(uri = "/check", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> check(@Nullable @QueryValue("all") String all) {
        boolean every = AdminBodies.flag("all", all);
        return gemini.checkKeys(every).thenApply(results -> json(new CheckResults(
                results.stream().map(CheckEntry::of).toList())));
    }

    private static CompletableFuture<MutableHttpResponse<byte[]>> entry(CompletableFuture<Optional<KeyStatus>> change) {
        return change.thenApply(k -> k.map(s -> json(KeyEntry.of(s))).orElseGet(AdminController::notFound));
    }

    private static MutableHttpResponse<byte[]> notFound() {
        return ErrorResponses.of(404, "No key has this id; key ids look like k-3f9a1c07 (see GET /admin/keys).",
                ErrorResponses.INVALID_REQUEST, "id", "key_not_found");
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

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
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
            @JsonProperty("tokens_today") long tokensToday,
            String note,
            @JsonProperty("added_at") String addedAt,
            @JsonProperty("disabled_until") String disabledUntil) {

        static KeyEntry of(KeyStatus k) {
            Map<String, String> cooldowns = new TreeMap<>();
            k.restingUntil().forEach((model, until) -> cooldowns.put(model, until.toString()));
            LastError last = k.lastErrorStatus() == 0 && k.lastErrorAt() == null ? null
                    : new LastError(k.lastErrorStatus(), k.lastErrorReason(), iso(k.lastErrorAt()));
            return new KeyEntry(k.id(), k.masked(), k.state().name(), cooldowns, k.consecutiveFailures(),
                    k.inFlight(), last, k.requestsToday(), k.tokensToday(), k.note(), iso(k.addedAt()),
                    iso(k.disabledUntil()));
        }
    }

    /** The last error a key met: HTTP status (0 without a response), reason, ISO-8601 time. */
    record LastError(int status, String reason, String at) {}

    /** The answer of {@code GET /admin/keys?deleted=true}. */
    record DeletedList(List<DeletedEntry> keys) {}

    /** A deleted key; {@code key} is masked. */
    record DeletedEntry(String id, String key, String note, @JsonProperty("added_at") String addedAt,
            @JsonProperty("deleted_at") String deletedAt) {

        static DeletedEntry of(KeyAdmin.DeletedKey k) {
            return new DeletedEntry(k.id(), k.masked(), k.note(), iso(k.addedAt()), iso(k.deletedAt()));
        }
    }

    /** The answer of {@code POST /admin/keys}; {@code checked} only with {@code "check": true}. */
    record AddAnswer(List<String> added, List<String> existing, List<RejectedEntry> rejected,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<CheckEntry> checked) {

        static AddAnswer of(KeyAdmin.AddResult r, boolean check) {
            return new AddAnswer(r.added(), r.existing(),
                    r.rejected().stream().map(x -> new RejectedEntry(x.index(), x.reason())).toList(),
                    check ? r.checked().stream().map(CheckEntry::of).toList() : null);
        }
    }

    /** An entry {@code POST /admin/keys} refused: its position in {@code keys} and why. */
    record RejectedEntry(int index, String reason) {}

    /** The answer of {@code POST /admin/keys/delete}. */
    record DeleteAnswer(List<String> deleted, @JsonProperty("not_found") List<Integer> notFound) {}

    /** The answer of {@code POST /admin/keys/check}. */
    record CheckResults(List<CheckEntry> results) {}

    /** One key's check: {@code valid} when Gemini accepted the key (a rate limit counts as valid). */
    record CheckEntry(String id, String key, boolean valid, int status, String reason) {

        static CheckEntry of(KeyCheckResult r) {
            return new CheckEntry(r.id(), r.masked(), r.valid(), r.status(), r.reason());
        }
    }
}
