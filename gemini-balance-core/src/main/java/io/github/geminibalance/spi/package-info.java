/**
 * Extension points of the core: {@link io.github.geminibalance.spi.KeyStateStore} shares key state between
 * instances (the Redis module implements it), {@link io.github.geminibalance.spi.HttpTransport} carries the
 * calls to Gemini (the server's Netty transport implements it). Pass implementations to
 * {@link io.github.geminibalance.GeminiBalance.Builder}.
 */
package io.github.geminibalance.spi;
