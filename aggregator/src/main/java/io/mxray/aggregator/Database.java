package io.mxray.aggregator;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
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

    public Connection connect() throws SQLException {
        return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
    }
}
