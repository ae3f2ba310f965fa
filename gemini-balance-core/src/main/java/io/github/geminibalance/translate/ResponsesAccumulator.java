package io.github.geminibalance.translate;

import io.github.geminibalance.openai.responses.EventTypes;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.ResponseStreamEvent;
import java.util.Objects;

/**
 * Folds OpenAI Responses stream events into the {@code response} they describe: the response of the
 * last lifecycle event ({@code response.created} ... {@code response.completed} /
 * {@code .incomplete} / {@code .failed}), which on this API carries the whole answer when the stream
 * ends. Not thread-safe.
 */
public final class ResponsesAccumulator {

    private Response last;
    private boolean ended;

    /** An empty accumulator. */
    public ResponsesAccumulator() {}

    /** Adds the next event; only lifecycle events change the result. */
    public void add(ResponseStreamEvent event) {
        Objects.requireNonNull(event, "event");
        if (event.response() != null) {
            last = event.response();
            ended = switch (event.type()) {
                case EventTypes.COMPLETED, EventTypes.INCOMPLETE, EventTypes.FAILED -> true;
                default -> false;
            };
        }
    }

    /**
     * The finished response.
     *
     * @throws IllegalStateException before {@code response.completed}, {@code .incomplete} or {@code .failed}
     */
    public Response result() {
        if (!ended) {
            throw new IllegalStateException("the response has not ended yet");
        }
        return last;
    }
}
