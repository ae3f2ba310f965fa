/**
 * Translation between the OpenAI wire types and Gemini's, both directions, streaming and not.
 *
 * <p><b>Not API.</b> The core's module descriptor does not export this package: its types may change in
 * any release. Code outside the core (the server, the examples, applications) uses the exported packages
 * only; on the class path, where the JVM does not enforce this, the build does ({@code ModuleBoundary}).
 */
package io.github.geminibalance.translate;
