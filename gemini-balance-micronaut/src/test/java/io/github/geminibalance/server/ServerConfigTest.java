package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ServerConfig}: the settings only the server has (moved here from the core's loader, with the same
 * messages).
 */
class ServerConfigTest {

    private static final String TOKEN = "sk-client-token-1";

    @TempDir
    Path dir;

    /** The minimum valid settings, with pairs added or (for a null value) removed. */
    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ALLOWED_TOKENS", TOKEN);
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                env.remove(pairs[i]);
            } else {
                env.put(pairs[i], pairs[i + 1]);
            }
        }
        return env;
    }

    private static ServerConfig load(String... pairs) {
        return ServerConfig.from(env(pairs));
    }

    /** Expects a one-line ConfigException for {@code setting} that does not contain any of {@code secrets}. */
    private static ConfigException failure(String setting, List<String> secrets, String... pairs) {
        try {
            load(pairs);
        } catch (ConfigException e) {
            assertThat(e.setting()).isEqualTo(setting);
            assertThat(e.getMessage()).startsWith("Invalid setting " + setting + ": ")
                    .doesNotContain("\n").doesNotContain(TOKEN);
            for (String secret : secrets) {
                assertThat(e.getMessage()).doesNotContain(secret);
            }
            return e;
        }
        return fail("expected a ConfigException for " + setting);
    }

    private static ConfigException failure(String setting, String... pairs) {
        return failure(setting, List.of(), pairs);
    }

    @Test
    void minimalSettingsGiveEveryDefault() {
        ServerConfig c = load();

        assertThat(c.allowedTokens()).containsExactly(TOKEN);
        assertThat(c.authToken()).isNull();
        assertThat(c.port()).isEqualTo(8000);
        assertThat(c.redisUrl()).isNull();
        assertThat(c.upstreamClient()).isEqualTo(ServerConfig.UpstreamClient.NETTY);
        assertThat(c).isEqualTo(ServerConfig.of(List.of(TOKEN)));
    }

    // ---- ALLOWED_TOKENS and AUTH_TOKEN ----

    @Test
    void allowedTokensMissingExplainsConsequence() {
        ConfigException e = failure("ALLOWED_TOKENS", "ALLOWED_TOKENS", null);

        assertThat(e.getMessage()).isEqualTo(
                "Invalid setting ALLOWED_TOKENS: ALLOWED_TOKENS is not set: clients could not authenticate");
    }

    @Test
    void allowedTokensEmptyListIsRejected() {
        ConfigException e = failure("ALLOWED_TOKENS", "ALLOWED_TOKENS", "[]");

        assertThat(e.getMessage()).contains("ALLOWED_TOKENS is empty: clients could not authenticate");
    }

    @Test
    void allowedTokensCommaAndJsonForms() {
        assertThat(load("ALLOWED_TOKENS", "sk-a, sk-b,sk-a").allowedTokens()).containsExactly("sk-a", "sk-b");
        assertThat(load("ALLOWED_TOKENS", "[\"sk-a\",\"sk-b\"]").allowedTokens()).containsExactly("sk-a", "sk-b");
    }

    @Test
    void allowedTokensMalformedJsonDoesNotEchoTokens() {
        ConfigException e = failure("ALLOWED_TOKENS", List.of("sk-secret-xyz"), "ALLOWED_TOKENS", "[sk-secret-xyz]");

        assertThat(e.getMessage()).contains("ALLOWED_TOKENS is not a JSON list of strings");
    }

    @Test
    void allowedTokensEntryWithInnerWhitespaceIsRejected() {
        ConfigException e = failure("ALLOWED_TOKENS", List.of("half of"), "ALLOWED_TOKENS", "[\"half of a token\"]");

        assertThat(e.getMessage()).contains("entry 1").contains("whitespace");
    }

    @Test
    void authTokenIsItsOwnSettingAndNeverDefaultsToAClientToken() {
        assertThat(load().authToken()).isNull();
        assertThat(load("AUTH_TOKEN", "   ").authToken()).isNull();
        assertThat(load("AUTH_TOKEN", " admin-secret ").authToken()).isEqualTo("admin-secret");
    }

    @Test
    void authTokenEqualToAClientTokenIsRejectedWithoutEchoingIt() {
        ConfigException e = failure("AUTH_TOKEN", List.of("sk-shared"),
                "ALLOWED_TOKENS", "sk-other,sk-shared", "AUTH_TOKEN", "sk-shared");

        assertThat(e.getMessage()).contains("ALLOWED_TOKENS").contains("must differ");
    }

    @Test
    void authTokenWithInnerWhitespaceIsRejectedWithoutEchoingIt() {
        ConfigException e = failure("AUTH_TOKEN", List.of("admin secret"), "AUTH_TOKEN", "admin secret");

        assertThat(e.getMessage()).contains("whitespace");
    }

    // ---- PORT ----

    @Test
    void portIsReadAndBlankMeansTheDefault() {
        assertThat(load("PORT", "65535").port()).isEqualTo(65535);
        assertThat(load("PORT", " ").port()).isEqualTo(8000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "80a"})
    void portRejectsBadValuesAndQuotesThem(String value) {
        ConfigException e = failure("PORT", "PORT", value);

        assertThat(e.getMessage()).contains("PORT must be a whole number").contains("\"" + value + "\"");
    }

    @Test
    void portMessageStatesRange() {
        assertThat(failure("PORT", "PORT", "70000").getMessage()).contains("from 1 to 65535");
    }

    // ---- REDIS_URL and UPSTREAM_CLIENT ----

    @Test
    void redisUrlAcceptsRedisSchemes() {
        assertThat(load("REDIS_URL", "redis://localhost:6379/0").redisUrl()).isEqualTo("redis://localhost:6379/0");
        assertThat(load("REDIS_URL", "rediss://:pw@cache:6380").redisUrl()).isEqualTo("rediss://:pw@cache:6380");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://user:hunter2@cache:6379", "localhost:6379", "rediss:/cache:6379"})
    void redisUrlWithOtherSchemeIsRejectedWithoutEchoingIt(String value) {
        ConfigException e = failure("REDIS_URL", List.of(value, "hunter2"), "REDIS_URL", value);

        assertThat(e.getMessage()).contains("redis:// or rediss://");
    }

    @Test
    void upstreamClientDefaultsToNettyAndAcceptsJdk() {
        assertThat(load().upstreamClient()).isEqualTo(ServerConfig.UpstreamClient.NETTY);
        assertThat(load("UPSTREAM_CLIENT", " JDK ").upstreamClient()).isEqualTo(ServerConfig.UpstreamClient.JDK);
        assertThat(load("UPSTREAM_CLIENT", "netty").upstreamClient()).isEqualTo(ServerConfig.UpstreamClient.NETTY);
    }

    @Test
    void unknownUpstreamClientStopsStartUp() {
        ConfigException e = failure("UPSTREAM_CLIENT", "UPSTREAM_CLIENT", "okhttp");

        assertThat(e.getMessage()).contains("netty or jdk").contains("\"okhttp\"");
    }

    // ---- the same raw settings as the core ----

    @Test
    void dotEnvSuppliesSettingsAndEnvironmentWins() throws IOException {
        Path file = dir.resolve(".env");
        Files.writeString(file, "API_KEYS=AIzaSyTestKey\nALLOWED_TOKENS=sk-from-file\nPORT=9000\n");

        ServerConfig c = ServerConfig.from(ConfigLoader.settings(Map.of("PORT", "9100"), file));

        assertThat(c.allowedTokens()).containsExactly("sk-from-file");
        assertThat(c.port()).isEqualTo(9100);
    }

    @Test
    void shippedEnvExampleLoads() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String example = Files.readString(root.resolve(".env.example"));
        Path file = dir.resolve(".env");
        Files.writeString(file, example);
        assertThat(ServerConfig.from(ConfigLoader.settings(Map.of(), file)).allowedTokens())
                .containsExactly("sk-change-me");

        Files.writeString(file, example.replaceAll("(?m)^# ([A-Z_]+=)", "$1"));
        ServerConfig uncommented = ServerConfig.from(ConfigLoader.settings(Map.of(), file));
        assertThat(uncommented.port()).isEqualTo(8000);
        assertThat(uncommented.redisUrl()).isEqualTo("redis://localhost:6379/0");
    }

    @Test
    void completeExampleInConfigurationDocLoads() throws IOException {
        String doc = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("docs/configuration.md"));
        int section = doc.indexOf("## Complete example `.env`");
        int start = doc.indexOf("```dotenv\n", section) + "```dotenv\n".length();
        Path file = dir.resolve(".env");
        Files.writeString(file, doc.substring(start, doc.indexOf("```", start)));

        ServerConfig c = ServerConfig.from(ConfigLoader.settings(Map.of(), file));

        assertThat(c.allowedTokens()).hasSize(2);
        assertThat(c.authToken()).isEqualTo("admin-5c7e0f2b91");
    }

    @Test
    void toStringDoesNotRevealSecrets() {
        ServerConfig c = load("AUTH_TOKEN", "admin-secret", "REDIS_URL", "redis://:hunter2@cache:6379");

        assertThat(c.toString()).doesNotContain(TOKEN).doesNotContain("admin-secret").doesNotContain("hunter2")
                .contains("allowedTokens=1 tokens").contains("authToken=set").contains("redisUrl=set");
    }
}
