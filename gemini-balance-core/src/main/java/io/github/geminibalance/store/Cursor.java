package io.github.geminibalance.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The position after the last record of a page: records are listed newest first by (time, id), and the
 * next page starts strictly below this position (keyset pagination). Clients see it only as the opaque
 * text of {@link #encode()}.
 *
 * @param atMillis the time of the last record listed, in epoch milliseconds
 * @param id the id of the last record listed
 */
public record Cursor(long atMillis, long id) {

    /** The opaque text form. */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((atMillis + "." + id).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Reads the text of {@link #encode()}.
     *
     * @throws IllegalArgumentException when the text is not a cursor
     */
    public static Cursor parse(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
            int dot = plain.indexOf('.');
            return new Cursor(Long.parseLong(plain.substring(0, dot)), Long.parseLong(plain.substring(dot + 1)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a cursor: " + text, e);
        }
    }

    /** Whether a record at ({@code atMillis}, {@code id}) comes after this position, newest first. */
    public boolean admits(long recordAtMillis, long recordId) {
        return recordAtMillis < atMillis || (recordAtMillis == atMillis && recordId < id);
    }
}
