package io.github.geminibalance.internal;

import io.github.geminibalance.testing.Capture;
import io.github.geminibalance.testing.Tck;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;

/**
 * The subscriber TCK (blackbox) over {@link StagePublisher}'s upstream side, with a downstream that
 * asks for everything: it requests upstream one item at a time.
 */
public class StagePublisherSubscriberTckTest extends FlowSubscriberBlackboxVerification<Long> {

    public StagePublisherSubscriberTckTest() {
        super(Tck.environment());
    }

    @Override
    public Flow.Subscriber<Long> createFlowSubscriber() {
        Capture<Long> upstream = new Capture<>();
        StagePublisher.of(upstream, (Long item, java.util.function.Consumer<Long> out) -> out.accept(item))
                .subscribe(Capture.unbounded());
        return upstream.subscriber();
    }

    @Override
    public Long createElement(int element) {
        return (long) element;
    }
}
