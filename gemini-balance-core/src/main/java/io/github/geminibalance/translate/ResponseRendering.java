package io.github.geminibalance.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.gemini.Candidate;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.internal.Json;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Locale;

/**
 * Markdown renderings of the Gemini parts that have no OpenAI equivalent: executed code, its output,
 * generated images and the grounding source list. All of them go into {@code content}.
 */
final class ResponseRendering {

    private static final String OUTCOME_OK = "OUTCOME_OK";

    private ResponseRendering() {}

    /**
     * {@code \n```python\n<code>\n```\n}: the language lowercased, none when unspecified; trailing line
     * breaks of the code are dropped so the block has no empty last line.
     */
    static String executableCode(Part.ExecutableCode code) {
        String language = code.language() == null || code.language().endsWith("_UNSPECIFIED")
                ? ""
                : code.language().toLowerCase(Locale.ROOT);
        return "\n```" + language + "\n" + fenced(code.code()) + "```\n";
    }

    /**
     * {@code \n```output\n<output>\n```\n}, followed by an {@code Outcome: <value>} line when the
     * outcome is not {@code OUTCOME_OK} (failed or timed out runs).
     */
    static String codeExecutionResult(Part.CodeExecutionResult result) {
        String block = "\n```output\n" + fenced(result.output()) + "```\n";
        String outcome = result.outcome();
        if (outcome != null && !OUTCOME_OK.equals(outcome)) {
            block += "Outcome: " + outcome + "\n";
        }
        return block;
    }

    /** An inline image as a markdown image with a data URL. */
    static String inlineImage(Part.Blob blob) {
        return "![image](" + dataUrl(blob) + ")";
    }

    /** An inline blob as a data URL. */
    static String dataUrl(Part.Blob blob) {
        String mime = blob.mimeType() == null || blob.mimeType().isBlank()
                ? "application/octet-stream"
                : blob.mimeType();
        return "data:" + mime + ";base64," + (blob.data() == null ? "" : blob.data());
    }

    /** {@code \n\n**Sources:**\n} then {@code \n- [title](uri)} per source, in order. */
    static String sources(Collection<Candidate.Web> sources) {
        StringBuilder text = new StringBuilder("\n\n**Sources:**\n");
        for (Candidate.Web web : sources) {
            text.append("\n- [").append(escapeLinkText(titleOf(web))).append("](")
                    .append(escapeUrl(web.uri())).append(')');
        }
        return text.toString();
    }

    /** The title shown for a source: Gemini's title (usually the domain), else the URI. */
    static String titleOf(Candidate.Web web) {
        return web.title() == null || web.title().isBlank() ? web.uri() : web.title();
    }

    /** A function call's arguments as a JSON string; {@code "{}"} when Gemini sent none. */
    static String arguments(JsonNode args) {
        if (args == null || args.isNull() || args.isMissingNode()) {
            return "{}";
        }
        try {
            return Json.mapper().writeValueAsString(args);
        } catch (JsonProcessingException e) {
            // a parsed JsonNode always serialises; this is unreachable in practice
            throw new UncheckedIOException(e);
        }
    }

    private static String fenced(String body) {
        if (body == null || body.isEmpty()) {
            return "";
        }
        int end = body.length();
        while (end > 0 && (body.charAt(end - 1) == '\n' || body.charAt(end - 1) == '\r')) {
            end--;
        }
        return body.substring(0, end) + "\n";
    }

    private static String escapeLinkText(String text) {
        return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]");
    }

    private static String escapeUrl(String uri) {
        return uri.replace(" ", "%20").replace("(", "%28").replace(")", "%29");
    }
}
