package io.github.geminibalance.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void quotesAndEscapesEveryControlCharacter() {
        assertThat(LogText.quote("gemini-2.5-flash")).isEqualTo("\"gemini-2.5-flash\"");
        assertThat(LogText.quote("a\nb\rc\td")).isEqualTo("\"a\\nb\\rc\\td\"");
        assertThat(LogText.quote("nul\u0000esc\u001b[31mdel\u007fc1\u009b")).isEqualTo(
                "\"nul\\u0000esc\\u001b[31mdel\\u007fc1\\u009b\"");
        assertThat(LogText.quote("say \"hi\" \\ bye")).isEqualTo("\"say \\\"hi\\\" \\\\ bye\"");
        assertThat(LogText.quote("line\u2028sep rtl\u202eoverride iso\u2066")).isEqualTo(
                "\"line\\u2028sep rtl\\u202eoverride iso\\u2066\"");
        assertThat(LogText.quote("日本語 émoji 😀")).isEqualTo("\"日本語 émoji 😀\"");
        assertThat(LogText.quote(null)).isEqualTo("null");
    }

    @Test
    void capsLengthWithAnEllipsisWithoutSplittingASurrogatePair() {
        String quoted = LogText.quote("x".repeat(500));
        assertThat(quoted).isEqualTo("\"" + "x".repeat(LogText.MAX_CHARS) + "...\"");

        String pairs = "x".repeat(LogText.MAX_CHARS - 1) + "😀😀";
        assertThat(LogText.quote(pairs)).isEqualTo("\"" + "x".repeat(LogText.MAX_CHARS - 1) + "...\"");
        assertThat(LogText.truncate(pairs)).isEqualTo("x".repeat(LogText.MAX_CHARS - 1) + "...");
        assertThat(LogText.truncate("short")).isEqualTo("short");
    }

    @Test
    void aQuotedValueIsOneLineWithNoRawControlCharacter() {
        for (int c = 0; c < 0x100; c++) {
            String quoted = LogText.quote("a" + (char) c + "b");
            assertThat(quoted.chars().noneMatch(ch -> ch < 0x20 || (ch >= 0x7f && ch <= 0x9f)))
                    .as("char %04x", c).isTrue();
        }
    }

    @Test
    void escapeControlsKeepsQuotesAndBackslashesAndLeavesCleanTextAlone() {
        String clean = "model=\"x\\y\" ok";
        assertThat(LogText.escapeControls(clean)).isSameAs(clean);
        assertThat(LogText.escapeControls("a\nFORGED b\u001b")).isEqualTo("a\\nFORGED b\\u001b");
        assertThat(LogText.escapeControls(LogText.quote("x\ny"))).isEqualTo(LogText.quote("x\ny"));
    }
}
