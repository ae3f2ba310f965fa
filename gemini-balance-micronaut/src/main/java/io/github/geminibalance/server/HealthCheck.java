package io.github.geminibalance.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A container health probe that needs nothing but the JDK: {@code java -cp gemini-balance-server.jar
 * io.github.geminibalance.server.HealthCheck [url]} calls the running server's {@code GET /health} and
 * exits with 0 when it answers 200 ({@code UP}), 1 otherwise (503 {@code DOWN}: no usable key; no answer;
 * a time-out). The Docker image's {@code HEALTHCHECK} runs it, since the JRE image has no HTTP client
 * program. It starts no Micronaut and loads no other class of the server.
 *
 * <p>Without an argument it calls {@code http://127.0.0.1:<port>/health}, the port found as the server
 * finds it: {@code MICRONAUT_SERVER_PORT}, else {@code PORT} from the environment, else {@code PORT} from
 * {@code ./.env}, else 8000.
 */
public final class HealthCheck {

    /** The server's port when nothing sets one. */
    static final int DEFAULT_PORT = 8000;

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private HealthCheck() {}

    /**
     * Probes the server once and exits: 0 when healthy, 1 when not.
     *
     * @param args optionally the URL to call instead of {@code http://127.0.0.1:<port>/health}
     */
    public static void main(String[] args) {
        URI uri = args.length > 0 ? URI.create(args[0]) : healthUri(System.getenv(), Path.of(".env"));
        System.exit(check(uri, TIMEOUT) ? 0 : 1);
    }

    /**
     * Calls {@code uri} once and prints one line about the outcome (the status and the start of the body,
     * or why there was no answer).
     *
     * @param uri the health URL
     * @param timeout for connecting, and again for reading the answer
     * @return whether the answer was 200
     */
    static boolean check(URI uri, Duration timeout) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setUseCaches(false);
            connection.setInstanceFollowRedirects(false);
            int status = connection.getResponseCode();
            String body = readSome(status >= 400 ? connection.getErrorStream() : connection.getInputStream());
            System.out.println(status + " " + body);
            return status == 200;
        } catch (IOException | IllegalArgumentException e) {
            System.out.println("no answer from " + uri + ": " + e);
            return false;
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    /**
     * The health URL on the loopback interface, at the port the server listens on.
     *
     * @param env the environment
     * @param dotEnv the {@code .env} file the server reads (may be absent)
     * @return {@code http://127.0.0.1:<port>/health}
     */
    static URI healthUri(Map<String, String> env, Path dotEnv) {
        return URI.create("http://127.0.0.1:" + port(env, dotEnv) + "/health");
    }

    static int port(Map<String, String> env, Path dotEnv) {
        for (String value : new String[] {env.get("MICRONAUT_SERVER_PORT"), env.get("PORT"), dotEnvValue(dotEnv, "PORT")}) {
            Integer port = parsePort(value);
            if (port != null) {
                return port;
            }
        }
        return DEFAULT_PORT;
    }

    private static Integer parsePort(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            int port = Integer.parseInt(value.strip());
            return port >= 1 && port <= 65535 ? port : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The value of {@code KEY=value} in a .env file: enough of the server's .env syntax for a port
     * ({@code export} prefix, quotes, a trailing {@code " #"} comment); null when absent or unreadable.
     */
    static String dotEnvValue(Path dotEnv, String key) {
        List<String> lines;
        try {
            if (!Files.isRegularFile(dotEnv)) {
                return null;
            }
            lines = Files.readAllLines(dotEnv, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String found = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq < 0 || !line.substring(0, eq).strip().equals(key)) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2
                    && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                    && value.charAt(value.length() - 1) == value.charAt(0)) {
                value = value.substring(1, value.length() - 1);
            } else if (value.contains(" #")) {
                value = value.substring(0, value.indexOf(" #")).strip(); // a trailing comment
            }
            found = value; // the last assignment wins
        }
        return found;
    }

    private static String readSome(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            String text = new String(in.readNBytes(300), StandardCharsets.UTF_8);
            return text.replaceAll("\\s+", " ").strip();
        }
    }
}
