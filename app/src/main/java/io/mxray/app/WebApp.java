package io.mxray.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mxray.schema.Json;
import io.mxray.store.Database;
import io.mxray.store.DomainHistory;
import io.mxray.check.Checker;
import io.mxray.store.ScanLists;
import io.mxray.store.Trends;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.util.Fields;
import io.mxray.store.ReportData;
import io.mxray.store.Scans;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
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
 * a Content-Security-Policy that runs no script at all. Each request reads through one read-only
 * connection, so a database user allowed only to read serves every page; only a check kept from
 * the web writes.
 */
public final class WebApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebApp.class);
    /** No script, nothing from elsewhere; the pages' own inline CSS and SVG only. */
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    /** A scan id in a path. */
    private static final String ID = "[A-Za-z0-9._-]{1,100}";
    /** A domain name as stored (A-labels, lower case): letters, digits, dots, hyphens, underscores. */
    private static final String NAME = "[A-Za-z0-9._-]{1,253}";
    private static final Pattern DOMAIN_NAME = Pattern.compile(NAME);
    private static final Counter REQUESTS = Counter.builder().name("mxray_web_requests_total")
            .help("HTTP requests served by mxray serve, by route and status").labelNames("route", "status")
            .register();

    static {
        io.mxray.runtime.Metrics.jvm();
    }

    private final Database database;
    private final Server server;
    private final CheckQueue checks;
    private final Clock clock;
    private final ObjectMapper json = Json.mapper();
    private final ChartCache charts = new ChartCache();
    private final ClientAddress clients;

    private WebApp(Database database, Server server, CheckQueue checks, ClientAddress clients, Clock clock) {
        this.clients = clients;
        this.database = database;
        this.server = server;
        this.checks = checks;
        this.clock = clock;
    }

    /**
     * The web's checks: how the checker is made, their limits, and the reverse proxies whose
     * {@code X-Forwarded-For} names the client (networks in CIDR form or addresses).
     */
    public record Checks(Supplier<Checker> checkers, int perMinute, int concurrent, int queued, boolean store,
                         List<String> trustedProxies) {
        public Checks {
            trustedProxies = List.copyOf(trustedProxies);
        }

        /** Behind no proxy. */
        public Checks(Supplier<Checker> checkers, int perMinute, int concurrent, int queued, boolean store) {
            this(checkers, perMinute, concurrent, queued, store, List.of());
        }
    }

    /**
     * Serves on {@code address} (port 0: any free port) until closed; checks from the web are made
     * by {@code checks}' checker within its limits.
     */
    public static WebApp start(Database database, InetSocketAddress address, Checks checks) throws Exception {
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
        Clock clock = Clock.systemUTC();
        ClientAddress clients = ClientAddress.parse(checks.trustedProxies()); // before anything starts
        CheckQueue queue = new CheckQueue(() -> CheckQueue.Runner.of(checks.checkers().get()), database,
                new CheckQueue.Limits(checks.perMinute(), checks.concurrent(), checks.queued(), checks.store()), clock);
        WebApp app = new WebApp(database, server, queue, clients, clock);
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
        try {
            server.stop();
        } finally {
            checks.close();
        }
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
            String method = request.getMethod();
            Route route = Route.OTHER;
            Page page;
            try {
                route = Route.of(method, path);
                page = switch (route) {
                    case METHOD -> {
                        response.getHeaders().put(HttpHeader.ALLOW, path.equals("/check") || path.equals("/api/check")
                                ? "GET, HEAD, POST" : "GET, HEAD");
                        yield Page.text(405, "not with " + method + "\n");
                    }
                    case HOME -> read(c -> Page.html(200, HomePage.html(c, charts, clock.instant())));
                    case SCAN -> scan(request, path);
                    case DOMAIN -> domain(request, path);
                    case CHECK_FORM -> Page.html(200, CheckPages.form(checks, param(request, "domain"), null));
                    case CHECK_POST -> checkPost(request, response, false);
                    case CHECK_JOB -> checks.job(last(path)).map(j -> Page.html(200, CheckPages.job(checks, j)))
                            .orElse(Page.text(404, "no such check (checks are remembered for a while only)\n"));
                    case API_SCANS -> read(c -> json(200, Scans.recent(c, HomePage.RECENT)));
                    case API_TRENDS -> read(c -> json(200, HomePage.trendsJson(Trends.load(c, HomePage.RECENT))));
                    case API_SCAN -> apiScan(request, path);
                    case API_DOMAIN -> apiDomain(path);
                    case API_CHECK -> checkPost(request, response, true);
                    case API_CHECK_JOB -> checks.job(last(path)).map(j -> json(200, CheckPages.json(checks, j)))
                            .orElse(json(404, Map.of("error", "no such check")));
                    case METRICS -> metrics();
                    case FAVICON -> new Page(204, "image/x-icon", new byte[0]); // none: a browser asks anyway
                    case OTHER -> Page.text(404, "not found\n");
                };
            } catch (IllegalArgumentException e) {
                page = route.api() ? json(400, Map.of("error", e.getMessage())) : Page.text(400, e.getMessage() + "\n");
            } catch (SQLException | IOException | RuntimeException e) {
                LOG.error("{} {} failed", method, route, e);
                page = Page.text(500, "the database could not answer; the server's log says why\n");
            }
            REQUESTS.labelValues(route.name().toLowerCase(Locale.ROOT), String.valueOf(page.status())).inc();
            response.setStatus(page.status());
            var headers = response.getHeaders();
            headers.put(HttpHeader.CONTENT_TYPE, page.type());
            headers.put("Content-Security-Policy", CSP);
            headers.put("X-Content-Type-Options", "nosniff");
            headers.put("Referrer-Policy", "same-origin"); // nothing to other sites; a form's Origin to this one
            headers.put(HttpHeader.CACHE_CONTROL, "no-store");
            headers.put(HttpHeader.CONTENT_LENGTH, page.body().length);
            boolean head = method.equals("HEAD");
            response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(page.body()), callback);
            return true;
        }
    }

    /** The pages and endpoints, by method and path; anything else is 404 or 405. */
    enum Route {
        HOME, SCAN, DOMAIN, CHECK_FORM, CHECK_POST, CHECK_JOB, API_SCANS, API_TRENDS, API_SCAN, API_DOMAIN, API_CHECK,
        API_CHECK_JOB, METRICS, FAVICON, METHOD, OTHER;

        private static final Pattern SCAN_PATH = Pattern.compile("/scan/" + ID + "(/[a-z-]{1,40})?");
        private static final Pattern API_SCAN_PATH = Pattern.compile("/api/scans/" + ID + "/(stats|lists/[a-z-]{1,40})");
        private static final Pattern DOMAIN_PATH = Pattern.compile("/domain/" + NAME);
        private static final Pattern API_DOMAIN_PATH = Pattern.compile("/api/domains/" + NAME);
        private static final Pattern JOB = Pattern.compile("/check/[0-9a-f]{32}");
        private static final Pattern API_JOB = Pattern.compile("/api/check/[0-9a-f]{32}");

        boolean api() {
            return name().startsWith("API_");
        }

        static Route of(String method, String path) {
            boolean read = method.equals("GET") || method.equals("HEAD");
            boolean post = method.equals("POST");
            Route r;
            if (path.equals("/check") || path.equals("/api/check")) {
                r = path.equals("/check") ? (post ? CHECK_POST : CHECK_FORM) : API_CHECK;
                return read && r == API_CHECK || !read && !post ? METHOD : r;
            }
            if (path.equals("/")) {
                r = HOME;
            } else if (path.equals("/api/scans")) {
                r = API_SCANS;
            } else if (path.equals("/api/trends")) {
                r = API_TRENDS;
            } else if (path.equals("/metrics")) {
                r = METRICS;
            } else if (path.equals("/favicon.ico")) {
                r = FAVICON;
            } else if (SCAN_PATH.matcher(path).matches()) {
                r = SCAN;
            } else if (path.equals("/domain") || DOMAIN_PATH.matcher(path).matches()) {
                r = DOMAIN;
            } else if (API_SCAN_PATH.matcher(path).matches()) {
                r = API_SCAN;
            } else if (API_DOMAIN_PATH.matcher(path).matches()) {
                r = API_DOMAIN;
            } else if (JOB.matcher(path).matches()) {
                r = CHECK_JOB;
            } else if (API_JOB.matcher(path).matches()) {
                r = API_CHECK_JOB;
            } else {
                return OTHER;
            }
            return read ? r : METHOD;
        }
    }

    /** A page made from one connection, closed when it is made. */
    private interface Read {
        Page page(Connection c) throws SQLException, IOException;
    }

    private Page read(Read read) throws SQLException, IOException {
        try (Connection c = database.connect()) {
            c.setReadOnly(true);
            return read.page(c);
        }
    }

    private Page json(int status, Object value) {
        try {
            return new Page(status, "application/json", json.writeValueAsBytes(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String param(Request request, String name) {
        String v = Request.extractQueryParameters(request).getValue(name);
        return v == null ? "" : v.strip();
    }

    /** {@code /scan/ID}, {@code /scan/ID/report} and {@code /scan/ID/LIST}. */
    private Page scan(Request request, String path) throws SQLException, IOException {
        String[] parts = path.split("/");
        String id = parts[2];
        Optional<ScanLists.Definition> list = parts.length == 4 ? ScanLists.named(parts[3]) : Optional.empty();
        if (parts.length == 4 && !parts[3].equals("report") && list.isEmpty()) {
            return Page.text(404, "no such list\n");
        }
        ScanLists.Query q = list.map(l -> ScanPages.query(l, Request.extractQueryParameters(request))).orElse(null);
        return read(c -> {
            if (!Scans.exists(c, id)) {
                return Page.text(404, "no such scan\n");
            }
            if (parts.length == 3) {
                return Page.html(200, ScanPages.overview(c, charts, id));
            }
            return list.isEmpty() ? Page.html(200, Report.html(c, id))
                    : Page.html(200, ScanPages.list(c, id, list.get(), q));
        });
    }

    /** {@code /api/scans/ID/stats} and {@code /api/scans/ID/lists/LIST}. */
    private Page apiScan(Request request, String path) throws SQLException, IOException {
        String[] parts = path.split("/");
        String id = parts[3];
        Optional<ScanLists.Definition> list = parts[4].equals("lists") ? ScanLists.named(parts[5]) : Optional.empty();
        if (parts[4].equals("lists") && list.isEmpty()) {
            return json(404, Map.of("error", "no such list"));
        }
        ScanLists.Query q = list.map(l -> ScanPages.query(l, Request.extractQueryParameters(request))).orElse(null);
        return read(c -> {
            if (!Scans.exists(c, id)) {
                return json(404, Map.of("error", "no such scan"));
            }
            return list.isPresent() ? json(200, ScanPages.json(c, id, list.get(), q)) : json(200, stats(c, id));
        });
    }

    private static Map<String, Object> stats(Connection c, String id) throws SQLException {
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
        return out;
    }

    private Page domain(Request request, String path) throws SQLException, IOException {
        String name = (path.equals("/domain") ? param(request, "name") : last(path)).toLowerCase(Locale.ROOT);
        if (!DOMAIN_NAME.matcher(name).matches()) {
            return Page.text(404, "not a domain name\n");
        }
        return read(c -> {
            DomainHistory d = DomainHistory.load(c, name);
            return d.verdicts().isEmpty() ? Page.text(404, "no scan saw this domain\n")
                    : Page.html(200, DomainPage.html(d));
        });
    }

    private Page apiDomain(String path) throws SQLException, IOException {
        String name = last(path).toLowerCase(Locale.ROOT);
        return read(c -> {
            DomainHistory d = DomainHistory.load(c, name);
            return d.verdicts().isEmpty() ? json(404, Map.of("error", "no scan saw this domain"))
                    : json(200, DomainPage.json(d));
        });
    }

    /**
     * A check asked for: the form's POST (a redirect to the check's page, or the form again with
     * why it was refused) or the API's (202 with where to follow it).
     */
    private Page checkPost(Request request, Response response, boolean api) {
        Fields form = FormFields.getFields(request, 10, 4096); // read first: a connection kept alive stays usable
        if (crossSite(request)) {
            return api ? json(403, Map.of("error", "a check is asked for from this site only"))
                    : Page.text(403, "a check is asked for from this site's own form only\n");
        }
        Fields query = Request.extractQueryParameters(request);
        String domain = Optional.ofNullable(form.getValue("domain")).orElse(query.getValue("domain"));
        String keepValue = Optional.ofNullable(form.getValue("keep")).orElse(query.getValue("keep"));
        boolean keep = keepValue != null && (keepValue.equals("on") || keepValue.equals("true"));
        if (domain == null || domain.isBlank() || domain.length() > 253) {
            return api ? json(400, Map.of("error", "give the domain to check: domain=NAME"))
                    : Page.html(400, CheckPages.form(checks, "", "Give the domain to check."));
        }
        String forwarded = request.getHeaders().getValuesList("X-Forwarded-For").stream()
                .collect(java.util.stream.Collectors.joining(","));
        String client = clients.of(Request.getRemoteAddr(request), forwarded.isEmpty() ? null : forwarded);
        CheckQueue.Submission s = checks.submit(client, domain.strip(), keep);
        if (s instanceof CheckQueue.Refused refused) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Math.max(1, refused.retryAfter().toSeconds()));
            return api ? json(refused.status(), Map.of("error", refused.why()))
                    : Page.html(refused.status(), CheckPages.form(checks, domain.strip(), refused.why()));
        }
        CheckQueue.Job job = ((CheckQueue.Accepted) s).job();
        if (api) {
            response.getHeaders().put(HttpHeader.LOCATION, "/api/check/" + job.id);
            return json(202, CheckPages.json(checks, job));
        }
        response.getHeaders().put(HttpHeader.LOCATION, "/check/" + job.id);
        return Page.text(303, "see /check/" + job.id + "\n");
    }

    /**
     * A browser asking on another site's behalf (its Origin, or Sec-Fetch-Site, says so): another
     * page must not make visitors' browsers run checks. Clients that send neither (curl) are asked
     * for as themselves.
     */
    static boolean crossSite(Request request) {
        String site = request.getHeaders().get("Sec-Fetch-Site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null || origin.equals("null")) {
            return false; // not a browser's, or an opaque origin; the limits apply all the same
        }
        String host = request.getHeaders().get(HttpHeader.HOST);
        try {
            URI o = URI.create(origin);
            return host == null || o.getAuthority() == null || !o.getAuthority().equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private static Page metrics() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, PrometheusRegistry.defaultRegistry.scrape());
        return new Page(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    }
}
