package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** The response body publisher on its own; {@link NettyBodyTckTest} runs the TCK over it. */
class NettyBodyTest {

    @Test
    void aRequestFromInsideOnNextDoesNotNestTheNextOnNext() {
        // rule 3.3: several chunks of one socket read wait in the queue; a subscriber that asks for one
        // more from inside onNext used to get the next chunk inside that onNext, one level per chunk
        EmbeddedChannel channel = new EmbeddedChannel();
        NettyResponseBody body = new NettyResponseBody(channel);
        body.deliver(chunk("a"));
        body.deliver(chunk("b"));
        body.deliver(chunk("c"));
        body.complete();
        List<String> signals = new ArrayList<>();
        int[] depth = {0, 0}; // current, deepest

        body.subscribe(new Flow.Subscriber<List<ByteBuffer>>() {
            Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
                depth[1] = Math.max(depth[1], ++depth[0]);
                signals.add(StandardCharsets.UTF_8.decode(item.get(0)).toString());
                subscription.request(1);
                depth[0]--;
            }

            @Override
            public void onError(Throwable throwable) {
                signals.add("error");
            }

            @Override
            public void onComplete() {
                signals.add("complete");
            }
        });

        assertThat(signals).containsExactly("a", "b", "c", "complete");
        assertThat(depth[1]).as("onNext never runs inside another onNext").isEqualTo(1);
        channel.finishAndReleaseAll();
    }

    private static List<ByteBuffer> chunk(String s) {
        return List.of(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
    }
}
