package io.github.geminibalance.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;

/**
 * What the conformance suites of every front door share: the facade a case runs on, the fake's answers
 * and the check of what it received, the stream collector, and the canonical JSON text cases are compared
 * in.
 */
final class ConformanceKit {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final long SEED = 20260101L;
    static final String KEY = "AIzaSyCONFORMANCE-key-0000000000000000001";
    static final long WAIT_SECONDS = 20;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConformanceKit() {}

    /**
     * The facade a case runs on: one key, the fake as Gemini, a fixed clock and seed, and what
     * {@code config.json} sets ({@code modelAliases}, {@code thinkingBudgets}, {@code safetySettings},
     * {@code codeExecutionEnabled}, {@code searchModels}).
     */
    static GeminiBalance balance(FakeGemini fake, ConformanceCase c) {
        GeminiBalanceConfig.Builder config = GeminiBalanceConfig.builder()
                .apiKeys(List.of(KEY))
                .baseUrl(fake.baseUrl())
                .streamIdleTimeout(Duration.ofSeconds(10));
        if (c.has("config.json")) {
            JsonNode settings = c.json("config.json");
            for (Iterator<String> it = settings.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                JsonNode value = settings.get(field);
                switch (field) {
                    case "modelAliases" -> config.modelAliases(textMap(value));
                    case "thinkingBudgets" -> {
                        Map<String, Integer> budgets = new LinkedHashMap<>();
                        value.fields().forEachRemaining(e -> budgets.put(e.getKey(), e.getValue().intValue()));
                        config.thinkingBudgets(budgets);
                    }
                    case "safetySettings" -> config.safetySettings(textMap(value));
                    case "codeExecutionEnabled" -> config.codeExecutionEnabled(value.booleanValue());
                    case "searchModels" -> {
                        List<String> models = new ArrayList<>();
                        value.forEach(m -> models.add(m.asText()));
                        config.searchModels(models);
                    }
                    default -> throw new IllegalArgumentException(c.name() + ": unknown config.json field " + field);
                }
            }
        }
        return GeminiBalance.builder(config.build())
                .clock(CLOCK)
                .random(new SplittableRandom(SEED))
                .scheduleKeyChecks(false)
                .build();
    }

    private static Map<String, String> textMap(JsonNode value) {
        Map<String, String> map = new LinkedHashMap<>();
        value.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    /** Has the fake answer the case in one mode: its answer file, or {@code gemini-error.txt} for every call. */
    static void answer(FakeGemini fake, ConformanceCase c, boolean stream) {
        String upstream = c.upstreamModel();
        if (!stream && c.has("gemini-response.json")) {
            fake.generateContent(upstream, null, c.text("gemini-response.json"));
        }
        if (stream && c.has("gemini-stream.sse")) {
            fake.streamGenerateContentRaw(upstream, null, c.text("gemini-stream.sse"));
        }
        if (c.has("gemini-error.txt")) {
            fake.error(upstream, null, GeminiErrorKind.valueOf(c.text("gemini-error.txt").strip()));
        }
    }

    /**
     * What the fake received for the case: nothing when it is rejected before Gemini; else exactly
     * {@code gemini-request.json} (once, or on every retry of an error), compared in {@code canonical} form.
     */
    static void assertGeminiRequests(FakeGemini fake, ConformanceCase c, String method, Canonical canonical) {
        if (c.rejectedBeforeGemini()) {
            assertThat(fake.requestCount()).as(c.name() + ": rejected before calling Gemini").isZero();
            return;
        }
        String upstream = c.upstreamModel();
        List<JsonNode> bodies = fake.requestBodies(upstream, method);
        assertThat(fake.requestCount()).as(c.name() + ": every call went to " + upstream + ":" + method)
                .isEqualTo(bodies.size());
        assertThat(bodies).as(c.name() + ": Gemini was called").isNotEmpty();
        if (!c.has("expected-error.json")) {
            assertThat(bodies).as(c.name() + ": one Gemini call").hasSize(1);
        }
        String expected = canonical.text(c.json("gemini-request.json"));
        for (JsonNode body : bodies) {
            assertThat(canonical.text(body)).as(c.name() + ": the Gemini request").isEqualTo(expected);
        }
    }

    /** The facade's failure, unwrapped from the future's wrappers. */
    static GeminiBalanceException failure(ConformanceCase c, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertThat(cause).as(c.name() + ": the failure").isInstanceOf(GeminiBalanceException.class);
        return (GeminiBalanceException) cause;
    }

    /** What a stream delivered: its items and the error it ended with, if any. */
    record Collected<T>(List<T> items, Throwable error) {}

    /** Reads a stream to its end (at most {@link #WAIT_SECONDS}). */
    static <T> Collected<T> collect(Flow.Publisher<T> stream) throws InterruptedException {
        List<T> items = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        stream.subscribe(new Flow.Subscriber<T>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(T item) {
                items.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                errors.add(throwable);
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the stream ended").isTrue();
        return new Collected<>(List.copyOf(items), errors.isEmpty() ? null : errors.get(0));
    }

    static JsonNode tree(Object value) {
        return Json.mapper().valueToTree(value);
    }

    /**
     * A stable text form for comparison: keys sorted, numbers by value, and text the suite rewrites (the
     * random part of minted ids as {@code {random}}).
     *
     * @param dropTopIds whether the top-level {@code id} and {@code created} are left out
     * @param rewrite a text value's comparable form, given its field name ({@code null} in an array)
     */
    record Canonical(boolean dropTopIds, BinaryOperator<String> rewrite) {

        String text(JsonNode node) {
            try {
                return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(normalise(node, null, true));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private JsonNode normalise(JsonNode node, String field, boolean top) {
            if (node.isObject()) {
                TreeMap<String, JsonNode> sorted = new TreeMap<>();
                node.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
                ObjectNode out = NODES.objectNode();
                for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                    String key = e.getKey();
                    if (!(top && dropTopIds && (key.equals("id") || key.equals("created")))) {
                        out.set(key, normalise(e.getValue(), key, false));
                    }
                }
                return out;
            }
            if (node.isArray()) {
                ArrayNode out = NODES.arrayNode();
                node.forEach(item -> out.add(normalise(item, null, false)));
                return out;
            }
            if (node.isTextual()) {
                return NODES.textNode(rewrite.apply(field, node.asText()));
            }
            if (node.isNumber()) {
                BigDecimal value = node.decimalValue().stripTrailingZeros();
                return value.scale() <= 0 ? NODES.numberNode(value.toBigIntegerExact()) : NODES.numberNode(value);
            }
            return node;
        }
    }
}
