package io.github.geminibalance.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One case directory of a conformance suite (the files each suite's javadoc lists), shared by the suites of
 * every front door.
 *
 * @param dir the case's directory
 * @param name the directory's name, which names the test
 */
record ConformanceCase(Path dir, String name) {

    /** The names of a suite's cases, sorted: the directories under {@code root} on the test class path. */
    static List<String> names(String root) {
        try (Stream<Path> dirs = Files.list(root(root))) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cases of a suite, in name order. */
    static Stream<ConformanceCase> all(String root) {
        Path dir = root(root);
        return names(root).stream().map(name -> new ConformanceCase(dir.resolve(name), name));
    }

    /** One case of a suite. */
    static ConformanceCase of(String root, String name) {
        return new ConformanceCase(root(root).resolve(name), name);
    }

    private static Path root(String root) {
        URL url = ConformanceCase.class.getResource(root);
        assertThat(url).as("the conformance fixtures directory " + root).isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean has(String file) {
        return Files.isRegularFile(dir.resolve(file));
    }

    /** Whether Gemini answers the case (an answer in either mode, or an error for every call). */
    boolean geminiAnswers() {
        return has("gemini-response.json") || has("gemini-stream.sse") || has("gemini-error.txt");
    }

    /** An error case whose request must never reach Gemini. */
    boolean rejectedBeforeGemini() {
        return has("expected-error.json") && !geminiAnswers();
    }

    String text(String file) {
        try {
            return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode json(String file) {
        try {
            return Json.mapper().readTree(text(file));
        } catch (IOException e) {
            throw new IllegalStateException(name + "/" + file + " is not valid JSON", e);
        }
    }

    List<JsonNode> jsonLines(String file) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text(file).split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(Json.mapper().readTree(line));
                } catch (IOException e) {
                    throw new IllegalStateException(name + "/" + file + ": a line is not valid JSON: " + line, e);
                }
            }
        }
        return lines;
    }

    /** {@code request.json} bound to a front door's request type. */
    <T> T request(Class<T> type) {
        try {
            return Json.mapper().treeToValue(json("request.json"), type);
        } catch (IOException e) {
            throw new IllegalStateException(name + "/request.json does not bind to " + type.getSimpleName(), e);
        }
    }

    /**
     * The Gemini model the fake answers for: {@code config.json}'s alias target, else the request's model,
     * without {@code models/} and our suffixes.
     */
    String upstreamModel() {
        String model = json("request.json").path("model").asText(null);
        if (model != null && has("config.json")) {
            JsonNode alias = json("config.json").path("modelAliases").path(model);
            if (alias.isTextual()) {
                model = alias.asText();
            }
        }
        return upstreamModel(model);
    }

    /** A model without {@code models/} and without our suffixes: what the URL must name. */
    static String upstreamModel(String model) {
        if (model == null || model.isBlank()) {
            return "no-model"; // the request is rejected before any call
        }
        String m = model.strip();
        if (m.startsWith("models/")) {
            m = m.substring("models/".length());
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String suffix : List.of("-search", "-non-thinking")) {
                if (m.endsWith(suffix)) {
                    m = m.substring(0, m.length() - suffix.length());
                    changed = true;
                }
            }
        }
        return m;
    }

    /**
     * Checks that a case of a suite whose Gemini may answer with an error for every call
     * ({@code gemini-error.txt}) is complete: a request, a one-line description, and either an expected
     * error or the Gemini request with its answer (a case with only an event sequence may leave the folded
     * answer out).
     *
     * @param answerFile the front door's answer file
     * @param eventsFile the front door's event-sequence file
     */
    void assertComplete(String answerFile, String eventsFile) {
        assertThat(has("request.json")).as(name + ": request.json").isTrue();
        assertThat(text("case.md").strip()).as(name + ": case.md is one line").doesNotContain("\n").isNotEmpty();
        if (has("expected-error.json")) {
            assertThat(has(answerFile)).as(name + ": an error case has no answer").isFalse();
            assertThat(!geminiAnswers() || has("gemini-request.json"))
                    .as(name + ": an error after a Gemini call states the Gemini request").isTrue();
        } else if (!has(eventsFile) || has("gemini-response.json")) {
            assertThat(geminiAnswers()).as(name + ": a Gemini answer").isTrue();
            assertThat(has("gemini-request.json")).as(name + ": gemini-request.json").isTrue();
            assertThat(has(answerFile)).as(name + ": " + answerFile).isTrue();
        }
        assertCrlfFraming();
    }

    /** Checks the SSE framing of {@code gemini-stream.sse}, if the case has one. */
    void assertCrlfFraming() {
        if (has("gemini-stream.sse")) {
            String sse = text("gemini-stream.sse");
            assertThat(sse).as(name + ": SSE events end in CRLF CRLF").endsWith("\r\n\r\n").startsWith("data: ");
            assertThat(sse.replace("\r\n", "")).as(name + ": no bare LF in CRLF framing").doesNotContain("\n");
        }
    }
}
