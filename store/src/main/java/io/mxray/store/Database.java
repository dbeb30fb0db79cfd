package io.mxray.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/**
 * Where results are stored: a PostgreSQL JDBC URL (user and password may be in the URL or given
 * separately), with the schema brought to the current version by Flyway. A password never
 * leaves this record in text: {@link #toString} and every message show the URL {@link #redact}ed.
 */
public record Database(String url, String user, String password) {
    public Database {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + redact(url));
        }
    }

    /** The URL without its secrets: a {@code password} parameter and the password of {@code user:password@}. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***")
                .replaceAll("//([^/@:]*):[^/@]*@", "//$1:***@");
    }

    /** Where, for messages and logs: the URL redacted, the user, whether a password was given. */
    public String describe() {
        return redact(url) + (user != null ? " as " + user : "");
    }

    @Override
    public String toString() {
        return "Database[url=" + redact(url) + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                + "]";
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
