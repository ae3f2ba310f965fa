package io.github.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Literal-string cases in the spirit of OkHttp's {@code ServerSentEventIteratorTest}: every test feeds
 * bytes, takes the events it expects, and {@link #nothingLeftOver()} fails on any event not consumed.
 */
class SseReaderTest {

    /** Two real Gemini events (D2 shape): {@code data: <json>} + CRLF CRLF, one with a multi-byte char. */
    private static final String GEMINI_TWO_EVENTS =
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Caf\u00e9 \u20ac5 \uD83D\uDE00\"}],"
            + "\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 8,\"totalTokenCount\": 8},"
            + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"c3RyZWFtX2RlbW9fMDI\"}\r\n\r\n"
            + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" sky far more than red ones.\"}],"
            + "\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 8,"
            + "\"candidatesTokenCount\": 17,\"totalTokenCount\": 25},\"modelVersion\": \"gemini-2.5-flash\","
            + "\"responseId\": \"c3RyZWFtX2RlbW9fMDI\"}\r\n\r\n";

    private static final List<String> GEMINI_EVENTS = List.of(
            GEMINI_TWO_EVENTS.substring(6, GEMINI_TWO_EVENTS.indexOf("\r\n")),
            GEMINI_TWO_EVENTS.substring(GEMINI_TWO_EVENTS.indexOf("\r\n\r\n") + 10, GEMINI_TWO_EVENTS.length() - 4));

    private final SseReader reader = new SseReader();
    private final List<String> events = new ArrayList<>();

    @AfterEach
    void nothingLeftOver() {
        events.addAll(reader.finish());
        assertThat(events).as("events not consumed by the test").isEmpty();
    }

    private void feed(String text) {
        events.addAll(reader.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    private void feed(byte[] bytes, int from, int to) {
        events.addAll(reader.feed(ByteBuffer.wrap(bytes, from, to - from)));
    }

    private void expect(String... data) {
        assertThat(events).containsExactly(data);
        events.clear();
    }

    @Test
    void singleEventWithLf() {
        feed("data: hey\n\n");
        expect("hey");
    }

    @Test
    void geminiCrLfFraming() {
        feed("data: {\"a\": 1}\r\n\r\n");
        expect("{\"a\": 1}");
    }

    @Test
    void crOnlyFraming() {
        feed("data: one\r\rdata: two\r\r");
        expect("one", "two");
    }

    @Test
    void eventIsNotDispatchedBeforeTheBlankLine() {
        feed("data: hey\n");
        expect();
        feed("\n");
        expect("hey");
    }

    @Test
    void multilineDataIsJoinedWithLf() {
        feed("data: first\ndata: second\ndata:third\n\n");
        expect("first\nsecond\nthird");
    }

    @Test
    void multilineDataWithCr() {
        feed("data: first\rdata: second\r\r");
        expect("first\nsecond");
    }

    @Test
    void multilineDataWithCrLf() {
        feed("data: first\r\ndata: second\r\n\r\n");
        expect("first\nsecond");
    }

    @Test
    void commentsAreIgnored() {
        feed(": keep-alive\n\n: hello\ndata: x\n: between\n\n");
        expect("x");
    }

    @Test
    void eventIdAndRetryFieldsAreIgnored() {
        feed("event: message\nid: 42\nretry: 1000\ndata: x\nunknown: y\n\n");
        expect("x");
    }

    @Test
    void eventWithoutDataIsNotDispatched() {
        feed("event: ping\nid: 1\n\ndata: x\n\n");
        expect("x");
    }

    @Test
    void onlyOneLeadingSpaceIsStripped() {
        feed("data:  two spaces\n\ndata:none\n\ndata: \n\n");
        expect(" two spaces", "none", "");
    }

    @Test
    void trailingSpacesAreKept() {
        feed("data: x  \n\n");
        expect("x  ");
    }

    @Test
    void colonInValueIsKept() {
        feed("data: {\"url\": \"https://x\"}\n\n");
        expect("{\"url\": \"https://x\"}");
    }

    @Test
    void fieldWithoutColonIsAFieldWithEmptyValue() {
        feed("data\ndata\n\n");
        expect("\n");
        feed("data\n\n");
        expect("");
        feed("event\n\n");
        expect();
    }

    @Test
    void fieldNameIsCaseSensitive() {
        feed("Data: x\n\n");
        expect();
    }

    @Test
    void trailingEventWithoutBlankLineIsDispatchedByFinish() {
        feed("data: first\r\n\r\ndata: last");
        expect("first");
        assertThat(reader.finish()).containsExactly("last");
    }

    @Test
    void trailingEventEndedByOneNewlineIsDispatchedByFinish() {
        feed("data: last\r\n");
        expect();
        assertThat(reader.finish()).containsExactly("last");
    }

    @Test
    void finishWithNothingPendingReturnsNothing() {
        feed("data: x\r\n\r\n");
        expect("x");
        assertThat(reader.finish()).isEmpty();
    }

    @Test
    void geminiStreamFedByteByByte() {
        byte[] bytes = GEMINI_TWO_EVENTS.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            feed(bytes, i, i + 1);
        }
        expect(GEMINI_EVENTS.toArray(String[]::new));
    }

    @Test
    void geminiStreamSplitAtEveryPointGivesTheSameEvents() {
        byte[] bytes = GEMINI_TWO_EVENTS.getBytes(StandardCharsets.UTF_8);
        assertThat(GEMINI_EVENTS.get(0)).startsWith("{\"candidates\"").endsWith("\"}");
        for (int split = 0; split <= bytes.length; split++) {
            SseReader r = new SseReader();
            List<String> got = new ArrayList<>(r.feed(ByteBuffer.wrap(bytes, 0, split)));
            got.addAll(r.feed(ByteBuffer.wrap(bytes, split, bytes.length - split)));
            got.addAll(r.finish());
            assertThat(got).as("split at byte %d", split).isEqualTo(GEMINI_EVENTS);
        }
    }

    @Test
    void crLfSplitBetweenCrAndLfIsOneLineEnd() {
        feed("data: a\r");
        feed("\ndata: b\r");
        feed("\n\r");
        feed("\n");
        expect("a\nb");
    }

    @Test
    void multiByteCharactersSplitAcrossFeedsStayIntact() {
        String text = "\u00e9\u20ac\uD83D\uDE00"; // é (2 bytes), € (3 bytes), 😀 (4 bytes)
        byte[] bytes = ("data: " + text + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        for (int a = 1; a < bytes.length; a++) {
            for (int b = a; b < bytes.length; b++) {
                SseReader r = new SseReader();
                List<String> got = new ArrayList<>(r.feed(ByteBuffer.wrap(bytes, 0, a)));
                got.addAll(r.feed(ByteBuffer.wrap(bytes, a, b - a)));
                got.addAll(r.feed(ByteBuffer.wrap(bytes, b, bytes.length - b)));
                got.addAll(r.finish());
                assertThat(got).as("splits at %d and %d", a, b).containsExactly(text);
            }
        }
    }

    @Test
    void incompleteCharacterAtEndOfStreamBecomesAReplacementCharacter() {
        byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
        feed("data: x");
        events.addAll(reader.feed(ByteBuffer.wrap(euro, 0, 2)));
        expect();
        assertThat(reader.finish()).containsExactly("x\uFFFD");
    }

    @Test
    void largeEventAcrossManyBuffers() {
        StringBuilder sb = new StringBuilder("{\"text\": \"");
        while (sb.length() < 200 * 1024) {
            sb.append("lorem ipsum \u00e9\u20ac ");
        }
        String json = sb.append("\"}").toString();
        byte[] bytes = ("data: " + json + "\r\n\r\ndata: after\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 1021) { // an odd size, so characters and CRLF get split
            buffers.add(ByteBuffer.wrap(bytes, i, Math.min(1021, bytes.length - i)));
        }
        events.addAll(reader.feed(buffers));
        expect(json, "after");
    }

    @Test
    void largeEventInOneBuffer() {
        String json = "x".repeat(200 * 1024);
        feed("data: " + json + "\n\n");
        expect(json);
    }

    @Test
    void listOfBuffersIsFedInOrder() {
        events.addAll(reader.feed(List.of(
                ByteBuffer.wrap("data: a\r".getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap("\n\r\nda".getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap("ta: b\r\n\r\n".getBytes(StandardCharsets.UTF_8)))));
        expect("a", "b");
    }

    @Test
    void emptyFeedsChangeNothing() {
        feed("");
        events.addAll(reader.feed(List.of()));
        feed("data: x\r");
        feed("");
        events.addAll(reader.feed(List.of(ByteBuffer.allocate(0), ByteBuffer.allocate(0))));
        feed("\n\r\n");
        expect("x");
        feed("");
        expect();
    }

    @Test
    void feedConsumesTheWholeBufferEvenWhenItEndsInsideACharacter() {
        byte[] bytes = "data: x\n\ndata: caf\u00e9\n\n".getBytes(StandardCharsets.UTF_8);
        int cut = bytes.length - 3; // between the two bytes of "é"
        ByteBuffer first = ByteBuffer.wrap(bytes, 0, cut);
        events.addAll(reader.feed(first));
        assertThat(first.hasRemaining()).isFalse();
        expect("x");
        feed(bytes, cut, bytes.length);
        expect("caf\u00e9");
    }
}
