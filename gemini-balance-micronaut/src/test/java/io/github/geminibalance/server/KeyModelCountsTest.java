package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class KeyModelCountsTest {

    // 2026-06-15 23:30 in Los Angeles (PDT, UTC-7): half an hour before the quota day ends
    private static final Instant LATE = Instant.parse("2026-06-16T06:30:00Z");

    @Test
    void theQuotaHitIsTheAttemptsBeforeTheExhaustedOneAndOutlivesTheDay() {
        KeyModelCounts counts = new KeyModelCounts();
        for (int i = 0; i < 3; i++) {
            counts.count("k-00000001", "gemini-2.5-pro", false, LATE);
        }
        counts.count("k-00000001", "gemini-2.5-pro", true, LATE.plusSeconds(60));
        counts.count("k-00000001", "gemini-2.5-pro", true, LATE.plusSeconds(120)); // the same day: the first hit stays

        KeyModelCounts.Row row = counts.rows(LATE.plusSeconds(180)).get(0);
        assertThat(row.requests()).isEqualTo(5);
        assertThat(row.quotaDay()).isEqualTo(LocalDate.parse("2026-06-15"));
        assertThat(row.quotaRequests()).isEqualTo(3);

        // midnight Pacific: today's attempts start from zero, the hit is kept; a pair without one is dropped
        counts.count("k-00000002", "gemini-2.5-pro", false, LATE);
        assertThat(counts.rows(LATE.plus(Duration.ofMinutes(31)))).singleElement().satisfies(r -> {
            assertThat(r.keyId()).isEqualTo("k-00000001");
            assertThat(r.requests()).isZero();
            assertThat(r.quotaRequests()).isEqualTo(3);
        });
    }

    @Test
    void keepsAtMostMaxPairs() {
        KeyModelCounts counts = new KeyModelCounts();
        for (int i = 0; i < KeyModelCounts.MAX_PAIRS + 10; i++) {
            counts.count("k-00000001", "model-" + i, false, LATE);
        }
        assertThat(counts.rows(LATE)).hasSize(KeyModelCounts.MAX_PAIRS);
    }
}
