package io.github.geminibalance.testing;

import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/** The TCK over {@link RangePublisher} itself: the other TCK tests stand on it. */
public class RangePublisherTckTest extends FlowPublisherVerification<Long> {

    public RangePublisherTckTest() {
        super(Tck.environment(), Tck.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        return RangePublisher.of(elements, i -> i);
    }

    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        return RangePublisher.failing(0, i -> i, new RuntimeException("failed publisher"));
    }
}
