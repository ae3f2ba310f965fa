package io.github.geminibalance.store;

import java.time.LocalDate;

/**
 * One row of a usage report. A dimension the report is not grouped by is null.
 *
 * @param day the UTC day, or null
 * @param model the model, or null
 * @param keyId the key, or null
 * @param client the client label ({@code ""} for calls without one), or null
 * @param requests client calls (filed under the key of their last attempt)
 * @param errors failed upstream attempts
 * @param promptTokens prompt tokens
 * @param completionTokens candidate tokens
 * @param thinkingTokens thinking tokens
 * @param cachedTokens cached-content tokens
 */
public record UsageRow(LocalDate day, String model, String keyId, String client, long requests, long errors,
        long promptTokens, long completionTokens, long thinkingTokens, long cachedTokens) {

    /** This row plus another's counts. */
    public UsageRow plus(UsageRow other) {
        return new UsageRow(day, model, keyId, client, requests + other.requests, errors + other.errors,
                promptTokens + other.promptTokens, completionTokens + other.completionTokens,
                thinkingTokens + other.thinkingTokens, cachedTokens + other.cachedTokens);
    }
}
