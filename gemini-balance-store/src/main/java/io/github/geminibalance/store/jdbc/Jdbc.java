package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Running a piece of work on a pooled connection, turning {@link SQLException} into {@link StoreException}. */
final class Jdbc {

    /** Work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private Jdbc() {}

    static <T> T run(DataSource dataSource, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.apply(connection);
        } catch (SQLException e) {
            throw new StoreException("database error: " + Text.oneLine(e.getMessage(), null), e);
        }
    }

    /**
     * {@link #inTransaction} holding the store's write lock, so that SQLite sees one writer at a time (every
     * repository's writes go through here).
     */
    static <T> T writeLocked(java.util.concurrent.locks.Lock writeLock, DataSource dataSource, Work<T> work) {
        writeLock.lock();
        try {
            return inTransaction(dataSource, work);
        } finally {
            writeLock.unlock();
        }
    }

    static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // broken connection: the pool discards it
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("database error: " + Text.oneLine(e.getMessage(), null), e);
        }
    }
}
