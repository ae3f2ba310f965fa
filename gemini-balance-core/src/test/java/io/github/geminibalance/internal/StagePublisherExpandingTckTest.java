package io.github.geminibalance.internal;

import io.github.geminibalance.testing.RangePublisher;
import io.github.geminibalance.testing.Tck;
import java.util.List;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The TCK over {@link StagePublisher} with a stage that turns one upstream item into up to three
 * downstream items, and adds one more on completion (the shape of the SSE and chunk stages): output
 * waits in the stage's queue for demand.
 */
public class StagePublisherExpandingTckTest extends FlowPublisherVerification<Long> {

    public StagePublisherExpandingTckTest() {
        super(Tck.environment(), Tck.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        if (elements == Long.MAX_VALUE) {
            return StagePublisher.of(RangePublisher.of(elements, i -> List.of(3 * i, 3 * i + 1, 3 * i + 2)),
                    (List<Long> items, java.util.function.Consumer<Long> out) -> items.forEach(out));
        }
        // (elements - 1) items in groups of three, then the last one from onComplete
        long body = Math.max(0, elements - 1);
        long groups = (body + 2) / 3;
        return StagePublisher.of(RangePublisher.of(groups, g -> range(3 * g, Math.min(body, 3 * g + 3))),
                new StagePublisher.Stage<List<Long>, Long>() {
                    @Override
                    public void onItem(List<Long> items, java.util.function.Consumer<Long> out) {
                        items.forEach(out);
                    }

                    @Override
                    public void onComplete(java.util.function.Consumer<Long> out) {
                        if (elements > 0) {
                            out.accept(body);
                        }
                    }
                });
    }

    private static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.range(from, to).boxed().toList();
    }

    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        return StagePublisher.of(RangePublisher.<List<Long>>failing(0, i -> List.of(), new RuntimeException("upstream failed")),
                (List<Long> items, java.util.function.Consumer<Long> out) -> items.forEach(out));
    }
}
