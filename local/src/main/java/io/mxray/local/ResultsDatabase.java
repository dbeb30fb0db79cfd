package io.mxray.local;

import io.mxray.store.Database;
import io.mxray.store.DatabaseOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the commands that read results ({@code report}, {@code stats}, {@code export}, {@code wait},
 * {@code prune}) find them: {@code --db} when given, else the embedded server of the data folder
 * that {@code demo} and {@code scan} wrote. That server is started for as long as the command runs;
 * when another mxray process holds the folder and runs the server (a scan going on), the command
 * connects to that server instead.
 */
public final class ResultsDatabase {
    /** {@code --db}, {@code --db-user}, {@code --db-password}: when {@code --db} is given, that database. */
    @Mixin
    public DatabaseOptions db = new DatabaseOptions();

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:MXRAY_DATA_DIR:-./mxray-data}",
            description = "Without --db: the data folder whose embedded PostgreSQL holds the results "
                    + "(env MXRAY_DATA_DIR, default ${DEFAULT-VALUE}).")
    public Path dataDir;

    /** The database, open until closed: an embedded server this opened is stopped then. */
    public Open open() {
        if (db.url != null && !db.url.isBlank()) {
            return new Open(db.database(), null, null);
        }
        Path folder = dataDir.toAbsolutePath().normalize();
        Path pgDir = folder.resolve("postgres");
        if (!Files.isRegularFile(pgDir.resolve("PG_VERSION"))) {
            throw new IllegalArgumentException("no database: " + folder + " holds no results yet (./mxray demo or "
                    + "./mxray scan write them there); give --data-dir, or --db jdbc:postgresql://... (env MXRAY_DB)");
        }
        try {
            Optional<DataFolderLock> lock = DataFolderLock.tryLock(folder);
            if (lock.isEmpty()) {
                return new Open(running(folder, pgDir), null, null);
            }
            EmbeddedDatabase pg;
            try {
                pg = EmbeddedDatabase.start(pgDir).stopOnExit();
            } catch (RuntimeException e) {
                lock.get().close();
                throw e;
            }
            return new Open(pg.database(), pg, lock.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the data folder " + folder, e);
        }
    }

    /**
     * The embedded server that the process holding the folder runs: its port from the server's
     * {@code postmaster.pid} (fourth line), its password from the file beside the folder.
     */
    static Database running(Path folder, Path pgDir) throws IOException {
        Path pidFile = pgDir.resolve("postmaster.pid");
        List<String> lines = Files.isRegularFile(pidFile) ? Files.readAllLines(pidFile) : List.of();
        int port = -1;
        if (lines.size() >= 4) {
            try {
                port = Integer.parseInt(lines.get(3).trim());
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalStateException("another mxray process is using " + folder + " and its database is not "
                    + "running yet; wait for it, or give another --data-dir");
        }
        String pw = Files.readString(EmbeddedDatabase.passwordFile(pgDir)).strip();
        return new Database("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres", null, pw);
    }

    /** An open results database; closing stops the embedded server this opened and frees the folder. */
    public static final class Open implements AutoCloseable {
        private final Database database;
        private final EmbeddedDatabase embedded;
        private final DataFolderLock lock;

        private Open(Database database, EmbeddedDatabase embedded, DataFolderLock lock) {
            this.database = database;
            this.embedded = embedded;
            this.lock = lock;
        }

        public Database database() {
            return database;
        }

        /** Whether this started the data folder's embedded server (and stops it on close). */
        public boolean embedded() {
            return embedded != null;
        }

        @Override
        public void close() {
            if (embedded != null) {
                embedded.close();
            }
            if (lock != null) {
                lock.close();
            }
        }
    }
}
