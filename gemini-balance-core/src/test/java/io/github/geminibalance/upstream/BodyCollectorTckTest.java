package io.github.geminibalance.upstream;

import io.github.geminibalance.testing.Capture;
import io.github.geminibalance.testing.Tck;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;

/** The subscriber TCK (blackbox) over {@link BodyCollector}, which reads a whole (bounded) body. */
public class BodyCollectorTckTest extends FlowSubscriberBlackboxVerification<List<ByteBuffer>> {

    public BodyCollectorTckTest() {
        super(Tck.environment());
    }

    @Override
    public Flow.Subscriber<List<ByteBuffer>> createFlowSubscriber() {
        Capture<List<ByteBuffer>> body = new Capture<>();
        BodyCollector.collect(body, 1 << 20);
        return body.subscriber();
    }

    @Override
    public List<ByteBuffer> createElement(int element) {
        return List.of(ByteBuffer.wrap(new byte[] {(byte) element}));
    }
}
