package io.github.geminibalance.internal;

import io.github.geminibalance.testing.RangePublisher;
import io.github.geminibalance.testing.Tck;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The TCK over {@link StagePublisher} with a stage that passes each item on: the upstream-one-at-a-time
 * path. {@link StagePublisherExpandingTckTest} covers a stage that emits more than it receives.
 */
public class StagePublisherTckTest extends FlowPublisherVerification<Long> {

    public StagePublisherTckTest() {
        super(Tck.environment(), Tck.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        return StagePublisher.of(RangePublisher.of(elements, i -> i), (item, out) -> out.accept(item));
    }

    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        return StagePublisher.of(RangePublisher.<Long>failing(0, i -> i, new RuntimeException("upstream failed")),
                (item, out) -> out.accept(item));
    }
}
