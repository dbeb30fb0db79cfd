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
        changed(db);
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

    /**
     * changed.example: plaintext in the older scan, STARTTLS and verified in the newer, where its MX
     * host presented a certificate whose subject carries markup, and published a TLSA record.
     */
    private static void changed(Database db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO domain_result (scan_id, domain, dns_outcome, mx_count, starttls, best_level, "
                    + "worst_level, finalized_at) VALUES ('s-older', 'changed.example', 'mx', 1, 'none', 'plaintext', "
                    + "'plaintext', now()), ('s-newer', 'changed.example', 'mx', 1, 'all', 'verified', 'verified', now())");
            s.execute("INSERT INTO domain_mx (scan_id, domain, mx_host, preference, ip, level, outcome, tlsa_base, dane) "
                    + "VALUES ('s-newer', 'changed.example', 'mx.changed.example', 10, '192.0.2.7', 'verified', "
                    + "'tls-established', 'mx.changed.example', 'valid')");
            s.execute("INSERT INTO mx_host_result (scan_id, ip, port, mx_host, outcome, level, chain, dane, total_ms, "
                    + "probed_at) VALUES ('s-newer', '192.0.2.7', 25, 'mx.changed.example', 'tls-established', "
                    + "'verified', ARRAY['c0ffee'], 'valid', 1, now())");
            s.execute("INSERT INTO certificate (sha256, der, subject, issuer, not_before, not_after) VALUES ('c0ffee', "
                    + "'\\x00', 'CN=<script>alert(2)</script>', 'CN=Lab CA', now(), now() + interval '30 days')");
            s.execute("INSERT INTO tlsa_record (scan_id, base, usage, selector, matching, data, usable) VALUES "
                    + "('s-newer', 'mx.changed.example', 3, 1, 1, 'ab12', true)"); // the TLSA base domain, as stored
        }
    }

    @Test
    void aDomainsPageShowsEveryScansVerdictWhatChangedAndItsHostsChainAsText() throws Exception {
        HttpResponse<String> r = get("/domain/changed.example");
        assertEquals(200, r.statusCode());
        String body = r.body();
        assertTrue(body.indexOf("/scan/s-newer") < body.indexOf("/scan/s-older") && body.contains("/scan/s-older"),
                "both scans, newest first: " + body);
        assertTrue(body.contains("STARTTLS: none \u2192 all"), body);
        assertTrue(body.contains("best level: plaintext \u2192 verified"), body);
        assertTrue(body.contains("CN=&lt;script&gt;alert(2)&lt;/script&gt;"), "the subject as text: " + body);
        assertFalse(body.contains("<script"), body);
        assertTrue(body.contains("<code>3 1 1 ab12</code>") && body.contains("TLSA at _25._tcp.mx.changed.example"),
                body);
        assertEquals(200, get("/domain?name=Changed.Example").statusCode(), "the home page's form, any case");
        assertEquals(404, get("/domain/unknown.example").statusCode());
        assertEquals(404, get("/domain?name=%3Cx%3E").statusCode());

        JsonNode json = Json.mapper().readTree(get("/api/domains/changed.example").body());
        assertEquals("s-newer", json.get("scans").get(0).get("scan").asText());
        assertEquals("all", json.get("scans").get(0).get("STARTTLS").asText());
        assertEquals("CN=<script>alert(2)</script>", json.get("hosts").get(0).get("chain").get(0).get("subject")
                .asText(), "JSON carries the value as it is; the page escapes it");
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
