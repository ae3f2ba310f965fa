package io.github.geminibalance.internal;

import io.github.geminibalance.testing.Capture;
import io.github.geminibalance.testing.Tck;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;

/**
 * The subscriber TCK (blackbox) over {@link Primed}'s upstream side: it asks for the first item at
 * once; a downstream that asks for everything subscribes as soon as that item is there.
 */
public class PrimedSubscriberTckTest extends FlowSubscriberBlackboxVerification<Long> {

    public PrimedSubscriberTckTest() {
        super(Tck.environment());
    }

    @Override
    public Flow.Subscriber<Long> createFlowSubscriber() {
        Capture<Long> upstream = new Capture<>();
        Primed.awaitFirst(upstream).thenAccept(primed -> primed.subscribe(Capture.unbounded()));
        return upstream.subscriber();
    }

    @Override
    public Long createElement(int element) {
        return (long) element;
    }
}
