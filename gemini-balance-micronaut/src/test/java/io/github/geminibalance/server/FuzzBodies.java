package io.github.geminibalance.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.internal.Json;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Generates request bodies for {@link FrontDoorFuzzTest}: valid seeds for each front door, mutated
 * by flipping types, dropping and duplicating fields, huge numbers, deep nesting, invalid UTF-8,
 * truncation, random bytes, empty bodies, odd model names (control and path characters) and wrong
 * content types. Everything comes from one {@link Random}, so a seed replays exactly.
 */
final class FuzzBodies {

    static final String MODEL = "gemini-2.5-flash";
    static final String EMBEDDING_MODEL = "gemini-embedding-001";
    /** Models whose upstream fails (503, 500, 429): their mapped errors are part of the mix. */
    static final List<String> FAILING_MODELS = List.of("gemini-busy", "gemini-broken", "gemini-limited");

    /** A front door: a route, and the error shape it answers in. */
    enum Door {
        CHAT("/v1/chat/completions", false),
        CHAT_STREAM("/v1/chat/completions", false),
        EMBEDDINGS("/v1/embeddings", false),
        RESPONSES("/v1/responses", false),
        RESPONSES_STREAM("/v1/responses", false),
        GENERATE("generateContent", true),
        STREAM_GENERATE("streamGenerateContent?alt=sse", true),
        COUNT_TOKENS("countTokens", true),
        EMBED_CONTENT("embedContent", true),
        MESSAGES("/v1/messages", false),
        MESSAGES_STREAM("/v1/messages", false),
        VERTEX_GENERATE("generateContent", true, "/vertex-express/v1beta"),
        VERTEX_STREAM_GENERATE("streamGenerateContent?alt=sse", true, "/vertex-express/v1beta"),
        SPEECH("/v1/audio/speech", false),
        /** Speech as server-sent events ({@code stream_format: "sse"}). */
        SPEECH_STREAM("/v1/audio/speech", false),
        /** Transcriptions and translations: the seed's members become the fields of a multipart form. */
        TRANSCRIPTION("/v1/audio/transcriptions", false),
        IMAGES("/v1/images/generations", false),
        /** Sent as multipart/form-data: each top-level member a field, plus an image file. */
        IMAGE_EDITS("/v1/images/edits", false),
        // the Files API's upload endpoint: a one-request upload (streamed upstream) and an unknown session
        FILE_UPLOAD("/upload/v1beta/files?uploadType=multipart", true),
        FILE_UPLOAD_CHUNK("/upload/v1beta/files?upload_id=fuzz-unknown-session", true),
        // resources that live with one key: a context cache's create and a batch's create
        CACHE_CREATE("/v1beta/cachedContents", true),
        BATCH_CREATE("batchGenerateContent", true);

        final String route;
        final boolean gemini;
        /** Where a native door's {@code models/...} path starts. */
        final String prefix;

        Door(String route, boolean gemini) {
            this(route, gemini, "/v1beta");
        }

        Door(String route, boolean gemini, String prefix) {
            this.route = route;
            this.gemini = gemini;
            this.prefix = prefix;
        }

        /** Whether a 200 answer is a server-sent event stream. */
        boolean streams() {
            return this == CHAT_STREAM || this == STREAM_GENERATE || this == MESSAGES_STREAM || this == RESPONSES_STREAM
                    || this == VERTEX_STREAM_GENERATE || this == SPEECH_STREAM;
        }

        /** Whether this is the OpenAI Responses door (typed events, no {@code [DONE]}). */
        boolean responses() {
            return this == RESPONSES || this == RESPONSES_STREAM;
        }

        /** Whether errors come in Anthropic's shape ({@code {"type":"error","error":{"type","message"}}}). */
        boolean anthropic() {
            return this == MESSAGES || this == MESSAGES_STREAM;
        }
    }

    /** One request: the door, its path, content type (null: none) and body. */
    record Case(Door door, String path, String contentType, byte[] body, String what) {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> ODD_MODELS = List.of("", " ", "gemini-2.5-flash\u0000", "../../etc/passwd",
            "models/../files", "a/b", "a:b", "a?b=c", "a#b", "a%2Fb", "x\r\nX-Injected: 1", "gemini-2.5-flash\t",
            "\u6a21\u578b", "gemini-2.5-flash:streamGenerateContent", "..", ".", "models/", "\u0007\u001b[31m",
            "gemini-2.5-flash?key=AIza", "%00", "\\u0000", "x".repeat(3000), "gemini-\ud83d\ude00");
    private static final List<String> ODD_TYPES = List.of("text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz", "application/json; charset=utf-16", "application/xml",
            "*/*", "application/octet-stream", "text/event-stream", "application/json; charset=bogus");
    private static final List<String> FIELD_NAMES = List.of("model", "messages", "role", "content", "stream",
            "tools", "input", "contents", "parts", "text", "arguments", "function", "tool_calls", "n",
            "max_tokens", "temperature", "generationConfig", "dimensions", "encoding_format", "type", "image_url");

    private final Random random;

    FuzzBodies(long seed) {
        this.random = new Random(seed);
    }

    /** A valid body for a door (one of a few shapes), with its model. */
    ObjectNode seed(Door door) {
        String model = random.nextInt(10) == 0 ? pick(FAILING_MODELS) : MODEL;
        return switch (door) {
            case CHAT, CHAT_STREAM -> chat(model, door == Door.CHAT_STREAM);
            case RESPONSES, RESPONSES_STREAM -> responses(model, door == Door.RESPONSES_STREAM);
            case EMBEDDINGS -> parse("{\"model\":\"" + EMBEDDING_MODEL + "\",\"input\":"
                    + pick(List.of("\"hello\"", "[\"x\"]")) + pick(List.of("", ",\"dimensions\":4",
                    ",\"encoding_format\":\"base64\"", ",\"encoding_format\":\"float\"")) + "}");
            case GENERATE, STREAM_GENERATE, COUNT_TOKENS, VERTEX_GENERATE, VERTEX_STREAM_GENERATE -> parse("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]"
                    + pick(List.of("", ",\"generationConfig\":{\"temperature\":0.5,\"maxOutputTokens\":10}",
                    ",\"systemInstruction\":{\"parts\":[{\"text\":\"be brief\"}]}",
                    ",\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\",\"parameters\":{\"type\":\"OBJECT\"}}]}]")) + "}");
            case MESSAGES, MESSAGES_STREAM -> messages(model, door == Door.MESSAGES_STREAM);
            case SPEECH, SPEECH_STREAM -> parse("{\"model\":\"" + pick(List.of("tts-1", "gpt-4o-mini-tts", "gemini-2.5-flash-preview-tts"))
                    + "\",\"input\":\"hello\",\"voice\":\"" + pick(List.of("alloy", "Kore", "verse")) + "\""
                    + pick(List.of("", ",\"speed\":1.5", ",\"response_format\":\"pcm\"", ",\"instructions\":\"calm\""))
                    + (door == Door.SPEECH_STREAM ? ",\"stream_format\":\"sse\"" : "") + "}");
            case TRANSCRIPTION -> parse("{\"model\":\"" + pick(List.of("whisper-1", "gpt-4o-transcribe", MODEL))
                    + "\",\"response_format\":\"" + pick(List.of("json", "text", "srt", "vtt", "verbose_json")) + "\""
                    + pick(List.of("", ",\"language\":\"en\"", ",\"prompt\":\"names\"", ",\"temperature\":\"0.3\""))
                    + ",\"file\":\"" + pick(List.of("hello.wav", "a.mp3", "x.bin", "")) + "\"}");
            case IMAGES -> parse("{\"prompt\":\"a lighthouse\",\"model\":\""
                    + pick(List.of("imagen-4.0-generate-001", "gemini-2.5-flash-image")) + "\""
                    + pick(List.of("", ",\"n\":2", ",\"size\":\"1792x1024\"", ",\"response_format\":\"url\"",
                    ",\"aspect_ratio\":\"16:9\",\"image_size\":\"2K\"", ",\"quality\":\"hd\",\"style\":\"vivid\"")) + "}");
            case IMAGE_EDITS -> parse("{\"prompt\":\"make it blue\",\"model\":\"gemini-2.5-flash-image\""
                    + pick(List.of("", ",\"n\":\"2\"", ",\"size\":\"1024x1024\"", ",\"response_format\":\"url\"",
                    ",\"mask\":\"x\"")) + "}");
            case FILE_UPLOAD, FILE_UPLOAD_CHUNK -> parse("{\"file\":{\"display_name\":\"fuzz\""
                    + pick(List.of("", ",\"mimeType\":\"text/plain\"")) + "}}");
            case CACHE_CREATE -> parse("{\"model\":\"models/" + MODEL + "\",\"contents\":[{\"role\":\"user\","
                    + "\"parts\":[{\"text\":\"a long shared preamble\"}]}]" + pick(List.of("", ",\"ttl\":\"300s\"",
                    ",\"displayName\":\"fuzz\"", ",\"systemInstruction\":{\"parts\":[{\"text\":\"be brief\"}]}",
                    ",\"contents\":[{\"parts\":[{\"fileData\":{\"fileUri\":\"https://generativelanguage.googleapis.com"
                            + "/v1beta/files/fuzz-unknown\",\"mimeType\":\"text/plain\"}}]}]")) + "}");
            case BATCH_CREATE -> parse("{\"batch\":{\"displayName\":\"fuzz\",\"inputConfig\":" + pick(List.of(
                    "{\"requests\":{\"requests\":[{\"request\":{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]},"
                            + "\"metadata\":{\"key\":\"1\"}}]}}",
                    "{\"fileName\":\"files/fuzz-unknown\"}")) + "}}");
            case EMBED_CONTENT -> parse("{\"content\":{\"parts\":[{\"text\":\"hello\"}]}"
                    + pick(List.of("", ",\"outputDimensionality\":3", ",\"taskType\":\"RETRIEVAL_QUERY\"")) + "}");
        };
    }

    private ObjectNode chat(String model, boolean stream) {
        String messages = pick(List.of(
                "[{\"role\":\"user\",\"content\":\"hi\"}]",
                "[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]",
                "[{\"role\":\"user\",\"content\":\"call f\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"42\"}]",
                "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":"
                        + "\"data:image/png;base64,iVBORw0KGgo=\"}},{\"type\":\"text\",\"text\":\"what?\"}]}]"));
        String extras = pick(List.of("", ",\"temperature\":0.7,\"max_tokens\":20", ",\"n\":2,\"stop\":[\"x\"]",
                ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],\"tool_choice\":\"auto\"",
                ",\"response_format\":{\"type\":\"json_object\"}", ",\"reasoning_effort\":\"low\"",
                ",\"stream_options\":{\"include_usage\":true}"));
        return parse("{\"model\":\"" + model + "\",\"messages\":" + messages + extras
                + (stream ? ",\"stream\":true" : "") + "}");
    }

    private ObjectNode responses(String model, boolean stream) {
        String input = pick(List.of("\"hi\"",
                "[{\"role\":\"developer\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]",
                "[{\"role\":\"user\",\"content\":\"call f\"},{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":\"f\","
                        + "\"arguments\":\"{\\\"a\\\":1}\"},{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"42\"}]",
                "[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":"
                        + "\"data:image/png;base64,iVBORw0KGgo=\"},{\"type\":\"input_text\",\"text\":\"what?\"}]}]"));
        String extras = pick(List.of("", ",\"temperature\":0.7,\"max_output_tokens\":20", ",\"instructions\":\"be brief\"",
                ",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}],\"tool_choice\":\"auto\"",
                ",\"text\":{\"format\":{\"type\":\"json_object\"}}", ",\"reasoning\":{\"effort\":\"low\",\"summary\":\"auto\"}",
                ",\"tools\":[{\"type\":\"web_search_preview\"}]"));
        return parse("{\"model\":\"" + model + "\",\"input\":" + input + extras
                + (stream ? ",\"stream\":true" : "") + "}");
    }

    private ObjectNode messages(String model, boolean stream) {
        String messages = pick(List.of(
                "[{\"role\":\"user\",\"content\":\"hi\"}]",
                "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]",
                "[{\"role\":\"user\",\"content\":\"call f\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\","
                        + "\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{\"a\":1}}]},{\"role\":\"user\",\"content\":["
                        + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"42\"}]}]",
                "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\","
                        + "\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}},{\"type\":\"text\",\"text\":\"what?\"}]}]"));
        String extras = pick(List.of("", ",\"system\":\"be brief\",\"temperature\":0.7",
                ",\"stop_sequences\":[\"x\"],\"top_k\":3",
                ",\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}],\"tool_choice\":{\"type\":\"auto\"}",
                ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}",
                ",\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]"));
        return parse("{\"model\":\"" + model + "\",\"max_tokens\":2048,\"messages\":" + messages + extras
                + (stream ? ",\"stream\":true" : "") + "}");
    }

    /** A case for a door built from {@code body}, mutated with the given probability. */
    Case mutate(Door door, ObjectNode body, int mutationPercent) {
        boolean mutated = random.nextInt(100) < mutationPercent;
        String model = MODEL;
        StringBuilder what = new StringBuilder(door.name());
        JsonNode tree = body.deepCopy();
        if (mutated) {
            int treeMutations = random.nextInt(3);
            for (int i = 0; i < treeMutations; i++) {
                tree = mutateTree(tree, what);
            }
        }
        if (door.gemini && random.nextInt(12) == 0) {
            model = pick(ODD_MODELS);
            what.append(" odd-path-model");
        } else if (door.gemini && random.nextInt(10) == 0) {
            model = pick(FAILING_MODELS);
        }
        byte[] bytes;
        try {
            bytes = door == Door.TRANSCRIPTION ? form(tree) : toBytes(tree);
        } catch (IllegalStateException tooDeepToWrite) { // two deep mutations nested: send the seed
            bytes = door == Door.TRANSCRIPTION ? form(body) : toBytes(body);
        }
        String contentType = door == Door.TRANSCRIPTION ? "multipart/form-data; boundary=" + BOUNDARY : "application/json";
        if (door == Door.IMAGE_EDITS) {
            bytes = multipart(tree);
            contentType = "multipart/form-data; boundary=" + BOUNDARY;
        }
        if (mutated && random.nextInt(2) == 0) {
            bytes = mutateBytes(bytes, what);
        }
        if (random.nextInt(12) == 0) {
            contentType = random.nextInt(4) == 0 ? null : pick(ODD_TYPES);
            what.append(" content-type=").append(contentType);
        }
        String path = door.gemini && door.route.startsWith("/") ? door.route
                : door.gemini ? door.prefix + "/models/" + encode(model) + ":" + door.route
                : door == Door.TRANSCRIPTION && random.nextBoolean() ? "/v1/audio/translations" : door.route;
        return new Case(door, path, contentType, bytes, what.toString());
    }

    private static final String BOUNDARY = "fuzz-boundary-7MA4YWxkTrZu0gW";

    /**
     * A multipart form of a tree's members: each a text field (JSON text for non-strings), except
     * {@code file}, whose string is the file name of a small WAV upload (or noise, for a name not ending .wav).
     */
    private byte[] form(JsonNode tree) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (tree instanceof ObjectNode o) {
            o.fields().forEachRemaining(e -> {
                String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"";
                if (e.getKey().equals("file")) {
                    String name = e.getValue().asText();
                    out.writeBytes((head + "; filename=\"" + name + "\"\r\nContent-Type: "
                            + (name.endsWith(".wav") ? "audio/wav" : "application/octet-stream") + "\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                    byte[] audio = name.endsWith(".wav") ? WAV : new byte[random.nextInt(64)];
                    if (!name.endsWith(".wav")) {
                        random.nextBytes(audio);
                    }
                    out.writeBytes(audio);
                } else {
                    out.writeBytes((head + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                    out.writeBytes((e.getValue().isTextual() ? e.getValue().asText() : toString(e.getValue()))
                            .getBytes(StandardCharsets.UTF_8));
                }
                out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            });
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    // a WAV header and 16 silent samples
    private static final byte[] WAV = wav();

    private static byte[] wav() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 32).put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(16_000).putInt(32_000).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(32);
        return b.array();
    }

    /** A form of the tree's top-level members (text, or JSON for the others) and a small PNG file. */
    private byte[] multipart(JsonNode tree) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.util.function.Consumer<String> text = t -> out.writeBytes(t.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (tree.isObject()) {
            tree.fields().forEachRemaining(e -> {
                text.accept("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n");
                String value;
                try {
                    value = e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString();
                } catch (RuntimeException tooDeepToWrite) {
                    value = "[[[";
                }
                text.accept(value);
                text.accept("\r\n");
            });
        }
        int files = random.nextInt(4);
        for (int i = 0; i < files; i++) {
            text.accept("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image[]\"; filename=\"a.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n");
            out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
            text.accept("\r\n");
        }
        text.accept("--" + BOUNDARY + "--\r\n");
        return out.toByteArray();
    }

    private JsonNode mutateTree(JsonNode root, StringBuilder what) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        switch (random.nextInt(7)) {
            case 0 -> { // flip the type of a member or element
                what.append(" flip");
                replaceChild(target, randomValue(2));
            }
            case 1 -> { // drop a member or element
                what.append(" drop");
                if (target instanceof ObjectNode o && o.size() > 0) {
                    o.remove(nth(o.fieldNames(), random.nextInt(o.size())));
                } else if (target instanceof ArrayNode a && a.size() > 0) {
                    a.remove(random.nextInt(a.size()));
                }
            }
            case 2 -> { // a huge or odd number
                what.append(" number");
                replaceChild(target, NODES.numberNode(new java.math.BigDecimal(pick(List.of("1e400", "-1e400",
                        "99999999999999999999999999999", "-0", "1.7976931348623157E309", "0.0000000000000000000001",
                        "2147483648", "-9223372036854775809", "1" + "0".repeat(900))))));
            }
            case 3 -> { // deep nesting
                what.append(" deep");
                JsonNode nested = NODES.textNode("x");
                int depth = pick(List.of(50, 600, 950)); // past 1000 the writer refuses: see "too-deep"
                for (int i = 0; i < depth; i++) {
                    nested = random.nextBoolean() ? NODES.arrayNode().add(nested) : NODES.objectNode().set("a", nested);
                }
                replaceChild(target, nested);
            }
            case 4 -> { // a string with control, path, quote and non-BMP characters, or a long one
                what.append(" odd-string");
                replaceChild(target, NODES.textNode(random.nextInt(5) == 0 ? "y".repeat(30_000) : oddString()));
            }
            case 5 -> { // an odd model name
                what.append(" odd-model");
                if (root instanceof ObjectNode o) {
                    o.put("model", pick(ODD_MODELS));
                }
            }
            default -> { // add a field or element of a random type
                what.append(" add");
                if (target instanceof ObjectNode o) {
                    o.set(pick(FIELD_NAMES), randomValue(2));
                } else if (target instanceof ArrayNode a) {
                    a.add(randomValue(2));
                }
            }
        }
        return root;
    }

    private byte[] mutateBytes(byte[] bytes, StringBuilder what) {
        switch (random.nextInt(8)) {
            case 0 -> {
                what.append(" truncate");
                return java.util.Arrays.copyOf(bytes, random.nextInt(Math.max(1, bytes.length)));
            }
            case 1 -> {
                what.append(" random-bytes");
                byte[] noise = new byte[random.nextInt(300)];
                random.nextBytes(noise);
                return noise;
            }
            case 2 -> {
                what.append(" empty");
                return new byte[0];
            }
            case 3 -> { // invalid UTF-8 inside a string (after a quote) or anywhere
                what.append(" bad-utf8");
                int at = indexAfter(bytes, (byte) '"');
                return insert(bytes, at, pick(List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF},
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF0, (byte) 0x28, (byte) 0x8C})));
            }
            case 4 -> { // a duplicate of a field that is there
                what.append(" duplicate");
                int at = indexAfter(bytes, (byte) '{');
                String dup = "\"" + pick(FIELD_NAMES) + "\":" + toString(randomValue(1)) + ",";
                return insert(bytes, at, dup.getBytes(StandardCharsets.UTF_8));
            }
            case 5 -> {
                what.append(" raw-control");
                int at = indexAfter(bytes, (byte) '"');
                return insert(bytes, at, new byte[] {0, 1, 0x1f, '\n'});
            }
            case 6 -> {
                if (random.nextBoolean()) {
                    what.append(" too-deep");
                    int depth = pick(List.of(1001, 3000, 20_000));
                    String deep = "\"deep\":" + "[".repeat(depth) + "]".repeat(depth) + ",";
                    return insert(bytes, indexAfter(bytes, (byte) '{'), deep.getBytes(StandardCharsets.UTF_8));
                }
                what.append(" flip-byte");
                byte[] copy = bytes.clone();
                if (copy.length > 0) {
                    copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                }
                return copy;
            }
            default -> {
                what.append(" wrapped");
                return pick(List.of("[%s]", "%s%s", "{\"a\":%s}", "null", "\"%s\"", "%s garbage", "  \t\n"))
                        .replace("%s", new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    private void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }

    private void replaceChild(JsonNode container, JsonNode value) {
        if (container instanceof ObjectNode o && o.size() > 0) {
            o.set(nth(o.fieldNames(), random.nextInt(o.size())), value);
        } else if (container instanceof ArrayNode a && a.size() > 0) {
            a.set(random.nextInt(a.size()), value);
        } else if (container instanceof ArrayNode a) {
            a.add(value);
        }
    }

    private JsonNode randomValue(int depth) {
        int kind = random.nextInt(depth > 0 ? 8 : 6);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt());
            case 3 -> NODES.numberNode(random.nextDouble() * 1e6 - 5e5);
            case 4 -> NODES.textNode(oddString());
            case 5 -> NODES.textNode(pick(List.of("user", "assistant", "tool", "system", "function", "text", "image_url", "")));
            case 6 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    a.add(randomValue(depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    o.set(pick(FIELD_NAMES), randomValue(depth - 1));
                }
                yield o;
            }
        };
    }

    private String oddString() {
        StringBuilder sb = new StringBuilder();
        String alphabet = "aZ09 /\\:?#%.\"'{}[]<>\u0000\u0001\u001f\u007f\r\n\t\u00e9\u6a21$";
        for (int i = random.nextInt(40); i > 0; i--) {
            sb.append(random.nextInt(20) == 0 ? "\ud83d\ude00" : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
        }
        return sb.toString();
    }

    private int indexAfter(byte[] bytes, byte wanted) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                at.add(i + 1);
            }
        }
        return at.isEmpty() ? random.nextInt(bytes.length + 1) : at.get(random.nextInt(at.size()));
    }

    private static byte[] insert(byte[] bytes, int at, byte[] piece) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + piece.length);
        out.write(bytes, 0, at);
        out.writeBytes(piece);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    /** The path segment for a model, percent-encoded so that any name makes a valid URI. */
    static String encode(String model) {
        return URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
    }

    <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static String nth(Iterator<String> names, int n) {
        String name = names.next();
        for (int i = 0; i < n; i++) {
            name = names.next();
        }
        return name;
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad seed " + json, e);
        }
    }

    private static byte[] toBytes(JsonNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String toString(JsonNode node) {
        return new String(toBytes(node), StandardCharsets.UTF_8);
    }
}
