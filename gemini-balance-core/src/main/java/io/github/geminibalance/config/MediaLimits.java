package io.github.geminibalance.config;

/**
 * How much remote media (the {@code http(s)} image URLs of a chat request) one request, and all requests
 * together, may make the server download. Without these bounds a small request naming many large images
 * fills the heap, and so do a few concurrent requests each within its own limits.
 *
 * @param maxItems distinct remote URLs fetched per request ({@code MAX_REMOTE_MEDIA}); more is a 400
 *     before anything is fetched
 * @param maxItemBytes the largest single item, in bytes ({@code MAX_MEDIA_BYTES})
 * @param maxTotalBytes all remote media of one request together, in bytes ({@code MAX_MEDIA_TOTAL_BYTES})
 * @param maxInflightBytes the remote media of all requests being prepared at once, in bytes ({@code
 *     MAX_MEDIA_INFLIGHT_BYTES}); at least {@code maxTotalBytes}, so that every request that keeps its own
 *     limits can be served when the server is idle. A request that would pass it gets a retryable 503.
 */
public record MediaLimits(int maxItems, long maxItemBytes, long maxTotalBytes, long maxInflightBytes) {

    /** One mebibyte. */
    public static final long MIB = 1024L * 1024;

    /**
     * The largest accepted item or total: 1 GiB. An item is held as bytes and then as base64 text, and a
     * Java string cannot hold the base64 of much more.
     */
    public static final long MAX_BYTES = 1024 * MIB;

    /** The largest accepted in-flight budget: 1 TiB (it only bounds a count, no single array). */
    public static final long MAX_INFLIGHT_BYTES = 1024 * 1024 * MIB;

    /**
     * The in-flight budget when {@code MAX_MEDIA_INFLIGHT_BYTES} is unset: 256 MiB.
     * {@link #defaultInflightBytes} lowers it to fit the heap.
     */
    public static final long DEFAULT_INFLIGHT_BYTES = 256 * MIB;

    /** 16 items, 20 MiB each, 50 MiB together; in flight, see {@link #defaultInflightBytes}. */
    public static final MediaLimits DEFAULTS = new MediaLimits(16, 20 * MIB, 50 * MIB);

    /** Limits with the default in-flight budget for {@code maxTotalBytes} ({@link #defaultInflightBytes}). */
    public MediaLimits(int maxItems, long maxItemBytes, long maxTotalBytes) {
        this(maxItems, maxItemBytes, maxTotalBytes, defaultInflightBytes(maxTotalBytes));
    }

    /**
     * The default in-flight budget: an eighth of the maximum heap, at most {@value #DEFAULT_INFLIGHT_BYTES}
     * bytes, and never less than one request's {@code maxTotalBytes}. An eighth because an image's bytes
     * are held up to about four times while a request is prepared (the bytes, their base64 text, 1.33x,
     * and the request JSON sent to Gemini, 1.33x again), so the budget's worst case stays near half the
     * heap; 256 MiB is 1 GiB of heap by the same rule.
     */
    public static long defaultInflightBytes(long maxTotalBytes) {
        long byHeap = Math.min(DEFAULT_INFLIGHT_BYTES, Runtime.getRuntime().maxMemory() / 8);
        return Math.min(MAX_INFLIGHT_BYTES, Math.max(maxTotalBytes, byHeap));
    }

    /** Checks the ranges. */
    public MediaLimits {
        if (maxItems < 1) {
            throw new IllegalArgumentException("media maxItems must be at least 1");
        }
        if (maxItemBytes < 1 || maxItemBytes > MAX_BYTES) {
            throw new IllegalArgumentException("media maxItemBytes must be between 1 and " + MAX_BYTES);
        }
        if (maxTotalBytes < 1 || maxTotalBytes > MAX_BYTES) {
            throw new IllegalArgumentException("media maxTotalBytes must be between 1 and " + MAX_BYTES);
        }
        if (maxInflightBytes < maxTotalBytes || maxInflightBytes > MAX_INFLIGHT_BYTES) {
            throw new IllegalArgumentException("media maxInflightBytes must be between maxTotalBytes and "
                    + MAX_INFLIGHT_BYTES);
        }
    }
}
