package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.MessageStream.SseFrame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Keep-alive on a silent stream, never more items than the reader asked for. */
class SseKeepAliveTest {

    private static final SseFrame PING = new SseFrame("ping", "{\"type\":\"ping\"}");
    private static final SseKeepAlive KEEP_ALIVE = new SseKeepAlive(java.time.Clock.systemUTC());

    private static final SseFrame EVENT = new SseFrame("content_block_delta", "{\"type\":\"content_block_delta\"}");

    /** A reader that records what it gets and requests by hand. */
    private static final class Reader implements Flow.Subscriber<SseFrame> {
        final List<SseFrame> items = new CopyOnWriteArrayList<>();
        final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        final CountDownLatch subscribed = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        volatile Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            subscribed.countDown();
        }

        /** The subscription, once the publisher handed it over (SubmissionPublisher does so on its own thread). */
        Flow.Subscription subscription() throws InterruptedException {
            assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();
            return subscription.get();
        }

        @Override
        public void onNext(SseFrame item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            done.countDown();
        }

        @Override
        public void onComplete() {
            done.countDown();
        }
    }

    @Test
    void aSilentStreamGetsPingsAndItsEventsInOrder() throws Exception {
        try (SubmissionPublisher<SseFrame> source = new SubmissionPublisher<>()) {
            Reader reader = new Reader();
            KEEP_ALIVE.every(source, Duration.ofMillis(40), PING).subscribe(reader);
            reader.subscription().request(Long.MAX_VALUE);
            source.submit(EVENT);
            Thread.sleep(300);
            source.submit(EVENT);
            source.close();
            assertThat(reader.done.await(5, TimeUnit.SECONDS)).isTrue();

            assertThat(reader.error).isNull();
            List<SseFrame> items = List.copyOf(reader.items);
            assertThat(items).filteredOn(EVENT::equals).hasSize(2);
            int first = items.indexOf(EVENT);
            int last = items.lastIndexOf(EVENT);
            assertThat(last).isEqualTo(items.size() - 1);
            assertThat(items.subList(first + 1, last)).as("pings in the silence between the events")
                    .isNotEmpty().containsOnly(PING);
        }
    }

    @Test
    void aPingNeverExceedsTheReadersDemand() throws Exception {
        try (SubmissionPublisher<SseFrame> source = new SubmissionPublisher<>()) {
            Reader reader = new Reader();
            KEEP_ALIVE.every(source, Duration.ofMillis(20), PING).subscribe(reader);
            reader.subscription().request(1);
            Thread.sleep(200); // silent: the one unit of demand goes to a ping
            source.submit(EVENT); // parked until the reader asks again
            Thread.sleep(100);
            assertThat(reader.items).containsExactly(PING);

            reader.subscription().request(1);
            source.close();
            assertThat(reader.done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(reader.items).containsExactly(PING, EVENT);
        }
    }

    @Test
    void cancellingStopsTheUpstreamAndThePings() throws Exception {
        try (SubmissionPublisher<SseFrame> source = new SubmissionPublisher<>()) {
            Reader reader = new Reader();
            KEEP_ALIVE.every(source, Duration.ofMillis(20), PING).subscribe(reader);
            reader.subscription().request(Long.MAX_VALUE);
            reader.subscription().cancel();
            Thread.sleep(150);

            assertThat(reader.items).isEmpty();
            assertThat(source.getNumberOfSubscribers()).isZero();
        }
    }
}
