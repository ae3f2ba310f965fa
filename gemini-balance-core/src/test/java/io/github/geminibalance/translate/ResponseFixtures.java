package io.github.geminibalance.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/** Shared helpers for the response-translation tests: parsing, a fixed clock, running a stream. */
final class ResponseFixtures {

    /** 2026-01-01T00:00:00Z, the {@code created} of D13/D14. */
    static final long CREATED = 1767225600L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(CREATED), ZoneOffset.UTC);

    private ResponseFixtures() {}

    static RandomGenerator seeded() {
        return new Random(20260101L);
    }

    static ResponseOptions options(String model) {
        return new ResponseOptions(model, 1, true, false, false);
    }

    static GenerateContentResponse gemini(String json) {
        try {
            return Json.mapper().readValue(json, GenerateContentResponse.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The wire JSON of a value, re-read as a tree (so numbers compare by their textual form). */
    static JsonNode tree(Object value) {
        try {
            return Json.mapper().readTree(Json.mapper().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every chunk a translator emits for the events and the normal end of the stream. */
    static List<ChatCompletionChunk> stream(ResponseOptions options, RandomGenerator random, String... events) {
        ChatStreamTranslator translator = new ChatStreamTranslator(options, CLOCK, random);
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        for (String event : events) {
            chunks.addAll(translator.onEvent(gemini(event)));
        }
        chunks.addAll(translator.onComplete());
        return chunks;
    }

    static ChatCompletion accumulate(List<ChatCompletionChunk> chunks) {
        ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
        chunks.forEach(accumulator::add);
        return accumulator.result();
    }

    /** Only the {@code choices[0]} objects of the chunks, as wire JSON (envelopes checked elsewhere). */
    static JsonNode choicesOf(List<ChatCompletionChunk> chunks) {
        List<Object> choices = new ArrayList<>();
        for (ChatCompletionChunk chunk : chunks) {
            choices.add(chunk.choices().isEmpty() ? "usage" : chunk.choices().get(0));
        }
        return tree(choices);
    }
}
