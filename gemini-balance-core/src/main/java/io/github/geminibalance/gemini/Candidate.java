package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One candidate answer. {@code index} was absent on older models: treat missing as the position.
 * {@code logprobsResult} is present when the request set {@code responseLogprobs}; {@code avgLogprobs}
 * (the mean log probability of the candidate's tokens) is sent by some models even without it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Candidate(
        Content content,
        FinishReason finishReason,
        String finishMessage,
        Integer index,
        GroundingMetadata groundingMetadata,
        Double avgLogprobs,
        LogprobsResult logprobsResult) {

    /** The parts of this candidate's content, never null. */
    public List<Part> parts() {
        return content == null ? List.of() : content.partsOrEmpty();
    }

    /** Search grounding: the sources and which answer segments they support. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroundingMetadata(
            List<String> webSearchQueries,
            List<GroundingChunk> groundingChunks,
            List<GroundingSupport> groundingSupports) {}

    /** A source; {@code web.uri} is a Google redirect link and {@code web.title} usually the domain. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroundingChunk(Web web) {}

    /** A web source. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Web(String uri, String title) {}

    /** A segment of the answer and the chunks that support it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroundingSupport(Segment segment, List<Integer> groundingChunkIndices) {}

    /** A span of a part's text; indices are UTF-8 byte offsets, a missing start means 0. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Segment(Integer partIndex, Integer startIndex, Integer endIndex, String text) {}

    /**
     * Per-token log probabilities: {@code chosenCandidates[i]} is the token emitted at step {@code i},
     * {@code topCandidates[i]} the most likely tokens at that step (only with {@code logprobs} set).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LogprobsResult(List<TopCandidates> topCandidates, List<LogprobCandidate> chosenCandidates) {}

    /** The most likely tokens at one decoding step, by descending log probability. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TopCandidates(List<LogprobCandidate> candidates) {}

    /** A token and its log probability; a missing {@code logProbability} means 0 (proto3 JSON omits it). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LogprobCandidate(String token, Integer tokenId, Double logProbability) {}
}
