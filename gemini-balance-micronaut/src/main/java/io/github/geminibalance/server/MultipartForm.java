package io.github.geminibalance.server;

import io.github.geminibalance.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code multipart/form-data} body (RFC 7578) read whole from bytes that were collected within a limit
 * ({@link BoundedBody}, or the server's request size limit): its parts in order, with text fields and
 * files by name. Every way the body can be wrong is a 400 naming the form, never a parser's message.
 *
 * @param parts the fields and files, in the order they came
 */
record MultipartForm(List<Part> parts) {

    /**
     * One field or file.
     *
     * @param name its form name
     * @param fileName the client's file name, or null for a plain field
     * @param contentType the part's {@code Content-Type}, or null
     * @param bytes its bytes
     */
    record Part(String name, String fileName, String contentType, byte[] bytes) {

        /** The value as UTF-8 text. */
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The longest text field kept; longer is a 400. */
    static final int MAX_FIELD_CHARS = 32 * 1024;
    /** The most parts a form may have. */
    static final int MAX_PARTS = 64;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

    /**
     * The boundary of a {@code multipart/form-data} content type.
     *
     * @throws InvalidRequestException when the type is not multipart/form-data with a boundary
     */
    static String boundary(String contentType) {
        if (contentType != null) {
            List<String> params = splitParams(contentType);
            if (params.get(0).strip().equalsIgnoreCase("multipart/form-data")) {
                for (int i = 1; i < params.size(); i++) {
                    String p = params.get(i).strip();
                    if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                        String b = unquote(p.substring(9).strip());
                        if (!b.isEmpty() && b.length() <= 200) {
                            return b;
                        }
                    }
                }
            }
        }
        throw new InvalidRequestException(400, null, "invalid_request",
                "The request must be multipart/form-data (with a boundary).");
    }

    /** Parses a body sent with this content type. */
    static MultipartForm parse(String contentType, byte[] body) {
        return parse(body == null ? new byte[0] : body, boundary(contentType));
    }

    /**
     * Parses a whole body.
     *
     * @throws InvalidRequestException when it is not a well-formed form
     */
    static MultipartForm parse(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] between = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw malformed("no part starts with the boundary");
        }
        List<Part> parts = new ArrayList<>();
        at += delimiter.length;
        while (true) {
            if (startsWith(body, at, new byte[] {'-', '-'})) {
                return new MultipartForm(List.copyOf(parts)); // the closing delimiter
            }
            at = skipLinearWhitespace(body, at);
            if (!startsWith(body, at, CRLF)) {
                throw malformed("a boundary line does not end with CRLF");
            }
            at += 2;
            int headersEnd = indexOf(body, HEADERS_END, at);
            int blank = startsWith(body, at, CRLF) ? at : -1; // a part without headers
            if (headersEnd < 0 && blank < 0) {
                throw malformed("a part's headers do not end");
            }
            String headers = blank == at ? "" : new String(body, at, headersEnd - at, StandardCharsets.UTF_8);
            int contentStart = blank == at ? at + 2 : headersEnd + 4;
            int contentEnd = indexOf(body, between, contentStart);
            if (contentEnd < 0) {
                throw malformed("the body ends before its closing boundary");
            }
            Headers part = Headers.of(headers);
            if (part.name() == null) {
                throw malformed("a part has no Content-Disposition name");
            }
            if (parts.size() >= MAX_PARTS) {
                throw new InvalidRequestException(400, null, "invalid_request",
                        "The form has more than " + MAX_PARTS + " parts.");
            }
            if (part.fileName() == null && !"file".equals(part.name())
                    && contentEnd - contentStart > MAX_FIELD_CHARS * 4) {
                throw new InvalidRequestException(400, part.name(), "invalid_value",
                        "The form field " + part.name() + " is too long.");
            }
            parts.add(new Part(part.name(), part.fileName(), part.contentType(),
                    Arrays.copyOfRange(body, contentStart, contentEnd)));
            at = contentEnd + between.length;
        }
    }

    /** The text fields (parts without a file name, but {@code file}), the first of each name kept. */
    Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Part p : parts) {
            if (p.fileName() == null && !"file".equals(p.name())) {
                fields.putIfAbsent(p.name(), p.text());
            }
        }
        return fields;
    }

    /** The first part named {@code file}, or null. */
    Part file() {
        return parts.stream().filter(p -> "file".equals(p.name())).findFirst().orElse(null);
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

    private record Headers(String name, String fileName, String contentType) {
        static Headers of(String headers) {
            String name = null;
            String fileName = null;
            String contentType = null;
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String header = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).strip();
                if (header.equals("content-type")) {
                    contentType = value;
                } else if (header.equals("content-disposition")) {
                    for (String param : splitParams(value)) {
                        int eq = param.indexOf('=');
                        if (eq < 0) {
                            continue;
                        }
                        String key = param.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                        String v = unquote(param.substring(eq + 1).strip());
                        if (key.equals("name")) {
                            name = v;
                        } else if (key.equals("filename")) {
                            fileName = v;
                        }
                    }
                }
            }
            return new Headers(name, fileName, contentType);
        }
    }

    // ; outside quotes separates parameters (a file name may hold one)
    private static List<String> splitParams(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' && (i == 0 || value.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                out.add(sb.toString());
                sb.setLength(0);
            } else {
                sb.append(c);
            }
        }
        out.add(sb.toString());
        return out;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return s;
    }

    private static InvalidRequestException malformed(String problem) {
        return new InvalidRequestException(400, null, "invalid_request", "The multipart/form-data body is malformed: "
                + problem + ".");
    }

    private static int skipLinearWhitespace(byte[] body, int at) {
        while (at < body.length && (body[at] == ' ' || body[at] == '\t')) {
            at++;
        }
        return at;
    }

    private static boolean startsWith(byte[] body, int at, byte[] prefix) {
        if (at < 0 || at + prefix.length > body.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] body, byte[] needle, int from) {
        byte first = needle[0];
        int last = body.length - needle.length;
        for (int i = Math.max(0, from); i <= last; i++) {
            if (body[i] == first && startsWith(body, i, needle)) {
                return i;
            }
        }
        return -1;
    }
}
