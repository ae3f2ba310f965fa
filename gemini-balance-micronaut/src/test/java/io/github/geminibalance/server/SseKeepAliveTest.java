package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive on a silent stream, timed by an injected clock and run by a scheduler the test turns by hand:
 * none before the interval of silence, one at it, never more items than the reader asked for.
 */
class SseKeepAliveTest {

    private static final String EVENT = "event";
    private static final String KEEP = "keep-alive";

    private final TestClockFactory.MovableClock clock = new TestClockFactory.MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler();
    private final SseKeepAlive keepAlive = new SseKeepAlive(scheduler, clock);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** A scheduler whose periodic tasks run only when the test calls {@link #tick()}. */
    static final class ManualScheduler extends ScheduledThreadPoolExecutor {
        final List<Runnable> periodic = new CopyOnWriteArrayList<>();
        final List<Long> periodsMillis = new CopyOnWriteArrayList<>();

        ManualScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            ScheduledFuture<?> handle = super.schedule(() -> { }, 1, TimeUnit.DAYS);
            Runnable guarded = () -> {
                if (!handle.isCancelled()) {
                    command.run();
                }
            };
            periodic.add(guarded);
            periodsMillis.add(unit.toMillis(period));
            return handle;
        }

        void tick() {
            periodic.forEach(Runnable::run);
        }
    }

    /** A source the test feeds by hand, honouring demand. */
    static final class Source implements Flow.Publisher<String>, Flow.Subscription {
        Flow.Subscriber<? super String> subscriber;
        long requested;
        boolean cancelled;

        @Override
        public void subscribe(Flow.Subscriber<? super String> s) {
            subscriber = s;
            s.onSubscribe(this);
        }

        @Override
        public synchronized void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        void send(String item) {
            synchronized (this) {
                assertThat(requested).as("the relay asked for the item").isPositive();
                requested--;
            }
            subscriber.onNext(item);
        }
    }

    /** A reader that records what it gets. */
    static final class Reader implements Flow.Subscriber<String> {
        final List<String> items = new CopyOnWriteArrayList<>();
        Flow.Subscription subscription;
        boolean completed;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(String item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            throw new AssertionError(t);
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }

    private Reader subscribe(Source source, Duration interval) {
        Reader reader = new Reader();
        keepAlive.every(source, interval, KEEP).subscribe(reader);
        return reader;
    }

    @Test
    void aKeepAliveGoesOutAfterTheIntervalOfSilenceAndNotBefore() {
        Source source = new Source();
        Reader reader = subscribe(source, Duration.ofSeconds(15));
        reader.subscription.request(Long.MAX_VALUE);
        source.send(EVENT);

        clock.advance(Duration.ofMillis(14_999));
        scheduler.tick();
        assertThat(reader.items).as("14.999 s of silence").containsExactly(EVENT);

        clock.advance(Duration.ofMillis(1));
        scheduler.tick();
        scheduler.tick(); // the same silence gives one keep-alive, not one per look
        assertThat(reader.items).containsExactly(EVENT, KEEP);

        clock.advance(Duration.ofSeconds(15));
        scheduler.tick();
        assertThat(reader.items).as("another 15 s").containsExactly(EVENT, KEEP, KEEP);
    }

    @Test
    void anEventRestartsTheSilence() {
        Source source = new Source();
        Reader reader = subscribe(source, Duration.ofSeconds(15));
        reader.subscription.request(Long.MAX_VALUE);

        clock.advance(Duration.ofSeconds(10));
        source.send(EVENT);
        clock.advance(Duration.ofSeconds(10));
        scheduler.tick();
        assertThat(reader.items).as("10 s since the event").containsExactly(EVENT);

        clock.advance(Duration.ofSeconds(5));
        scheduler.tick();
        assertThat(reader.items).containsExactly(EVENT, KEEP);
    }

    @Test
    void theSchedulerLooksAtAStreamAtLeastOnceASecond() {
        Source source = new Source();
        subscribe(source, Duration.ofSeconds(15)).subscription.request(1);
        subscribe(new Source(), Duration.ofMillis(400)).subscription.request(1);

        assertThat(scheduler.periodsMillis).containsExactly(1000L, 100L);
    }

    @Test
    void aKeepAliveNeverExceedsTheReadersDemand() {
        Source source = new Source();
        Reader reader = subscribe(source, Duration.ofSeconds(5));
        reader.subscription.request(1);

        clock.advance(Duration.ofSeconds(5));
        scheduler.tick(); // silent: the one unit of demand goes to a keep-alive
        assertThat(reader.items).containsExactly(KEEP);
        source.send(EVENT); // parked until the reader asks again
        clock.advance(Duration.ofSeconds(5));
        scheduler.tick();
        assertThat(reader.items).containsExactly(KEEP);

        reader.subscription.request(1);
        assertThat(reader.items).containsExactly(KEEP, EVENT);
        source.subscriber.onComplete();
        assertThat(reader.completed).isTrue();
    }

    @Test
    void cancellingStopsTheUpstreamAndTheKeepAlives() {
        Source source = new Source();
        Reader reader = subscribe(source, Duration.ofSeconds(5));
        reader.subscription.request(Long.MAX_VALUE);
        reader.subscription.cancel();

        clock.advance(Duration.ofSeconds(60));
        scheduler.tick();
        assertThat(reader.items).isEmpty();
        assertThat(source.cancelled).isTrue();
    }

    @Test
    void aLeadingKeepAliveGoesOutBeforeAnyItem() {
        Source source = new Source();
        Reader reader = new Reader();
        keepAlive.every(source, Duration.ofSeconds(5), KEEP, true).subscribe(reader);
        reader.subscription.request(1);
        assertThat(reader.items).as("at once, on the reader's first request").containsExactly(KEEP);
        assertThat(source.requested).as("no demand left for the source yet").isZero();

        reader.subscription.request(1);
        source.send(EVENT);
        assertThat(reader.items).containsExactly(KEEP, EVENT);
    }

    @Test
    void zeroTurnsKeepAliveOff() {
        Source source = new Source();
        assertThat(keepAlive.every(source, Duration.ZERO, KEEP)).isSameAs(source);
    }
}
