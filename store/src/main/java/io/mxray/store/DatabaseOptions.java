package io.mxray.store;

import picocli.CommandLine.Option;

/** Where PostgreSQL is: one flag, one environment variable each. */
public final class DatabaseOptions {
    @Option(names = "--db", paramLabel = "JDBC-URL", defaultValue = "${env:MXRAY_DB}",
            description = "PostgreSQL JDBC URL, e.g. jdbc:postgresql://localhost:5432/mxray (env MXRAY_DB).")
    public String url;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:MXRAY_DB_USER}",
            description = "Database user, if not in the URL (env MXRAY_DB_USER).")
    public String user;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:MXRAY_DB_PASSWORD}",
            description = "Database password, if not in the URL (env MXRAY_DB_PASSWORD; prefer the env var).")
    public String password;

    public Database database() {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no database: give --db jdbc:postgresql://... or set MXRAY_DB");
        }
        return new Database(url, user, password);
    }
}
