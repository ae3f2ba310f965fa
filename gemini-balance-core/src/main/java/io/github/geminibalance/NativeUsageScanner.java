package io.github.geminibalance;

import com.fasterxml.jackson.databind.ObjectReader;
import io.github.geminibalance.gemini.GenerateContentResponse.UsageMetadata;
import io.github.geminibalance.internal.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds the token counts and the finish reason in a native answer as its bytes pass, without parsing
 * the answer: the last {@code "usageMetadata": {...}} object, and the last {@code "finishReason"} or
 * {@code "blockReason"} string. Works on any cut of the bytes (a non-streamed body, server-sent
 * events, Gemini's JSON-array stream), in one pass that skips from quote to quote.
 *
 * <p>Only keys are matched: in JSON the byte sequence {@code "usageMetadata"} followed by a colon is a
 * key (a quote inside a string value is escaped), and one whose opening quote follows a backslash is
 * skipped. The last occurrence wins, so a function call's argument of the same name, which comes
 * before the answer's own counts, does not. Not thread-safe: fed by one stream.
 */
final class NativeUsageScanner {

    private static final ObjectReader USAGE_READER = Json.mapper().readerFor(UsageMetadata.class);
    private static final byte[] USAGE = "\"usageMetadata\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FINISH = "\"finishReason\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BLOCK = "\"blockReason\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] KEYS = {USAGE, FINISH, BLOCK};
    private static final int MAX_OBJECT = 16 * 1024;
    private static final int MAX_STRING = 64;

    private enum State { SEARCH, COLON, VALUE, OBJECT, STRING }

    private State state = State.SEARCH;
    private final int[] matched = new int[KEYS.length];
    private int key = -1; // the key whose value is being read
    private byte previous; // the byte before the current one
    private byte beforeQuote; // the byte before the quote that started the current matches
    private byte[] value = new byte[256];
    private int length;
    private int depth;
    private boolean inString;
    private boolean escaped;
    private UsageMetadata usage;
    private String finishReason;
    private String blockReason;

    /** Reads the bytes between the buffer's position and limit, leaving the buffer as it was. */
    void feed(ByteBuffer buffer) {
        for (int i = buffer.position(), end = buffer.limit(); i < end; i++) {
            accept(buffer.get(i));
        }
    }

    private void accept(byte b) {
        switch (state) {
            case SEARCH -> search(b);
            case COLON -> {
                if (b == ':') {
                    state = State.VALUE;
                } else if (!blank(b)) {
                    reset(b);
                }
            }
            case VALUE -> {
                if (blank(b)) {
                    break;
                }
                if (key == 0 && b == '{') {
                    length = 0;
                    depth = 0;
                    inString = false;
                    escaped = false;
                    state = State.OBJECT;
                    object(b);
                } else if (key > 0 && b == '"') {
                    length = 0;
                    escaped = false;
                    state = State.STRING;
                } else {
                    reset(b);
                }
            }
            case OBJECT -> object(b);
            case STRING -> string(b);
            default -> throw new AssertionError(state);
        }
        previous = b;
    }

    private void search(byte b) {
        if (b != '"' && matched[0] == 0 && matched[1] == 0 && matched[2] == 0) {
            return; // the common case: between two quotes
        }
        for (int k = 0; k < KEYS.length; k++) {
            byte[] pattern = KEYS[k];
            int m = matched[k];
            if (pattern[m] == b) {
                m++;
            } else {
                m = b == '"' ? 1 : 0; // no key has a quote inside: only the opening one can restart a match
            }
            if (m == 1 && matched[k] != 1) {
                beforeQuote = previous;
            }
            if (m == pattern.length) {
                Arrays.fill(matched, 0);
                if (beforeQuote != '\\') {
                    key = k;
                    state = State.COLON;
                }
                return;
            }
            matched[k] = m;
        }
    }

    private void object(byte b) {
        if (length == MAX_OBJECT) {
            reset(b); // not a usage object: give up on it
            return;
        }
        append(b);
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (b == '\\') {
                escaped = true;
            } else if (b == '"') {
                inString = false;
            }
            return;
        }
        if (b == '"') {
            inString = true;
        } else if (b == '{' || b == '[') {
            depth++;
        } else if (b == '}' || b == ']') {
            depth--;
            if (depth == 0) {
                try {
                    usage = USAGE_READER.readValue(value, 0, length);
                } catch (IOException | RuntimeException e) {
                    // not a usage object after all: keep the last good one
                }
                state = State.SEARCH;
            }
        }
    }

    private void string(byte b) {
        if (escaped || length == MAX_STRING) {
            state = State.SEARCH; // reasons are plain upper-case words: this is something else
            return;
        }
        if (b == '\\') {
            escaped = true;
            return;
        }
        if (b == '"') {
            String text = new String(value, 0, length, StandardCharsets.UTF_8);
            if (key == 1) {
                finishReason = text;
            } else {
                blockReason = text;
            }
            state = State.SEARCH;
            return;
        }
        append(b);
    }

    private void append(byte b) {
        if (length == value.length) {
            value = Arrays.copyOf(value, Math.min(MAX_OBJECT, value.length * 2));
        }
        value[length++] = b;
    }

    private void reset(byte b) {
        state = State.SEARCH;
        search(b);
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** The last usage object found, or null. */
    UsageMetadata usage() {
        return usage;
    }

    /** The last finish reason found, else {@code BLOCKED_<reason>} for a blocked prompt, else null. */
    String finishReason() {
        if (finishReason != null) {
            return finishReason;
        }
        return blockReason == null ? null : "BLOCKED_" + blockReason;
    }

    /** Notes what was found in the trace. */
    void report(RequestTrace trace) {
        if (usage != null) {
            int prompt = orZero(usage.promptTokenCount()) + orZero(usage.toolUsePromptTokenCount());
            int thinking = orZero(usage.thoughtsTokenCount());
            int completion = orZero(usage.candidatesTokenCount()) + thinking;
            int total = usage.totalTokenCount() != null ? usage.totalTokenCount() : prompt + completion;
            trace.tokens(prompt, completion, total, thinking, orZero(usage.cachedContentTokenCount()));
        }
        trace.finishReason(finishReason());
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }
}
