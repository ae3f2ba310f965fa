package io.github.geminibalance.testing;

import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.SkipException;
import org.testng.annotations.Test;

/**
 * The TCK over a publisher that cannot be built with fewer than {@code minimum} items (a primed stream
 * has its first item; a chat stream has its role and finish chunks). The rule checks that hold whatever
 * the length run on the shortest stream there is; those that need exactly 0 or 1 item are skipped by
 * {@link #createFlowPublisher}, with the reason.
 *
 * @param <T> item type
 */
public abstract class MinimumItemsPublisherVerification<T> extends FlowPublisherVerification<T> {

    private final long minimum;
    private boolean stretch; // set on the test thread around a check that does not count items

    protected MinimumItemsPublisherVerification(long minimum) {
        super(Tck.environment(), Tck.GC_TIMEOUT_MILLIS);
        this.minimum = minimum;
    }

    /** A publisher of exactly {@code elements} items, never fewer than the minimum. */
    protected abstract Flow.Publisher<T> create(long elements);

    /** Why shorter streams do not exist, for the skip message. */
    protected abstract String whyNoShorterStream();

    @Override
    public final Flow.Publisher<T> createFlowPublisher(long elements) {
        if (elements < minimum) {
            if (!stretch) {
                throw new SkipException("this test needs a stream of " + elements + " items; the shortest is "
                        + minimum + ": " + whyNoShorterStream());
            }
            elements = minimum;
        }
        return create(elements);
    }

    private interface Check {
        void run() throws Throwable;
    }

    private void onShortestStream(Check check) throws Throwable {
        stretch = true;
        try {
            check.run();
        } finally {
            stretch = false;
        }
    }

    // Rules 1.9, 3.3 and 3.7: these checks subscribe, request or cancel without counting items.

    @Override
    @Test
    public void required_spec109_subscribeThrowNPEOnNullSubscriber() throws Throwable {
        onShortestStream(super::required_spec109_subscribeThrowNPEOnNullSubscriber);
    }

    @Override
    @Test
    public void required_spec109_mustIssueOnSubscribeForNonNullSubscriber() throws Throwable {
        onShortestStream(super::required_spec109_mustIssueOnSubscribeForNonNullSubscriber);
    }

    @Override
    @Test
    public void required_spec307_afterSubscriptionIsCancelledAdditionalCancelationsMustBeNops() throws Throwable {
        onShortestStream(super::required_spec307_afterSubscriptionIsCancelledAdditionalCancelationsMustBeNops);
    }

    @Override
    @Test
    public void required_spec303_mustNotAllowUnboundedRecursion() throws Throwable {
        onShortestStream(super::required_spec303_mustNotAllowUnboundedRecursion);
    }
}
