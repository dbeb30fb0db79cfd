package io.mxray.bench;

import io.mxray.app.Report;
import io.mxray.demo.LabInternet;
import io.mxray.lab.Generator;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.local.BrokerProcess;
import io.mxray.local.EmbeddedDatabase;
import io.mxray.local.LocalCluster;
import io.mxray.runtime.FastEc;
import io.mxray.store.Database;
import io.mxray.store.Export;
import io.mxray.store.ReportData;
import io.mxray.store.ResultWriter;
import io.mxray.store.Scans;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * PostgreSQL at history scale. One real scan of the generated lab goes through the whole
 * pipeline (its rows are what the aggregator writes); its rows are then copied under new domain
 * and host names into ten scans of 200,000 domains a day apart and one scan of 1,000,000 (2% of
 * each copy's domains lose STARTTLS, so scans differ and {@code scan_diff} has changes to find).
 * Measured: bytes per domain per scan (tables and indexes, per table), and the times of what the
 * commands ask of a scan: {@code stats}, the running statistics' rewrite, {@code report},
 * {@code export} (domains and hosts), {@code scan_diff} against the scan before, and dropping a
 * scan ({@code prune}).
 */
@Command(name = "db", mixinStandardHelpOptions = true,
        description = "PostgreSQL at history scale: bytes per domain per scan, and the times of stats, report, export, "
                + "scan_diff and prune on a scan of --big domains and on the last of --scans scans of --scan-domains.")
final class DbBench implements Callable<Integer> {
    @Option(names = "--recorded", defaultValue = "5000",
            description = "Domains of the lab scan recorded through the pipeline and copied (default ${DEFAULT-VALUE}).")
    int recorded;

    @Option(names = "--big", defaultValue = "1000000", description = "Domains of the big scan (default ${DEFAULT-VALUE}).")
    int big;

    @Option(names = "--scans", defaultValue = "10", description = "Scans of the history (default ${DEFAULT-VALUE}).")
    int scans;

    @Option(names = "--scan-domains", defaultValue = "200000",
            description = "Domains of each scan of the history (default ${DEFAULT-VALUE}).")
    int scanDomains;

    @Option(names = "--repeat", defaultValue = "3", description = "Times each query runs; the median is printed.")
    int repeat;

    @Option(names = "--plans", description = "Print the query plans (EXPLAIN ANALYZE) of scan_diff, the report's "
            + "history and the host export on the big scan.")
    boolean plans;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    private static final List<String> TABLES = List.of("domain_result", "domain_mx", "mx_host_result",
            "mx_host_certificate", "tlsa_record", "rejected_input");

    @Override
    public Integer call() throws Exception {
        if (big % recorded != 0 || scanDomains % recorded != 0) {
            throw new IllegalArgumentException("--big and --scan-domains must be multiples of --recorded");
        }
        System.out.printf("db benchmark: a lab scan of %,d domains recorded through the pipeline, copied into %d scans of "
                + "%,d domains and one of %,d%n", recorded, scans, scanDomains, big);
        Path dir = Files.createTempDirectory("mxray-db-bench");
        List<Scenario> all = Generator.generate(recorded, seed);
        FastEc.install();
        try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("postgres")).stopOnExit()) {
            Database db = postgres.database();
            db.migrate();
            String source = recordScan(dir, all, db);
            try (Connection c = db.connect()) {
                System.out.printf("server: %s; shared_buffers %s, work_mem %s%n", one(c, "SELECT version()"),
                        one(c, "SHOW shared_buffers"), one(c, "SHOW work_mem"));
                List<String> history = new ArrayList<>();
                for (int i = 0; i < scans; i++) {
                    String id = "history-" + (i + 1);
                    double s = copy(c, source, id, scanDomains / recorded, scans + 1 - i);
                    history.add(id);
                    System.out.printf(Locale.ROOT, "scan %s: %,d domains written in %.1f s%n", id, scanDomains, s);
                }
                double s = copy(c, source, "big", big / recorded, 0);
                System.out.printf(Locale.ROOT, "scan big: %,d domains written in %.1f s%n", big, s);
                try (Statement st = c.createStatement()) {
                    st.execute("VACUUM ANALYZE");
                }
                sizes(c, "big", big);
                sizes(c, history.get(history.size() - 1), scanDomains);

                Map<String, Double> result = new LinkedHashMap<>();
                String last = history.get(history.size() - 1);
                measure(c, "big", history.get(history.size() - 1), big, result, "big");
                measure(c, last, history.get(history.size() - 2), scanDomains, result, "history");
                if (plans) {
                    plan(c, "scan_diff, big against the last history scan", "EXPLAIN (ANALYZE, BUFFERS) "
                            + "SELECT count(*) FROM scan_diff('" + last + "', 'big')");
                    plan(c, "the report's history over every scan", "EXPLAIN (ANALYZE, BUFFERS) "
                            + ReportData.HISTORY_SQL);
                    plan(c, "export hosts, big", "EXPLAIN (ANALYZE, BUFFERS) " + Export.HOSTS.replace("?", "'big'"));
                }
                // dropping a scan: a 200k scan and the 1M one, as prune does
                double dropSmall = timed(() -> drop(c, history.get(0)));
                double dropBig = timed(() -> drop(c, "big"));
                System.out.printf(Locale.ROOT, "prune: dropping a scan of %,d domains took %.0f ms, of %,d domains %.0f ms%n",
                        scanDomains, dropSmall * 1000, big, dropBig * 1000);
                result.put("drop_small_ms", dropSmall * 1000);
                result.put("drop_big_ms", dropBig * 1000);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                        "RESULT db big=%d scans=%d scan_domains=%d", big, scans, scanDomains));
                result.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s=%.1f", k, v)));
                System.out.println(line);
            }
        } finally {
            BenchSupport.deleteTree(dir);
        }
        return 0;
    }

    /** The lab scanned through the pipeline (processes, as deployed); returns the scan's id. */
    static String recordScan(Path dir, List<Scenario> all, Database db) throws Exception {
        Path list = Files.write(dir.resolve("list.txt"), all.stream().map(Scenario::domain).toList());
        try (Lab lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(all));
             BrokerProcess broker = BrokerProcess.start(dir.resolve("kafka"));
             LocalCluster cluster = new LocalCluster(broker, db, LabInternet.of(lab), dir.resolve("record"),
                     new LocalCluster.Settings(1, 1, 6, Duration.ofSeconds(10), List.of("-Xmx1g"), List.of(),
                             List.of()))) {
            long t0 = System.nanoTime();
            String id = cluster.schedule(list, "recorded");
            AggregatorBench.awaitFinal(db, id, all.size(), Duration.ofMinutes(30), cluster::checkAlive);
            System.out.printf(Locale.ROOT, "recorded scan %s through the whole pipeline in %.1f s%n", id,
                    (System.nanoTime() - t0) / 1e9);
            return id;
        }
    }

    /**
     * Copies the source scan {@code copies} times into scan {@code to}, started {@code daysAgo}
     * days ago, in its own partitions: domain, host and TLSA names prefixed per copy so every key
     * stays unique, 2% of the domains without STARTTLS; then its statistics, as the sink writes them.
     *
     * @return seconds it took
     */
    static double copy(Connection c, String from, String to, int copies, int daysAgo) throws SQLException {
        long t0 = System.nanoTime();
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO scan (scan_id, source, started_at, published_at, lines, accepted, rejected, duplicates, ignored)
                SELECT ?, source, now() - make_interval(days => ?), now() - make_interval(days => ?), lines * ?,
                       accepted * ?, rejected * ?, duplicates * ?, ignored * ?
                FROM scan WHERE scan_id = ?""")) {
            s.setString(1, to);
            s.setInt(2, daysAgo);
            s.setInt(3, daysAgo);
            for (int i = 4; i <= 8; i++) {
                s.setInt(i, copies);
            }
            s.setString(9, from);
            s.executeUpdate();
        }
        new ResultWriter(c).partitions(List.of(to));
        c.commit();
        for (String table : TABLES) {
            List<String> columns = new ArrayList<>();
            List<String> values = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT column_name FROM information_schema.columns "
                    + "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position")) {
                s.setString(1, table);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        String col = r.getString(1);
                        columns.add(col);
                        values.add(switch (col) {
                            case "scan_id" -> "?";
                            case "domain", "mx_host", "base" -> "'c' || g || '.' || " + col;
                            case "line_no" -> "line_no + g::bigint * 1000000000";
                            case "starttls" -> "CASE WHEN abs(hashtext(domain || g || ?)) % 50 = 0 THEN 'none' ELSE starttls END";
                            default -> col;
                        });
                    }
                }
            }
            String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT "
                    + String.join(", ", values) + " FROM " + table + " CROSS JOIN generate_series(1, ?) g "
                    + "WHERE scan_id = ?";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                s.setString(i++, to);
                if (columns.contains("starttls")) {
                    s.setString(i++, to);
                }
                s.setInt(i++, copies);
                s.setString(i, from);
                s.executeUpdate();
            }
            c.commit();
        }
        new ResultWriter(c).recomputeStats(List.of(to));
        c.commit();
        c.setAutoCommit(true);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Bytes per domain of one scan: its partitions of each table, heap (with TOAST) and indexes apart. */
    private static void sizes(Connection c, String scan, long domains) throws SQLException {
        long total = 0;
        StringBuilder b = new StringBuilder();
        for (String t : TABLES) {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_table_size(p), pg_indexes_size(p), "
                    + "(SELECT count(*) FROM pg_index WHERE indrelid = p) "
                    + "FROM (SELECT scan_partition_name(?, ?)::regclass AS p) x")) {
                s.setString(1, t);
                s.setString(2, scan);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    long heap = r.getLong(1);
                    long index = r.getLong(2);
                    total += heap + index;
                    b.append(String.format(Locale.ROOT, "  %-20s %7.0f B/domain in rows, %7.0f in %d indexes%n", t,
                            (double) heap / domains, (double) index / domains, r.getInt(3)));
                }
            }
        }
        long certificates = Long.parseLong(one(c, "SELECT pg_total_relation_size('certificate')"));
        System.out.printf(Locale.ROOT, "scan %s: %,d domains, %.0f bytes per domain (tables and indexes); certificates, "
                + "shared by every scan: %,d bytes in all%n%s", scan, domains, (double) total / domains, certificates, b);
    }

    private void measure(Connection c, String scan, String previous, long domains, Map<String, Double> out,
                         String label) throws Exception {
        Map<String, Double> t = new LinkedHashMap<>();
        t.put("stats", median(() -> Scans.stats(c, scan)));
        t.put("stats_rewrite", median(() -> {
            c.setAutoCommit(false);
            new ResultWriter(c).recomputeStats(List.of(scan));
            c.commit();
            c.setAutoCommit(true);
        }));
        t.put("report", median(() -> Report.html(c, scan)));
        t.put("export_domains", median(() -> Export.export(c, Export.DOMAINS, scan, Export.Format.csv,
                OutputStream.nullOutputStream())));
        t.put("export_hosts", median(() -> Export.export(c, Export.HOSTS, scan, Export.Format.csv,
                OutputStream.nullOutputStream())));
        t.put("scan_diff", median(() -> one(c, "SELECT count(*) FROM scan_diff('" + previous + "', '" + scan + "')")));
        System.out.printf(Locale.ROOT, "scan %s (%,d domains), medians of %d: %s%n", scan, domains, repeat,
                String.join(", ", t.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f s",
                        e.getKey(), e.getValue())).toList()));
        System.out.printf("  scan_diff against %s: %s changes%n", previous,
                one(c, "SELECT count(*) FROM scan_diff('" + previous + "', '" + scan + "')"));
        t.forEach((k, v) -> out.put(label + "_" + k + "_s", v));
    }

    private interface Step {
        void run() throws Exception;
    }

    private double median(Step step) throws Exception {
        double[] s = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            s[i] = timed(step);
        }
        java.util.Arrays.sort(s);
        return s[repeat / 2];
    }

    private static double timed(Step step) throws Exception {
        long t0 = System.nanoTime();
        step.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void drop(Connection c, String scan) throws SQLException {
        c.setAutoCommit(false);
        Scans.drop(c, scan);
        c.commit();
        c.setAutoCommit(true);
    }

    private static void plan(Connection c, String what, String sql) throws SQLException {
        System.out.println("plan: " + what);
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                System.out.println("  " + r.getString(1));
            }
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
