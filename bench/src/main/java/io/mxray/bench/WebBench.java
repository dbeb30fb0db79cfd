package io.mxray.bench;

import io.mxray.app.WebApp;
import io.mxray.lab.Generator;
import io.mxray.lab.Scenario;
import io.mxray.local.EmbeddedDatabase;
import io.mxray.runtime.FastEc;
import io.mxray.store.Database;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The web pages' times at history scale: one real scan of the generated lab goes through the whole
 * pipeline and is copied (as {@code bench db} does) into {@code --scans} smaller scans a day apart
 * and one of {@code --big} domains, the latest; then {@code mxray serve}'s pages are asked for over
 * HTTP on this machine, each {@code --repeat} times, and the first time and the median printed.
 */
@Command(name = "web", mixinStandardHelpOptions = true,
        description = "mxray serve's page times: /, /scan/ID, its lists (paged, sorted, filtered) and /domain/NAME on a "
                + "database holding a scan of --big domains and --scans smaller ones of --scan-domains.")
final class WebBench implements Callable<Integer> {
    @Option(names = "--recorded", defaultValue = "5000",
            description = "Domains of the lab scan recorded through the pipeline and copied (default ${DEFAULT-VALUE}).")
    int recorded;

    @Option(names = "--big", defaultValue = "200000", description = "Domains of the latest scan (default ${DEFAULT-VALUE}).")
    int big;

    @Option(names = "--scans", defaultValue = "10", description = "Smaller scans before it (default ${DEFAULT-VALUE}).")
    int scans;

    @Option(names = "--scan-domains", defaultValue = "20000",
            description = "Domains of each smaller scan (default ${DEFAULT-VALUE}).")
    int scanDomains;

    @Option(names = "--repeat", defaultValue = "7", description = "Times each page is asked for (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (big % recorded != 0 || scanDomains % recorded != 0) {
            throw new IllegalArgumentException("--big and --scan-domains must be multiples of --recorded");
        }
        System.out.printf("web benchmark: a lab scan of %,d domains recorded through the pipeline, copied into %d scans "
                + "of %,d domains and one of %,d (the latest)%n", recorded, scans, scanDomains, big);
        Path dir = Files.createTempDirectory("mxray-web-bench");
        List<Scenario> all = Generator.generate(recorded, seed);
        FastEc.install();
        try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("postgres")).stopOnExit()) {
            Database db = postgres.database();
            db.migrate();
            String source = DbBench.recordScan(dir, all, db);
            String domain;
            try (Connection c = db.connect()) {
                for (int i = 0; i < scans; i++) {
                    double s = DbBench.copy(c, source, "history-" + (i + 1), scanDomains / recorded, scans + 1 - i);
                    System.out.printf(Locale.ROOT, "scan history-%d: %,d domains written in %.1f s%n", i + 1,
                            scanDomains, s);
                }
                double s = DbBench.copy(c, source, "big", big / recorded, 0);
                System.out.printf(Locale.ROOT, "scan big: %,d domains written in %.1f s%n", big, s);
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT drop_scan('" + source + "')"); // the recorded scan: not part of the history
                    st.execute("VACUUM ANALYZE");
                    // a domain in every scan (copy 1 of each), with MX hosts
                    try (ResultSet r = st.executeQuery("SELECT domain FROM domain_result WHERE scan_id = 'big' "
                            + "AND domain LIKE 'c1.%' AND mx_count > 0 ORDER BY domain LIMIT 1")) {
                        r.next();
                        domain = r.getString(1);
                    }
                }
            }
            WebApp.Checks noChecks = new WebApp.Checks(() -> {
                throw new IllegalStateException("no checks in this benchmark");
            }, 1, 1, 1, false);
            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("home", "/");
            pages.put("scan", "/scan/big");
            pages.put("domains_p1", "/scan/big/domains");
            pages.put("domains_p100_by_rank", "/scan/big/domains?sort=rank&dir=desc&page=100");
            pages.put("domains_filtered", "/scan/big/domains?level=untrusted&dane=none&provider=test");
            pages.put("changes", "/scan/big/changes");
            pages.put("expiring", "/scan/big/expiring");
            pages.put("domain", "/domain/" + domain);
            pages.put("api_domain", "/api/domains/" + domain);
            Map<String, Double> result = new LinkedHashMap<>();
            try (WebApp app = WebApp.start(db, new InetSocketAddress("127.0.0.1", 0), noChecks)) {
                HttpClient http = HttpClient.newHttpClient();
                for (var page : pages.entrySet()) {
                    URI uri = URI.create(app.url()).resolve(page.getValue());
                    List<Double> ms = new ArrayList<>();
                    long bytes = 0;
                    for (int i = 0; i < repeat; i++) {
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        ms.add((System.nanoTime() - t0) / 1e6);
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException(page.getValue() + " answered " + r.statusCode());
                        }
                        bytes = r.body().length;
                    }
                    double first = ms.get(0);
                    List<Double> sorted = new ArrayList<>(ms);
                    sorted.sort(Double::compare);
                    double median = sorted.get(sorted.size() / 2);
                    System.out.printf(Locale.ROOT, "%-22s %-60s first %7.1f ms, median of %d %7.1f ms, %,d bytes%n",
                            page.getKey(), page.getValue(), first, repeat, median, bytes);
                    result.put(page.getKey() + "_ms", median);
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "RESULT web big=%d scans=%d scan_domains=%d",
                    big, scans, scanDomains));
            result.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s=%.1f", k, v)));
            System.out.println(line);
        } finally {
            BenchSupport.deleteTree(dir);
        }
        return 0;
    }
}
