/**
 * The core's {@link io.github.geminibalance.store.Store} over JDBC: {@link io.github.geminibalance.store.jdbc.DatabaseSettings}
 * reads the {@code DATABASE_*} settings, {@link io.github.geminibalance.store.jdbc.JdbcStore} opens SQLite,
 * PostgreSQL or MySQL/MariaDB, migrates the schema with Flyway and writes records on its own thread.
 */
package io.github.geminibalance.store.jdbc;
