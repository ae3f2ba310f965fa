package io.github.geminibalance.config;

/**
 * How much remote media (the {@code http(s)} image URLs of a chat request) one request may make the
 * server download. Without these bounds a small request naming many large images fills the heap.
 *
 * @param maxItems distinct remote URLs fetched per request ({@code MAX_REMOTE_MEDIA}); more is a 400
 *     before anything is fetched
 * @param maxItemBytes the largest single item, in bytes ({@code MAX_MEDIA_BYTES})
 * @param maxTotalBytes all remote media of one request together, in bytes ({@code MAX_MEDIA_TOTAL_BYTES})
 */
public record MediaLimits(int maxItems, long maxItemBytes, long maxTotalBytes) {

    /** One mebibyte. */
    public static final long MIB = 1024L * 1024;

    /**
     * The largest accepted item or total: 1 GiB. An item is held as bytes and then as base64 text, and a
     * Java string cannot hold the base64 of much more.
     */
    public static final long MAX_BYTES = 1024 * MIB;

    /** 16 items, 20 MiB each, 50 MiB together. */
    public static final MediaLimits DEFAULTS = new MediaLimits(16, 20 * MIB, 50 * MIB);

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
    }
}
