package io.github.geminibalance.store;

import java.util.Objects;

/**
 * One upstream attempt of a client call.
 *
 * @param keyId the id of the key used
 * @param status the HTTP status Gemini answered, or 0 when no answer came (timeout, connection failure)
 */
public record Attempt(String keyId, int status) {

    /** Checks the key id. */
    public Attempt {
        Objects.requireNonNull(keyId, "keyId");
    }

    /** The compact form {@code keyId:status} used in storage. */
    @Override
    public String toString() {
        return keyId + ":" + status;
    }

    /** Reads {@code k-1:429,k-2:200} back; an empty or null text is no attempt. */
    public static java.util.List<Attempt> parseAll(String text) {
        if (text == null || text.isEmpty()) {
            return java.util.List.of();
        }
        java.util.List<Attempt> attempts = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            int colon = part.lastIndexOf(':');
            attempts.add(colon < 0 ? new Attempt(part, 0)
                    : new Attempt(part.substring(0, colon), Integer.parseInt(part.substring(colon + 1))));
        }
        return attempts;
    }

    /** Writes attempts as {@code k-1:429,k-2:200}. */
    public static String formatAll(java.util.List<Attempt> attempts) {
        StringBuilder text = new StringBuilder();
        for (Attempt attempt : attempts) {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(attempt);
        }
        return text.toString();
    }
}
