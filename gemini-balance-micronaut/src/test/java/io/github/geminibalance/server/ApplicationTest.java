package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Application#main}: a bad setting stops start-up with one line on stderr and exit code 1. */
class ApplicationTest {

    @TempDir
    Path workDir;

    private record Outcome(int exitCode, String stdout, String stderr) {}

    private Outcome run(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Application.class.getName())
                .directory(workDir.toFile())
                .redirectOutput(workDir.resolve("out.txt").toFile())
                .redirectError(workDir.resolve("err.txt").toFile());
        // only the settings under test: nothing from the developer's environment
        pb.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        pb.environment().putAll(env);
        Process process = pb.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        return new Outcome(process.exitValue(), read("out.txt"), read("err.txt"));
    }

    private String read(String name) throws Exception {
        File f = workDir.resolve(name).toFile();
        return f.exists() ? Files.readString(f.toPath(), StandardCharsets.UTF_8) : "";
    }

    @Test
    void badSettingIsOneLineNamingItAndExitCode1() throws Exception {
        Outcome outcome = run(Map.of(
                "API_KEYS", "[\"AIzaSyTEST-secret-key-0001\"]",
                "ALLOWED_TOKENS", "[\"sk-test\"]",
                "MAX_RETRIES", "three"));

        assertThat(outcome.exitCode()).isEqualTo(1);
        List<String> lines = outcome.stderr().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("gemini-balance: Invalid setting MAX_RETRIES:");
        assertThat(outcome.stderr() + outcome.stdout()).doesNotContain("AIzaSyTEST-secret-key-0001")
                .doesNotContain("\tat ");
    }

    @Test
    void missingKeysAreNamed() throws Exception {
        Outcome outcome = run(Map.of("ALLOWED_TOKENS", "[\"sk-test\"]"));

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.stderr().strip()).startsWith("gemini-balance: Invalid setting API_KEYS:")
                .doesNotContain("\n");
    }
}
