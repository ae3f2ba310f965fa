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

    /**
     * Binds the port for a moment and lets go, so that a taken port is reported before Micronaut tries,
     * which would log the failure with two stack traces first. Port 0 (any free port) is not checked.
     *
     * @throws BindException if the port cannot be bound
     */
    static void checkPortFree(int port) throws java.io.IOException {
        if (port <= 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true); // as the server does: a port with connections in TIME_WAIT is free
            probe.bind(new java.net.InetSocketAddress(port));
        }
    }

    /** The line for a start-up failure, without the {@code gemini-balance: } prefix. */
    static String describe(Throwable failure, int port) {
        Throwable bind = bindFailure(failure);
        if (bind != null) {
            String reason = bind.getMessage() == null ? "" : bind.getMessage().toLowerCase(Locale.ROOT);
            String why = reason.contains("in use") ? "the address is already in use"
                    : reason.contains("permission") || reason.contains("access") ? "permission denied"
                    : reason.contains("assign") ? "the address is not available on this machine"
                    : "the address cannot be bound";
            return "cannot listen on port " + port + ": " + why + " (set PORT)";
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.github.geminibalance.config.ConfigException config) {
                // the store could not be opened: the message names the setting to fix
                return firstLine(config.getMessage());
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null || root.getMessage().isBlank()
                ? "an unexpected error" : firstLine(root.getMessage());
        return "cannot start: " + message + " (run with LOG_LEVEL=debug for details)";
    }

    /**
     * The failure to bind the listening socket in the chain, or null: a {@link BindException} from NIO,
     * or the native transport's own I/O exception, which says {@code bind(..) failed}.
     */
    private static Throwable bindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isBind(t)) {
                return t;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (isBind(suppressed)) {
                    return suppressed;
                }
            }
        }
        return null;
    }

    private static boolean isBind(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        return t instanceof BindException
                || (t instanceof java.io.IOException && (message.startsWith("bind(") || message.contains("address already in use")));
    }

    private static String firstLine(String message) {
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
