/**
 * The embeddable gemini-balance: the {@link io.github.geminibalance.GeminiBalance} facade and its builder,
 * the values it answers with ({@link io.github.geminibalance.KeyStatus}, {@link io.github.geminibalance.KeyCheckResult},
 * {@link io.github.geminibalance.RequestTrace}), the listener for metrics, the exceptions, and the
 * helpers adapters need ({@link io.github.geminibalance.StreamRelay}, {@link io.github.geminibalance.UpstreamError},
 * {@link io.github.geminibalance.KeyProbe}, {@link io.github.geminibalance.TokenVerifier}).
 */
package io.github.geminibalance;
