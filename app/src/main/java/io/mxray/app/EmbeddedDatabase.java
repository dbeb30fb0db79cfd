package io.mxray.app;

import io.mxray.aggregator.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server (the zonky.io binaries) started by this JVM, keeping its data in
 * {@code dir} so that results accumulate across runs; initialized on first use.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final Path dir;
    private Thread stopOnExit;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dir) {
        this.postgres = postgres;
        this.dir = dir;
    }

    public static EmbeddedDatabase start(Path dir) {
        try {
            Files.createDirectories(dir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky starts PostgreSQL with -F (no fsync), fit for throw-away test data; results
                    // accumulate here across runs, so a crash must not corrupt them
                    .setServerConfig("fsync", "on")
                    .start();
            return new EmbeddedDatabase(pg, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL server in " + dir
                    + " (as root it needs user namespaces: unshare -U)", e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?user=postgres";
    }

    /** The server's main process (the postmaster, parent of every backend); -1 when unknown. */
    public long serverPid() {
        try {
            return Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public Database database() {
        return new Database(jdbcUrl(), null, null);
    }

    /**
     * Stops the server when this JVM exits without closing it (Ctrl-C or SIGTERM on a benchmark);
     * whoever closes it in order itself (the demo, {@code mxray infra}) does not ask for this.
     */
    public EmbeddedDatabase stopOnExit() {
        stopOnExit = new Thread(this::stop, "mxray-postgres-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        return this;
    }

    @Override
    public void close() {
        if (stopOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException e) {
                return; // the JVM is exiting: the hook stops it
            }
        }
        stop();
    }

    private void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
