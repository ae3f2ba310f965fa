package io.github.geminibalance.server;

import io.github.geminibalance.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578) read whole: its size was already limited by {@code
 * MAX_REQUEST_BYTES}. Every way it can be malformed is a 400 that says what is wrong, never an exception
 * of the parser's.
 *
 * @param parts the fields and files, in order
 */
record MultipartForm(List<Part> parts) {

    /** The most parts a form may have. */
    static final int MAX_PARTS = 64;
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");

    /**
     * One field or file.
     *
     * @param name its form name
     * @param filename the file's name, or null for a plain field
     * @param contentType its {@code Content-Type}, or null
     * @param data its bytes
     */
    record Part(String name, String filename, String contentType, byte[] data) {

        /** The value as UTF-8 text. */
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /**
     * Parses a body.
     *
     * @throws InvalidRequestException when the content type is not multipart or the body is malformed
     */
    static MultipartForm parse(String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new InvalidRequestException(null, "This endpoint takes multipart/form-data (image files and fields).");
        }
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw new InvalidRequestException(null, "The multipart/form-data content type has no boundary.");
        }
        String boundary = m.group(2) != null ? m.group(2) : m.group(3);
        if (body == null || body.length == 0) {
            throw new InvalidRequestException(null, "The request body is empty.");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw malformed("no part starts with the boundary");
        }
        at += delimiter.length;
        List<Part> parts = new ArrayList<>();
        while (true) {
            if (startsWith(body, at, "--")) {
                return new MultipartForm(List.copyOf(parts)); // the closing delimiter
            }
            if (!startsWith(body, at, "\r\n")) {
                throw malformed("a boundary is not followed by a line break");
            }
            at += 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), at);
            if (headersEnd < 0) {
                throw malformed("a part's headers do not end");
            }
            String headers = new String(body, at, headersEnd - at, StandardCharsets.UTF_8);
            int dataStart = headersEnd + 4;
            int dataEnd = indexOf(body, next, dataStart);
            if (dataEnd < 0) {
                throw malformed("a part does not end with the boundary");
            }
            if (parts.size() >= MAX_PARTS) {
                throw new InvalidRequestException(null, "The form has more than " + MAX_PARTS + " parts.");
            }
            parts.add(part(headers, Arrays.copyOfRange(body, dataStart, dataEnd)));
            at = dataEnd + next.length;
        }
    }

    /** The parts of a name (also {@code name[]}). */
    List<Part> all(String name) {
        return parts.stream().filter(p -> p.name().equals(name) || p.name().equals(name + "[]")).toList();
    }

    /** The text of the last field of a name, or null. */
    String text(String name) {
        List<Part> found = all(name);
        return found.isEmpty() ? null : found.get(found.size() - 1).text();
    }

    private static Part part(String headers, byte[] data) {
        String name = null;
        String filename = null;
        String type = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String header = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (header.equals("content-disposition")) {
                Matcher n = NAME.matcher(value);
                name = n.find() ? n.group(1) : null;
                Matcher f = FILENAME.matcher(value);
                filename = f.find() ? f.group(1) : null;
            } else if (header.equals("content-type")) {
                type = value;
            }
        }
        if (name == null) {
            throw malformed("a part has no name in its Content-Disposition");
        }
        return new Part(name, filename, type, data);
    }

    private static InvalidRequestException malformed(String why) {
        return new InvalidRequestException(null, "Malformed multipart/form-data body: " + why + ".");
    }

    private static boolean startsWith(byte[] body, int at, String text) {
        if (at + text.length() > body.length) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (body[at + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] body, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= body.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (body[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
