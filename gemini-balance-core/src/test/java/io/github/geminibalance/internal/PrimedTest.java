package io.github.geminibalance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.internal.StagePublisherTest.ListPublisher;
import io.github.geminibalance.internal.StagePublisherTest.ManualPublisher;
import io.github.geminibalance.internal.StagePublisherTest.Recorder;
import io.github.geminibalance.testing.Capture;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrimedTest {

    @Test
    void awaitFirstCompletesWhenTheFirstItemArrives() {
        ManualPublisher<String> upstream = new ManualPublisher<>();

        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);

        assertThat(upstream.requested).as("asks for the first item only").hasValue(1);
        assertThat(ready).isNotDone();
        upstream.emit("first");
        assertThat(ready).isCompleted();
        assertThat(upstream.requested).hasValue(1);
    }

    @Test
    void replaysTheFirstItemThenTheRestInOrderWithBackpressure() throws Exception {
        ListPublisher<String> upstream = new ListPublisher<>(List.of("a", "b", "c", "d"));
        Flow.Publisher<String> primed = Primed.awaitFirst(upstream).get(1, TimeUnit.SECONDS);
        Recorder<String> down = new Recorder<>(0);
        primed.subscribe(down);
        assertThat(down.items).isEmpty();

        down.request(1);
        assertThat(down.items).containsExactly("a");
        assertThat(upstream.totalRequested()).as("the replayed item needs nothing from upstream").isEqualTo(1);

        down.request(2);
        assertThat(down.items).containsExactly("a", "b", "c");
        assertThat(upstream.totalRequested()).isEqualTo(3);
        assertThat(down.completed).isFalse();

        down.request(10);
        assertThat(down.signals).containsExactly("subscribe", "next a", "next b", "next c", "next d", "complete");
    }

    @Test
    void aRequestFromInsideOnNextOfTheFirstItemDoesNotNestTheNextOnNext() throws Exception {
        // rule 3.3, found by the TCK: request(1) from onNext(first) used to ask upstream at once, so a
        // synchronous upstream delivered the second item inside the first item's onNext
        Flow.Publisher<String> primed = Primed.awaitFirst(new ListPublisher<>(List.of("a", "b", "c"))).get(1, TimeUnit.SECONDS);
        List<String> items = new CopyOnWriteArrayList<>();
        int[] depth = {0, 0}; // current, deepest
        boolean[] completed = {false};
        primed.subscribe(new Flow.Subscriber<String>() {
            Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(String item) {
                depth[1] = Math.max(depth[1], ++depth[0]);
                items.add(item);
                subscription.request(1);
                depth[0]--;
            }

            @Override public void onError(Throwable throwable) {}

            @Override
            public void onComplete() {
                completed[0] = true;
            }
        });

        assertThat(items).containsExactly("a", "b", "c");
        assertThat(completed[0]).isTrue();
        assertThat(depth[1]).as("onNext never runs inside another onNext").isEqualTo(1);
    }

    @Test
    void aCancelledSubscriberIsNotKeptReachable() throws Exception {
        // rule 3.13, found by the TCK: the publisher is held by whoever hands the stream on
        Flow.Publisher<String> primed = Primed.awaitFirst(new ListPublisher<>(List.of("a", "b", "c"))).get(1, TimeUnit.SECONDS);

        WeakReference<Recorder<String>> subscriber = subscribeTakeOneAndCancel(primed);

        assertThat(StagePublisherTest.isCollected(subscriber)).isTrue();
    }

    private static WeakReference<Recorder<String>> subscribeTakeOneAndCancel(Flow.Publisher<String> p) {
        Recorder<String> down = new Recorder<>(1);
        p.subscribe(down);
        assertThat(down.items).containsExactly("a");
        down.subscription.cancel();
        return new WeakReference<>(down);
    }

    @Test
    void aSecondSubscriptionFromUpstreamIsCancelled() {
        // rule 2.5, found by the TCK: a second onSubscribe replaced the first and was asked for an item
        Capture<String> upstream = new Capture<>();
        Primed.awaitFirst(upstream);
        ManualPublisher<String> first = new ManualPublisher<>();
        ManualPublisher<String> second = new ManualPublisher<>();

        first.subscribe(upstream.subscriber());
        second.subscribe(upstream.subscriber());

        assertThat(first.requested).hasValue(1);
        assertThat(first.cancelled).isFalse();
        assertThat(second.requested).hasValue(0);
        assertThat(second.cancelled).isTrue();
    }

    @Test
    void nullSignalsAreRejected() {
        // rule 2.13, found by the TCK: onError(null) used to end the stream as if it had completed
        ManualPublisher<String> upstream = new ManualPublisher<>();
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);

        assertThatThrownBy(() -> upstream.emit(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> upstream.error(null)).isInstanceOf(NullPointerException.class);
        assertThat(ready).isNotDone();
    }

    @Test
    void requestingSeveralAtOnceDeliversTheFirstAndForwardsTheRest() throws Exception {
        ListPublisher<String> upstream = new ListPublisher<>(List.of("a", "b", "c"));
        Flow.Publisher<String> primed = Primed.awaitFirst(upstream).get(1, TimeUnit.SECONDS);
        Recorder<String> down = new Recorder<>(Long.MAX_VALUE);

        primed.subscribe(down);

        assertThat(down.signals).containsExactly("subscribe", "next a", "next b", "next c", "complete");
    }

    @Test
    void emptyStreamFailsWithNoSuchElement() {
        ListPublisher<String> upstream = new ListPublisher<>(List.of());

        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);

        assertThatThrownBy(() -> ready.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NoSuchElementException.class);
    }

    @Test
    void errorBeforeTheFirstItemFailsTheFuture() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);
        IOException reset = new IOException("connection reset");

        upstream.error(reset);

        assertThatThrownBy(() -> ready.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isSameAs(reset);
    }

    @Test
    void errorAfterTheFirstItemIsDeliveredAfterIt() throws Exception {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);
        upstream.emit("first");
        IOException reset = new IOException("connection reset");
        upstream.error(reset); // before anyone subscribed downstream

        Recorder<String> down = new Recorder<>(0);
        ready.get(1, TimeUnit.SECONDS).subscribe(down);
        assertThat(down.signals).as("nothing before demand").containsExactly("subscribe");
        down.request(1);

        assertThat(down.signals).containsExactly("subscribe", "next first", "error IOException");
        assertThat(down.error).isSameAs(reset);
    }

    @Test
    void errorLaterInTheStreamIsDeliveredAfterTheItemsBeforeIt() throws Exception {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);
        upstream.emit("a");
        Recorder<String> down = new Recorder<>(5);
        ready.get(1, TimeUnit.SECONDS).subscribe(down);
        assertThat(upstream.requested).as("1 for the first item, 4 forwarded").hasValue(5);

        upstream.emit("b");
        upstream.error(new IOException("reset"));

        assertThat(down.signals).containsExactly("subscribe", "next a", "next b", "error IOException");
    }

    @Test
    void completionBeforeDownstreamSubscribesIsStillDelivered() throws Exception {
        ListPublisher<String> upstream = new ListPublisher<>(List.of("only")); // completes right after "only"
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);
        Flow.Publisher<String> primed = ready.get(1, TimeUnit.SECONDS);

        Recorder<String> down = new Recorder<>(0);
        primed.subscribe(down);
        assertThat(down.signals).as("completion waits for the first item").containsExactly("subscribe");
        down.request(1);

        assertThat(down.signals).containsExactly("subscribe", "next only", "complete");
    }

    @Test
    void cancelCancelsUpstreamAndStopsDelivery() throws Exception {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);
        upstream.emit("a");
        Recorder<String> down = new Recorder<>(0);
        ready.get(1, TimeUnit.SECONDS).subscribe(down);

        down.subscription.cancel();
        down.request(3);
        upstream.complete();

        assertThat(upstream.cancelled).isTrue();
        assertThat(down.signals).containsExactly("subscribe");
    }

    @Test
    void cancelAfterTheFirstItemCancelsUpstream() throws Exception {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);
        upstream.emit("a");
        Recorder<String> down = new Recorder<>(1);
        ready.get(1, TimeUnit.SECONDS).subscribe(down);

        down.subscription.cancel();
        upstream.complete();

        assertThat(upstream.cancelled).isTrue();
        assertThat(down.signals).containsExactly("subscribe", "next a");
    }

    @Test
    void secondSubscriberIsRejected() throws Exception {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);
        upstream.emit("a");
        Flow.Publisher<String> primed = ready.get(1, TimeUnit.SECONDS);
        primed.subscribe(new Recorder<>(0));

        Recorder<String> second = new Recorder<>(0);
        primed.subscribe(second); // rule 1.9: signalled, not thrown
        second.awaitTerminal();
        assertThat(second.error).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUnreadStreamIsReleased() throws Exception {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);
        upstream.emit("a");
        Primed<String> primed = (Primed<String>) ready.get(1, TimeUnit.SECONDS);

        primed.cancelIfUnsubscribed();

        assertThat(upstream.cancelled).isTrue();
        Recorder<String> late = new Recorder<>(1);
        primed.subscribe(late);
        late.awaitTerminal();
        assertThat(late.items).isEmpty();
    }

    @Test
    void aReadStreamIsNotReleased() throws Exception {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);
        upstream.emit("a");
        Primed<String> primed = (Primed<String>) ready.get(1, TimeUnit.SECONDS);
        Recorder<String> down = new Recorder<>(1);
        primed.subscribe(down);

        primed.cancelIfUnsubscribed();

        assertThat(upstream.cancelled).isFalse();
        assertThat(down.items).containsExactly("a");
    }

    @Test
    void completionRacingTheDeliveryOfTheFirstItemWaitsForIt() throws Exception {
        // the upstream completes on another thread while the first item is being handed to the subscriber:
        // the completion must not overtake it (signals to a subscriber are serial)
        ManualPublisher<String> upstream = new ManualPublisher<>();
        CompletableFuture<Flow.Publisher<String>> ready = Primed.awaitFirst(upstream);
        upstream.emit("a");
        List<String> signals = new CopyOnWriteArrayList<>();
        ready.get(1, TimeUnit.SECONDS).subscribe(new Flow.Subscriber<String>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(1);
            }

            @Override
            public void onNext(String item) {
                signals.add("next " + item + " start");
                Thread completer = new Thread(upstream::complete);
                completer.start();
                try {
                    completer.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                signals.add("next " + item + " end");
            }

            @Override
            public void onError(Throwable throwable) {
                signals.add("error");
            }

            @Override
            public void onComplete() {
                signals.add("complete");
            }
        });

        assertThat(signals).containsExactly("next a start", "next a end", "complete");
    }
}
