package io.github.geminibalance.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class UpstreamCircuitTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final Instant START = Instant.parse("2026-06-15T12:00:00Z");

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final UpstreamCircuit circuit = new UpstreamCircuit(5, Duration.ofSeconds(30), clock);

    private void fail(int times, String... keys) {
        for (int i = 0; i < times; i++) {
            circuit.onTransientFailure(MODEL, keys[i % keys.length]);
        }
    }

    @Test
    void opensAfterTheThresholdOnTwoKeysAndTheFirstSuccessClosesIt() {
        fail(4, "a", "b");
        assertThat(circuit.isOpen(MODEL)).isFalse();

        assertThat(circuit.onTransientFailure(MODEL, "a")).as("this failure opened it").isTrue();
        assertThat(circuit.isOpen(MODEL)).isTrue();
        assertThat(circuit.onTransientFailure(MODEL, "b")).as("already open").isFalse();
        assertThat(circuit.openModels()).containsExactly(java.util.Map.entry(MODEL, START));
        assertThat(circuit.isOpen("gemini-2.5-pro")).as("per model").isFalse();

        assertThat(circuit.onSuccess(MODEL)).as("this success closed it").isTrue();
        assertThat(circuit.isOpen(MODEL)).isFalse();
        assertThat(circuit.openModels()).isEmpty();
        assertThat(circuit.onSuccess(MODEL)).isFalse();
    }

    @Test
    void oneFailingKeyNeverOpensIt() {
        fail(50, "a");

        assertThat(circuit.isOpen(MODEL)).isFalse();
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgain() {
        fail(4, "a", "b");
        circuit.onSuccess(MODEL);
        fail(4, "a", "b");

        assertThat(circuit.isOpen(MODEL)).isFalse();
    }

    @Test
    void closesByItselfAfterAQuietPeriod() {
        fail(5, "a", "b");
        clock.now = START.plusSeconds(29);
        assertThat(circuit.isOpen(MODEL)).isTrue();

        clock.now = START.plusSeconds(30);
        assertThat(circuit.isOpen(MODEL)).isFalse();
        assertThat(circuit.openModels()).isEmpty();
    }

    @Test
    void anOldStreakDoesNotAddToANewOne() {
        fail(4, "a", "b");
        clock.now = START.plusSeconds(60);
        fail(4, "a", "b");

        assertThat(circuit.isOpen(MODEL)).isFalse();
    }

    @Test
    void aFailureWhileOpenKeepsItOpen() {
        fail(5, "a", "b");
        clock.now = START.plusSeconds(25);
        fail(1, "c");
        clock.now = START.plusSeconds(50);

        assertThat(circuit.isOpen(MODEL)).isTrue();
    }

    @Test
    void validatesItsSettings() {
        assertThatThrownBy(() -> new UpstreamCircuit(1, Duration.ofSeconds(1), clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UpstreamCircuit(5, Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
