package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;
import java.util.Base64;
import java.util.Locale;

/**
 * A parsed {@code data:} URL: {@code data:<mime>[;param]*;base64,<data>}. Only the base64 form is
 * accepted, because Gemini's {@code inlineData.data} is base64 and re-encoding percent-encoded text is
 * not worth supporting.
 *
 * @param mimeType the lower-case media type ({@code image/jpg} normalised to {@code image/jpeg}), or
 *     null when the URL names none
 * @param data the base64 payload, unchanged
 */
record DataUrl(String mimeType, String data) {

    private static final String SCHEME = "data:";

    /** Whether the string starts with the {@code data:} scheme (any case). */
    static boolean isDataUrl(String url) {
        return url != null && url.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * Parses a data URL.
     *
     * @param url the URL, known to start with {@code data:}
     * @param param the request field to name in errors
     * @throws InvalidRequestException when the URL is not base64 or its payload is empty or malformed
     */
    static DataUrl parse(String url, String param) {
        int comma = url.indexOf(',');
        if (comma < 0) {
            throw new InvalidRequestException(param, "The data URL has no ',' separating its header and data.");
        }
        String[] header = url.substring(SCHEME.length(), comma).split(";");
        boolean base64 = false;
        for (int i = 1; i < header.length; i++) {
            if (header[i].trim().equalsIgnoreCase("base64")) {
                base64 = true;
            }
        }
        if (!base64) {
            throw new InvalidRequestException(param,
                    "Only base64 data URLs are supported (data:<media type>;base64,<data>).");
        }
        String data = url.substring(comma + 1);
        requireBase64(data, param);
        String mime = header[0].trim();
        return new DataUrl(mime.isEmpty() ? null : normaliseMime(mime), data);
    }

    /**
     * Checks that a payload is non-empty standard or URL-safe base64, without decoding it.
     *
     * @throws InvalidRequestException naming {@code param} otherwise
     */
    static void requireBase64(String data, String param) {
        if (data == null || data.isEmpty()) {
            throw new InvalidRequestException(param, "The base64 data is empty.");
        }
        int padding = 0;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '-' || c == '_';
            if (c == '=') {
                padding++;
            } else if (!alphabet || padding > 0) {
                throw new InvalidRequestException(param, "The data is not valid base64.");
            }
        }
        if (padding > 2) {
            throw new InvalidRequestException(param, "The data is not valid base64.");
        }
    }

    /** Lower-cases a media type, drops its parameters and fixes the common {@code image/jpg} mistake. */
    static String normaliseMime(String mime) {
        int semicolon = mime.indexOf(';');
        String m = (semicolon < 0 ? mime : mime.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return m.equals("image/jpg") ? "image/jpeg" : m;
    }

    /** Builds a base64 data URL. */
    static String of(String mimeType, byte[] bytes) {
        return SCHEME + mimeType + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }
}
