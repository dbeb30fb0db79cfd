package io.mxray.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rows of a scan judged before the level under DANE (schema version 6) are re-derived by V7: a
 * DANE mismatch over a PKIX-valid chain becomes {@code untrusted}, its old level moves to
 * {@code pkix}, and the domain's worst/best level and the scan's statistics follow.
 */
class LevelMigrationTest {
    private static EmbeddedPostgres pg;
    private static Database db;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        db = new Database(pg.getJdbcUrl("postgres", "postgres"), null, null);
        Flyway.configure().dataSource(db.url(), null, null).locations("classpath:db/migration").target("6").load()
                .migrate();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // a scan of the old rule: one domain per case
            s.execute("INSERT INTO scan (scan_id, source, started_at) VALUES ('old', 'list', now())");
            domain(s, "mismatch.test", "verified", "verified");
            mx(s, "mismatch.test", "mx.mismatch.test", "verified", "ca-valid", "mismatch", "no-record-matched");
            domain(s, "trusted-mismatch.test", "trusted", "trusted");
            mx(s, "trusted-mismatch.test", "mx.trusted-mismatch.test", "trusted", "ca-name-mismatch", "mismatch",
                    "dane-ta-not-sent");
            domain(s, "two.test", "plaintext", "verified");
            mx(s, "two.test", "mx1.two.test", "verified", "ca-valid", "mismatch", "no-record-matched");
            mx(s, "two.test", "mx2.two.test", "plaintext", null, "none", null);
            domain(s, "dane-only.test", "verified", "verified");
            mx(s, "dane-only.test", "mx.dane-only.test", "verified", "dane-only", "valid", null);
            domain(s, "dane-ca.test", "verified", "verified");
            mx(s, "dane-ca.test", "mx.dane-ca.test", "verified", "ca-valid", "valid", null);
            domain(s, "unusable.test", "verified", "verified");
            mx(s, "unusable.test", "mx.unusable.test", "verified", "ca-valid", "unusable-only", "only-unusable-records");
            domain(s, "plain.test", "trusted", "trusted");
            mx(s, "plain.test", "mx.plain.test", "trusted", "ca-name-mismatch", "none", "no-tlsa");
            s.execute("""
                    INSERT INTO scan_stats (scan_id, category, value, domains, updated_at)
                    SELECT scan_id, 'worst_level', worst_level, count(*), now() FROM domain_result GROUP BY 1, 3
                    UNION ALL SELECT scan_id, 'best_level', best_level, count(*), now() FROM domain_result GROUP BY 1, 3
                    UNION ALL SELECT scan_id, 'finalized', '', count(*), now() FROM domain_result GROUP BY 1""");
        }
        db.migrate();
    }

    private static void domain(Statement s, String domain, String worst, String best) throws Exception {
        s.execute("INSERT INTO domain_result (scan_id, domain, dns_outcome, mx_count, worst_level, best_level, "
                + "starttls, finalized_at) VALUES ('old', '" + domain + "', 'mx', 1, '" + worst + "', '" + best
                + "', 'all', now())");
    }

    private static void mx(Statement s, String domain, String host, String level, String certType, String dane,
                           String daneReason) throws Exception {
        String outcome = level.equals("plaintext") ? "no-starttls" : "tls-established";
        String ct = certType == null ? "NULL" : "'" + certType + "'";
        String why = daneReason == null ? "NULL" : "'" + daneReason + "'";
        s.execute("INSERT INTO domain_mx (scan_id, domain, mx_host, preference, ip, level, cert_type, outcome, dane, "
                + "dane_reason) VALUES ('old', '" + domain + "', '" + host + "', 10, '192.0.2.1', '" + level + "', "
                + ct + ", '" + outcome + "', '" + dane + "', " + why + ")");
        s.execute("INSERT INTO mx_host_result (scan_id, ip, port, mx_host, outcome, level, cert_type, decided_by, "
                + "total_ms, probed_at, dane, dane_reason) VALUES ('old', '192.0.2.1', 25, '" + host + "', '" + outcome
                + "', '" + level + "', " + ct + ", 'pkix+name', 1, now(), '" + dane + "', " + why + ")");
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static List<String> rows(String sql) throws Exception {
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

    @Test
    void aDaneMismatchOverAPkixValidChainBecomesUntrustedWithItsOldLevelKept() throws Exception {
        assertEquals(List.of(
                        "mx.dane-ca.test verified verified valid",
                        "mx.dane-only.test verified null valid",
                        "mx.mismatch.test untrusted verified mismatch",
                        "mx.plain.test trusted trusted none",
                        "mx.trusted-mismatch.test untrusted trusted mismatch",
                        "mx.unusable.test verified verified unusable-only",
                        "mx1.two.test untrusted verified mismatch",
                        "mx2.two.test plaintext null none"),
                rows("SELECT mx_host, level, pkix, dane FROM domain_mx ORDER BY mx_host"));
        assertEquals(rows("SELECT mx_host, level, pkix FROM domain_mx ORDER BY mx_host"),
                rows("SELECT mx_host, level, pkix FROM mx_host_result ORDER BY mx_host"));
        assertEquals(List.of("mx.mismatch.test dane no-record-matched", "mx.trusted-mismatch.test dane dane-ta-not-sent"),
                rows("SELECT mx_host, decided_by, reason FROM mx_host_result WHERE level = 'untrusted' "
                        + "AND mx_host LIKE 'mx.%' ORDER BY mx_host"));
    }

    @Test
    void domainsAndStatisticsFollowTheRederivedLevels() throws Exception {
        assertEquals(List.of(
                        "dane-ca.test verified verified",
                        "dane-only.test verified verified",
                        "mismatch.test untrusted untrusted",
                        "plain.test trusted trusted",
                        "trusted-mismatch.test untrusted untrusted",
                        "two.test plaintext untrusted",
                        "unusable.test verified verified"),
                rows("SELECT domain, worst_level, best_level FROM domain_result ORDER BY domain"));
        assertEquals(List.of("best_level trusted 1", "best_level untrusted 3", "best_level verified 3",
                        "finalized  7", "worst_level plaintext 1", "worst_level trusted 1", "worst_level untrusted 2",
                        "worst_level verified 3"),
                rows("SELECT category, value, domains FROM scan_stats WHERE category NOT LIKE 'mail:%' "
                        + "ORDER BY category, value"));
    }

    /** V14: a scan recorded before it gets the statistics over its mail domains that the report's history reads. */
    @Test
    void scansRecordedBeforeGetTheirMailDomainStatistics() throws Exception {
        assertEquals(List.of("mail:dane - 7", "mail:finalized  7", "mail:mx_dnssec - 7", "mail:starttls all 7"),
                rows("SELECT category, value, domains FROM scan_stats WHERE category LIKE 'mail:%' "
                        + "ORDER BY category, value"));
    }
}
