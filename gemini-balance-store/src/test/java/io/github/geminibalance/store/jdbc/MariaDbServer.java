package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.fail;

import io.github.geminibalance.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MariaDB server (Debian package {@code mariadb-server}) in a temporary directory on a free
 * loopback port, run as user {@code mysql} when the tests run as root. The test user {@link #USER} has
 * password {@link #PASSWORD} and every right on databases {@code gb%}.
 */
final class MariaDbServer implements AutoCloseable {

    static final String USER = "gb";
    static final String PASSWORD = "test-secret-pw";
    private static final String OS_USER = "mysql";
    private static final String[] DIRS = {"/usr/sbin", "/usr/bin"};

    private final Path daemon;
    private final Path dir;
    private final int port;
    private Process process;
    private int databases;

    private MariaDbServer(Path daemon, Path dir, int port) {
        this.daemon = daemon;
        this.dir = dir;
        this.port = port;
    }

    /** Initializes a data directory and starts the server; skips (or fails on CI) without the binaries. */
    static MariaDbServer started() {
        Path daemon = ServerProcesses.binary("mariadbd", "apt-get install -y mariadb-server", DIRS);
        Path install = ServerProcesses.binary("mariadb-install-db", "apt-get install -y mariadb-server", DIRS);
        try {
            Path dir = Files.createTempDirectory("gb-mariadb-");
            Files.createDirectories(dir.resolve("data"));
            ServerProcesses.chown(OS_USER, dir);
            MariaDbServer server = new MariaDbServer(daemon, dir, RedisServer.freePort());
            ServerProcesses.run(ServerProcesses.as(OS_USER, List.of(install.toString(), "--no-defaults",
                    "--datadir=" + dir.resolve("data"), "--auth-root-authentication-method=normal",
                    "--skip-test-db")), dir.resolve("install.log"));
            try {
                server.start();
                server.admin("CREATE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "'",
                        "GRANT ALL ON `gb%`.* TO '" + USER + "'@'127.0.0.1'");
            } catch (RuntimeException | AssertionError e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void start() {
        process = ServerProcesses.start(ServerProcesses.as(OS_USER, List.of(daemon.toString(), "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--port=" + port, "--bind-address=127.0.0.1",
                "--socket=" + socket(), "--pid-file=" + dir.resolve("mysqld.pid"),
                "--skip-name-resolve", "--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=64M",
                "--skip-log-bin")), dir.resolve("mariadbd.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("mariadbd exited with " + process.exitValue() + "; see " + dir.resolve("mariadbd.log"));
            }
            if (Files.exists(socket()) && tryAdmin("SELECT 1")) {
                return;
            }
            ServerProcesses.sleep(200);
        }
        fail("mariadbd did not accept connections within 60 s; see " + dir.resolve("mariadbd.log"));
    }

    private Path socket() {
        return dir.resolve("mysqld.sock");
    }

    /** Runs SQL as the database's root user over the socket (the OS user root, or unix_socket auth). */
    private boolean tryAdmin(String sql) {
        try {
            Process client = new ProcessBuilder(client().toString(), "--no-defaults", "--socket=" + socket(), "-u",
                    "root", "-e", sql).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("client.log").toFile())).start();
            return client.waitFor(30, TimeUnit.SECONDS) && client.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path client() {
        return ServerProcesses.binary("mariadb", "apt-get install -y mariadb-client", DIRS);
    }

    private void admin(String... statements) {
        for (String statement : statements) {
            if (!tryAdmin(statement)) {
                fail("mariadb admin statement failed: " + statement + "; see " + dir.resolve("client.log"));
            }
        }
    }

    /** A new empty database; returns its JDBC URL. */
    String newDatabase() {
        String name = "gb" + (++databases);
        admin("CREATE DATABASE " + name);
        return url(name);
    }

    String url(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database;
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ServerProcesses.deleteTree(dir);
    }
}
