package io.github.geminibalance.translate;

import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.gemini.GenerateContentResponse;
import java.util.List;

/**
 * The answer side of a front door: turns Gemini's {@code GenerateContentResponse} events, one at a
 * time, into the events of the door's own stream (chat chunks, Anthropic message events...). A
 * non-stream answer goes through the same translator as a single event and is folded by the door's
 * accumulator, so both modes render alike. One instance per request; not thread-safe.
 *
 * @param <E> the door's stream event type
 */
public interface EventTranslator<E> {

    /**
     * The door's events for one upstream event (possibly none).
     *
     * @param event a Gemini event (a whole non-stream answer is one event)
     * @return the events to send, in order
     */
    List<E> onEvent(GenerateContentResponse event);

    /**
     * The events to send when the upstream stream ended normally (closing blocks, final usage...).
     * A second call returns nothing.
     */
    List<E> onComplete();

    /** Whether any upstream event carried content, a finish reason or a blocked-prompt verdict. */
    boolean producedOutput();

    /** Whether Gemini sent a finish reason (or blocked the prompt): a stream without one was cut. */
    boolean finished();

    /** Gemini's token counts so far (the last usageMetadata), or null when it sent none. */
    RequestTrace.Tokens tokens();
}
