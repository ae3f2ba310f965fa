package io.github.geminibalance.server;

import io.github.geminibalance.spi.HttpTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Writes a {@linkplain HttpTransport.StreamedBody streamed request body} (a file upload) on a Netty
 * connection after its head: one buffer requested at a time, the next only once the last is written to
 * the socket, so no more than one buffer is held however large the body. Exactly the declared length
 * is sent; a publisher that fails, or yields more or fewer bytes, fails the call. Every step runs on the
 * connection's event loop.
 */
final class StreamedRequestBody implements Flow.Subscriber<ByteBuffer> {

    private final ChannelHandlerContext ctx;
    private final long length;
    private final BooleanSupplier current;
    private final Consumer<Throwable> fail;
    private final Runnable written;
    private Flow.Subscription subscription;
    private long sent;
    private boolean done;

    private StreamedRequestBody(ChannelHandlerContext ctx, long length, BooleanSupplier current,
            Consumer<Throwable> fail, Runnable written) {
        this.ctx = ctx;
        this.length = length;
        this.current = current;
        this.fail = fail;
        this.written = written;
    }

    /**
     * Starts writing {@code body}.
     *
     * @param current whether the call is still the connection's (a failed or answered call stops the body)
     * @param fail ends the call with an error
     * @param written runs once the last byte is on the socket
     */
    static void write(ChannelHandlerContext ctx, HttpTransport.StreamedBody body, BooleanSupplier current,
            Consumer<Throwable> fail, Runnable written) {
        body.publisher().subscribe(new StreamedRequestBody(ctx, body.length(), current, fail, written));
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        ctx.executor().execute(() -> {
            subscription = s;
            if (!current.getAsBoolean()) {
                cancel();
            } else if (length == 0) {
                onComplete();
            } else {
                s.request(1);
            }
        });
    }

    @Override
    public void onNext(ByteBuffer item) {
        ByteBuf buf = Unpooled.copiedBuffer(item);
        ctx.executor().execute(() -> {
            if (done || !current.getAsBoolean()) {
                buf.release();
                cancel();
                return;
            }
            sent += buf.readableBytes();
            if (sent > length) {
                buf.release();
                abort(new IOException("the upload body is longer than its declared " + length + " bytes"));
                return;
            }
            ctx.writeAndFlush(new DefaultHttpContent(buf)).addListener(f -> {
                if (!f.isSuccess()) {
                    abort(f.cause());
                } else if (!done && current.getAsBoolean()) {
                    subscription.request(1);
                }
            });
        });
    }

    @Override
    public void onError(Throwable error) {
        ctx.executor().execute(() -> abort(new IOException("the upload body failed: "
                + error.getClass().getSimpleName(), error)));
    }

    @Override
    public void onComplete() {
        ctx.executor().execute(() -> {
            if (done || !current.getAsBoolean()) {
                return;
            }
            if (sent != length) {
                abort(new IOException("the upload body ended after " + sent + " of its " + length + " bytes"));
                return;
            }
            done = true;
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
                if (f.isSuccess()) {
                    written.run();
                } else if (current.getAsBoolean()) {
                    fail.accept(f.cause());
                }
            });
        });
    }

    private void cancel() {
        done = true;
        if (subscription != null) {
            subscription.cancel();
        }
    }

    private void abort(Throwable error) {
        if (done) {
            return;
        }
        cancel();
        if (current.getAsBoolean()) {
            fail.accept(error);
        }
    }
}
