/**
 * The Micronaut server: thin HTTP adapters over {@link io.github.geminibalance.GeminiBalance}. Controllers
 * parse bodies with the core's mapper and write answers with it; {@link io.github.geminibalance.server.AuthFilter}
 * checks bearer tokens, {@link io.github.geminibalance.server.OpenCorsFilter} answers CORS, and every error
 * leaves in the OpenAI envelope ({@link io.github.geminibalance.server.GeminiBalanceExceptionHandler} for the
 * core's failures, {@link io.github.geminibalance.server.OpenAiErrorResponseProcessor} for the framework's).
 * The Gemini-native routes ({@link io.github.geminibalance.server.NativeController}) are a byte-exact
 * passthrough whose errors use Gemini's shape ({@link io.github.geminibalance.server.NativeErrors}).
 */
package io.github.geminibalance.server;
