package io.github.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DotEnvTest {

    @Test
    void readsNameValueLinesAndTrimsWhitespace() {
        Map<String, String> parsed = DotEnv.parse("  MAX_FAILURES = 5  \nPORT=9000\n");

        assertThat(parsed).containsExactly(Map.entry("MAX_FAILURES", "5"), Map.entry("PORT", "9000"));
    }

    @Test
    void acceptsExportPrefix() {
        assertThat(DotEnv.parse("export API_KEYS=k1\nexport\tPORT=1")).containsExactly(
                Map.entry("API_KEYS", "k1"), Map.entry("PORT", "1"));
    }

    @Test
    void skipsCommentsAndBlankLines() {
        String text = "# a comment\n\n   \n  # indented comment\nPORT=8080\n";

        assertThat(DotEnv.parse(text)).containsExactly(Map.entry("PORT", "8080"));
    }

    @Test
    void stripsInlineCommentAfterUnquotedValueButKeepsHashInsideValue() {
        Map<String, String> parsed = DotEnv.parse("A=value # comment\nB=abc#def\nC= # only a comment\nD=x\t# tab\n");

        assertThat(parsed).containsEntry("A", "value")
                .containsEntry("B", "abc#def")
                .containsEntry("C", "")
                .containsEntry("D", "x");
    }

    @Test
    void singleQuotedValueIsLiteral() {
        Map<String, String> parsed = DotEnv.parse("A='  spaced # not a comment \\n '\n");

        assertThat(parsed).containsEntry("A", "  spaced # not a comment \\n ");
    }

    @Test
    void doubleQuotedValueSupportsEscapes() {
        Map<String, String> parsed = DotEnv.parse("A=\"line1\\nline2 \\\"quoted\\\" back\\\\slash\"\n");

        assertThat(parsed).containsEntry("A", "line1\nline2 \"quoted\" back\\slash");
    }

    @Test
    void commentAfterQuotedValueIsAllowed() {
        assertThat(DotEnv.parse("A=\"x # y\"  # trailing comment")).containsEntry("A", "x # y");
    }

    @Test
    void quotedJsonListSurvivesIntact() {
        Map<String, String> parsed = DotEnv.parse("API_KEYS='[\"a\",\"b\"]'\nALLOWED_TOKENS=[\"t1\", \"t2\"]\n");

        assertThat(parsed).containsEntry("API_KEYS", "[\"a\",\"b\"]")
                .containsEntry("ALLOWED_TOKENS", "[\"t1\", \"t2\"]");
    }

    @Test
    void quotedValueMaySpanSeveralLines() {
        Map<String, String> parsed = DotEnv.parse("API_KEYS=\"k1\nk2\n  k3\"\nPORT=1\n");

        assertThat(parsed).containsEntry("API_KEYS", "k1\nk2\n  k3").containsEntry("PORT", "1");
    }

    @Test
    void valueMayContainEqualsSignsAndBeEmpty() {
        assertThat(DotEnv.parse("A=b=c\nB=\n")).containsEntry("A", "b=c").containsEntry("B", "");
    }

    @Test
    void handlesCrLfLineEndingsAndByteOrderMark() {
        assertThat(DotEnv.parse("\uFEFFA=1\r\nB=\"2\"\r\n")).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
    }

    @Test
    void laterDuplicateWins() {
        assertThat(DotEnv.parse("PORT=1\nPORT=2\n")).containsExactly(Map.entry("PORT", "2"));
    }

    @Test
    void lineWithoutEqualsNamesLineNumberNotContent() {
        String text = "PORT=1\n# comment\nAIzaSyLeakedSecretKey\n";

        assertThatThrownBy(() -> DotEnv.parse(text))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("'='")
                .hasMessageNotContaining("AIzaSyLeakedSecretKey")
                .extracting(e -> ((ConfigException) e).setting()).isEqualTo(".env");
    }

    @Test
    void unclosedQuoteNamesTheLineWhereItOpens() {
        assertThatThrownBy(() -> DotEnv.parse("PORT=1\nAPI_KEYS=\"secretValue\nPORT=2\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("never closed")
                .hasMessageNotContaining("secretValue");
    }

    @Test
    void textAfterClosingQuoteIsRejected() {
        assertThatThrownBy(() -> DotEnv.parse("A=\"x\" secretTail\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 1")
                .hasMessageNotContaining("secretTail");
    }

    @Test
    void invalidOrMissingNameIsRejected() {
        assertThatThrownBy(() -> DotEnv.parse("OK=1\nMY KEY=1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("invalid setting name");
        assertThatThrownBy(() -> DotEnv.parse("=value\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("no setting name");
    }
}
