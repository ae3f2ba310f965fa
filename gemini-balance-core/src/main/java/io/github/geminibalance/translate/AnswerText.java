package io.github.geminibalance.translate;

import java.util.ArrayList;
import java.util.List;

/**
 * The answer text of one choice as Gemini counts it, positioned in the OpenAI {@code content}, so that
 * grounding segments (UTF-8 byte offsets) can become {@code url_citation} character offsets.
 *
 * <p>Gemini's answer text is the concatenation of the non-thought {@code text} parts, across all
 * stream events; our {@code content} also holds renderings (code blocks, images) between them, so each
 * text part is recorded with where it starts in the content. A segment without {@code partIndex} is
 * read against the whole answer text (which is what a stream's final grounding metadata refers to,
 * and equals the single part of a typical non-stream answer); a segment with {@code partIndex} is read
 * within that text part of the event that carried the metadata, falling back to the whole text when
 * that part is not a text part.
 *
 * <p>Character offsets count Unicode code points (what OpenAI, a Python service, means by a
 * character), not UTF-16 units. An offset that falls inside a multi-byte character is rounded outward.
 */
final class AnswerText {

    private record Span(long event, int partIndex, String text, int byteStart, int byteLength, int contentStart) {}

    private final List<Span> spans = new ArrayList<>();
    private int bytes;

    /**
     * Records a text part.
     *
     * @param event the sequence number of the stream event that carried it
     * @param partIndex its index in that event's candidate parts
     * @param text the part's text (non-empty)
     * @param contentStart where it starts in the choice's content, in code points
     */
    void add(long event, int partIndex, String text, int contentStart) {
        int length = text.codePoints().map(AnswerText::utf8Length).sum();
        spans.add(new Span(event, partIndex, text, bytes, length, contentStart));
        bytes += length;
    }

    /**
     * The content range {@code [start, end)} in code points for a segment, or null when it is empty
     * or there is no text.
     */
    int[] contentRange(Integer partIndex, long event, int startByte, int endByte) {
        List<Span> scope = spans;
        int base = 0;
        if (partIndex != null) {
            for (Span span : spans) {
                if (span.event() == event && span.partIndex() == partIndex) {
                    scope = List.of(span);
                    base = span.byteStart();
                    break;
                }
            }
        }
        if (scope.isEmpty()) {
            return null;
        }
        int start = locate(scope, base + Math.max(0, startByte), false);
        int end = locate(scope, base + Math.max(0, endByte), true);
        return start < end ? new int[] {start, end} : null;
    }

    private static int locate(List<Span> scope, int byteOffset, boolean roundUp) {
        for (Span span : scope) {
            int spanEnd = span.byteStart() + span.byteLength();
            if (byteOffset < spanEnd || (roundUp && byteOffset == spanEnd)) {
                int within = Math.max(0, byteOffset - span.byteStart());
                return span.contentStart() + codePointsIn(span.text(), within, roundUp);
            }
        }
        Span last = scope.get(scope.size() - 1);
        return last.contentStart() + last.text().codePointCount(0, last.text().length());
    }

    /** How many code points of {@code text} lie within its first {@code byteCount} UTF-8 bytes. */
    private static int codePointsIn(String text, int byteCount, boolean roundUp) {
        int consumed = 0;
        int count = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int length = utf8Length(cp);
            if (consumed + length <= byteCount) {
                consumed += length;
                count++;
            } else {
                if (roundUp && consumed < byteCount) {
                    count++;
                }
                break;
            }
            i += Character.charCount(cp);
        }
        return count;
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
}
