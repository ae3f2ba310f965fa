package io.github.geminibalance;

import io.github.geminibalance.internal.Primed;
import io.github.geminibalance.internal.StagePublisher;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Relays a streamed body item by item through a {@link Stage} (scrubbing, re-framing), with
 * back-pressure, and hands the result over only once its first item is in hand, so a caller can still
 * answer with a proper status when the stream fails before it. For adapters that pass Gemini's own
 * stream on ({@link GeminiBalance#forward}); the chat stream already comes this way.
 */
public final class StreamRelay {

    private StreamRelay() {}

    /**
     * One step of a relay. Called on the thread that delivers the upstream item, one call at a time.
     *
     * @param <T> the upstream item type
     * @param <R> the relayed item type
     */
    public interface Stage<T, R> {
        /**
         * Handles one upstream item, emitting zero or more relayed items.
         *
         * @param item the item
         * @param out where relayed items go
         * @throws Exception to end the stream with this failure
         */
        void onItem(T item, Consumer<R> out) throws Exception;

        /**
         * Upstream ended normally; emit any final items.
         *
         * @param out where relayed items go
         * @throws Exception to end the stream with this failure
         */
        default void onComplete(Consumer<R> out) throws Exception {}

        /**
         * Upstream failed. Return true after emitting items that end the stream in-band (it then completes
         * normally), false to pass the failure on.
         *
         * @param error the failure
         * @param out where relayed items go
         * @return whether the failure was turned into items
         */
        default boolean onError(Throwable error, Consumer<R> out) {
            return false;
        }

        /** The downstream subscriber cancelled. */
        default void onCancel() {}
    }

    /**
     * Relays {@code upstream} through {@code stage} and waits for the first relayed item.
     *
     * @param upstream the body to relay; subscribed to once
     * @param stage the step that turns its items into relayed items
     * @param <T> the upstream item type
     * @param <R> the relayed item type
     * @return a future of the relayed stream, completed when its first item is in hand (that item is
     *     replayed to the subscriber); failed with the stream's failure when it fails first, or with
     *     {@link java.util.NoSuchElementException} when it ends without an item
     */
    public static <T, R> CompletableFuture<Flow.Publisher<R>> primed(Flow.Publisher<T> upstream, Stage<T, R> stage) {
        Objects.requireNonNull(stage, "stage");
        StagePublisher.Stage<T, R> adapted = new StagePublisher.Stage<>() {
            @Override
            public void onItem(T item, Consumer<R> out) throws Exception {
                stage.onItem(item, out);
            }

            @Override
            public void onComplete(Consumer<R> out) throws Exception {
                stage.onComplete(out);
            }

            @Override
            public boolean onError(Throwable error, Consumer<R> out) {
                return stage.onError(error, out);
            }

            @Override
            public void onCancel() {
                stage.onCancel();
            }
        };
        return Primed.awaitFirst(StagePublisher.of(Objects.requireNonNull(upstream, "upstream"), adapted));
    }
}
