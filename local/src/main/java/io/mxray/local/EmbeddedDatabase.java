package io.mxray.local;

import io.mxray.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (the zonky.io binaries) started by this JVM, keeping its data in
 * {@code dir} so that results accumulate across runs; initialized on first use.
 *
 * <p>Nobody gets in without the password: initdb trusts every local connection as the superuser
 * (and a superuser can run programs, {@code COPY ... TO PROGRAM}), so on first use a random
 * password is set, written next to the data folder ({@code <dir>.password}, mode 0600, readable
 * by its owner only), and every connection, over TCP on 127.0.0.1 or the Unix socket, must give
 * it (scram-sha-256). A data folder made before mxray did this gets its password the same way.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private final EmbeddedPostgres postgres;
    private final Path dir;
    private final String password;
    private Thread stopOnExit;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dir, String password) {
        this.postgres = postgres;
        this.dir = dir;
        this.password = password;
    }

    public static EmbeddedDatabase start(Path dir) {
        try {
            Files.createDirectories(dir);
            Path passwordFile = passwordFile(dir);
            if (!Files.exists(passwordFile)) {
                protect(dir, passwordFile);
            }
            String password = Files.readString(passwordFile).strip();
            writeHba(dir); // also over an hba file that was reset by hand
            EmbeddedPostgres pg = builder(dir).setConnectConfig("password", password).start();
            return new EmbeddedDatabase(pg, dir, password);
        } catch (IOException | SQLException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL server in " + dir
                    + " (as root it needs user namespaces: unshare -U)", e instanceof IOException io ? io
                    : new IOException(e.getMessage(), e));
        }
    }

    private static EmbeddedPostgres.Builder builder(Path dir) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("password_encryption", "scram-sha-256")
                // zonky starts PostgreSQL with -F (no fsync), fit for throw-away test data; results
                // accumulate here across runs, so a crash must not corrupt them
                .setServerConfig("fsync", "on");
    }

    /** Where the password is kept: next to the data folder, not in it (PostgreSQL owns that). */
    public static Path passwordFile(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".password");
    }

    /**
     * First use of a data folder (new, or made before it had a password): started as initdb left
     * it, the superuser gets a random password, kept in the password file (0600) before the
     * server is stopped again; {@link #writeHba} then asks for it on every connection.
     */
    private static void protect(Path dir, Path passwordFile) throws IOException, SQLException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try (EmbeddedPostgres pg = builder(dir).start();
             Connection c = pg.getPostgresDatabase().getConnection();
             Statement s = c.createStatement()) {
            // base64url: no quote can occur in it
            s.execute("ALTER ROLE postgres PASSWORD '" + password + "'");
        }
        Path tmp = passwordFile.resolveSibling(passwordFile.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system: the folder's own protection applies
        }
        Files.writeString(tmp, password + "\n");
        Files.move(tmp, passwordFile, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("the embedded PostgreSQL server in {} asks for a password now; it is in {} (readable by its owner "
                + "only)", dir, passwordFile);
    }

    /** Every connection authenticates with the superuser's password: the socket, and TCP on loopback. */
    private static void writeHba(Path dir) throws IOException {
        Files.writeString(dir.resolve("pg_hba.conf"), """
                # written by mxray: every connection gives the password kept next to this data folder
                local   all  all                 scram-sha-256
                host    all  all  127.0.0.1/32   scram-sha-256
                host    all  all  ::1/128        scram-sha-256
                """);
    }

    /** The URL to connect to (user postgres; the password is apart: {@link #database()}, {@link #passwordFile}). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?user=postgres";
    }

    /** The superuser's password (for the stages this process starts, through MXRAY_DB_PASSWORD). */
    public String password() {
        return password;
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
        return new Database(jdbcUrl(), null, password);
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
