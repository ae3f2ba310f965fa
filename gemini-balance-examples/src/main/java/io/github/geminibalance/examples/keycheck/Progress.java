package io.github.geminibalance.examples.keycheck;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * Shows how far a key check has got, on stderr: a bar redrawn in place on a terminal, one line per
 * checked key otherwise (logs, CI), or nothing.
 */
public abstract class Progress implements Consumer<KeyResult> {

    /** Where progress goes. */
    public enum Mode {
        /** A bar when stderr is a terminal, lines otherwise. */
        AUTO,
        /** A bar redrawn in place. */
        BAR,
        /** One line per checked key. */
        LINES,
        /** Nothing. */
        NONE
    }

    private static final int BAR_WIDTH = 30;

    /** The stream progress goes to. */
    protected final PrintStream err;
    /** How many keys there are. */
    protected final int total;
    private int done;

    private Progress(PrintStream err, int total) {
        this.err = err;
        this.total = total;
    }

    /**
     * Creates the progress display.
     *
     * @param mode the mode; {@link Mode#AUTO} resolves with {@code stderrIsTerminal}
     * @param stderrIsTerminal whether stderr is a terminal
     * @param err stderr
     * @param total how many keys will be checked
     */
    public static Progress create(Mode mode, boolean stderrIsTerminal, PrintStream err, int total) {
        Mode resolved = mode == Mode.AUTO ? (stderrIsTerminal ? Mode.BAR : Mode.LINES) : mode;
        return switch (resolved) {
            case BAR -> new Bar(err, total);
            case LINES -> new Lines(err, total);
            default -> new Progress(err, total) {
                @Override
                void show(int done, KeyResult result) {}
            };
        };
    }

    @Override
    public final synchronized void accept(KeyResult result) {
        done++;
        show(done, result);
    }

    /** Ends the display (the bar's line). */
    public synchronized void finish() {}

    abstract void show(int done, KeyResult result);

    /**
     * Whether this process's stderr is a terminal. Java cannot ask directly ({@code System.console()}
     * looks at stdin and stdout), so on Unix-like systems {@code test -t 2} runs with our stderr; elsewhere
     * the console is taken as the answer.
     */
    public static boolean stderrIsTerminal() {
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
            return System.console() != null;
        }
        try {
            Process test = new ProcessBuilder("sh", "-c", "test -t 2")
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            test.getOutputStream().close();
            return test.waitFor() == 0;
        } catch (java.io.IOException e) {
            return System.console() != null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final class Bar extends Progress {
        private boolean drawn;

        Bar(PrintStream err, int total) {
            super(err, total);
        }

        @Override
        void show(int done, KeyResult result) {
            int filled = total == 0 ? BAR_WIDTH : done * BAR_WIDTH / total;
            err.print("\r[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + done + "/" + total
                    + " keys checked");
            err.flush();
            drawn = true;
        }

        @Override
        public synchronized void finish() {
            if (drawn) {
                err.println();
            }
        }
    }

    private static final class Lines extends Progress {
        Lines(PrintStream err, int total) {
            super(err, total);
        }

        @Override
        void show(int done, KeyResult result) {
            err.println("checked " + done + "/" + total + ": " + result.masked() + " " + result.verdict());
        }
    }
}
