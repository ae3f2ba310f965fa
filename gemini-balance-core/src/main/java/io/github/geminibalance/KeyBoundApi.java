package io.github.geminibalance;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.config.AnswerSettings;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.store.StoredResource;
import io.github.geminibalance.upstream.GeminiClient;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of Gemini's collections whose members live with the key that made them ({@link Kind#CACHED_CONTENTS},
 * {@link Kind#BATCHES}): a create goes to the key of the files or cached content its body names, else to a
 * pooled key (retried on another if Gemini fails), and the member's name is kept with that key and the
 * client ({@link ResourceKeys}); every later call on the name goes to that key only ({@link RetryLoop#runOn}).
 * Lists come from the store (no one key sees them all). A batch's results file is kept with the batch's key,
 * so it can be read and downloaded through the Files routes.
 */
final class KeyBoundApi {

    /**
     * A collection.
     *
     * @param collection its name in paths and resource names ({@code cachedContents})
     * @param listField the field of Gemini's list answer ({@code cachedContents}, {@code operations})
     * @param what how errors name a member
     * @param operation the listener's operation name
     * @param keep how long a member is kept when Gemini's answer does not say ({@code expireTime})
     * @param creates the create paths: a pattern whose group 1, if any, is the model
     */
    record Kind(String collection, String listField, String what, String operation, Duration keep,
            Pattern creates) {

        /** Context caches: {@code POST cachedContents}, kept until their {@code expireTime}. */
        static final Kind CACHED_CONTENTS = new Kind("cachedContents", "cachedContents", "Cached content",
                "cached_contents", Duration.ofHours(1), Pattern.compile("cachedContents"));
        /**
         * Batches: {@code POST models/{m}:batchGenerateContent} or {@code :asyncBatchEmbedContent}, answered
         * with a long-running operation {@code batches/{id}}; kept 30 days.
         */
        static final Kind BATCHES = new Kind("batches", "operations", "Batch", "batches", Duration.ofDays(30),
                Pattern.compile("models/([^/:]+):(?:batchGenerateContent|asyncBatchEmbedContent)"));
    }

    private static final Pattern RESULTS_FILE = Pattern.compile("files/[a-z0-9][a-z0-9-]{0,62}");
    private static final Map<String, String> JSON_TYPE = Map.of("content-type", "application/json");

    private final Kind kind;
    private final RetryLoop retry;
    private final GeminiClient client;
    private final ResourceKeys resources;
    private final Files files;
    private final GeminiBalanceListener listener;
    private final Supplier<Duration> timeout;
    private final Supplier<Map<String, String>> aliases;
    private final Supplier<AnswerSettings> answers;

    KeyBoundApi(Kind kind, RetryLoop retry, GeminiClient client, ResourceKeys resources, Files files,
            GeminiBalanceListener listener, Supplier<Duration> timeout, Supplier<Map<String, String>> aliases,
            Supplier<AnswerSettings> answers) {
        this.kind = kind;
        this.retry = retry;
        this.client = client;
        this.resources = resources;
        this.files = files;
        this.listener = listener;
        this.timeout = timeout;
        this.aliases = aliases;
        this.answers = answers;
    }

    /** Creates a member ({@code path} relative to {@code v1beta/}), kept with the key that made it. */
    CompletableFuture<ResourceAnswer> create(String path, String query, byte[] body, String owner,
            RequestTrace trace) {
        Matcher m = kind.creates().matcher(path == null ? "" : path);
        if (!m.matches()) {
            return CompletableFuture.failedFuture(new InvalidRequestException(404, null, "not_found",
                    "No such method: " + kind.collection() + " are created with POST " + createPaths() + "."));
        }
        if (parse(body) == null) { // Gemini would refuse it too: no key is spent on it
            return CompletableFuture.failedFuture(notAnObject());
        }
        String requested = m.groupCount() > 0 ? m.group(1) : modelOf(body);
        String model = requested;
        String sentPath = path;
        if (m.groupCount() > 0) { // MODEL_ALIASES apply to a model in the path
            sentPath = NativeAliases.apply(aliases.get(), path, requested);
            Matcher again = kind.creates().matcher(sentPath);
            model = again.matches() ? again.group(1) : requested;
        }
        GeminiBalance.note(trace, requested, false);
        if (model != null) {
            FilteredModels.check(answers.get(), requested, model);
            trace.modelSent(model);
        }
        String poolModel = model == null ? ModelCatalog.POOL_KEY : model;
        String uri = "/" + sentPath + (query == null || query.isEmpty() ? "" : "?" + query);
        RetryLoop.Call<ResourceAnswer> call = Pipeline.traced(trace, retry.policy(), attempt -> client.files(
                attempt.key(), "POST", client.apiUri(uri), JSON_TYPE, body, null, timeout.get())
                .thenCompose(answer -> kept(answer, attempt.key().id(), owner, null)));
        return observe(poolModel, resources.keyFor(body, owner).thenCompose(key -> key.isPresent()
                ? retry.runOn(key.get(), poolModel, call) : retry.run(poolModel, call)));
    }

    /** {@code GET name}: Gemini's object, asked with its key; what is kept of it is brought up to date. */
    CompletableFuture<ResourceAnswer> get(String name, String owner, RequestTrace trace) {
        return on(name, owner, trace, "GET", "", null, false);
    }

    /** {@code PATCH name} (a cache's {@code ttl} or {@code expireTime}), with its key. */
    CompletableFuture<ResourceAnswer> update(String name, String query, byte[] body, String owner,
            RequestTrace trace) {
        if (parse(body) == null) {
            return CompletableFuture.failedFuture(notAnObject());
        }
        return on(name, owner, trace, "PATCH", query == null || query.isEmpty() ? "" : "?" + query, body, false);
    }

    /** {@code POST name:cancel} (a batch), with its key. */
    CompletableFuture<ResourceAnswer> cancel(String name, String owner, RequestTrace trace) {
        return on(name, owner, trace, "POST", ":cancel", new byte[] {'{', '}'}, false);
    }

    /** {@code DELETE name}, with its key; then forgotten. */
    CompletableFuture<ResourceAnswer> delete(String name, String owner, RequestTrace trace) {
        return on(name, owner, trace, "DELETE", "", null, true);
    }

    /** The owner's members (everybody's for {@code null}) from the store, in Gemini's list shape. */
    CompletableFuture<ResourceAnswer> list(String owner, Integer pageSize, String pageToken) {
        return resources.page(kind.collection(), kind.listField(), owner, pageSize, pageToken);
    }

    private CompletableFuture<ResourceAnswer> on(String name, String owner, RequestTrace trace, String method,
            String suffix, byte[] body, boolean forget) {
        if (name == null || !name.startsWith(kind.collection() + "/") || !ResourceKeys.validName(name)) {
            return CompletableFuture.failedFuture(new InvalidRequestException(400, "name", "invalid_argument",
                    "name: a " + kind.what().toLowerCase(java.util.Locale.ROOT) + " name is " + kind.collection()
                            + "/ and 1 to 128 letters, digits, dashes or underscores."));
        }
        GeminiBalance.note(trace, null, false);
        return resources.owned(name, owner, kind.what()).thenCompose(member -> observe(ModelCatalog.POOL_KEY,
                retry.runOn(member.keyId(), ModelCatalog.POOL_KEY, Pipeline.traced(trace, retry.policy(),
                        attempt -> client.files(attempt.key(), method, client.apiUri("/" + name + suffix),
                                body == null ? Map.of() : JSON_TYPE, body, null, timeout.get())
                                .thenCompose(answer -> forget
                                        ? resources.forget(name).thenApply(x -> answer(answer, null))
                                        : kept(answer, member.keyId(), member.owner(), member))
                                .exceptionallyCompose(failure -> resources.forgetIfGone(name, failure))))));
    }

    // Gemini's answer naming a member (created, read, updated): kept with its key before the client hears of it
    private CompletableFuture<ResourceAnswer> kept(GeminiClient.FileExchange answer, String keyId, String owner,
            StoredResource before) {
        JsonNode object = parse(answer.body());
        String name = object == null ? null : object.path("name").asText(null);
        if (name == null || !name.startsWith(kind.collection() + "/") || !ResourceKeys.validName(name)) {
            return CompletableFuture.completedFuture(answer(answer, null)); // cancel's {}, say
        }
        Instant now = resources.clock().instant();
        Instant expires = before == null ? now.plus(kind.keep()) : before.expiresAt();
        if (object.path("expireTime").isTextual()) {
            try {
                expires = Instant.parse(object.path("expireTime").asText());
            } catch (DateTimeParseException ignored) {
                // Gemini's format changed: as before
            }
        }
        StoredResource member = new StoredResource(name, owner == null ? "" : owner, keyId,
                before == null ? now : before.createdAt(), expires, object.toString());
        Set<String> results = new LinkedHashSet<>();
        collectResultsFiles(object, results);
        CompletableFuture<Void> adopted = CompletableFuture.completedFuture(null);
        for (String file : results) {
            adopted = adopted.thenCompose(x -> files.adopt(file, keyId, owner));
        }
        return adopted.thenCompose(x -> resources.save(member)).thenApply(x -> answer(answer, null));
    }

    // a batch's results: {"response": {"responsesFile": "files/..."}} or under metadata.output
    private static void collectResultsFiles(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("responsesFile") && e.getValue().isTextual()
                        && RESULTS_FILE.matcher(e.getValue().asText()).matches()) {
                    out.add(e.getValue().asText());
                } else if (e.getValue().isContainerNode() && !e.getKey().equals("inlinedResponses")) {
                    collectResultsFiles(e.getValue(), out);
                }
            });
        }
    }

    private String createPaths() {
        return kind == Kind.CACHED_CONTENTS ? "v1beta/cachedContents"
                : "v1beta/models/{model}:batchGenerateContent or :asyncBatchEmbedContent";
    }

    // a cache's model ({"model": "models/gemini-..."}), for the pool's per-model key states
    private static String modelOf(byte[] body) {
        JsonNode object = parse(body);
        String model = object == null ? null : object.path("model").asText(null);
        if (model == null || model.isBlank()) {
            return null;
        }
        String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
        return id.matches("[A-Za-z0-9._-]{1,128}") ? id : null;
    }

    private static InvalidRequestException notAnObject() {
        return new InvalidRequestException("body", "The request body is not a JSON object: send Gemini's JSON "
                + "request.");
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = Json.mapper().readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static ResourceAnswer answer(GeminiClient.FileExchange e, String session) {
        return new ResourceAnswer(e.status(), e.contentType() == null ? "application/json" : e.contentType(), Map.of(),
                e.body(), session);
    }

    private <T> CompletableFuture<T> observe(String model, CompletableFuture<T> call) {
        return Calls.observe(listener, kind.operation(), model, call);
    }
}
