package io.github.geminibalance.openai.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A content part of an output message: {@code output_text} with its annotations and (empty) logprobs.
 *
 * @param type {@code output_text}
 * @param text the text
 * @param annotations citations of the text
 * @param logprobs token log probabilities (always empty here)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutputContent(String type, String text, List<Annotation> annotations, List<Object> logprobs) {

    /** An {@code output_text} part. */
    public static OutputContent text(String text, List<Annotation> annotations) {
        return new OutputContent(ItemTypes.OUTPUT_TEXT, text, List.copyOf(annotations), List.of());
    }

    /**
     * A {@code url_citation}: the text range {@code [start_index, end_index)} (in characters) cites the
     * page.
     *
     * @param type {@code url_citation}
     * @param startIndex the first character cited
     * @param endIndex one past the last character cited
     * @param url the page
     * @param title its title
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Annotation(String type, int startIndex, int endIndex, String url, String title) {

        /** A {@code url_citation}. */
        public static Annotation urlCitation(int startIndex, int endIndex, String url, String title) {
            return new Annotation(ItemTypes.URL_CITATION, startIndex, endIndex, url, title);
        }
    }
}
