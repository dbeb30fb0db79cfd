package io.mxray.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mxray.schema.Json;
import io.mxray.store.Database;
import io.mxray.store.DomainHistory;
import io.mxray.store.ReportData;
import io.mxray.store.Scans;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The survey on the web ({@code mxray serve}): server-rendered pages and their JSON, read from
 * the results database. Jetty 12's core handler API (no servlets): a small, well-kept server for
 * Java 17 whose pooled threads may block on JDBC, with bounded request headers and idle timeouts.
 * Every page is HTML written here with every value escaped ({@link Html#escape}), and is sent with
 * a Content-Security-Policy that runs no script at all.
 */
public final class WebApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebApp.class);
    /** No script, nothing from elsewhere; the pages' own inline CSS and SVG only. */
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    /** Scans listed on the home page. */
    static final int RECENT = 50;
    private static final Pattern SCAN_PAGE = Pattern.compile("/scan/([A-Za-z0-9._-]{1,100})");
    private static final Pattern SCAN_STATS = Pattern.compile("/api/scans/([A-Za-z0-9._-]{1,100})/stats");
    /** A domain name as stored (A-labels, lower case): letters, digits, dots, hyphens, underscores. */
    private static final Pattern DOMAIN_PAGE = Pattern.compile("/domain/([A-Za-z0-9._-]{1,253})");
    private static final Pattern DOMAIN_API = Pattern.compile("/api/domains/([A-Za-z0-9._-]{1,253})");
    private static final Counter REQUESTS = Counter.builder().name("mxray_web_requests_total")
            .help("HTTP requests served by mxray serve, by route and status").labelNames("route", "status")
            .register();

    private final Database database;
    private final Server server;
    private final ObjectMapper json = Json.mapper();

    private WebApp(Database database, Server server) {
        this.database = database;
        this.server = server;
    }

    /** Serves on {@code address} (port 0: any free port) until closed. */
    public static WebApp start(Database database, InetSocketAddress address) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("mxray-web");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(8 * 1024);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);
        WebApp app = new WebApp(database, server);
        server.setHandler(app.new Routes());
        server.start();
        return app;
    }

    /** Where it listens, as a URL. */
    public String url() {
        ServerConnector c = (ServerConnector) server.getConnectors()[0];
        String host = c.getHost() == null ? "localhost" : c.getHost();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + c.getLocalPort() + "/";
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** A response: status, type and body. */
    record Page(int status, String type, byte[] body) {
        static Page html(int status, String html) {
            return new Page(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
        }

        static Page text(int status, String text) {
            return new Page(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String route = "other";
            Page page;
            try {
                if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                    page = Page.text(405, "GET or HEAD only\n");
                } else if (path.equals("/")) {
                    route = "home";
                    page = home();
                } else if (path.equals("/api/scans")) {
                    route = "api-scans";
                    page = scans();
                } else if (path.equals("/metrics")) {
                    route = "metrics";
                    page = metrics();
                } else if (SCAN_PAGE.matcher(path).matches()) {
                    route = "scan";
                    page = scan(group(SCAN_PAGE, path));
                } else if (DOMAIN_PAGE.matcher(path).matches()) {
                    route = "domain";
                    page = domain(group(DOMAIN_PAGE, path).toLowerCase(java.util.Locale.ROOT));
                } else if (DOMAIN_API.matcher(path).matches()) {
                    route = "api-domain";
                    page = domainJson(group(DOMAIN_API, path).toLowerCase(java.util.Locale.ROOT));
                } else if (path.equals("/domain")) {
                    route = "domain";
                    String name = Request.extractQueryParameters(request).getValue("name");
                    page = name != null && DOMAIN_PAGE.matcher("/domain/" + name.strip()).matches()
                            ? domain(name.strip().toLowerCase(java.util.Locale.ROOT))
                            : Page.text(404, "not a domain name\n");
                } else if (SCAN_STATS.matcher(path).matches()) {
                    route = "api-scan-stats";
                    page = stats(group(SCAN_STATS, path));
                } else {
                    page = Page.text(404, "not found\n");
                }
            } catch (SQLException | IOException | RuntimeException e) {
                LOG.error("{} {} failed", request.getMethod(), route, e);
                page = Page.text(500, "the database could not answer; the server's log says why\n");
            }
            REQUESTS.labelValues(route, String.valueOf(page.status())).inc();
            response.setStatus(page.status());
            var headers = response.getHeaders();
            headers.put(HttpHeader.CONTENT_TYPE, page.type());
            headers.put("Content-Security-Policy", CSP);
            headers.put("X-Content-Type-Options", "nosniff");
            headers.put("Referrer-Policy", "no-referrer");
            headers.put(HttpHeader.CACHE_CONTROL, "no-store");
            headers.put(HttpHeader.CONTENT_LENGTH, page.body().length);
            boolean head = request.getMethod().equals("HEAD");
            response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(page.body()), callback);
            return true;
        }
    }

    private static String group(Pattern p, String path) {
        Matcher m = p.matcher(path);
        if (!m.matches()) {
            throw new IllegalStateException(path);
        }
        return m.group(1);
    }

    /** The latest scan's charts, its statistics as they run, and the scans before it. */
    private Page home() throws SQLException {
        try (Connection c = database.connect()) {
            List<Scans.Summary> recent = Scans.recent(c, RECENT);
            StringBuilder h = new StringBuilder(32 * 1024);
            Pages.head(h, "mxray: e-mail in transit");
            h.append("<h1>mxray: how mail is protected in transit</h1>");
            h.append("<form action=\"/domain\" method=\"get\"><label>A domain's history: <input name=\"name\" "
                    + "size=\"40\" maxlength=\"253\"></label> <button type=\"submit\">show</button></form>");
            if (recent.isEmpty()) {
                h.append("<p>No scan yet: <code>./mxray scan LIST</code> or <code>./mxray demo</code> make one.</p>");
                return Page.html(200, Pages.end(h));
            }
            Scans.Summary latest = recent.get(0);
            ReportData d = ReportData.load(c, latest.id());
            h.append("<h2>Latest scan: <a href=\"/scan/").append(Html.escape(latest.id())).append("\">")
                    .append(Html.escape(latest.id())).append("</a></h2>");
            h.append("<p class=\"muted\">").append(Html.escape(latest.source())).append(", started ")
                    .append(Html.escape(latest.startedAt().toString())).append(": ")
                    .append(String.format("%,d of %,d domains final", latest.finalized(), latest.accepted()))
                    .append("</p>");
            Report.charts(h, d);
            if (d.history().labels().size() > 1) {
                h.append("<h2>Over all scans</h2><div class=\"charts\">");
                h.append(Svg.lines("chart-history", "Share of domains with MX, per scan", d.history().labels(),
                        d.history().series()));
                h.append("</div>");
            }
            h.append("<h2>Scans</h2><table class=\"list\"><tr><th>scan</th><th>list</th><th>started</th>"
                    + "<th>domains final</th></tr>");
            for (Scans.Summary s : recent) {
                h.append("<tr><td><a href=\"/scan/").append(Html.escape(s.id())).append("\">")
                        .append(Html.escape(s.id())).append("</a></td><td>").append(Html.escape(s.source()))
                        .append("</td><td>").append(Html.escape(s.startedAt().toString())).append("</td><td>")
                        .append(String.format("%,d of %,d", s.finalized(), s.accepted())).append("</td></tr>");
            }
            h.append("</table>");
            return Page.html(200, Pages.end(h));
        }
    }

    /**
     * One domain: its verdict in every scan that saw it, what changed from one to the next, and
     * for the latest its MX hosts and addresses, the chain each presented and the TLSA records.
     */
    private Page domain(String name) throws SQLException {
        DomainHistory d;
        try (Connection c = database.connect()) {
            d = DomainHistory.load(c, name);
        }
        if (d.verdicts().isEmpty()) {
            return Page.text(404, "no scan saw this domain\n");
        }
        StringBuilder h = new StringBuilder(16 * 1024);
        Pages.head(h, "mxray: " + name);
        h.append("<h1>").append(Html.escape(name)).append("</h1><h2>Every scan</h2><table class=\"list\" "
                + "id=\"timeline\"><tr><th>scan</th><th>started</th>");
        DomainHistory.FIELDS.forEach(f -> h.append("<th>").append(Html.escape(f)).append("</th>"));
        h.append("</tr>");
        for (DomainHistory.Verdict v : d.verdicts()) {
            h.append("<tr><td><a href=\"/scan/").append(Html.escape(v.scanId())).append("\">")
                    .append(Html.escape(v.scanId())).append("</a></td><td>")
                    .append(Html.escape(v.startedAt().toString())).append("</td>");
            for (int i = 0; i < v.values().size(); i++) {
                String value = v.values().get(i);
                if (i == DomainHistory.FIELDS.indexOf("DANE delivery") && v.daneDeliveryReason() != null) {
                    value += " (" + v.daneDeliveryReason() + ")";
                }
                h.append("<td>").append(Html.escape(value)).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
        Map<String, List<String>> changes = d.changes();
        h.append("<h2>What changed</h2>");
        if (changes.isEmpty()) {
            h.append("<p class=\"muted\">").append(d.verdicts().size() == 1 ? "One scan so far."
                    : "Nothing, from one scan to the next.").append("</p>");
        } else {
            h.append("<table class=\"list\" id=\"changes\"><tr><th>scan</th><th>change</th></tr>");
            changes.forEach((scan, diff) -> diff.forEach(x -> h.append("<tr><td>").append(Html.escape(scan))
                    .append("</td><td>").append(Html.escape(x)).append("</td></tr>")));
            h.append("</table>");
        }
        h.append("<h2>MX hosts in scan ").append(Html.escape(d.verdicts().get(0).scanId())).append("</h2>");
        if (d.hosts().isEmpty()) {
            h.append("<p class=\"muted\">None.</p>");
        }
        for (DomainHistory.Host host : d.hosts()) {
            h.append("<h3>").append(Html.escape(host.mxHost())).append(" (preference ").append(host.preference())
                    .append(")").append(host.ip().isEmpty() ? "" : " at " + Html.escape(host.ip())).append("</h3>");
            h.append("<table class=\"facts\">");
            row(h, "level", host.level());
            row(h, "outcome", host.outcome() + (host.reason() == null ? "" : " (" + host.reason() + ")"));
            row(h, "DANE", host.dane() == null ? "-" : host.dane()
                    + (host.daneReason() == null ? "" : " (" + host.daneReason() + ")"));
            h.append("</table>");
            if (!host.chain().isEmpty()) {
                h.append("<table class=\"list chain\"><tr><th>certificate</th><th>issuer</th><th>expires</th></tr>");
                for (DomainHistory.Certificate cert : host.chain()) {
                    h.append("<tr><td>").append(Html.escape(cert.subject())).append("</td><td>")
                            .append(Html.escape(cert.issuer())).append("</td><td>")
                            .append(Html.escape(cert.notAfter().toString())).append("</td></tr>");
                }
                h.append("</table>");
            }
            if (!host.tlsa().isEmpty()) {
                h.append("<table class=\"list tlsa\"><tr><th>TLSA at _25._tcp.").append(Html.escape(host.tlsaBase()))
                        .append("</th><th>usable</th></tr>");
                for (DomainHistory.Tlsa t : host.tlsa()) {
                    h.append("<tr><td><code>").append(Html.escape(t.record())).append("</code></td><td>")
                            .append(t.usable() ? "yes" : Html.escape("no" + (t.unusableReason() == null ? ""
                                    : " (" + t.unusableReason() + ")"))).append("</td></tr>");
                }
                h.append("</table>");
            }
        }
        return Page.html(200, Pages.end(h));
    }

    private Page domainJson(String name) throws SQLException, IOException {
        DomainHistory d;
        try (Connection c = database.connect()) {
            d = DomainHistory.load(c, name);
        }
        if (d.verdicts().isEmpty()) {
            return new Page(404, "application/json",
                    "{\"error\":\"no scan saw this domain\"}".getBytes(StandardCharsets.UTF_8));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("domain", d.domain());
        List<Map<String, Object>> scans = new ArrayList<>();
        for (DomainHistory.Verdict v : d.verdicts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scan", v.scanId());
            m.put("startedAt", v.startedAt().toString());
            for (int i = 0; i < DomainHistory.FIELDS.size(); i++) {
                m.put(DomainHistory.FIELDS.get(i), v.values().get(i));
            }
            m.put("DANE delivery reason", v.daneDeliveryReason());
            scans.add(m);
        }
        out.put("scans", scans);
        out.put("changes", d.changes());
        out.put("hosts", d.hosts());
        return new Page(200, "application/json", json.writeValueAsBytes(out));
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><td class=\"muted\">").append(Html.escape(name)).append("</td><td>")
                .append(Html.escape(value == null ? "-" : value)).append("</td></tr>");
    }

    /** The report of one scan, as {@code mxray report} writes it. */
    private Page scan(String id) throws SQLException {
        try (Connection c = database.connect()) {
            if (!Scans.exists(c, id)) {
                return Page.text(404, "no such scan\n");
            }
            return Page.html(200, Report.html(c, id));
        }
    }

    private Page scans() throws SQLException, IOException {
        try (Connection c = database.connect()) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Scans.Summary s : Scans.recent(c, RECENT)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", s.id());
                m.put("source", s.source());
                m.put("startedAt", s.startedAt().toString());
                m.put("accepted", s.accepted());
                m.put("finalized", s.finalized());
                out.add(m);
            }
            return new Page(200, "application/json", json.writeValueAsBytes(out));
        }
    }

    private Page stats(String id) throws SQLException, IOException {
        try (Connection c = database.connect()) {
            if (!Scans.exists(c, id)) {
                return new Page(404, "application/json", "{\"error\":\"no such scan\"}".getBytes(StandardCharsets.UTF_8));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            Map<String, Map<String, Long>> categories = new LinkedHashMap<>();
            for (Scans.Stat s : Scans.stats(c, id)) {
                if (s.category().equals("finalized")) {
                    out.put("finalized", s.domains());
                    out.put("updatedAt", s.updatedAt().toString());
                } else {
                    categories.computeIfAbsent(s.category(), k -> new LinkedHashMap<>()).put(s.value(), s.domains());
                }
            }
            out.put("categories", categories);
            return new Page(200, "application/json", json.writeValueAsBytes(out));
        }
    }

    private static Page metrics() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, PrometheusRegistry.defaultRegistry.scrape());
        return new Page(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    }

    /** The page frame: the same look as the report's. */
    static final class Pages {
        private Pages() {
        }

        static void head(StringBuilder h, String title) {
            h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
                    .append(Html.escape(title)).append("</title><style>").append(Report.CSS).append("</style></head><body>");
        }

        static String end(StringBuilder h) {
            h.append("<p class=\"muted\">mxray, from the scans' rows in PostgreSQL. The same as JSON: "
                    + "<a href=\"/api/scans\">/api/scans</a>.</p></body></html>\n");
            return h.toString();
        }
    }
}
