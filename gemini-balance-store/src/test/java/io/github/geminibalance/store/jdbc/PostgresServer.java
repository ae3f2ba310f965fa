package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.fail;

import io.github.geminibalance.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server (Debian package {@code postgresql}) in a temporary directory on a free
 * loopback port, run as user {@code postgres} when the tests run as root ({@code initdb} refuses root).
 * Password authentication over TCP: user {@code postgres}, password {@link #PASSWORD}. Public for the
 * server module's tests (through this module's test-jar).
 */
public final class PostgresServer implements AutoCloseable {

    /** The password of user {@code postgres}. */
    public static final String PASSWORD = "test-secret-pw";
    private static final String USER = "postgres";
    private static final String[] DIRS = {"/usr/lib/postgresql/*/bin"};

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path log;
    private final int port;
    private Process process;
    private int databases;

    private PostgresServer(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.log = dir.resolve("postgres.log");
        this.port = port;
    }

    /** Initializes a cluster and starts it; skips (or fails on CI) without the binaries. */
    public static PostgresServer started() {
        Path initdb = ServerProcesses.binary("initdb", "apt-get install -y postgresql", DIRS);
        try {
            Path dir = Files.createTempDirectory("gb-postgres-");
            Files.writeString(dir.resolve("pw"), PASSWORD);
            ServerProcesses.chown(USER, dir);
            PostgresServer server = new PostgresServer(initdb.getParent(), dir, RedisServer.freePort());
            ServerProcesses.run(ServerProcesses.as(USER, List.of(initdb.toString(), "-D", server.data.toString(),
                    "-U", USER, "--pwfile=" + dir.resolve("pw"), "--auth-host=scram-sha-256", "--auth-local=trust",
                    "-E", "UTF8", "--no-sync")), dir.resolve("initdb.log"));
            try {
                server.start();
            } catch (RuntimeException | AssertionError e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts (or restarts) the server on its port and waits until it accepts connections. */
    public void start() {
        process = ServerProcesses.start(ServerProcesses.as(USER, List.of(bin.resolve("postgres").toString(),
                "-D", data.toString(), "-p", Integer.toString(port), "-k", dir.toString(),
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                "-c", "full_page_writes=off")), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("postgres exited with " + process.exitValue() + "; see " + log);
            }
            try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD)) {
                return;
            } catch (SQLException e) {
                ServerProcesses.sleep(100);
            }
        }
        fail("postgres did not accept connections on port " + port + " within 30 s; see " + log);
    }

    /** Stops the server at once (as a crash would), keeping its data. */
    public void kill() {
        ServerProcesses.run(ServerProcesses.as(USER, List.of(bin.resolve("pg_ctl").toString(), "stop", "-D",
                data.toString(), "-m", "immediate", "-w")), dir.resolve("pg_ctl.log"));
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** A new empty database; returns its JDBC URL. */
    public String newDatabase() {
        String name = "gb" + (++databases);
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return url(name);
    }

    /** The JDBC URL of a database of this server. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The user to connect as. */
    public String user() {
        return USER;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
        ServerProcesses.deleteTree(dir);
    }
}
