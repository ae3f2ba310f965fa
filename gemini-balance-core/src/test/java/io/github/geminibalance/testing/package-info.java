/**
 * Test support shared by the core's tests and the server's end-to-end tests: {@link
 * io.github.geminibalance.testing.FakeGemini}, a WireMock-backed fake of the Gemini REST API that
 * answers in Google's exact wire format, and {@link io.github.geminibalance.testing.GeminiFixtures},
 * literal responses in the recorded shapes.
 */
package io.github.geminibalance.testing;
