package io.github.geminibalance.openai.responses;

/**
 * A reasoning summary part.
 *
 * @param type {@code summary_text}
 * @param text the summary
 */
public record SummaryText(String type, String text) {

    /** A {@code summary_text} part. */
    public static SummaryText of(String text) {
        return new SummaryText(ItemTypes.SUMMARY_TEXT, text);
    }
}
