package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelTagsTest {

    @Test
    void onlyAdmittedModelsAreLabelValuesUpToTheCapacity() {
        ModelTags tags = new ModelTags(2);

        assertThat(tags.of("gemini-2.5-flash")).isEqualTo(ModelTags.OTHER);
        assertThat(tags.admit("gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
        assertThat(tags.of("gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
        assertThat(tags.admit("gemini-2.5-pro")).isEqualTo("gemini-2.5-pro");
        assertThat(tags.admit("gemini-3-pro")).as("over capacity").isEqualTo(ModelTags.OTHER);
        assertThat(tags.of("gemini-3-pro")).isEqualTo(ModelTags.OTHER);
        assertThat(tags.admit("gemini-2.5-flash")).as("already admitted").isEqualTo("gemini-2.5-flash");
    }

    @Test
    void noModelIsNone() {
        ModelTags tags = new ModelTags(1);
        assertThat(tags.admit("")).isEqualTo(ModelTags.NONE);
        assertThat(tags.of(null)).isEqualTo(ModelTags.NONE);
        assertThat(tags.admit("gemini-2.5-flash")).as("none did not take the only slot").isEqualTo("gemini-2.5-flash");
    }

    @Test
    void capacityMustBePositive() {
        assertThatThrownBy(() -> new ModelTags(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
