package io.github.geminibalance.upstream;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An incremental Server-Sent Events parser: bytes in, the {@code data} of each complete event out.
 *
 * <p>Follows the WHATWG rules that matter for Gemini: lines end in CR, LF or CRLF (Gemini sends CRLF,
 * and a CR may end one network read with its LF starting the next); an empty line dispatches the event;
 * several {@code data:} lines are joined with {@code \n}; one space after the colon is dropped;
 * {@code :} comments and other fields are ignored. Bytes are decoded as UTF-8 incrementally, so a
 * multi-byte character split across reads is kept whole. Not thread-safe: feed it from one subscriber.
 */
public final class SseReader {

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private static final int MAX_CHUNK = 8192;

    private final StringBuilder line = new StringBuilder(256);
    private final StringBuilder data = new StringBuilder(256);
    private boolean hasData;
    private boolean lastWasCr;
    private ByteBuffer leftover = ByteBuffer.allocate(0);
    // sized to the reads actually seen: most events are a few hundred bytes, and thousands of streams
    // may be open at once
    private CharBuffer chars = CharBuffer.allocate(256);

    /**
     * Feeds bytes and returns the data of every event they complete, in order.
     *
     * @param bytes the next bytes of the stream; consumed entirely
     */
    public List<String> feed(ByteBuffer bytes) {
        List<String> events = new ArrayList<>(2);
        ByteBuffer input = bytes;
        if (leftover.hasRemaining()) {
            ByteBuffer joined = ByteBuffer.allocate(leftover.remaining() + bytes.remaining());
            joined.put(leftover).put(bytes).flip();
            input = joined;
        }
        if (chars.capacity() < input.remaining() && chars.capacity() < MAX_CHUNK) {
            chars = CharBuffer.allocate(Math.min(MAX_CHUNK, Math.max(input.remaining(), 2 * chars.capacity())));
        }
        while (true) {
            chars.clear();
            decoder.decode(input, chars, false);
            chars.flip();
            scan(chars, events);
            if (!input.hasRemaining()) {
                leftover = ByteBuffer.allocate(0);
                break;
            }
            if (chars.limit() == 0) {
                // only an incomplete multi-byte sequence is left: keep it for the next read
                leftover = ByteBuffer.allocate(input.remaining());
                leftover.put(input).flip();
                break;
            }
        }
        return events;
    }

    /** Feeds several buffers, as the JDK HTTP client delivers them. */
    public List<String> feed(List<ByteBuffer> buffers) {
        if (buffers.size() == 1) {
            return feed(buffers.get(0));
        }
        List<String> events = new ArrayList<>();
        for (ByteBuffer b : buffers) {
            events.addAll(feed(b));
        }
        return events;
    }

    /**
     * Ends the stream: a last event that was not followed by a blank line is still dispatched, as
     * HTTP/1.1 servers that close the connection may omit it.
     */
    public List<String> finish() {
        List<String> events = new ArrayList<>(1);
        if (leftover.hasRemaining()) {
            chars.clear();
            decoder.decode(leftover, chars, true);
            chars.flip();
            scan(chars, events);
            leftover = ByteBuffer.allocate(0);
        }
        if (line.length() > 0) {
            processLine(events);
        }
        dispatch(events);
        return events;
    }

    private void scan(CharBuffer in, List<String> events) {
        while (in.hasRemaining()) {
            char c = in.get();
            if (c == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // second half of CRLF
                    continue;
                }
                processLine(events);
            } else if (c == '\r') {
                lastWasCr = true;
                processLine(events);
            } else {
                lastWasCr = false;
                line.append(c);
            }
        }
    }

    private void processLine(List<String> events) {
        if (line.length() == 0) {
            dispatch(events);
            return;
        }
        if (line.charAt(0) != ':') {
            int colon = indexOf(line, ':');
            String field = colon < 0 ? line.toString() : line.substring(0, colon);
            if (field.equals("data")) {
                int start = colon < 0 ? line.length() : colon + 1;
                if (start < line.length() && line.charAt(start) == ' ') {
                    start++;
                }
                if (hasData) {
                    data.append('\n');
                }
                data.append(line, start, line.length());
                hasData = true;
            }
            // "event", "id", "retry" and unknown fields carry nothing Gemini uses
        }
        line.setLength(0);
    }

    private void dispatch(List<String> events) {
        if (hasData) {
            events.add(data.toString());
            data.setLength(0);
            hasData = false;
        }
    }

    private static int indexOf(CharSequence s, char c) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
