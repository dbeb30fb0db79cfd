package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The home page while a scan runs: its running statistics, and the page reloading itself (no
 * script) until every accepted domain is final or the statistics stop moving.
 */
class WebAppRunningScanTest {
    static {
        // as every mxray process starts (before the HTTP client makes the JVM's TLS context): the
        // check tests that share this JVM probe TLS 1.0 and 1.1 servers
        io.mxray.runtime.Jvm.prepare();
    }

    @Test
    void theHomePageFollowsARunningScanUntilItEnds() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            Database db = new Database(pg.getJdbcUrl("postgres", "postgres"), null, null);
            db.migrate();
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO scan (scan_id, source, started_at, accepted) VALUES ('run', 'list.txt', now(), 100)");
                s.execute("INSERT INTO scan_stats (scan_id, category, value, domains, updated_at) VALUES "
                        + "('run', 'finalized', '', 40, now()), ('run', 'worst_level', 'verified', 30, now()), "
                        + "('run', 'worst_level', 'plaintext', 10, now())");
            }
            try (WebApp app = WebApp.start(db, new InetSocketAddress("127.0.0.1", 0), WebAppTest.checks())) {
                String running = get(app, "/");
                assertTrue(running.contains("<meta http-equiv=\"refresh\" content=\"5\">"), running);
                assertTrue(running.contains("<div class=\"running\" id=\"running\"><strong>Running</strong>: 40 domains "
                        + "final of 100 (40.0%)"), running);
                assertTrue(running.contains("<td>worst_level</td><td>plaintext</td><td>10</td>"), running);

                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    s.execute("UPDATE scan_stats SET domains = 100 WHERE category = 'finalized'");
                }
                String done = get(app, "/");
                assertFalse(done.contains("http-equiv=\"refresh\"") || done.contains("id=\"running\""), done);

                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    s.execute("UPDATE scan_stats SET domains = 60 WHERE category = 'finalized'");
                    s.execute("UPDATE scan_stats SET updated_at = now() - interval '1 hour'");
                }
                String stalled = get(app, "/");
                assertFalse(stalled.contains("id=\"running\""), "statistics still for an hour: not running");
            }
        }
    }

    private static String get(WebApp app, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.url()).resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
