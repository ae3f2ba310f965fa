package io.github.geminibalance;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The headers of the Files API's upload protocol that cross the proxy: the client's {@code x-goog-upload-*}
 * headers and its media type go to Gemini, nothing else (not its token, not a bogus charset); Gemini's
 * {@code x-goog-upload-*} headers come back, except its upload URL, which names Gemini's session.
 */
final class UploadHeaders {

    private static final Pattern MEDIA_TYPE = Pattern.compile("\\s*([A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+)\\s*(;.*)?");
    private static final Pattern BOUNDARY = Pattern.compile(";\\s*boundary=(\"[^\"]{1,70}\"|[A-Za-z0-9'()+_,./:=?-]{1,70})",
            Pattern.CASE_INSENSITIVE);

    private UploadHeaders() {
    }

    // What the client sends for the upload protocol: its x-goog-upload-* headers and the content type, nothing else
    static Map<String, String> toGemini(Map<String, String> headers) {
        Map<String, String> sent = new HashMap<>();
        headers.forEach((name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.startsWith("x-goog-upload-") && value != null) {
                sent.put(n, value);
            } else if (n.equals("content-type") && value != null) {
                String type = mediaType(value);
                if (type != null) {
                    sent.put(n, type);
                }
            }
        });
        return sent;
    }

    /**
     * The media type Gemini gets: the client's type and, for multipart, its boundary; other parameters (a
     * charset) are dropped; a malformed value or a web form's type is not sent. Null when there is nothing to send.
     */
    static String mediaType(String contentType) {
        Matcher m = MEDIA_TYPE.matcher(contentType);
        if (!m.matches()) {
            return null;
        }
        String type = m.group(1).toLowerCase(Locale.ROOT);
        if (type.equals("application/x-www-form-urlencoded") || type.equals("multipart/form-data")) {
            return null; // a web form is none of Gemini's upload formats; proxies on the way would parse it
        }
        if (m.group(2) != null && type.startsWith("multipart/")) {
            Matcher b = BOUNDARY.matcher(m.group(2));
            if (b.find()) {
                return type + "; boundary=" + b.group(1);
            }
        }
        return type;
    }

    // What the client gets of the protocol: Gemini's x-goog-upload-* headers but its upload URL
    static Map<String, String> toClient(Map<String, String> headers) {
        Map<String, String> kept = new HashMap<>();
        headers.forEach((name, value) -> {
            if (name.startsWith("x-goog-upload-") && !name.equals("x-goog-upload-url")
                    && !name.equals("x-goog-upload-control-url")) {
                kept.put(name, value);
            }
        });
        return kept;
    }
}
