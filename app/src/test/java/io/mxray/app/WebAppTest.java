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
import io.mxray.check.Checker;
import io.mxray.dns.DnsConfig;
import io.mxray.smtp.SmtpConfig;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mxray serve} over HTTP on a database of two scans: the pages and the JSON, their
 * security headers, and a value from outside (the list's name) shown as text, never as markup.
 */
class WebAppTest {
    static {
        // as every mxray process starts (before the HTTP client makes the JVM's TLS context): the
        // check tests that share this JVM probe TLS 1.0 and 1.1 servers
        io.mxray.runtime.Jvm.prepare();
    }

    private static final String HOSTILE = "<script>alert(1)</script>.txt";
    private static EmbeddedPostgres pg;
    private static WebApp app;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        Database db = database();
        db.migrate();
        scan(db, "s-older", "first.txt", 2, 30);
        scan(db, "s-newer", HOSTILE, 1, 40);
        changed(db);
        app = WebApp.start(db, new InetSocketAddress("127.0.0.1", 0), checks());
    }

    /**
     * Checks as {@code mxray check} makes them, through a resolver nobody answers at (the discard
     * port): the checks these tests ask for are of names that are not domain names, refused before
     * any lookup. Three a minute from one address, one at once.
     */
    static WebApp.Checks checks() {
        return new WebApp.Checks(() -> new Checker(DnsConfig.defaults(new InetSocketAddress("127.0.0.1", 9)),
                SmtpConfig.defaults(), new CertificateJudge(TrustStores.jdkDefault(), Clock.systemUTC()),
                Clock.systemUTC()), 3, 1, 5, true);
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

    private static Database database() {
        return new Database(pg.getJdbcUrl("postgres", "postgres"), null, null);
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
    void eachScanHasItsListsAndItsReportAndNothingElseAnswersButNotFound() throws Exception {
        HttpResponse<String> r = get("/scan/s-older");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("<svg id=\"chart-starttls\""), r.body());
        assertTrue(r.body().contains("<a href=\"/scan/s-older/domains\">Every domain</a></td><td>31</td>"), r.body());
        assertTrue(get("/scan/s-older/report").body().contains("<title>mxray report s-older</title>"));
        assertEquals(404, get("/scan/s-older/nothing").statusCode());
        assertEquals(404, get("/scan/none").statusCode());
        HttpResponse<String> odd = get("/scan/%3Cscript%3E");
        assertEquals(404, odd.statusCode());
        assertFalse(odd.body().contains("<script"), odd.body());
        assertEquals(404, get("/etc/passwd").statusCode());
    }

    @Test
    void aListIsPagedSortedAndFilteredWithValuesBoundNeverRunAsSql() throws Exception {
        String page2 = get("/scan/s-older/domains?sort=domain&dir=desc&per=10&page=2").body();
        assertTrue(page2.contains("<span id=\"page\">page 2 of 4</span>"), page2);
        // descending by name: d9, d8, d7, d6, d5, d4, d30, d3, d29, d28 on the first page; d27 opens the second
        assertEquals("d27.example", firstDomain(page2));
        assertTrue(page2.contains("href=\"/scan/s-older/domains?sort=domain&amp;dir=desc&amp;per=10&amp;page=3\""),
                "the next page keeps the sort: " + page2);
        assertEquals("changed.example", firstDomain(get("/scan/s-older/domains?sort=domain&dir=asc").body()));

        String filtered = get("/scan/s-newer/domains?provider=.Changed.Example.&level=verified").body();
        assertTrue(filtered.contains("<p id=\"count\">1 row match the filters</p>"), filtered);
        assertEquals("changed.example", firstDomain(filtered));
        assertTrue(get("/scan/s-newer/domains?provider=example").body().contains("1 row match"),
                "a provider is a suffix at a label boundary: mx.changed.example is under example");
        assertTrue(get("/scan/s-newer/domains?provider=hanged.example").body().contains("0 rows match"),
                "not a suffix inside a label");
        assertTrue(get("/scan/s-newer/domains?level=untrusted").body().contains("0 rows match"));
        HttpResponse<String> hostile = get("/scan/s-newer/domains?provider=x'%20OR%201=1--");
        assertEquals(400, hostile.statusCode(), "not a filter value: refused, never part of the SQL");
        assertEquals(200, get("/scan/s-newer/domains?sort=1;DROP%20TABLE%20scan").statusCode(),
                "an unknown column sorts by the list's default");

        String changes = get("/scan/s-newer/changes").body();
        assertTrue(changes.contains(">changed.example<") && changes.contains(">starttls<")
                && changes.contains(">gained<"), changes);
        assertTrue(get("/scan/s-older/changes").body().contains("This is the first scan"));
        // a domain the newer scan no longer holds is a change too, with no level now
        try (Connection c = database().connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO domain_result (scan_id, domain, dns_outcome, mx_count, starttls, finalized_at) "
                    + "VALUES ('s-older', 'gone.example', 'mx', 1, 'all', now())");
        }
        try {
            JsonNode gone = Json.mapper().readTree(get("/api/scans/s-newer/lists/changes?per=500").body());
            assertTrue(gone.get("rows").toString().contains("[\"gone.example\",\"scanned\",\"lost\",\"\",\"\"]"),
                    gone.toString());
        } finally {
            try (Connection c = database().connect(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM domain_result WHERE scan_id = 's-older' AND domain = 'gone.example'");
            }
        }
        // a comparison's count rides on its page's rows: the same count on every page, and past the last one
        JsonNode all = Json.mapper().readTree(get("/api/scans/s-newer/lists/changes?per=500").body());
        long changed = all.get("rows").size();
        assertTrue(changed >= 2, all.toString());
        for (long page : new long[] {1, changed, changed + 1}) {
            JsonNode one = Json.mapper().readTree(get("/api/scans/s-newer/lists/changes?per=1&page=" + page).body());
            assertEquals(changed, one.get("total").asLong(), "page " + page + ": " + one);
            assertEquals(page <= changed ? 1 : 0, one.get("rows").size(), "page " + page + ": " + one);
        }
        JsonNode past = Json.mapper().readTree(get("/api/scans/s-newer/lists/domains?provider=example&page=2").body());
        assertEquals(1, past.get("total").asLong(), past.toString());
        assertEquals(0, past.get("rows").size(), past.toString());

        JsonNode json = Json.mapper().readTree(get("/api/scans/s-older/lists/domains?per=5&page=7&sort=domain").body());
        assertEquals(31, json.get("total").asLong());
        assertEquals(7, json.get("pages").asInt());
        assertEquals(1, json.get("rows").size());
        assertEquals("d9.example", json.get("rows").get(0).get(0).asText());
    }

    private static String firstDomain(String page) {
        int i = page.indexOf("<a href=\"/domain/");
        return page.substring(page.indexOf('>', i) + 1, page.indexOf("</a>", i));
    }

    @Test
    void theHomePageShowsTheTrendsOverTheScans() throws Exception {
        String body = get("/").body();
        for (String chart : List.of("chart-trend-level", "chart-trend-dane", "chart-trend-mta-sts")) {
            assertTrue(body.contains("<svg id=\"" + chart + "\""), chart + ": " + body);
        }
        JsonNode trends = Json.mapper().readTree(get("/api/trends").body());
        assertEquals(2, trends.get("scans").size());
    }

    /**
     * The checks' limits: three a minute from one address (the fourth is refused with 429 and when
     * to try again); each accepted one has a page and its JSON; a name that is not a domain name is
     * checked, found unusable, and not kept.
     */
    @Test
    void checksAreQueuedLimitedPerClientAndFollowedByTheirPage() throws Exception {
        HttpResponse<String> form = post("/check", "domain=not+a+domain%21&keep=on");
        assertEquals(303, form.statusCode());
        String location = form.headers().firstValue("Location").orElseThrow();
        assertTrue(location.matches("/check/[0-9a-f]{32}"), location);
        HttpResponse<String> api = post("/api/check?domain=%3Cscript%3E", "");
        assertEquals(202, api.statusCode(), api.body());
        String id = Json.mapper().readTree(api.body()).get("id").asText();
        assertEquals(202, post("/api/check?domain=x..y", "").statusCode());
        HttpResponse<String> refused = post("/api/check?domain=a.example", "");
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(Integer.parseInt(refused.headers().firstValue("Retry-After").orElse("0")) > 0);
        assertTrue(refused.body().contains("at most 3 checks a minute"), refused.body());
        HttpResponse<String> refusedForm = post("/check", "domain=a.example");
        assertEquals(429, refusedForm.statusCode());
        assertTrue(refusedForm.body().contains("id=\"refused\""), refusedForm.body());

        JsonNode done = null;
        for (int i = 0; i < 100; i++) {
            done = Json.mapper().readTree(get("/api/check/" + id).body());
            if (done.get("state").asText().equals("done")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("done", done.get("state").asText(), done.toString());
        assertEquals("unknown", done.get("result").get("status").asText());
        assertFalse(done.has("keptAs"), "nothing to keep of a name that is not a domain name");
        String page = get(location).body();
        assertTrue(page.contains("Check of not a domain!"), page);
        String script = get("/check/" + id).body();
        assertTrue(script.contains("Check of &lt;script&gt;") && !script.contains("<script"), script);
        assertEquals(404, get("/check/" + "0".repeat(32)).statusCode());
        assertEquals(405, HTTP.send(HttpRequest.newBuilder(URI.create(app.url()).resolve("/api/check")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    /** Another site's page cannot make its visitors' browsers ask for checks. */
    @Test
    void aCheckAskedForByAnotherSiteIsRefused() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(app.url()).resolve("/check"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("domain=a.example")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), r.body());
        HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(URI.create(app.url()).resolve("/api/check?domain=a"))
                .header("Sec-Fetch-Site", "cross-site").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, api.statusCode(), api.body());
    }

    private static HttpResponse<String> post(String path, String form) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(app.url()).resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A database user that may only read serves every page. */
    @Test
    void aReadOnlyDatabaseUserServesEveryPage() throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') THEN "
                    + "CREATE ROLE reader LOGIN PASSWORD 'reader-pw'; END IF; END $$");
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader");
        }
        Database reader = new Database(pg.getJdbcUrl("postgres", "postgres").replaceAll("user=[^&]*&?", "")
                .replaceAll("password=[^&]*&?", "").replaceAll("[?&]$", ""), "reader", "reader-pw");
        try (Connection c = reader.connect(); Statement s = c.createStatement()) {
            org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> s.execute("DELETE FROM scan"), "the user cannot write");
        }
        try (WebApp readOnly = WebApp.start(reader, new InetSocketAddress("127.0.0.1", 0), checks())) {
            for (String path : List.of("/", "/scan/s-newer", "/scan/s-newer/domains?level=verified",
                    "/scan/s-newer/changes", "/scan/s-newer/report", "/domain/changed.example", "/api/scans",
                    "/api/trends", "/api/scans/s-newer/stats", "/api/domains/changed.example", "/check")) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(readOnly.url()).resolve(path))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), path + ": " + r.body());
            }
        }
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
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "the JVM's, as every mxray process: " + metrics);
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
