package io.github.geminibalance.translate;

import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.gemini.GenerateContentResponse;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * One client-facing API (OpenAI chat, Anthropic Messages...) as a translator pair on the one pipeline:
 * its request becomes a Gemini {@code generateContent} body, and Gemini's events become its events
 * ({@link EventTranslator}), folded into its non-stream answer. The pipeline does the rest for every
 * door alike: the retry loop, key leases and verdicts, soft-failure checks, records and metrics.
 *
 * @param <Q> the door's request type
 * @param <E> the door's stream event type
 * @param <A> the door's non-stream answer type
 */
public interface FrontDoor<Q, E, A> {

    /**
     * Checks and translates a request, fetching its remote media through {@code media} first (the
     * JSON is built while the media still count against the server-wide budget).
     *
     * @param request the client's request, possibly null (then rejected)
     * @param media the remote media fetcher with its address policy
     * @return the call to make, or a future failed with an {@link io.github.geminibalance.InvalidRequestException}
     *     (or a media failure); may also throw such an exception directly
     */
    CompletableFuture<Call<E, A>> prepare(Q request, RemoteMediaFetcher media);

    /**
     * One translated request: what is sent upstream and how its answer comes back.
     *
     * @param <E> the door's stream event type
     * @param <A> the door's non-stream answer type
     */
    interface Call<E, A> {

        /** The model as the client named it. */
        String requestedModel();

        /** The Gemini model id to call. */
        String upstreamModel();

        /** The {@code generateContent} JSON body. */
        byte[] body();

        /** A fresh translator for this call's answer events. */
        EventTranslator<E> events(Clock clock, RandomGenerator random);

        /**
         * The non-stream answer: {@code response} through {@link #events} as one event, folded, with
         * Gemini's token counts.
         */
        Folded<A> fold(GenerateContentResponse response, Clock clock, RandomGenerator random);
    }

    /**
     * A non-stream answer and Gemini's token counts for it.
     *
     * @param answer the door's answer
     * @param tokens the counts, or null when Gemini sent none
     * @param <A> the door's non-stream answer type
     */
    record Folded<A>(A answer, RequestTrace.Tokens tokens) {}
}
