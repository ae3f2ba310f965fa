package io.github.geminibalance.translate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnswerTextTest {

    @Test
    void offsetsInsideAMultiByteCharacterRoundOutward() {
        AnswerText text = new AnswerText();
        text.add(0, 0, "Café!", 0); // é is bytes 3..4

        assertThat(text.contentRange(null, 0, 4, 4)).containsExactly(3, 4);
        assertThat(text.contentRange(null, 0, 0, 3)).containsExactly(0, 3);
        assertThat(text.contentRange(null, 0, 5, 6)).containsExactly(4, 5);
    }

    @Test
    void offsetsSpanningTwoPartsMapThroughTheirContentPositions() {
        AnswerText text = new AnswerText();
        text.add(0, 0, "ab", 0);
        text.add(1, 0, "cd", 10); // something 8 code points long was rendered in between

        assertThat(text.contentRange(null, 1, 1, 3)).containsExactly(1, 11);
        assertThat(text.contentRange(null, 1, 2, 4)).containsExactly(10, 12);
        assertThat(text.contentRange(null, 1, 0, 2)).containsExactly(0, 2);
    }

    @Test
    void outOfRangeAndEmptySegmentsAreClampedOrDropped() {
        AnswerText text = new AnswerText();
        assertThat(text.contentRange(null, 0, 0, 5)).isNull();

        text.add(0, 0, "abc", 2);
        assertThat(text.contentRange(null, 0, 1, 99)).containsExactly(3, 5);
        assertThat(text.contentRange(null, 0, 2, 2)).isNull();
        assertThat(text.contentRange(null, 0, 3, 1)).isNull();
        assertThat(text.contentRange(null, 0, 7, 9)).isNull();
    }

    @Test
    void unknownPartIndexFallsBackToTheWholeAnswer() {
        AnswerText text = new AnswerText();
        text.add(0, 0, "xy", 0);
        text.add(0, 2, "zw", 5);

        assertThat(text.contentRange(2, 0, 0, 1)).containsExactly(5, 6);
        assertThat(text.contentRange(1, 0, 0, 3)).containsExactly(0, 6);
        assertThat(text.contentRange(0, 1, 0, 3)).containsExactly(0, 6);
    }
}
