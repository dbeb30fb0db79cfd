package io.mxray.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL lets nobody in without its password: not over TCP, not as the
 * superuser initdb trusted, and the password is kept where only its owner can read it.
 */
class EmbeddedDatabaseTest {
    @Test
    void onlyThePasswordKeptInAnOwnerOnlyFileOpensTheDatabase() throws Exception {
        Path dir = Files.createTempDirectory("pg").resolve("postgres");
        Path passwordFile;
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir)) {
            passwordFile = EmbeddedDatabase.passwordFile(dir);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
            assertEquals(pg.password(), Files.readString(passwordFile).strip());
            assertTrue(pg.password().length() >= 32, "a long random password");
            // the URL a user sees carries no password; with none given, the server refuses
            assertFalse(pg.jdbcUrl().contains(pg.password()));
            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(pg.jdbcUrl()));
            assertTrue(refused.getMessage().contains("password"), refused.getMessage());
            assertThrows(SQLException.class, () -> DriverManager.getConnection(pg.jdbcUrl() + "&password=wrong"));
            try (Connection c = pg.database().connect()) {
                assertTrue(c.isValid(5));
            }
            assertFalse(pg.database().toString().contains(pg.password()), pg.database().toString());
        }
        // a second start of the same folder keeps the same password
        String first = Files.readString(passwordFile).strip();
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dir)) {
            assertEquals(first, again.password());
            try (Connection c = again.database().connect()) {
                assertTrue(c.isValid(5));
            }
        }
    }

    @Test
    void aPasswordNeverShowsInAUrlAMessageOrAToString() {
        String url = "jdbc:postgresql://db.example:5432/mxray?user=scan&password=s3cret&ssl=true";
        assertEquals("jdbc:postgresql://db.example:5432/mxray?user=scan&password=***&ssl=true", Database.redact(url));
        assertEquals("jdbc:postgresql://scan:***@db.example/mxray",
                Database.redact("jdbc:postgresql://scan:s3cret@db.example/mxray"));
        Database d = new Database(url, "scan", "other-s3cret");
        assertFalse(d.toString().contains("s3cret"), d.toString());
        assertFalse(d.describe().contains("s3cret"), d.describe());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Database("jdbc:mysql://db/x?password=s3cret", null, null));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }
}
