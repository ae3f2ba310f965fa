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

/**
 * {@link Application#main}: a bad setting, a port in use or any other start-up failure stops start-up
 * with one line on stderr and exit code 1.
 */
class ApplicationTest {

    @TempDir
    Path workDir;

    private record Outcome(int exitCode, String stdout, String stderr) {}

    private Outcome run(Map<String, String> env) throws Exception {
        return run(env, List.of());
    }

    private Outcome run(Map<String, String> env, List<String> jvmOptions) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(Application.class.getName());
        ProcessBuilder pb = new ProcessBuilder(command)
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
    void badProxiesCustomHeadersOrAProxyTheClientCannotUseAreOneLineNamingThem() throws Exception {
        Map<String, String> base = Map.of("API_KEYS", "[\"AIzaSyTEST-secret-key-0001\"]",
                "ALLOWED_TOKENS", "[\"sk-test\"]", "DATABASE_TYPE", "none");
        Map<String, String> badProxy = new java.util.HashMap<>(base);
        badProxy.put("PROXIES", "[\"http://user:pr0xy-secret@127.0.0.1:3128\", \"ftp://user:pr0xy-secret@h\"]");
        Map<String, String> badHeaders = new java.util.HashMap<>(base);
        badHeaders.put("CUSTOM_HEADERS", "{\"Authorization\": \"Bearer pr0xy-secret\"}");
        Map<String, String> socksOnJdk = new java.util.HashMap<>(base);
        socksOnJdk.put("PROXIES", "socks5://user:pr0xy-secret@127.0.0.1:1080");
        socksOnJdk.put("UPSTREAM_CLIENT", "jdk");
        for (var c : List.of(Map.entry("PROXIES", badProxy), Map.entry("CUSTOM_HEADERS", badHeaders),
                Map.entry("PROXIES", socksOnJdk))) {
            Outcome outcome = run(c.getValue());
            assertThat(outcome.exitCode()).isEqualTo(1);
            List<String> lines = outcome.stderr().lines().toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).startsWith("gemini-balance: Invalid setting " + c.getKey() + ":");
            assertThat(outcome.stderr() + outcome.stdout()).doesNotContain("pr0xy-secret")
                    .doesNotContain("AIzaSyTEST-secret-key-0001").doesNotContain("\tat ");
        }
    }

    @Test
    void missingKeysWithoutADatabaseAreNamed() throws Exception {
        Outcome outcome = run(Map.of("ALLOWED_TOKENS", "[\"sk-test\"]", "DATABASE_TYPE", "none"));

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.stderr().strip()).isEqualTo("gemini-balance: Invalid setting API_KEYS: API_KEYS is not set");
    }

    @Test
    void anEmptyStoreWithoutKeysOrAdminTokenIsOneLineNamingBoth() throws Exception {
        // with the default SQLite store, API_KEYS may be unset (the store may hold the keys); this one is new
        Outcome outcome = run(Map.of("ALLOWED_TOKENS", "[\"sk-test\"]"));

        assertThat(outcome.exitCode()).isEqualTo(1);
        List<String> lines = outcome.stderr().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("gemini-balance: Invalid setting API_KEYS: the key pool is empty")
                .contains("AUTH_TOKEN");
        assertThat(outcome.stdout() + outcome.stderr()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void aMalformedApiKeysIsNamedAlsoWithADatabase() throws Exception {
        Outcome outcome = run(Map.of("ALLOWED_TOKENS", "[\"sk-test\"]", "AUTH_TOKEN", "admin-token-0001",
                "API_KEYS", "[\"AIzaSyTEST-secret-key-0001\", 3]"));

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.stderr().lines().toList()).hasSize(1).first().asString()
                .startsWith("gemini-balance: Invalid setting API_KEYS:").doesNotContain("AIzaSyTEST-secret-key-0001");
    }

    private static final Map<String, String> VALID = Map.of(
            "API_KEYS", "[\"AIzaSyTEST-secret-key-0001\"]",
            "ALLOWED_TOKENS", "[\"sk-test\"]",
            "BASE_URL", "http://127.0.0.1:9/v1beta");

    @Test
    void portInUseIsOneLineAndExitCode1() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            Map<String, String> env = new java.util.HashMap<>(VALID);
            env.put("PORT", Integer.toString(taken.getLocalPort()));

            Outcome outcome = run(env);

            assertThat(outcome.exitCode()).isEqualTo(1);
            assertThat(outcome.stderr().lines().toList()).containsExactly("gemini-balance: cannot listen on port "
                    + taken.getLocalPort() + ": the address is already in use (set PORT)");
            assertThat(outcome.stdout() + outcome.stderr()).doesNotContain("\tat ").doesNotContain("ERROR")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void unexpectedStartFailureIsOneLine() throws Exception {
        Outcome outcome = run(VALID, List.of("-Dmicronaut.server.netty.worker.threads=many"));

        assertThat(outcome.exitCode()).isEqualTo(1);
        List<String> lines = outcome.stderr().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("gemini-balance: cannot start: ");
        assertThat(outcome.stdout() + outcome.stderr()).doesNotContain("\tat ");
    }

    @Test
    void badDatabaseTypeIsNamed() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(VALID);
        env.put("DATABASE_TYPE", "oracle");

        Outcome outcome = run(env);

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.stderr().lines().toList()).hasSize(1).first().asString()
                .startsWith("gemini-balance: Invalid setting DATABASE_TYPE:");
    }

    @Test
    void databaseThatCannotBeOpenedIsOneLineNamingTheSetting() throws Exception {
        Files.writeString(workDir.resolve("not-a-directory"), "x");
        Map<String, String> env = new java.util.HashMap<>(VALID);
        env.put("SQLITE_DATABASE", "not-a-directory/gemini-balance.db");

        Outcome outcome = run(env);

        assertThat(outcome.exitCode()).isEqualTo(1);
        List<String> lines = outcome.stderr().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("gemini-balance: ").contains("SQLITE_DATABASE");
        assertThat(outcome.stdout() + outcome.stderr()).doesNotContain("\tat ").doesNotContain("Exception")
                .doesNotContain("AIzaSyTEST-secret-key-0001");
    }

    @Test
    void corruptedSqliteFileIsRefusedAndLeftUntouched() throws Exception {
        Path file = workDir.resolve("data/gemini-balance.db");
        Files.createDirectories(file.getParent());
        byte[] garbage = "this is not a SQLite database, but an operator's precious file".repeat(100)
                .getBytes(StandardCharsets.UTF_8);
        Files.write(file, garbage);

        Outcome outcome = run(VALID);

        assertThat(outcome.exitCode()).isEqualTo(1);
        List<String> lines = outcome.stderr().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("gemini-balance: ").contains("SQLITE_DATABASE");
        assertThat(Files.readAllBytes(file)).isEqualTo(garbage);
    }
}
