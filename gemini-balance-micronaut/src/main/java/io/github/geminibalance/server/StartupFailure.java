package io.github.geminibalance.server;

import java.net.BindException;
import java.util.Locale;

/**
 * Turns whatever stopped the server from starting into the one line the operator sees on stderr: what
 * failed and which setting to change, without exception class names or stack traces (those go to the
 * debug log).
 */
final class StartupFailure {

    private StartupFailure() {}

    /** The line for a start-up failure, without the {@code gemini-balance: } prefix. */
    static String describe(Throwable failure, int port) {
        BindException bind = find(failure, BindException.class);
        if (bind != null) {
            String reason = bind.getMessage() == null ? "" : bind.getMessage().toLowerCase(Locale.ROOT);
            String why = reason.contains("in use") ? "the address is already in use"
                    : reason.contains("permission") || reason.contains("access") ? "permission denied"
                    : reason.contains("assign") ? "the address is not available on this machine"
                    : "the address cannot be bound";
            return "cannot listen on port " + port + ": " + why + " (set PORT)";
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null || root.getMessage().isBlank()
                ? "an unexpected error" : firstLine(root.getMessage());
        return "cannot start: " + message + " (run with LOG_LEVEL=debug for details)";
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (type.isInstance(suppressed)) {
                    return type.cast(suppressed);
                }
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
