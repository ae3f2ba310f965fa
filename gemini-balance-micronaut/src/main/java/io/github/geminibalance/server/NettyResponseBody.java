package io.github.geminibalance.server;

import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * The body of an upstream response read by {@link NettyHttpTransport}, as a publisher with one subscriber.
 * Signals run on the channel's event loop; demand is only ever raised on that loop too, so none of this
 * needs a lock.
 */
final class NettyResponseBody implements Flow.Publisher<List<ByteBuffer>> {
    private final Channel channel;
    private final ArrayDeque<List<ByteBuffer>> queue = new ArrayDeque<>(2);
    private Flow.Subscriber<? super List<ByteBuffer>> subscriber;
    private long demand;
    private boolean last; // the whole body is in the queue
    private Throwable error;
    private boolean terminated;
    private boolean draining; // a request from inside onNext lets the running drain go on (rule 3.3)
    boolean cancelled;

    NettyResponseBody(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> s) {
        Objects.requireNonNull(s, "subscriber");
        boolean accepted = onLoop(() -> {
            if (subscriber != null || cancelled || terminated) {
                s.onSubscribe(new Flow.Subscription() {
                    @Override public void request(long n) {}
                    @Override public void cancel() {}
                });
                s.onError(new IllegalStateException("the body has one subscriber"));
                return;
            }
            subscriber = s;
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    onLoop(() -> requested(n));
                }

                @Override
                public void cancel() {
                    onLoop(NettyResponseBody.this::cancelled);
                }
            });
            drain();
        });
        if (!accepted) { // no loop left to run on: the connection is gone with it
            s.onSubscribe(new Flow.Subscription() {
                @Override public void request(long n) {}
                @Override public void cancel() {}
            });
            s.onError(NettyHttpTransport.shutDown());
        }
    }

    /** Runs {@code r} on the channel's loop; false when the loop is gone (the channel is closed then). */
    private boolean onLoop(Runnable r) {
        if (channel.eventLoop().inEventLoop()) {
            r.run();
            return true;
        }
        return NettyHttpTransport.execute(channel.eventLoop(), r);
    }

    private void requested(long n) {
        if (terminated || cancelled) {
            return;
        }
        if (n <= 0) {
            Flow.Subscriber<? super List<ByteBuffer>> s = subscriber;
            cancelled();
            s.onError(new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)"));
            return;
        }
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        drain();
        if (wantsMore()) {
            channel.read();
        }
    }

    private void cancelled() {
        if (terminated || cancelled) {
            return;
        }
        cancelled = true;
        subscriber = null;
        queue.clear();
        if (!last) {
            channel.close(); // mid-body: the connection cannot be reused
        }
    }

    boolean wantsMore() {
        return !last && !cancelled && error == null && demand > 0 && queue.isEmpty();
    }

    void deliver(List<ByteBuffer> item) {
        if (cancelled) {
            return;
        }
        queue.add(item);
        drain();
    }

    void complete() {
        last = true;
        drain();
    }

    void error(IOException e) {
        if (last || cancelled) {
            return;
        }
        error = e;
        drain();
    }

    private void drain() {
        if (subscriber == null || terminated || draining) {
            return;
        }
        draining = true;
        try {
            while (demand > 0 && !queue.isEmpty()) {
                demand--;
                subscriber.onNext(queue.poll());
                if (subscriber == null) {
                    return; // cancelled from onNext
                }
            }
        } finally {
            draining = false;
        }
        if (queue.isEmpty() && (last || error != null)) {
            terminated = true;
            Flow.Subscriber<? super List<ByteBuffer>> s = subscriber;
            subscriber = null;
            if (error != null) {
                s.onError(error);
            } else {
                s.onComplete();
            }
        }
    }
}
