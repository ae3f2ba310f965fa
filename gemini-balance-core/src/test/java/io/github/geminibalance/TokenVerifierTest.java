package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenVerifierTest {

    @Test
    void acceptsOnlyConfiguredTokens() {
        TokenVerifier verifier = new TokenVerifier(List.of("sk-first-token", "sk-second-token"));

        assertThat(verifier.isEmpty()).isFalse();
        assertThat(verifier.verify("sk-first-token")).isTrue();
        assertThat(verifier.verify("sk-second-token")).isTrue();
        assertThat(verifier.verify("sk-third-token")).isFalse();
        assertThat(verifier.verify("sk-first-toke")).as("a prefix").isFalse();
        assertThat(verifier.verify("sk-first-token ")).as("no trimming of the presented token").isFalse();
        assertThat(verifier.verify("SK-FIRST-TOKEN")).as("case-sensitive").isFalse();
        assertThat(verifier.verify("")).isFalse();
        assertThat(verifier.verify(null)).isFalse();
    }

    @Test
    void labelIfAllowedIsTheLabelOfAnAllowedTokenOnly() {
        TokenVerifier verifier = new TokenVerifier(List.of("sk-first-token", "sk-second-token"));

        assertThat(verifier.labelIfAllowed("sk-second-token")).isEqualTo(TokenVerifier.label("sk-second-token"));
        assertThat(verifier.labelIfAllowed("sk-first-token")).isEqualTo(TokenVerifier.label("sk-first-token"));
        assertThat(verifier.labelIfAllowed("sk-third-token")).isNull();
        assertThat(verifier.labelIfAllowed("sk-first-toke")).isNull();
        assertThat(verifier.labelIfAllowed(null)).isNull();
        assertThat(new TokenVerifier(List.of()).labelIfAllowed("sk-first-token")).isNull();
    }

    @Test
    void labelIsStableShortAndNotTheToken() throws Exception {
        String token = "sk-first-token";
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(TokenVerifier.label(token)).isEqualTo("t-" + java.util.HexFormat.of().formatHex(sha, 0, 4));
        assertThat(TokenVerifier.label(token)).isEqualTo(TokenVerifier.label(token)).matches("t-[0-9a-f]{8}");
        assertThat(TokenVerifier.label("sk-second-token")).isNotEqualTo(TokenVerifier.label(token));
    }

    @Test
    void blankTokensAreIgnored() {
        TokenVerifier verifier = new TokenVerifier(Arrays.asList("", "   ", null, "real"));

        assertThat(verifier.verify("")).isFalse();
        assertThat(verifier.verify("   ")).isFalse();
        assertThat(verifier.verify("real")).isTrue();
    }

    @Test
    void emptyVerifierRejectsEverything() {
        TokenVerifier none = new TokenVerifier(List.of());
        TokenVerifier onlyBlank = new TokenVerifier(List.of(" "));

        assertThat(none.isEmpty()).isTrue();
        assertThat(onlyBlank.isEmpty()).isTrue();
        assertThat(none.verify("anything")).isFalse();
        assertThat(none.verify("")).isFalse();
        assertThat(onlyBlank.verify(" ")).isFalse();
    }

    @Test
    void unicodeTokensWork() {
        TokenVerifier verifier = new TokenVerifier(List.of("t\u00f6k\u20ac\uD83D\uDE00"));

        assertThat(verifier.verify("t\u00f6k\u20ac\uD83D\uDE00")).isTrue();
        assertThat(verifier.verify("tok")).isFalse();
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(nullValues = "NULL", ignoreLeadingAndTrailingWhitespace = false, value = {
        "Bearer x,x",
        "bearer x,x",
        "BEARER x,x",
        "Bearer sk-abc.def_123,sk-abc.def_123",
        "Bearer   spaced  ,spaced",
        "  Bearer x  ,x",
        "Basic x,NULL",
        "Bearer ,NULL",
        "Bearer,NULL",
        "Bearer    ,NULL",
        "Bearerx,NULL",
        "x,NULL",
        "'',NULL",
        "NULL,NULL",
    })
    void bearerTokenParsing(String header, String token) {
        assertThat(TokenVerifier.bearerToken(header)).isEqualTo(token);
    }
}
