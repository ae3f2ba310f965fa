package io.github.geminibalance.internal;

import io.github.geminibalance.testing.MinimumItemsPublisherVerification;
import io.github.geminibalance.testing.RangePublisher;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The TCK over {@link Primed}, built as the chat pipeline builds it: over a {@link StagePublisher}.
 */
public class PrimedTckTest extends MinimumItemsPublisherVerification<Long> {

    public PrimedTckTest() {
        super(1);
    }

    @Override
    protected Flow.Publisher<Long> create(long elements) {
        return Primed.awaitFirst(StagePublisher.of(RangePublisher.of(elements, i -> i),
                (Long item, java.util.function.Consumer<Long> out) -> out.accept(item))).join();
    }

    @Override
    protected String whyNoShorterStream() {
        return "Primed.awaitFirst fails on a stream that ends before its first item, so no empty Primed exists";
    }

    /**
     * None: a stream that fails before its first item fails {@link Primed#awaitFirst} instead of
     * becoming a publisher, and one that fails after it owes its subscriber that item (on demand)
     * before the error, so no Primed signals {@code onError} to a subscriber that has requested
     * nothing, which is what the TCK's failed-publisher checks (rules 1.4, 1.9) expect. The error after
     * the first item is covered by {@code PrimedTest}.
     *
     * @see FlowPublisherVerification#createFailedFlowPublisher()
     */
    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        return null;
    }
}
