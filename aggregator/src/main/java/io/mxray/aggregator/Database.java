package io.mxray.aggregator;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/**
 * Where results are stored: a PostgreSQL JDBC URL (user and password may be in the URL or given
 * separately), with the schema brought to the current version by Flyway.
 */
public record Database(String url, String user, String password) {
    public Database {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + url);
        }
    }

    /** Applies the migrations in {@code db/migration} of the schema module; safe to call every start. */
    public void migrate() {
        Flyway.configure()
                .dataSource(url, user, password)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /**
     * A new connection. Batches of inserts go to the server as multi-row statements
     * ({@code reWriteBatchedInserts}: the server parses and plans one statement per up to 128 rows
     * instead of one per row), unless the URL says otherwise.
     */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("reWriteBatchedInserts", "true");
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p); // the URL's own parameters win over these
    }
}
