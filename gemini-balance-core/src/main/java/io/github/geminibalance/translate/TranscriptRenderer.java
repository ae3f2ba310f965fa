package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.AudioResponse;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A transcript in OpenAI's response formats: {@code json}, {@code text}, {@code srt}, {@code vtt}, {@code verbose_json}. */
final class TranscriptRenderer {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    /** One timed piece of the transcript, in seconds from the start of the audio. */
    record Segment(double start, double end, String text) {}

    /** Timed segments and the spoken language's English name in lower case ("" when Gemini did not say). */
    record Transcript(String language, List<Segment> segments) {
        String text() {
            StringBuilder sb = new StringBuilder();
            for (Segment s : segments) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(s.text());
            }
            return sb.toString();
        }
    }

    private TranscriptRenderer() {}

    /** Whether a format needs timed segments from Gemini. */
    static boolean timed(String format) {
        return format.equals("srt") || format.equals("vtt") || format.equals("verbose_json");
    }

    /** {@code json} ({@code {"text": ..., "usage": ...}}) or {@code text}. */
    static AudioResponse plain(String text, String format, RequestTrace.Tokens tokens) {
        if (format.equals("text")) {
            return new AudioResponse(TEXT, text.getBytes(StandardCharsets.UTF_8));
        }
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("text", text);
        if (tokens != null) {
            ObjectNode usage = root.putObject("usage");
            usage.put("type", "tokens");
            usage.put("input_tokens", tokens.prompt());
            usage.put("output_tokens", tokens.completion());
            usage.put("total_tokens", tokens.total());
        }
        return new AudioResponse(JSON, Json.bytes(root));
    }

    /** {@code srt}, {@code vtt} or {@code verbose_json}. */
    static AudioResponse timed(Transcript t, String format, boolean translate) {
        return switch (format) {
            case "srt" -> new AudioResponse(TEXT, cues(t, false).getBytes(StandardCharsets.UTF_8));
            case "vtt" -> new AudioResponse(TEXT, cues(t, true).getBytes(StandardCharsets.UTF_8));
            default -> new AudioResponse(JSON, Json.bytes(verbose(t, translate)));
        };
    }

    private static String cues(Transcript t, boolean vtt) {
        StringBuilder sb = new StringBuilder(vtt ? "WEBVTT\n\n" : "");
        int n = 0;
        for (Segment s : t.segments()) {
            n++;
            if (!vtt) {
                sb.append(n).append('\n');
            }
            sb.append(time(s.start(), vtt)).append(" --> ").append(time(s.end(), vtt)).append('\n');
            // a blank line would end the cue early
            sb.append(s.text().replaceAll("(\r?\n)+", "\n")).append("\n\n");
        }
        return sb.toString();
    }

    /** {@code 00:01:02,500} (SRT) or {@code 00:01:02.500} (WebVTT). */
    static String time(double seconds, boolean vtt) {
        long ms = Math.round(seconds * 1000);
        return String.format(java.util.Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60,
                ms / 1000 % 60, vtt ? '.' : ',', ms % 1000);
    }

    private static ObjectNode verbose(Transcript t, boolean translate) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("task", translate ? "translate" : "transcribe");
        root.put("language", translate ? "english" : t.language());
        List<Segment> segments = t.segments();
        root.put("duration", segments.isEmpty() ? 0.0 : segments.get(segments.size() - 1).end());
        root.put("text", t.text());
        ArrayNode out = root.putArray("segments");
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            // Whisper's decoding statistics have no Gemini counterpart: neutral values
            out.addObject().put("id", i).put("seek", 0).put("start", s.start()).put("end", s.end())
                    .put("text", s.text()).put("temperature", 0.0).put("avg_logprob", 0.0)
                    .put("compression_ratio", 1.0).put("no_speech_prob", 0.0).putArray("tokens");
        }
        return root;
    }
}
