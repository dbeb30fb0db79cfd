package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mxray.schema.Json;
import io.mxray.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mxray serve} over HTTP on a database of two scans: the pages and the JSON, their
 * security headers, and a value from outside (the list's name) shown as text, never as markup.
 */
class WebAppTest {
    private static final String HOSTILE = "<script>alert(1)</script>.txt";
    private static EmbeddedPostgres pg;
    private static WebApp app;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        Database db = new Database(pg.getJdbcUrl("postgres", "postgres"), null, null);
        db.migrate();
        scan(db, "s-older", "first.txt", 2, 30);
        scan(db, "s-newer", HOSTILE, 1, 40);
        app = WebApp.start(db, new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static void scan(Database db, String id, String source, int daysAgo, int domains) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO scan (scan_id, source, started_at, accepted) VALUES ('" + id + "', '"
                    + source.replace("'", "''") + "', now() - interval '" + daysAgo + " days', " + domains + ")");
            s.execute("SELECT create_scan_partitions('" + id + "')");
            s.execute("INSERT INTO domain_result (scan_id, domain, dns_outcome, mx_count, starttls, finalized_at) "
                    + "SELECT '" + id + "', 'd' || g || '.example', 'mx', 1, "
                    + "CASE WHEN g % 4 = 0 THEN 'none' ELSE 'all' END, now() FROM generate_series(1, " + domains + ") g");
            s.execute("INSERT INTO scan_stats (scan_id, category, value, domains, updated_at) VALUES ('" + id
                    + "', 'finalized', '', " + domains + ", now()), ('" + id + "', 'starttls', 'all', "
                    + (domains - domains / 4) + ", now())");
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(app.url()).resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theHomePageShowsTheLatestScansChartsAndEveryScanWithNoScriptAllowed() throws Exception {
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode());
        assertEquals(WebApp.CSP, r.headers().firstValue("Content-Security-Policy").orElse(""));
        assertTrue(WebApp.CSP.contains("default-src 'none'") && !WebApp.CSP.contains("script-src"),
                "no script source is allowed at all");
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
        String body = r.body();
        assertTrue(body.contains("<svg id=\"chart-starttls\""), body);
        assertTrue(body.contains("Latest scan: <a href=\"/scan/s-newer\">"), body);
        assertTrue(body.contains("href=\"/scan/s-older\""), body);
        assertTrue(body.contains("40 of 40 domains final"), body);
        assertTrue(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;.txt"), "the list's name as text: " + body);
        assertFalse(body.contains("<script"), "no markup from the list's name: " + body);
    }

    @Test
    void theScansAndTheirStatisticsAsJson() throws Exception {
        HttpResponse<String> r = get("/api/scans");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode scans = Json.mapper().readTree(r.body());
        assertEquals(2, scans.size());
        assertEquals("s-newer", scans.get(0).get("id").asText(), "newest first");
        assertEquals(HOSTILE, scans.get(0).get("source").asText());
        assertEquals(40, scans.get(0).get("accepted").asLong());
        assertEquals(30, scans.get(1).get("finalized").asLong());

        JsonNode stats = Json.mapper().readTree(get("/api/scans/s-older/stats").body());
        assertEquals(30, stats.get("finalized").asLong());
        assertEquals(23, stats.get("categories").get("starttls").get("all").asLong());
        assertEquals(404, get("/api/scans/none/stats").statusCode());
    }

    @Test
    void eachScanHasItsReportAndNothingElseAnswersButNotFound() throws Exception {
        HttpResponse<String> r = get("/scan/s-older");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("<title>mxray report s-older</title>"), r.body());
        assertEquals(404, get("/scan/none").statusCode());
        HttpResponse<String> odd = get("/scan/%3Cscript%3E");
        assertEquals(404, odd.statusCode());
        assertFalse(odd.body().contains("<script"), odd.body());
        assertEquals(404, get("/etc/passwd").statusCode());
    }

    @Test
    void onlyGetAndHeadAreAnsweredAndMetricsCountTheRequests() throws Exception {
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(app.url()))
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        get("/");
        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("mxray_web_requests_total{route=\"home\",status=\"200\"}"), metrics);
    }

    @Test
    void listenAddressesAreReadAsAUserWritesThem() {
        assertEquals("127.0.0.1:8080", hostPort(ServeCommand.address("127.0.0.1:8080")));
        assertEquals("::1:9000", hostPort(ServeCommand.address("[::1]:9000")));
        assertEquals("127.0.0.1:7000", hostPort(ServeCommand.address("7000")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ServeCommand.address("localhost:http"));
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
