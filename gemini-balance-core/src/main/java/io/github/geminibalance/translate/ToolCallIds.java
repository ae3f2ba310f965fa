package io.github.geminibalance.translate;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.random.RandomGenerator;

/**
 * Reversible OpenAI tool-call ids. OpenAI clients echo a tool call's {@code id} but drop every unknown
 * field, so the two things Gemini needs back on the next turn travel inside the id: the Gemini-issued
 * call id (Gemini 3) and the call's {@code thoughtSignature}.
 *
 * <p>Format: {@code call_} + ({@code g}<i>geminiId</i> | {@code r}<i>random</i>) + optional
 * {@code .}<i>base64url(signature bytes)</i> (or {@code ~}<i>base64url(signature text)</i> when the
 * signature is not base64). Ids of any other shape (minted by another provider, or by the
 * client) decode to "no id, no signature".
 */
public final class ToolCallIds {

    private static final String PREFIX = "call_";
    private static final char[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private ToolCallIds() {}

    /** What a tool-call id carries back to Gemini. Both members may be null. */
    public record Decoded(String geminiId, String thoughtSignature) {}

    /**
     * Encodes a tool-call id.
     *
     * @param geminiId the call id Gemini issued, or null (Gemini 2.x issues none)
     * @param thoughtSignature the part's thought signature (standard base64), or null
     * @param random source for the random part when there is no Gemini id
     */
    public static String encode(String geminiId, String thoughtSignature, RandomGenerator random) {
        return encode(PREFIX, geminiId, thoughtSignature, random);
    }

    /**
     * Encodes an id with another prefix (Anthropic's {@code toolu_}); the rest as {@link #encode}.
     *
     * @param prefix what the id starts with
     * @param geminiId the call id Gemini issued, or null
     * @param thoughtSignature the part's thought signature (standard base64), or null
     * @param random source for the random part when there is no Gemini id
     */
    public static String encode(String prefix, String geminiId, String thoughtSignature, RandomGenerator random) {
        StringBuilder id = new StringBuilder(prefix);
        if (geminiId != null && !geminiId.isEmpty() && isSafe(geminiId)) {
            id.append('g').append(geminiId);
        } else {
            id.append('r');
            for (int i = 0; i < 24; i++) {
                id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
        }
        if (thoughtSignature != null && !thoughtSignature.isEmpty()) {
            byte[] raw = decodeBase64(thoughtSignature);
            // '.' = the signature's bytes; '~' = a signature that was not base64, kept verbatim
            id.append(raw != null ? '.' : '~').append(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(raw != null ? raw : thoughtSignature.getBytes(StandardCharsets.UTF_8)));
        }
        return id.toString();
    }

    /** Decodes an id made by {@link #encode}; any other id yields two nulls. */
    public static Decoded decode(String id) {
        return decode(PREFIX, id);
    }

    /** Decodes an id made by {@link #encode(String, String, String, RandomGenerator)} with {@code prefix}. */
    public static Decoded decode(String prefix, String id) {
        if (id == null || !id.startsWith(prefix) || id.length() < prefix.length() + 2) {
            return new Decoded(null, null);
        }
        String body = id.substring(prefix.length());
        char kind = body.charAt(0);
        if (kind != 'g' && kind != 'r') {
            return new Decoded(null, null);
        }
        int dot = firstOf(body, '.', '~');
        String idPart = dot < 0 ? body.substring(1) : body.substring(1, dot);
        String signature = null;
        if (dot >= 0) {
            try {
                byte[] raw = Base64.getUrlDecoder().decode(body.substring(dot + 1));
                signature = body.charAt(dot) == '.' ? Base64.getEncoder().encodeToString(raw)
                        : new String(raw, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return new Decoded(kind == 'g' ? idPart : null, null);
            }
        }
        return new Decoded(kind == 'g' && !idPart.isEmpty() ? idPart : null, signature);
    }

    private static int firstOf(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isSafe(String geminiId) {
        for (int i = 0; i < geminiId.length(); i++) {
            char c = geminiId.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static byte[] decodeBase64(String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
