package io.github.geminibalance.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyUsageTest {

    // 2026-06-15 in Los Angeles (UTC-7): the quota day ends at 07:00 UTC on the 16th
    private static final Instant MORNING = Instant.parse("2026-06-15T16:00:00Z");
    private static final Instant BEFORE_MIDNIGHT_PACIFIC = Instant.parse("2026-06-16T06:59:59Z");
    private static final Instant AFTER_MIDNIGHT_PACIFIC = Instant.parse("2026-06-16T07:00:00Z");

    @Test
    void countsRequestsAndTokensWithinOneQuotaDay() {
        KeyUsage usage = new KeyUsage(KeyPool.QUOTA_ZONE);

        usage.countRequest(MORNING);
        usage.countRequest(BEFORE_MIDNIGHT_PACIFIC);
        usage.addTokens(120, BEFORE_MIDNIGHT_PACIFIC);

        assertThat(usage.requests(BEFORE_MIDNIGHT_PACIFIC)).isEqualTo(2);
        assertThat(usage.tokens(BEFORE_MIDNIGHT_PACIFIC)).isEqualTo(120);
    }

    @Test
    void startsAgainAtMidnightPacificTimeNotUtc() {
        KeyUsage usage = new KeyUsage(KeyPool.QUOTA_ZONE);
        usage.countRequest(MORNING);
        usage.addTokens(50, MORNING);

        assertThat(usage.requests(Instant.parse("2026-06-16T00:30:00Z"))).as("past midnight UTC").isEqualTo(1);
        assertThat(usage.requests(AFTER_MIDNIGHT_PACIFIC)).isZero();
        assertThat(usage.tokens(AFTER_MIDNIGHT_PACIFIC)).isZero();
    }
}
