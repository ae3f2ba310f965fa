package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.gemini.Candidate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Gemini's per-token log probabilities as OpenAI's {@code choices[].logprobs} object:
 * {@code {"content": [{"token", "logprob", "bytes", "top_logprobs": [{"token", "logprob", "bytes"}]}],
 * "refusal": null}}. {@code chosenCandidates[i]} becomes {@code content[i]} and
 * {@code topCandidates[i].candidates} its {@code top_logprobs} ({@code []} when Gemini sent none);
 * {@code bytes} are the token's UTF-8 bytes (0-255), a missing {@code logProbability} is 0 (proto3 JSON
 * omits zeros) and a missing token is {@code ""}. {@code avgLogprobs} has no OpenAI field and is not used.
 */
final class ResponseLogprobs {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResponseLogprobs() {}

    /** The OpenAI logprobs of one candidate (or of one stream event's tokens), or null when there are none. */
    static ObjectNode of(Candidate.LogprobsResult result) {
        if (result == null || result.chosenCandidates() == null || result.chosenCandidates().isEmpty()) {
            return null;
        }
        List<Candidate.TopCandidates> tops = result.topCandidates() == null ? List.of() : result.topCandidates();
        ArrayNode content = NODES.arrayNode();
        List<Candidate.LogprobCandidate> chosen = result.chosenCandidates();
        for (int i = 0; i < chosen.size(); i++) {
            if (chosen.get(i) == null) {
                continue;
            }
            ObjectNode entry = token(chosen.get(i));
            ArrayNode top = entry.putArray("top_logprobs");
            Candidate.TopCandidates step = i < tops.size() ? tops.get(i) : null;
            if (step != null && step.candidates() != null) {
                for (Candidate.LogprobCandidate candidate : step.candidates()) {
                    if (candidate != null) {
                        top.add(token(candidate));
                    }
                }
            }
            content.add(entry);
        }
        if (content.isEmpty()) {
            return null;
        }
        ObjectNode logprobs = NODES.objectNode();
        logprobs.set("content", content);
        logprobs.putNull("refusal");
        return logprobs;
    }

    /**
     * Two logprobs objects as one, as a stream accumulator folds them: array fields ({@code content},
     * {@code refusal}) concatenated in order, other fields from the first that has a non-null value.
     * Null (or a JSON null) on either side yields the other; neither input is modified.
     */
    static JsonNode concat(JsonNode first, JsonNode second) {
        if (first == null || !first.isObject()) {
            return second == null || !second.isObject() ? null : second.deepCopy();
        }
        if (second == null || !second.isObject()) {
            return first.deepCopy();
        }
        ObjectNode out = first.deepCopy();
        for (Map.Entry<String, JsonNode> field : second.properties()) {
            JsonNode mine = out.get(field.getKey());
            JsonNode theirs = field.getValue();
            if (mine != null && mine.isArray() && theirs.isArray()) {
                ((ArrayNode) mine).addAll((ArrayNode) theirs.deepCopy());
            } else if (mine == null || mine.isNull()) {
                out.set(field.getKey(), theirs.deepCopy());
            }
        }
        return out;
    }

    private static ObjectNode token(Candidate.LogprobCandidate candidate) {
        String token = candidate.token() == null ? "" : candidate.token();
        ObjectNode node = NODES.objectNode();
        node.put("token", token);
        node.put("logprob", candidate.logProbability() == null ? 0.0 : candidate.logProbability());
        ArrayNode bytes = node.putArray("bytes");
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xFF);
        }
        return node;
    }
}
