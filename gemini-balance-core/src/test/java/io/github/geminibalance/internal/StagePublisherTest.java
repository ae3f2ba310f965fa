package io.github.geminibalance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class StagePublisherTest {

    // ---- test doubles ----------------------------------------------------------------------------

    /** A publisher over a list that honours demand (synchronously, without recursion) and records calls. */
    static final class ListPublisher<T> implements Flow.Publisher<T> {
        final List<T> items;
        final List<Long> requests = new CopyOnWriteArrayList<>();
        volatile boolean cancelled;
        volatile int subscribeCount;

        ListPublisher(List<T> items) {
            this.items = items;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super T> s) {
            subscribeCount++;
            s.onSubscribe(new Flow.Subscription() {
                int index;
                long demand;
                boolean emitting;
                boolean done;

                @Override
                public void request(long n) {
                    requests.add(n);
                    if (done || cancelled) {
                        return;
                    }
                    demand += n;
                    if (emitting) {
                        return; // the outer call keeps emitting
                    }
                    emitting = true;
                    while (demand > 0 && index < items.size() && !cancelled) {
                        demand--;
                        s.onNext(items.get(index++));
                    }
                    if (index == items.size() && !done && !cancelled) {
                        done = true;
                        s.onComplete();
                    }
                    emitting = false;
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
        }

        long totalRequested() {
            return requests.stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A publisher the test drives by hand; it records demand and cancellation. */
    static final class ManualPublisher<T> implements Flow.Publisher<T> {
        volatile Flow.Subscriber<? super T> subscriber;
        final AtomicLong requested = new AtomicLong();
        final AtomicInteger requestCalls = new AtomicInteger();
        volatile boolean cancelled;

        @Override
        public void subscribe(Flow.Subscriber<? super T> s) {
            subscriber = s;
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requestCalls.incrementAndGet();
                    requested.addAndGet(n);
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
        }

        void emit(T item) {
            subscriber.onNext(item);
        }

        void complete() {
            subscriber.onComplete();
        }

        void error(Throwable t) {
            subscriber.onError(t);
        }
    }

    /** Records every signal; the test requests by hand. */
    static final class Recorder<T> implements Flow.Subscriber<T> {
        final List<T> items = new CopyOnWriteArrayList<>();
        final List<String> signals = new CopyOnWriteArrayList<>();
        final CountDownLatch terminated = new CountDownLatch(1);
        volatile Flow.Subscription subscription;
        volatile Throwable error;
        volatile boolean completed;
        final long initialRequest;

        Recorder(long initialRequest) {
            this.initialRequest = initialRequest;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            signals.add("subscribe");
            subscription = s;
            if (initialRequest > 0) {
                s.request(initialRequest);
            }
        }

        @Override
        public void onNext(T item) {
            signals.add("next " + item);
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            signals.add("error " + t.getClass().getSimpleName());
            error = t;
            terminated.countDown();
        }

        @Override
        public void onComplete() {
            signals.add("complete");
            completed = true;
            terminated.countDown();
        }

        /** Requests more; waits (bounded) for onSubscribe, which an async upstream delivers later. */
        void request(long n) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (subscription == null) {
                assertThat(System.nanoTime()).as("onSubscribe within 10 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            subscription.request(n);
        }

        void awaitTerminal() throws InterruptedException {
            assertThat(terminated.await(10, TimeUnit.SECONDS)).as("terminal signal within 10 s").isTrue();
        }
    }

    /** Emits each item {@code n} times as {@code "n"}, and {@code "end"} on completion. */
    static final class Repeat implements StagePublisher.Stage<Integer, String> {
        final boolean emitEnd;

        Repeat(boolean emitEnd) {
            this.emitEnd = emitEnd;
        }

        @Override
        public void onItem(Integer item, Consumer<String> out) {
            for (int i = 0; i < item; i++) {
                out.accept(String.valueOf(item));
            }
        }

        @Override
        public void onComplete(Consumer<String> out) {
            if (emitEnd) {
                out.accept("end");
            }
        }
    }

    // ---- tests -----------------------------------------------------------------------------------

    @Test
    void flatMapsEachItemToZeroOrMoreItems() throws Exception {
        ListPublisher<Integer> upstream = new ListPublisher<>(List.of(2, 0, 3, 0, 0, 1));
        Recorder<String> down = new Recorder<>(Long.MAX_VALUE);

        StagePublisher.of(upstream, new Repeat(false)).subscribe(down);

        down.awaitTerminal();
        assertThat(down.items).containsExactly("2", "2", "3", "3", "3", "1");
        assertThat(down.completed).isTrue();
        assertThat(down.signals).endsWith("complete");
    }

    @Test
    void nothingIsRequestedUpstreamBeforeDownstreamDemand() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        Recorder<String> down = new Recorder<>(0);

        StagePublisher.of(upstream, new Repeat(false)).subscribe(down);

        assertThat(down.signals).containsExactly("subscribe");
        assertThat(upstream.requested).hasValue(0);
    }

    @Test
    void demandIsHonouredAndUpstreamIsAskedForOneItemOnlyWhenTheQueueIsEmpty() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        Recorder<String> down = new Recorder<>(0);
        StagePublisher.of(upstream, new Repeat(false)).subscribe(down);

        down.request(1);
        assertThat(upstream.requested).hasValue(1);
        upstream.emit(3); // three downstream items, only one wanted
        assertThat(down.items).containsExactly("3");
        assertThat(upstream.requested).as("queue not empty: upstream is not asked").hasValue(1);

        down.request(1);
        assertThat(down.items).containsExactly("3", "3");
        assertThat(upstream.requested).hasValue(1);

        down.request(1);
        assertThat(down.items).containsExactly("3", "3", "3");
        assertThat(upstream.requested).as("demand met exactly, nothing pending").hasValue(1);

        down.request(5);
        assertThat(upstream.requested).as("queue empty, demand left: one more item").hasValue(2);
        assertThat(upstream.requestCalls).hasValue(2);
        upstream.emit(2);
        assertThat(down.items).containsExactly("3", "3", "3", "2", "2");
        assertThat(upstream.requested).as("three still wanted: next single item").hasValue(3);
        upstream.emit(0); // no output: ask again at once
        assertThat(upstream.requested).hasValue(4);
        assertThat(down.items).hasSize(5);
    }

    @Test
    void requestOfOneYieldsExactlyOneItem() {
        ListPublisher<Integer> upstream = new ListPublisher<>(List.of(1, 1, 1, 1));
        Recorder<String> down = new Recorder<>(0);
        StagePublisher.of(upstream, new Repeat(false)).subscribe(down);

        down.request(1);

        assertThat(down.items).containsExactly("1");
        assertThat(upstream.requests).containsExactly(1L);
        assertThat(down.completed).isFalse();
    }

    @Test
    void upstreamIsOnlyEverAskedForOneItemAtATime() throws Exception {
        ListPublisher<Integer> upstream = new ListPublisher<>(List.of(1, 2, 3, 0, 4));
        Recorder<String> down = new Recorder<>(Long.MAX_VALUE);

        StagePublisher.of(upstream, new Repeat(false)).subscribe(down);

        down.awaitTerminal();
        assertThat(upstream.requests).isNotEmpty().allMatch(n -> n == 1L);
        assertThat(down.items).hasSize(10);
    }

    @Test
    void onCompleteEmitsFinalItemsThenCompletes() throws Exception {
        ListPublisher<Integer> upstream = new ListPublisher<>(List.of(1, 2));
        Recorder<String> down = new Recorder<>(Long.MAX_VALUE);

        StagePublisher.of(upstream, new Repeat(true)).subscribe(down);

        down.awaitTerminal();
        assertThat(down.signals).containsExactly("subscribe", "next 1", "next 2", "next 2", "next end", "complete");
    }

    @Test
    void finalItemsWaitForDemandAndCompletionWaitsForThem() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        Recorder<String> down = new Recorder<>(1);
        StagePublisher.of(upstream, new Repeat(true)).subscribe(down);

        upstream.emit(1);
        upstream.complete();
        assertThat(down.items).containsExactly("1");
        assertThat(down.completed).as("'end' not yet taken").isFalse();

        down.request(1);
        assertThat(down.signals).containsExactly("subscribe", "next 1", "next end", "complete");
    }

    @Test
    void emptyUpstreamCompletesWithoutDemand() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        Recorder<String> down = new Recorder<>(0);
        StagePublisher.of(upstream, new Repeat(false)).subscribe(down);

        upstream.complete();

        assertThat(down.signals).containsExactly("subscribe", "complete");
    }

    @Test
    void stageExceptionCancelsUpstreamAndErrorsDownstream() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        IllegalStateException boom = new IllegalStateException("boom");
        List<Throwable> seenByOnError = new ArrayList<>();
        StagePublisher.Stage<Integer, String> stage = new StagePublisher.Stage<>() {
            @Override
            public void onItem(Integer item, Consumer<String> out) {
                if (item < 0) {
                    throw boom;
                }
                out.accept("ok " + item);
            }

            @Override
            public boolean onError(Throwable error, Consumer<String> out) {
                seenByOnError.add(error);
                return false;
            }
        };
        Recorder<String> down = new Recorder<>(10);
        StagePublisher.of(upstream, stage).subscribe(down);

        upstream.emit(1);
        upstream.emit(-1);
        upstream.emit(2); // a late item after cancel must be ignored

        assertThat(upstream.cancelled).isTrue();
        assertThat(seenByOnError).containsExactly(boom);
        assertThat(down.error).isSameAs(boom);
        assertThat(down.signals).containsExactly("subscribe", "next ok 1", "error IllegalStateException");
    }

    @Test
    void exceptionInOnCompleteErrorsDownstream() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        IOException boom = new IOException("cannot finish");
        StagePublisher.Stage<Integer, String> stage = new StagePublisher.Stage<>() {
            @Override
            public void onItem(Integer item, Consumer<String> out) {
                out.accept("x");
            }

            @Override
            public void onComplete(Consumer<String> out) throws Exception {
                throw boom;
            }
        };
        Recorder<String> down = new Recorder<>(10);
        StagePublisher.of(upstream, stage).subscribe(down);

        upstream.emit(1);
        upstream.complete();

        assertThat(down.signals).containsExactly("subscribe", "next x", "error IOException");
        assertThat(down.error).isSameAs(boom);
    }

    @Test
    void upstreamErrorIsPassedOnAfterQueuedItems() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        Recorder<String> down = new Recorder<>(1);
        StagePublisher.of(upstream, new Repeat(false)).subscribe(down);

        upstream.emit(2);
        upstream.error(new IOException("reset"));
        assertThat(down.items).containsExactly("2");
        assertThat(down.error).as("one item still queued").isNull();

        down.request(1);
        assertThat(down.signals).containsExactly("subscribe", "next 2", "next 2", "error IOException");
    }

    @Test
    void onErrorReturningTrueTurnsTheErrorIntoItemsAndNormalCompletion() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        StagePublisher.Stage<Integer, String> stage = new StagePublisher.Stage<>() {
            @Override
            public void onItem(Integer item, Consumer<String> out) {
                out.accept("item " + item);
            }

            @Override
            public boolean onError(Throwable error, Consumer<String> out) {
                out.accept("fallback for " + error.getMessage());
                return true;
            }
        };
        Recorder<String> down = new Recorder<>(10);
        StagePublisher.of(upstream, stage).subscribe(down);

        upstream.emit(1);
        upstream.error(new IOException("reset"));

        assertThat(down.signals).containsExactly("subscribe", "next item 1", "next fallback for reset", "complete");
        assertThat(down.error).isNull();
    }

    @Test
    void onErrorCanAlsoHandleTheStagesOwnException() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        StagePublisher.Stage<Integer, String> stage = new StagePublisher.Stage<>() {
            @Override
            public void onItem(Integer item, Consumer<String> out) {
                throw new IllegalArgumentException("bad item");
            }

            @Override
            public boolean onError(Throwable error, Consumer<String> out) {
                out.accept("handled " + error.getMessage());
                return true;
            }
        };
        Recorder<String> down = new Recorder<>(10);
        StagePublisher.of(upstream, stage).subscribe(down);

        upstream.emit(1);

        assertThat(upstream.cancelled).isTrue();
        assertThat(down.signals).containsExactly("subscribe", "next handled bad item", "complete");
    }

    @Test
    void cancelCancelsUpstreamCallsOnCancelAndEmitsNothingAfter() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        AtomicInteger onCancel = new AtomicInteger();
        StagePublisher.Stage<Integer, String> stage = new StagePublisher.Stage<>() {
            @Override
            public void onItem(Integer item, Consumer<String> out) {
                out.accept("a" + item);
                out.accept("b" + item);
            }

            @Override
            public void onComplete(Consumer<String> out) {
                out.accept("end");
            }

            @Override
            public void onCancel() {
                onCancel.incrementAndGet();
            }
        };
        Recorder<String> down = new Recorder<>(1);
        StagePublisher.of(upstream, stage).subscribe(down);
        upstream.emit(1);
        assertThat(down.items).containsExactly("a1");

        down.subscription.cancel();
        down.subscription.cancel(); // idempotent
        down.request(10);
        upstream.emit(2);
        upstream.complete();

        assertThat(upstream.cancelled).isTrue();
        assertThat(onCancel).hasValue(1);
        assertThat(down.signals).containsExactly("subscribe", "next a1");
    }

    @Test
    void cancelFromInsideOnNextStopsDelivery() {
        ListPublisher<Integer> upstream = new ListPublisher<>(List.of(5, 5));
        List<String> got = new ArrayList<>();
        AtomicReference<Flow.Subscription> sub = new AtomicReference<>();
        AtomicInteger terminals = new AtomicInteger();
        StagePublisher.of(upstream, new Repeat(true)).subscribe(new Flow.Subscriber<String>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                sub.set(s);
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String item) {
                got.add(item);
                if (got.size() == 2) {
                    sub.get().cancel();
                }
            }

            @Override
            public void onError(Throwable throwable) {
                terminals.incrementAndGet();
            }

            @Override
            public void onComplete() {
                terminals.incrementAndGet();
            }
        });

        assertThat(got).containsExactly("5", "5");
        assertThat(terminals).hasValue(0);
        assertThat(upstream.cancelled).isTrue();
    }

    @Test
    void secondSubscriberGetsAnError() {
        ListPublisher<Integer> upstream = new ListPublisher<>(List.of(1));
        StagePublisher<Integer, String> publisher = StagePublisher.of(upstream, new Repeat(false));
        Recorder<String> first = new Recorder<>(Long.MAX_VALUE);
        Recorder<String> second = new Recorder<>(Long.MAX_VALUE);

        publisher.subscribe(first);
        publisher.subscribe(second);

        assertThat(first.signals).containsExactly("subscribe", "next 1", "complete");
        assertThat(second.signals).containsExactly("subscribe", "error IllegalStateException");
        assertThat(upstream.subscribeCount).as("upstream subscribed once").isEqualTo(1);
    }

    @Test
    void nonPositiveRequestIsAnError() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        Recorder<String> down = new Recorder<>(0);
        StagePublisher.of(upstream, new Repeat(false)).subscribe(down);

        down.request(0);

        assertThat(down.error).isInstanceOf(IllegalArgumentException.class);
        assertThat(upstream.cancelled).isTrue();
    }

    @Test
    void controlFailFromAnotherThreadEndsTheStreamAndCancelsUpstream() throws Exception {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        AtomicReference<StagePublisher.Control> control = new AtomicReference<>();
        List<Throwable> seenByOnError = new CopyOnWriteArrayList<>();
        StagePublisher.Stage<Integer, String> stage = new StagePublisher.Stage<>() {
            @Override
            public void onStart(StagePublisher.Control c) {
                control.set(c);
            }

            @Override
            public void onItem(Integer item, Consumer<String> out) {
                out.accept("item " + item);
            }

            @Override
            public boolean onError(Throwable error, Consumer<String> out) {
                seenByOnError.add(error);
                return false;
            }
        };
        Recorder<String> down = new Recorder<>(10);
        StagePublisher.of(upstream, stage).subscribe(down);
        assertThat(control.get()).as("onStart ran before any item").isNotNull();
        upstream.emit(1);

        HttpTimeoutException timeout = new HttpTimeoutException("idle");
        Thread timer = new Thread(() -> control.get().fail(timeout));
        timer.start();
        timer.join(10_000);
        down.awaitTerminal();
        upstream.emit(2); // late item from the cancelled upstream

        assertThat(upstream.cancelled).isTrue();
        assertThat(down.error).isSameAs(timeout);
        assertThat(seenByOnError).containsExactly(timeout);
        assertThat(down.signals).containsExactly("subscribe", "next item 1", "error HttpTimeoutException");
    }

    @Test
    void controlFailAfterCompletionIsIgnored() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        AtomicReference<StagePublisher.Control> control = new AtomicReference<>();
        StagePublisher.Stage<Integer, String> stage = new StagePublisher.Stage<>() {
            @Override
            public void onStart(StagePublisher.Control c) {
                control.set(c);
            }

            @Override
            public void onItem(Integer item, Consumer<String> out) {}
        };
        Recorder<String> down = new Recorder<>(10);
        StagePublisher.of(upstream, stage).subscribe(down);
        upstream.complete();

        control.get().fail(new HttpTimeoutException("too late"));

        assertThat(down.signals).containsExactly("subscribe", "complete");
        assertThat(upstream.cancelled).isFalse();
    }

    @Test
    void itemsFromAnotherThreadAndRequestsFromTheTestThreadAreDeliveredOnceInOrder() throws Exception {
        int n = 20_000;
        AsyncRangePublisher upstream = new AsyncRangePublisher(n);
        StagePublisher.Stage<Integer, Integer> stage = (item, out) -> {
            out.accept(item * 2);
            if (item % 3 != 0) {
                out.accept(item * 2 + 1);
            }
        };
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(i * 2);
            if (i % 3 != 0) {
                expected.add(i * 2 + 1);
            }
        }
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        Object complete = new Object();
        AtomicReference<Flow.Subscription> sub = new AtomicReference<>();
        StagePublisher.of(upstream, stage).subscribe(new Flow.Subscriber<Integer>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                sub.set(s);
            }

            @Override
            public void onNext(Integer item) {
                received.add(item);
            }

            @Override
            public void onError(Throwable t) {
                received.add(t);
            }

            @Override
            public void onComplete() {
                received.add(complete);
            }
        });

        List<Object> got = new ArrayList<>();
        int i = 0;
        while (got.size() < expected.size()) {
            long batch = 1 + (i++ % 7);
            sub.get().request(batch);
            for (long k = 0; k < batch && got.size() < expected.size(); k++) {
                Object item = received.poll(10, TimeUnit.SECONDS);
                assertThat(item).as("item %d arrives", got.size()).isNotNull().isNotInstanceOf(Throwable.class);
                got.add(item);
            }
        }
        sub.get().request(1);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isSameAs(complete);
        assertThat(got).isEqualTo(expected);
        assertThat(received).isEmpty();
        assertThat(upstream.maxOutstanding.get()).as("never more than one upstream item asked for").isEqualTo(1);
        upstream.stop();
    }

    @Test
    void finalItemsAreNeverLostWhenCompletionRacesWithRequests() throws Exception {
        // A stress test: the upstream completes on a spinning thread while this one keeps requesting, so the
        // completion often lands in the middle of a drain. Bounded to 5,000 rounds or about 2 s of CPU;
        // a regression fails it in most runs.
        AtomicReference<ManualPublisher<Integer>> toComplete = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread completer = new Thread(() -> {
            while (!stop.get()) {
                ManualPublisher<Integer> p = toComplete.getAndSet(null);
                if (p != null) {
                    p.complete();
                } else {
                    Thread.onSpinWait();
                }
            }
        }, "completer");
        completer.setDaemon(true);
        completer.start();
        long budgetEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        try {
            for (int round = 0; round < 5_000 && System.nanoTime() < budgetEnd; round++) {
                ManualPublisher<Integer> upstream = new ManualPublisher<>();
                Recorder<String> down = new Recorder<>(1);
                StagePublisher.of(upstream, new Repeat(true)).subscribe(down);
                upstream.emit(1);
                toComplete.set(upstream);
                while (down.terminated.getCount() > 0) {
                    down.request(1);
                }
                assertThat(down.signals).as("round %d", round)
                        .containsExactly("subscribe", "next 1", "next end", "complete");
            }
        } finally {
            stop.set(true);
            completer.join(10_000);
        }
    }

    @Test
    void nullSignalsFromUpstreamAreRejected() {
        // rule 2.13, found by the TCK: a null item went to the stage, a null error ended the stream
        ManualPublisher<String> upstream = new ManualPublisher<>();
        Recorder<String> down = new Recorder<>(1);
        StagePublisher.of(upstream, (String item, Consumer<String> out) -> out.accept(item)).subscribe(down);

        assertThatThrownBy(() -> upstream.emit(null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> upstream.error(null))
                .isInstanceOf(NullPointerException.class);
        assertThat(down.signals).containsExactly("subscribe");
    }

    @Test
    void aNonPositiveRequestReachesTheSubscriberEvenThroughAStageThatHandlesErrors() {
        // rule 3.9, found by the TCK: sseData()'s stage turns every failure into an error event and
        // completes, so request(0) used to end the stream "normally" instead of with the exception
        List<String> stageCalls = new CopyOnWriteArrayList<>();
        ManualPublisher<String> upstream = new ManualPublisher<>();
        StagePublisher<String, String> publisher = StagePublisher.of(upstream, new StagePublisher.Stage<String, String>() {
            @Override
            public void onItem(String item, Consumer<String> out) {
                out.accept(item);
            }

            @Override
            public boolean onError(Throwable error, Consumer<String> out) {
                stageCalls.add("error");
                out.accept("error event");
                return true;
            }

            @Override
            public void onCancel() {
                stageCalls.add("cancel");
            }
        });
        Recorder<String> down = new Recorder<>(0);
        publisher.subscribe(down);

        down.subscription.request(0);

        assertThat(down.items).isEmpty();
        assertThat(down.error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
        assertThat(down.completed).isFalse();
        assertThat(stageCalls).as("the subscriber's mistake ends the stage like a cancel").containsExactly("cancel");
        assertThat(upstream.cancelled).isTrue();
    }

    @Test
    void aCancelledSubscriberIsNotKeptReachableThroughTheStageControl() throws Exception {
        // rule 3.13, found by the TCK: the idle timer holds the stream's Control long after a cancel
        AtomicReference<StagePublisher.Control> held = new AtomicReference<>();
        StagePublisher<String, String> publisher = StagePublisher.of(new ListPublisher<>(List.of("a", "b")),
                new StagePublisher.Stage<String, String>() {
                    @Override
                    public void onStart(StagePublisher.Control control) {
                        held.set(control);
                    }

                    @Override
                    public void onItem(String item, Consumer<String> out) {
                        out.accept(item);
                    }
                });

        WeakReference<Recorder<String>> subscriber = subscribeTakeOneAndCancel(publisher);

        assertThat(isCollected(subscriber)).as("the subscriber is unreachable once it cancelled").isTrue();
        assertThat(held.get()).isNotNull();
    }

    @Test
    void aCompletedSubscriberIsNotKeptReachableThroughTheStageControl() throws Exception {
        AtomicReference<StagePublisher.Control> held = new AtomicReference<>();
        StagePublisher<String, String> publisher = StagePublisher.of(new ListPublisher<>(List.of("a")),
                new StagePublisher.Stage<String, String>() {
                    @Override
                    public void onStart(StagePublisher.Control control) {
                        held.set(control);
                    }

                    @Override
                    public void onItem(String item, Consumer<String> out) {
                        out.accept(item);
                    }
                });

        WeakReference<Recorder<String>> subscriber = subscribeToTheEnd(publisher);

        assertThat(isCollected(subscriber)).isTrue();
        assertThat(held.get()).isNotNull();
    }

    private static WeakReference<Recorder<String>> subscribeTakeOneAndCancel(Flow.Publisher<String> p) {
        Recorder<String> down = new Recorder<>(1);
        p.subscribe(down);
        assertThat(down.items).hasSize(1);
        down.subscription.cancel();
        return new WeakReference<>(down);
    }

    private static WeakReference<Recorder<String>> subscribeToTheEnd(Flow.Publisher<String> p) {
        Recorder<String> down = new Recorder<>(Long.MAX_VALUE);
        p.subscribe(down);
        assertThat(down.completed).isTrue();
        return new WeakReference<>(down);
    }

    /** Whether {@code ref} is cleared within a few collections. */
    static boolean isCollected(WeakReference<?> ref) throws InterruptedException {
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        return ref.get() == null;
    }

    @Test
    void submissionPublisherAsUpstream() throws Exception {
        List<Integer> source = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            source.add(i % 4);
        }
        List<String> expected = new ArrayList<>();
        source.forEach(i -> expected.addAll(Collections.nCopies(i, String.valueOf(i))));
        expected.add("end");
        try (SubmissionPublisher<Integer> upstream = new SubmissionPublisher<>()) {
            Recorder<String> down = new Recorder<>(0);
            StagePublisher.of(upstream, new Repeat(true)).subscribe(down);
            Thread producer = new Thread(() -> {
                source.forEach(upstream::submit); // blocks when the subscriber's buffer is full
                upstream.close();
            });
            producer.start();
            while (down.terminated.getCount() > 0) {
                down.request(3);
                Thread.onSpinWait();
            }
            producer.join(10_000);
            assertThat(down.error).isNull();
            assertThat(down.items).isEqualTo(expected);
        }
    }

    @Test
    void cancellingASubmissionPublisherSubscription() throws Exception {
        try (SubmissionPublisher<Integer> upstream = new SubmissionPublisher<>()) {
            Recorder<String> down = new Recorder<>(2);
            StagePublisher.of(upstream, new Repeat(false)).subscribe(down);
            upstream.submit(1);
            upstream.submit(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (down.items.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(down.items).containsExactly("1", "1");

            down.subscription.cancel();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (upstream.hasSubscribers() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(upstream.hasSubscribers()).as("the subscription was cancelled upstream").isFalse();
        }
    }

    /** Emits 0..n-1 from its own thread, only against demand, and tracks outstanding demand. */
    static final class AsyncRangePublisher implements Flow.Publisher<Integer> {
        final int n;
        final AtomicLong demand = new AtomicLong();
        final AtomicLong maxOutstanding = new AtomicLong();
        volatile boolean cancelled;
        volatile Thread thread;

        AsyncRangePublisher(int n) {
            this.n = n;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Integer> s) {
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long k) {
                    long now = demand.addAndGet(k);
                    maxOutstanding.accumulateAndGet(now, Math::max);
                    Thread t = thread;
                    if (t != null) {
                        LockSupport.unpark(t);
                    }
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
            thread = new Thread(() -> {
                int next = 0;
                while (next < n && !cancelled) {
                    if (demand.get() > 0) {
                        demand.decrementAndGet();
                        s.onNext(next++);
                    } else {
                        LockSupport.parkNanos(100_000);
                    }
                }
                if (!cancelled) {
                    s.onComplete();
                }
            }, "async-range");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            cancelled = true;
            thread.join(10_000);
        }
    }
}
