package io.github.geminibalance.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Guards one HTTP/1.1 client connection against clients that send too much or too slowly. It sits
 * right after Netty's HTTP codec (plus a byte observer right before it) and enforces:
 *
 * <ul>
 *   <li>a request head must be complete within {@code CLIENT_READ_TIMEOUT} of its first byte (of the
 *       connection's opening, for the first request), else the connection is closed;
 *   <li>a request body may not stall longer than {@code CLIENT_READ_TIMEOUT}, and must be complete within
 *       {@code CLIENT_READ_TIMEOUT} plus its length at {@link #MIN_BODY_BYTES_PER_SECOND} (for a chunked
 *       body: the bytes received so far), else 408; so a body trickling a byte at a time cannot hold a
 *       connection for long;
 *   <li>once the response to a request has been written while its body is still arriving (say a 401
 *       answered from the head alone), the rest of the body gets {@code CLIENT_READ_TIMEOUT}, then the
 *       connection is closed;
 *   <li>a kept-alive connection may sit idle between requests for {@code CLIENT_IDLE_TIMEOUT};
 *   <li>a body over {@code MAX_REQUEST_BYTES} (declared or counted) gets 413, headers over the codec's
 *       limit 431, a request line over it 414, each in the error shape of the route.
 * </ul>
 *
 * <p>No timer runs while the server owes a response: a stream that stays quiet for minutes while a
 * model thinks is never cut here (the core's upstream timeouts decide). All state is touched on the
 * connection's event loop only.
 */
final class RequestGuard extends ChannelDuplexHandler {

    static final String NAME = "gemini-balance-request-guard";
    static final String BYTES_NAME = "gemini-balance-request-bytes";

    /**
     * The slowest average rate a request body may arrive at, after a grace of {@code CLIENT_READ_TIMEOUT}:
     * far below any real link, and high enough that a trickled body cannot hold a slot for long.
     */
    static final long MIN_BODY_BYTES_PER_SECOND = 64 * 1024;

    /** {@link #quietSinceNanos} of a connection that must not be evicted: its response is owed or under way. */
    private static final long BUSY = Long.MAX_VALUE;

    private final long maxBodyBytes;
    private final long readTimeoutNanos;
    private final long idleTimeoutNanos;

    private ChannelHandlerContext ctx;
    /** When the connection was opened, for choosing which silent connection to evict at the cap. */
    private final long openedNanos = System.nanoTime();
    /** Until the first request head is complete: such a connection may be evicted at the cap. */
    private volatile boolean awaitingFirstHead = true;
    /**
     * Since when the connection has only held a slot (no head yet, idle between requests, or a body
     * arriving with nothing since then), or {@link #BUSY}. Written on the event loop, read by the
     * eviction at the cap from any thread.
     */
    private volatile long quietSinceNanos = openedNanos;
    /** Whether the connection is idle between requests (to keep the start of that idleness). */
    private boolean idle;
    /** Set once by the eviction that picked this connection, so two new connections cannot pick it both. */
    private final java.util.concurrent.atomic.AtomicBoolean evicted = new java.util.concurrent.atomic.AtomicBoolean();
    private ScheduledFuture<?> timer;
    /** Requests whose head arrived and whose response has not been written completely. */
    private int owed;
    /** Whether a request body is still arriving. */
    private boolean readingBody;
    /** Whether the current request's response has started (then a stall cannot be answered with 408). */
    private boolean responseStarted;
    /** Whether bytes of a new head have arrived while no request was in progress. */
    private boolean headStarted;
    /** Whether the connection has been answered with an error and only waits to be closed. */
    private boolean discarding;
    /**
     * Whether a pipelined request was refused while an earlier response was owed: input is dropped and
     * the connection closes once the owed responses are written.
     */
    private boolean closeWhenAnswered;
    private long bodyBytes;
    /** When the current body's head arrived, and its declared length (-1: chunked), for its deadline. */
    private long bodyStartNanos;
    private long declaredLength;
    private String path = "";
    /** The client's {@code x-request-id}, as offered, of the request being read (null: none). */
    private String offeredRequestId;
    private long lastReadNanos;
    private final Runnable headTimedOut = this::close;
    private final Runnable idleTimedOut = this::close;
    private final Runnable bodyCheck = this::bodyCheck;
    /** Closes a connection whose response was written while its request body was still arriving. */
    private final Runnable drainTimedOut = this::close;
    /** The task {@link #timer} runs. */
    private Runnable timerTask;

    RequestGuard(ServerSettings settings) {
        this.maxBodyBytes = settings.maxRequestBytes();
        this.readTimeoutNanos = settings.clientReadTimeout().toNanos();
        this.idleTimeoutNanos = settings.clientIdleTimeout().toNanos();
    }

    /**
     * Since when this connection has only held a slot: no request head yet, idle between requests, or a
     * request body arriving (with nothing received since then); {@link Long#MAX_VALUE} while a response
     * is owed or being written, which is never evicted. Called from any thread.
     */
    long quietSince() {
        ChannelHandlerContext c = ctx;
        return c == null || !c.channel().isActive() || evicted.get() ? BUSY : quietSinceNanos;
    }

    /** Closes the connection to make room at the cap, unless another eviction took it first. Any thread. */
    boolean evict() {
        if (!evicted.compareAndSet(false, true)) {
            return false;
        }
        ctx.channel().close();
        return true;
    }

    /** Recomputes {@link #quietSinceNanos} after a change of state (event loop only). */
    private void updateQuiet() {
        if (awaitingFirstHead) {
            quietSinceNanos = openedNanos; // the first head must come at once: the eviction's first choice
            idle = false;
        } else if (readingBody) {
            // a body being read: quiet since its last byte, unless the response is already being written
            quietSinceNanos = responseStarted && owed > 0 ? BUSY : lastReadNanos;
            idle = false;
        } else if (owed > 0 || headStarted) {
            quietSinceNanos = BUSY; // the server is working, or a head is arriving (it has the read timeout)
            idle = false;
        } else if (!idle) {
            idle = true; // idle between requests since now
            quietSinceNanos = System.nanoTime();
        }
    }

    /** The handler that goes before the codec: it sees every read of raw bytes. */
    ChannelInboundHandlerAdapter bytesObserver() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                onBytes();
                c.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastReadNanos = System.nanoTime();
        // a new connection: its first head must arrive within the read timeout
        schedule(readTimeoutNanos, headTimedOut);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    private void onBytes() {
        lastReadNanos = System.nanoTime();
        if (!readingBody && owed == 0 && !headStarted && !discarding) {
            headStarted = true;
            schedule(readTimeoutNanos, headTimedOut);
        }
        updateQuiet();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding || closeWhenAnswered) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (request.decoderResult().isFailure() && request.decoderResult().cause() instanceof TooLongFrameException) {
                ReferenceCountUtil.release(msg);
                tooLongHead(request);
                return;
            }
            if (request.decoderResult().isFailure()) {
                // the codec could not read the head (a Content-Length of "abc", say): the framework would
                // fail on it with a stack trace and never answer
                ReferenceCountUtil.release(msg);
                path = pathOf(request);
                offeredRequestId = null;
                reject(400, "The request head is malformed.", "invalid_request", false);
                return;
            }
            headStarted = false;
            awaitingFirstHead = false;
            owed++;
            responseStarted = false;
            bodyBytes = 0;
            path = new QueryStringDecoder(request.uri()).path();
            offeredRequestId = request.headers().get(AccessLogFilter.REQUEST_ID);
            long declared;
            try {
                declared = HttpUtil.getContentLength(request, -1L);
            } catch (NumberFormatException malformed) {
                // the codec lets some through (a length this guard reads differently): never let it escape
                ReferenceCountUtil.release(msg);
                reject(400, "The request head is malformed: Content-Length is not a number.", "invalid_request", true);
                return;
            }
            if (declared > maxBodyBytes) {
                ReferenceCountUtil.release(msg);
                reject(413, tooLargeMessage(maxBodyBytes), "request_too_large", true);
                return;
            }
            readingBody = !(msg instanceof LastHttpContent);
            bodyStartNanos = System.nanoTime();
            declaredLength = declared;
        }
        if (msg instanceof HttpContent content) {
            bodyBytes += content.content().readableBytes();
            if (bodyBytes > maxBodyBytes) {
                ReferenceCountUtil.release(msg);
                if (responseStarted) {
                    ctx.close();
                    discarding = true;
                } else {
                    reject(413, tooLargeMessage(maxBodyBytes), "request_too_large", true);
                }
                return;
            }
            if (msg instanceof LastHttpContent) {
                readingBody = false;
            }
        }
        rearm();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (discarding) {
            ctx.read(); // the server's handler no longer asks for data; drain what the client still sends
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (discarding) {
            // the connection was answered here; whatever the server still writes for it is dropped
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new java.nio.channels.ClosedChannelException());
            return;
        }
        boolean done = false;
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            responseStarted = true;
            if (msg instanceof LastHttpContent) {
                responseDone();
                done = true;
            }
        } else if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse)) {
            responseDone();
            done = true;
        }
        if (done && closeWhenAnswered && owed == 0) {
            // the last response owed before a refused pipelined request: close once it is out
            ChannelPromise written = promise.unvoid();
            ctx.write(msg, written);
            written.addListener((ChannelFutureListener) f -> f.channel().close());
            return;
        }
        ctx.write(msg, promise);
    }

    private void responseDone() {
        if (owed > 0) {
            owed--;
        }
        rearm();
    }

    /** Picks the one timer the connection's state calls for. */
    private void rearm() {
        updateQuiet();
        if (discarding || closeWhenAnswered) {
            return;
        }
        if (readingBody && owed == 0) {
            // answered already (a 401 from the head alone, say): the rest of the body gets the read
            // timeout, counted once, however it trickles; then the connection is closed
            if (timerTask != drainTimedOut) {
                schedule(readTimeoutNanos, drainTimedOut);
            }
        } else if (readingBody) {
            if (timerTask != bodyCheck) { // armed once per body; each check looks at the last read
                schedule(readTimeoutNanos, bodyCheck);
            }
        } else if (owed > 0) {
            cancel(); // the server is working or streaming: the client owes nothing
        } else if (headStarted) {
            schedule(readTimeoutNanos, headTimedOut);
        } else {
            schedule(idleTimeoutNanos, idleTimedOut);
        }
    }

    private void close() {
        timerTask = null;
        ctx.close();
    }

    /**
     * The body timer: fires after the read timeout, then checks whether any byte came since and whether
     * the body is still within its whole-body deadline (the read timeout plus its length, or for a
     * chunked body the bytes received so far, at {@link #MIN_BODY_BYTES_PER_SECOND}). Silence alone is
     * not enough: a byte every few seconds would otherwise hold the connection for as long as the
     * client likes.
     */
    private void bodyCheck() {
        timerTask = null;
        long now = System.nanoTime();
        long quiet = now - lastReadNanos;
        long length = declaredLength >= 0 ? declaredLength : bodyBytes;
        long untilDeadline = bodyStartNanos + readTimeoutNanos + nanosAtMinimumRate(length) - now;
        if (quiet < readTimeoutNanos && untilDeadline > 0) {
            schedule(Math.min(readTimeoutNanos - quiet, untilDeadline), bodyCheck);
            return;
        }
        if (responseStarted) {
            ctx.close();
            return;
        }
        if (quiet >= readTimeoutNanos) {
            reject(408, "The request body stalled: no data arrived for " + seconds(readTimeoutNanos)
                    + " seconds.", "request_timeout", true);
        } else {
            reject(408, "The request body arrived too slowly: it must arrive at " + MIN_BODY_BYTES_PER_SECOND
                    / 1024 + " KiB/s at least, after " + seconds(readTimeoutNanos) + " seconds.", "request_timeout", true);
        }
    }

    private static long nanosAtMinimumRate(long bytes) {
        // bytes is at most MAX_REQUEST_BYTES (a long of bytes would overflow only past 2^63 / 10^9)
        return bytes >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE / 4
                : bytes * 1_000_000_000L / MIN_BODY_BYTES_PER_SECOND;
    }

    /** The request's path, or "" when its URI cannot be read (then the OpenAI shape answers). */
    private static String pathOf(HttpRequest request) {
        try {
            return new QueryStringDecoder(request.uri()).path();
        } catch (RuntimeException unreadable) {
            return "";
        }
    }

    private void tooLongHead(HttpRequest request) {
        if (request.decoderResult().cause() instanceof TooLongHttpLineException) {
            path = ""; // the codec does not keep a request line it could not read: OpenAI shape
            reject(414, "The request line (method, URL and version) is too long.", "uri_too_long", false);
        } else {
            path = request.decoderResult().cause() instanceof TooLongHttpHeaderException
                    ? new QueryStringDecoder(request.uri()).path() : "";
            reject(431, "The request headers are too large.", "request_header_fields_too_large", false);
        }
    }

    /**
     * Answers the current request with an error in its route's shape, closes after the answer is
     * written, and drains (for at most the read timeout) what the client is still sending, so that it
     * reads the answer instead of a connection reset. {@code counted}: whether the request is among
     * {@link #owed} (its head was accepted). When an earlier pipelined request is still owed its response,
     * nothing is answered: the connection closes once that response is written.
     */
    private void reject(int status, String message, String code, boolean counted) {
        if (counted && owed > 0) {
            owed--; // this request is answered here, not by the server
        }
        if (owed > 0) {
            // a pipelined request, refused while an earlier one is still being answered: writing the error
            // now would cut into (or replace) that response. Read no more; close once it is written.
            closeWhenAnswered = true;
            readingBody = false;
            cancel();
            return;
        }
        discarding = true;
        readingBody = false;
        cancel();
        quietSinceNanos = System.nanoTime(); // closing within the read timeout: may go at once at the cap
        FullHttpResponse response = errorResponse(status, message, code, path);
        // answered before the framework sees the request, so the access-log filter cannot add it
        response.headers().set(AccessLogFilter.REQUEST_ID, AccessLogFilter.requestId(offeredRequestId));
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            if (f.channel() instanceof DuplexChannel duplex && f.isSuccess()) {
                duplex.shutdownOutput();
                f.channel().eventLoop().schedule(() -> f.channel().close(), readTimeoutNanos,
                        TimeUnit.NANOSECONDS);
            } else {
                f.channel().close();
            }
        });
        ctx.read();
    }

    /** An error response in the shape of the front door {@code path} belongs to, closing the connection. */
    static FullHttpResponse errorResponse(int status, String message, String code, String path) {
        byte[] body = NativeController.isNativePath(path)
                ? NativeErrors.body(status, message, googleStatus(status), List.of())
                : MessagesController.isMessagesPath(path) ? AnthropicErrors.body(status, message)
                : ErrorResponses.envelope(message, ErrorResponses.typeFor(status), null, code);
        ByteBuf content = Unpooled.wrappedBuffer(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status, ErrorResponses.reason(status)), content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    private static String googleStatus(int status) {
        return switch (status) {
            case 408 -> "DEADLINE_EXCEEDED";
            case 413, 414, 431 -> "INVALID_ARGUMENT";
            default -> NativeErrors.googleStatus(status);
        };
    }

    /** The 413 message, the same wherever the limit is found. */
    static String tooLargeMessage(long limit) {
        String mib = limit % (1024 * 1024) == 0 ? " (" + limit / (1024 * 1024) + " MiB)" : "";
        return "The request body is too large: this server accepts at most " + limit + " bytes" + mib + ".";
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L);
    }

    private void schedule(long nanos, Runnable task) {
        cancel();
        timerTask = task;
        timer = ctx.executor().schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        timerTask = null;
    }
}
