package io.github.geminibalance.server;

import io.github.geminibalance.testing.Tck;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;

/**
 * The TCK over {@link NettyHttpTransport}'s response body publisher, on a real event loop. The
 * channel is a stand-in socket: each {@code read()} it is asked for completes later on the loop, as a
 * socket read does, and yields up to two body chunks (one read often decodes into several), the last
 * one followed by the end of the body.
 */
public class NettyBodyTckTest extends FlowPublisherVerification<List<ByteBuffer>> {

    private final EventLoopGroup loop = new DefaultEventLoopGroup(1);

    public NettyBodyTckTest() {
        super(Tck.environment(), Tck.GC_TIMEOUT_MILLIS);
    }

    @AfterClass
    public void shutDown() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Override
    public Flow.Publisher<List<ByteBuffer>> createFlowPublisher(long elements) {
        LocalChannel channel = new LocalChannel();
        NettyResponseBody body = new NettyResponseBody(channel);
        channel.pipeline().addLast(new Socket(body, elements));
        loop.register(channel).syncUninterruptibly();
        return body;
    }

    @Override
    public Flow.Publisher<List<ByteBuffer>> createFailedFlowPublisher() {
        LocalChannel channel = new LocalChannel();
        NettyResponseBody body = new NettyResponseBody(channel);
        loop.register(channel).syncUninterruptibly();
        channel.eventLoop().submit(() -> body.error(new IOException("connection reset"))).syncUninterruptibly();
        return body;
    }

    /** Answers each read, later on the loop, with up to two chunks of a body of {@code count} chunks. */
    private static final class Socket extends ChannelOutboundHandlerAdapter {
        private final NettyResponseBody body;
        private final long count;
        private long next;
        private boolean readPending;

        Socket(NettyResponseBody body, long count) {
            this.body = body;
            this.count = count;
        }

        @Override
        public void read(ChannelHandlerContext ctx) {
            if (readPending || next > count) {
                return; // Netty coalesces reads asked for while one is pending
            }
            readPending = true;
            ctx.executor().execute(() -> {
                readPending = false;
                for (int i = 0; i < 2 && next < count; i++) {
                    body.deliver(List.of(ByteBuffer.wrap(("{\"n\":" + next++ + "}").getBytes(StandardCharsets.UTF_8))));
                }
                if (next == count) {
                    next++;
                    body.complete();
                } else if (body.wantsMore()) { // what channelReadComplete does
                    ctx.channel().read();
                }
            });
        }
    }
}
