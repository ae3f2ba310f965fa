package io.github.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeySelectionTest {

    @Test
    void parsesTheSettingsSpellingsInAnyCase() {
        assertThat(KeySelection.parse("round_robin")).contains(KeySelection.ROUND_ROBIN);
        assertThat(KeySelection.parse(" Round-Robin ")).contains(KeySelection.ROUND_ROBIN);
        assertThat(KeySelection.parse("LEAST-BUSY")).contains(KeySelection.LEAST_BUSY);
        assertThat(KeySelection.parse("random")).isEmpty();
        assertThat(KeySelection.parse("")).isEmpty();
    }

    @Test
    void toStringIsTheSettingsSpelling() {
        assertThat(KeySelection.ROUND_ROBIN).hasToString("round_robin");
        assertThat(KeySelection.LEAST_BUSY).hasToString("least_busy");
    }
}
