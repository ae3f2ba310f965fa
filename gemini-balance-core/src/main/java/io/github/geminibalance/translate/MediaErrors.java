package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;

/**
 * The 400s of remote media. Every failure that could tell a client something about the network the
 * server sits in (an address refused by policy, DNS, connect, TLS, timeouts, status codes, content
 * types, redirects) gets the same {@link #unavailable} message; only the count and size limits, which
 * reveal nothing about the network, say what was exceeded.
 */
final class MediaErrors {

    /** The code of every remote media failure except the limits. */
    static final String INVALID_IMAGE_URL = "invalid_image_url";

    private MediaErrors() {}

    /** The uniform answer for an image that could not be fetched, whatever the reason. */
    static InvalidRequestException unavailable(String host, String param) {
        return new InvalidRequestException(400, param, INVALID_IMAGE_URL,
                "The image at image_url host " + host + " could not be fetched.");
    }

    static InvalidRequestException invalidUrl(String param, String problem) {
        return new InvalidRequestException(400, param, INVALID_IMAGE_URL, problem);
    }

    static InvalidRequestException tooMany(int count, int max, String param) {
        return new InvalidRequestException(400, param, "too_many_images", "The request has " + count
                + " remote media URLs; at most " + max + " are fetched per request (MAX_REMOTE_MEDIA).");
    }

    static InvalidRequestException tooLarge(String host, String param, long maxBytes) {
        return new InvalidRequestException(400, param, "image_too_large", "The image at image_url host " + host
                + " is larger than " + bytes(maxBytes) + ", the limit per image (MAX_MEDIA_BYTES).");
    }

    static InvalidRequestException totalTooLarge(String param, long maxTotalBytes) {
        return new InvalidRequestException(400, param, "images_too_large", "The remote images of this request"
                + " are larger than " + bytes(maxTotalBytes) + " together, the limit per request"
                + " (MAX_MEDIA_TOTAL_BYTES).");
    }

    /**
     * The server's image memory for all requests ({@code MAX_MEDIA_INFLIGHT_BYTES}) is taken: a 503 with a
     * short {@code Retry-After}, since the same request will likely fit once other requests are prepared.
     */
    static io.github.geminibalance.GeminiBalanceException busy() {
        return new io.github.geminibalance.GeminiBalanceException(503, "server_error", "server_busy", null,
                java.time.Duration.ofSeconds(2), "The server is fetching too many remote images for other requests"
                        + " right now (MAX_MEDIA_INFLIGHT_BYTES); retry in a few seconds.", null);
    }

    /** A host for a log line: printable ASCII only, at most 100 characters. */
    static String forLog(String text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && i < 100; i++) {
            char c = text.charAt(i);
            sb.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > 100 ? sb.append("...").toString() : sb.toString();
    }

    private static String bytes(long n) {
        if (n % (1024 * 1024) == 0) {
            return n / (1024 * 1024) + " MiB";
        }
        if (n % 1024 == 0) {
            return n / 1024 + " KiB";
        }
        return n + " bytes";
    }
}
