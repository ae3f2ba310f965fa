package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ADMIN_SESSION_EXPIRE}: its default, its range, and a bad value stopping start-up in one line. */
class AdminUiSettingsTest {

    @TempDir
    Path workDir;

    @Test
    void defaultIsAnHour() {
        assertThat(AdminUiSettings.defaults().sessionExpire()).isEqualTo(Duration.ofHours(1));
        assertThat(AdminUiSettings.from(Map.of("ADMIN_SESSION_EXPIRE", " ")).sessionExpire()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void secondsAreRead() {
        assertThat(AdminUiSettings.from(Map.of("ADMIN_SESSION_EXPIRE", "7200")).sessionExpire())
                .isEqualTo(Duration.ofHours(2));
        assertThat(AdminUiSettings.from(Map.of("ADMIN_SESSION_EXPIRE", "60")).sessionExpire())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(AdminUiSettings.from(Map.of("ADMIN_SESSION_EXPIRE", "2592000")).sessionExpire())
                .isEqualTo(Duration.ofDays(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"one hour", "-5", "0", "59", "2592001", "3600s", "1e4", "99999999999999999999"})
    void badValuesNameTheSetting(String value) {
        assertThatThrownBy(() -> AdminUiSettings.from(Map.of("ADMIN_SESSION_EXPIRE", value)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo("ADMIN_SESSION_EXPIRE");
                    assertThat(e.getMessage()).startsWith("Invalid setting ADMIN_SESSION_EXPIRE: ")
                            .contains("from 60 to 2592000").doesNotContain("\n");
                });
    }

    @Test
    void aBadValueStopsStartUpWithOneLineNamingIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Application.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(workDir.resolve("out.txt").toFile())
                .redirectError(workDir.resolve("err.txt").toFile());
        pb.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        pb.environment().putAll(Map.of(
                "API_KEYS", "[\"AIzaSyTEST-secret-key-0001\"]",
                "ALLOWED_TOKENS", "[\"sk-test\"]",
                "AUTH_TOKEN", "admin-secret-token-1",
                "DATABASE_TYPE", "none",
                "ADMIN_SESSION_EXPIRE", "forever"));
        Process process = pb.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();

        assertThat(process.exitValue()).isEqualTo(1);
        String err = Files.readString(workDir.resolve("err.txt"), StandardCharsets.UTF_8);
        String out = Files.readString(workDir.resolve("out.txt"), StandardCharsets.UTF_8);
        assertThat(err.lines().toList()).hasSize(1);
        assertThat(err).startsWith("gemini-balance: Invalid setting ADMIN_SESSION_EXPIRE:");
        assertThat(err + out).doesNotContain("admin-secret-token-1").doesNotContain("AIzaSyTEST-secret-key-0001");
    }
}
