package io.github.geminibalance;

/**
 * The outcome of re-validating one key ({@link GeminiBalance#checkKeys(boolean)}).
 *
 * @param id the key's id, such as {@code k-3f9a1c07}
 * @param masked the key with all but its first and last four characters hidden
 * @param valid whether the key answered the test call
 * @param status the HTTP status of the test call (0 when it never got one)
 * @param reason why the key failed (Gemini's reason or status), or null when it passed
 */
public record KeyCheckResult(String id, String masked, boolean valid, int status, String reason) {}
