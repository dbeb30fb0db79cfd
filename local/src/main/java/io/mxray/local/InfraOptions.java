package io.mxray.local;

import io.mxray.store.Database;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where Kafka and PostgreSQL are; when not given, embedded ones run in the data folder. */
public final class InfraOptions {
    @Option(names = "--kafka", paramLabel = "HOST:PORT", defaultValue = "${env:MXRAY_KAFKA}",
            description = "Kafka bootstrap servers (env MXRAY_KAFKA; default: an embedded broker in the data folder).")
    public String kafka;

    @Option(names = "--db", paramLabel = "JDBC-URL", defaultValue = "${env:MXRAY_DB}",
            description = "PostgreSQL JDBC URL (env MXRAY_DB; default: an embedded server in the data folder).")
    public String db;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:MXRAY_DB_USER}",
            description = "Database user, if not in the URL (env MXRAY_DB_USER).")
    public String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:MXRAY_DB_PASSWORD}",
            description = "Database password, if not in the URL (env MXRAY_DB_PASSWORD; prefer the env var).")
    public String dbPassword;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:MXRAY_DATA_DIR:-./mxray-data}",
            description = "Folder of the embedded Kafka and PostgreSQL data and of local state "
                    + "(env MXRAY_DATA_DIR, default ${DEFAULT-VALUE}).")
    public Path dataDir;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "${env:MXRAY_PARTITIONS:-6}",
            description = "Partitions of mxray's topics when created (env MXRAY_PARTITIONS, default ${DEFAULT-VALUE}).")
    public int partitions;

    public Infrastructure start() {
        Database database = db == null || db.isBlank() ? null : new Database(db, dbUser, dbPassword);
        return Infrastructure.start(kafka == null || kafka.isBlank() ? null : kafka, database, dataDir, partitions);
    }
}
