package io.github.geminibalance.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** A key mark or counter change, applied by the writer thread inside its batch transaction. */
@FunctionalInterface
interface StateWrite {

    void apply(Connection connection) throws SQLException;
}
