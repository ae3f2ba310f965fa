package io.github.geminibalance;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * Gemini's answer to a native (passthrough) call: its status, content type and body, streamed as it
 * arrives. Subscribe to the body exactly once (or cancel it) so the key returns to the pool.
 *
 * @param status the HTTP status (2xx; errors fail the future instead)
 * @param contentType Gemini's content type
 * @param body the body bytes
 */
public record NativeResponse(int status, String contentType, Flow.Publisher<ByteBuffer> body) {}
