package io.github.geminibalance.store;

/**
 * A store could not read or write (its database is unreachable, say). Thrown only by the synchronous
 * methods (key management and queries); offering records and marks never throws.
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, one line, without secrets
     * @param cause the underlying failure
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
