package io.github.geminibalance.examples;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.ConfigLoader;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.examples.keycheck.KeyProber;
import io.github.geminibalance.examples.keycheck.KeyReport;
import io.github.geminibalance.examples.keycheck.KeyResult;
import io.github.geminibalance.examples.keycheck.KeyVerdict;
import io.github.geminibalance.examples.keycheck.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The key checker: tells which Gemini API keys work, are rate-limited or are rejected, and which models
 * each may use. Keys come from a file, stdin, or {@code API_KEYS} in the environment / {@code ./.env}
 * as the server reads them ({@code ALLOWED_TOKENS} is not needed). Never prints a whole key.
 *
 * <p>Exit codes: 0 when every key is valid, 1 when any is not, 2 on a usage error.
 */
@Command(name = "check-keys", mixinStandardHelpOptions = true, version = "gemini-balance check-keys",
        sortOptions = false,
        description = {"Checks Gemini API keys: a one-token generateContent call with each key, then GET models.",
            "Keys: FILE, - for stdin (separated by newlines, commas or spaces, or a JSON list), "
                    + "or API_KEYS from the environment or ./.env."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every key is valid", "1:some key is invalid, rate-limited or failed", "2:usage error"})
public final class KeyCheck implements Callable<Integer> {

    /** The server's TEST_MODEL default, which its own key checker calls. */
    static final String DEFAULT_MODEL = "gemini-2.0-flash";

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE|-",
            description = "File with the keys, or - for stdin. Default: API_KEYS from the environment or ./.env.")
    private String source;

    @Option(names = "--concurrency", defaultValue = "4", paramLabel = "N",
            description = "Keys checked at once (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    private boolean json;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "Model the probe calls (default: TEST_MODEL, else " + DEFAULT_MODEL + ").")
    private String model;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "Gemini API base (default: BASE_URL, else " + GeminiBalanceConfig.DEFAULT_BASE_URL + ").")
    private String baseUrl;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "Timeout of each call (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE",
            description = "auto (a bar when stderr is a terminal, else lines), bar, lines or none.")
    private String progress;

    private final Map<String, String> env;
    private final Path dotEnv;
    private final InputStream stdin;
    private final PrintStream out;
    private final PrintStream err;

    private KeyCheck(Map<String, String> env, Path dotEnv, InputStream stdin, PrintStream out, PrintStream err) {
        this.env = env;
        this.dotEnv = dotEnv;
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the checker and exits with its exit code.
     *
     * @param args {@code [FILE|-] [--json] [--concurrency N] ...}; {@code --help} lists them
     */
    public static void main(String... args) {
        System.exit(run(args, System.getenv(), Path.of(".env"), System.in, System.out, System.err));
    }

    /**
     * Runs the checker without exiting: for tests and for embedding.
     *
     * @param args the command line
     * @param env the environment ({@code API_KEYS}, {@code BASE_URL}, {@code TEST_MODEL})
     * @param dotEnv the {@code .env} file, which may not exist
     * @param stdin where {@code -} reads keys from
     * @param out where the table or JSON goes
     * @param err where progress and errors go
     * @return the exit code: 0 all keys valid, 1 some key is not, 2 usage error
     */
    public static int run(String[] args, Map<String, String> env, Path dotEnv, InputStream stdin,
            PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new KeyCheck(env, dotEnv, stdin, out, err));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        Map<String, String> settings;
        List<String> keys;
        Progress.Mode mode;
        URI base;
        try {
            settings = ConfigLoader.settings(env, dotEnv);
            keys = keys(settings);
            mode = Progress.Mode.valueOf(progress.toUpperCase(java.util.Locale.ROOT));
            base = URI.create(firstNonBlank(baseUrl, settings.get("BASE_URL"), GeminiBalanceConfig.DEFAULT_BASE_URL));
            if (base.getScheme() == null || base.getHost() == null) {
                throw new IllegalArgumentException("the base URL must be an absolute http(s) URL");
            }
            if (concurrency < 1 || timeoutSeconds < 1) {
                throw new IllegalArgumentException("--concurrency and --timeout must be at least 1");
            }
        } catch (UsageError | ConfigException | IllegalArgumentException e) {
            err.println("check-keys: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        String probeModel = firstNonBlank(model, settings.get("TEST_MODEL"), DEFAULT_MODEL);
        Progress display = Progress.create(mode, mode == Progress.Mode.AUTO && Progress.stderrIsTerminal(),
                err, keys.size());
        List<KeyResult> results;
        try (KeyProber prober = new KeyProber(base, probeModel, Duration.ofSeconds(timeoutSeconds))) {
            results = prober.checkAll(keys, concurrency, display);
        } finally {
            display.finish();
        }
        out.print(json ? KeyReport.json(results) : KeyReport.table(results));
        out.flush();
        return results.stream().allMatch(r -> r.verdict() == KeyVerdict.VALID) ? 0 : 1;
    }

    private List<String> keys(Map<String, String> settings) {
        String text;
        String from;
        if (source == null) {
            text = settings.get("API_KEYS");
            from = "API_KEYS";
            if (text == null) {
                throw new UsageError("no keys: give a FILE, - for stdin, or set API_KEYS (environment or ./.env)");
            }
        } else if (source.equals("-")) {
            try {
                text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageError("cannot read stdin (" + e.getClass().getSimpleName() + ")");
            }
            from = "stdin";
        } else {
            try {
                text = Files.readString(Path.of(source), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new UsageError("no such file: " + source);
            } catch (IOException e) {
                throw new UsageError("cannot read " + source + " (" + e.getClass().getSimpleName() + ")");
            }
            from = source;
        }
        List<String> keys = KeyList.parse(text);
        if (keys.isEmpty()) {
            throw new UsageError("no keys in " + from);
        }
        for (int i = 0; i < keys.size(); i++) {
            if (!keys.get(i).chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new UsageError("key " + (i + 1) + " in " + from + " contains a character that cannot be "
                        + "sent in an HTTP header");
            }
        }
        return keys;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }

    /** A problem with the command line or the key source: exit code 2. */
    private static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }
}
