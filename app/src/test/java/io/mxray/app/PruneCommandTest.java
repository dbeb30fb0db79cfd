package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mxray prune} drops a scan by dropping its partitions: the scan's partition of every
 * result table is gone from the catalog (no row was deleted one by one, no dead row is left), and
 * every other scan's rows are where and as they were.
 */
class PruneCommandTest {
    private static final List<String> TABLES = List.of("rejected_input", "domain_result", "domain_mx",
            "mx_host_result", "mx_host_certificate", "tlsa_record");
    private static EmbeddedPostgres pg;
    private static Database db;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        db = new Database(pg.getJdbcUrl("postgres", "postgres"), null, null);
        db.migrate();
        // four scans, a day apart, 2,000 domains each (one MX row, one probe, one TLSA record, one rejected line)
        for (int day = 4; day >= 1; day--) {
            scan("s" + day, day, 2_000);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static void scan(String id, int daysAgo, int domains) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO scan (scan_id, source, started_at) VALUES ('" + id + "', 'list', now() - interval '"
                    + daysAgo + " days')");
            s.execute("SELECT create_scan_partitions('" + id + "')");
            s.execute("INSERT INTO domain_result (scan_id, domain, dns_outcome, mx_count, starttls, finalized_at) "
                    + "SELECT '" + id + "', 'd' || g || '.example', 'mx', 1, 'all', now() FROM generate_series(1, "
                    + domains + ") g");
            s.execute("INSERT INTO domain_mx (scan_id, domain, mx_host, preference, ip, outcome) "
                    + "SELECT '" + id + "', 'd' || g || '.example', 'mx.d' || g || '.example', 10, '192.0.2.1', "
                    + "'tls-established' FROM generate_series(1, " + domains + ") g");
            s.execute("INSERT INTO mx_host_result (scan_id, ip, port, mx_host, outcome, total_ms, probed_at) "
                    + "SELECT '" + id + "', '192.0.2.1', 25, 'mx.d' || g || '.example', 'tls-established', 1, now() "
                    + "FROM generate_series(1, " + domains + ") g");
            s.execute("INSERT INTO mx_host_certificate (scan_id, ip, port, mx_host, key_type, chain) "
                    + "SELECT '" + id + "', '192.0.2.1', 25, 'mx.d' || g || '.example', 'ecdsa', ARRAY['00'] "
                    + "FROM generate_series(1, " + domains + ") g");
            s.execute("INSERT INTO tlsa_record (scan_id, base, usage, selector, matching, data, usable) "
                    + "SELECT '" + id + "', '_25._tcp.mx.d' || g || '.example', 3, 1, 1, 'ab', true "
                    + "FROM generate_series(1, " + domains + ") g");
            s.execute("INSERT INTO rejected_input (scan_id, line_no, line, reason) VALUES ('" + id
                    + "', 1, 'not a domain', 'invalid-character')");
            s.execute("INSERT INTO scan_stats (scan_id, category, value, domains, updated_at) VALUES ('" + id
                    + "', 'finalized', '', " + domains + ", now())");
        }
    }

    private static List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(r.getString(i));
                }
                out.add(String.join(" ", row));
            }
        }
        return out;
    }

    /** Per result table and scan: the partition the rows are in, and how many. */
    private static List<String> placement() throws SQLException {
        List<String> out = new ArrayList<>();
        for (String t : TABLES) {
            out.addAll(rows("SELECT '" + t + "', scan_id, tableoid::regclass::text = scan_partition_name('" + t
                    + "', scan_id), count(*) FROM " + t + " GROUP BY scan_id, tableoid ORDER BY scan_id"));
        }
        return out;
    }

    private static int run(String... args) {
        return Mxray.commandLine().execute(args);
    }

    @Test
    void pruneDropsPartitionsAndLeavesTheOtherScansIntact() throws Exception {
        List<String> before = placement();
        // every scan's rows are in that scan's own partition of each table
        assertEquals(TABLES.size() * 4, before.size());
        assertTrue(before.stream().allMatch(r -> r.contains(" t ")), before.toString());

        // --dry-run names the two oldest beyond --keep 2 and drops nothing
        PrintStream out = System.out;
        ByteArrayOutputStream dry = new ByteArrayOutputStream();
        System.setOut(new PrintStream(dry, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, run("prune", "--db", db.url(), "--keep", "2", "--dry-run"));
        } finally {
            System.setOut(out);
        }
        assertEquals("would drop scan s4\nwould drop scan s3\n", dry.toString(StandardCharsets.UTF_8));
        assertEquals(before, placement());

        assertEquals(0, run("prune", "--db", db.url(), "--keep", "2"));

        // the two oldest scans' partitions are gone from the catalog, with their scan and statistics rows
        for (String t : TABLES) {
            for (String gone : List.of("s4", "s3")) {
                assertEquals(List.of("null"), rows("SELECT to_regclass(scan_partition_name('" + t + "', '" + gone
                        + "'))"), t + " of " + gone);
            }
            assertEquals(List.of("2"), rows("SELECT count(*) FROM pg_inherits WHERE inhparent = '" + t + "'::regclass"));
        }
        assertEquals(List.of("s1", "s2"), rows("SELECT scan_id FROM scan ORDER BY scan_id"));
        assertEquals(List.of("s1", "s2"), rows("SELECT scan_id FROM scan_stats ORDER BY scan_id"));
        // the other scans' rows are exactly as before
        assertEquals(before.stream().filter(r -> r.contains(" s1 ") || r.contains(" s2 ")).toList(), placement());
        // --older-than takes the scans started before; a new scan gets partitions again
        assertEquals(0, run("prune", "--db", db.url(), "--older-than", "P1DT12H"));
        assertEquals(List.of("s1"), rows("SELECT scan_id FROM scan ORDER BY scan_id"));
        scan("s0", 0, 10);
        assertEquals(List.of("s0 10", "s1 2000"), rows("SELECT scan_id, count(*) FROM domain_result GROUP BY 1 ORDER BY 1"));
    }

    @Test
    void aRowOfAScanWithoutPartitionsIsRefusedNotParked() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.execute(
                    "INSERT INTO domain_result (scan_id, domain, dns_outcome, mx_count, starttls, finalized_at) "
                            + "VALUES ('no-such-scan', 'a.example', 'mx', 1, 'all', now())"));
            assertEquals("23514", e.getSQLState(), e.getMessage());
        }
    }

    @Test
    void pruneSaysWhatItNeeds() {
        assertNotEquals(0, run("prune", "--db", db.url()));
        assertEquals(1, run("prune", "--db", db.url(), "--drop", "never-made"));
    }
}
