package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Finding database binaries and running them as an unprivileged user when the tests run as root. */
final class ServerProcesses {

    private ServerProcesses() {}

    /**
     * The first executable named {@code name} in {@code dirs} (globs of the form {@code /usr/lib/postgresql/*}
     * are expanded, newest version first) or on the PATH. Without it the test fails when {@code CI=true}
     * and is skipped otherwise.
     */
    static Path binary(String name, String installHint, String... dirs) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : dirs) {
            if (dir.endsWith("/*/bin")) {
                Path base = Path.of(dir.substring(0, dir.length() - "/*/bin".length()));
                if (Files.isDirectory(base)) {
                    try (Stream<Path> versions = Files.list(base)) {
                        versions.sorted(Comparator.comparing((Path p) -> versionOf(p)).reversed())
                                .forEach(v -> candidates.add(v.resolve("bin").resolve(name)));
                    } catch (IOException e) {
                        // ignore: fall through to the PATH
                    }
                }
            } else {
                candidates.add(Path.of(dir, name));
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(dir, name));
            }
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = name + " is not installed (" + installHint + "); these tests need a real database server";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString().replaceAll("[^0-9].*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** {@code command} run as {@code user} when the tests run as root, else as is. */
    static List<String> as(String user, List<String> command) {
        if (!root()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Hands {@code dir} to {@code user} when the tests run as root. */
    static void chown(String user, Path dir) {
        if (root()) {
            run(List.of("chown", "-R", user + ":", dir.toString()), dir.resolve("chown.log"));
        }
    }

    /** Runs a command to its end; fails the test when it fails. */
    static void run(List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 120 s; see " + log);
            }
            if (process.exitValue() != 0) {
                fail(String.join(" ", command) + " exited with " + process.exitValue() + ": "
                        + Files.readString(log).lines().reduce((a, b) -> b).orElse("") + " (see " + log + ")");
            }
        } catch (IOException e) {
            fail("cannot run " + command + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    /** Starts a long-running server process. */
    static Process start(List<String> command, Path log) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
