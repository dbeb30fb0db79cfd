package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.mxray.dns.DnsConfig;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenarios;
import io.mxray.local.Infrastructure;
import io.mxray.local.Pipeline;
import io.mxray.scheduler.ScanSummary;
import io.mxray.smtp.SmtpConfig;
import io.mxray.store.ReportData;
import io.mxray.store.ScanResults;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two scans of the same domains, with four lab scenarios switched between them (each variant
 * declares what it changes): the comparison of the two scans names exactly the switched domains,
 * and for each exactly the properties the switch changed. Through the real broker and database.
 */
class HistoryTest {
    private static final Set<String> SWITCHED = Set.of("tls-valid", "self-signed", "dane-ee-311", "unsigned",
            "sts-enforce");
    /** Switched ones, and unchanged ones of every kind (no deliberately slow server: a quick test). */
    private static final List<String> DOMAINS = List.of("tls-valid.test", "self-signed.test", "dane-ee-311.test",
            "unsigned.test", "signed.test", "two-mx.test", "wrong-name.test", "dane-mismatch.test", "null-mx.test",
            "nxdomain.test", "bogus-mx.test", "expired.test", "sts-enforce.test", "sts-404.test", "sts-unlisted.test");
    private static Infrastructure infra;

    @BeforeAll
    static void start() throws Exception {
        infra = Infrastructure.start(null, null, Files.createTempDirectory("history").resolve("data"), 3);
    }

    @AfterAll
    static void stop() {
        if (infra != null) {
            infra.close();
        }
    }

    /** Scans {@link #DOMAINS} against a lab of these scenarios, with a pipeline of its own. */
    private static String scan(List<io.mxray.lab.Scenario> scenarios, Path dir) throws Exception {
        try (Lab lab = Lab.start(LabConfig.defaults(dir).withScenarios(scenarios))) {
            DnsConfig dns = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                    .withTrustAnchor(lab.trustAnchorFile());
            SmtpConfig smtp = SmtpConfig.defaults().allowingNonPublic(true)
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(40));
            CertificateJudge judge = new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC());
            try (Pipeline pipeline = new Pipeline(infra, dns, smtp, judge, Clock.systemUTC())) {
                ScanSummary s = pipeline.schedule(new StringReader(String.join("\n", DOMAINS)), "history");
                long done = ScanResults.await(infra.database(), s.scanId(), DOMAINS.size(), Duration.ofMinutes(2),
                        n -> { });
                assertEquals(DOMAINS.size(), done, "every domain final");
                return s.scanId();
            }
        }
    }

    private static List<String> rows(String sql, String... args) throws Exception {
        return ScanTables.rows(infra.database(), sql, " ", args);
    }

    @Test
    void theDiffOfTwoScansNamesExactlyTheSwitchedDomains() throws Exception {
        Path dir = Files.createTempDirectory("history-labs");
        String before = scan(Scenarios.catalogue(), dir.resolve("before"));
        Thread.sleep(5); // distinct start times: the later scan is the newer one
        String after = scan(Scenarios.catalogueSwitching(SWITCHED), dir.resolve("after"));

        // what each switch changes, as the variants declare it (Scenarios.switchable) and the
        // properties are defined (docs/queries.md): t = true, f = false
        List<String> expected = List.of(
                "dane-ee-311.test dane t f",
                "dane-ee-311.test valid_certificate t f",
                "self-signed.test valid_certificate f t",
                "sts-enforce.test mta_sts_enforce t f",
                "tls-valid.test starttls t f",
                "tls-valid.test valid_certificate t f",
                "unsigned.test dnssec f t");
        assertEquals(expected, rows("SELECT domain, property, before, after FROM scan_diff(?, ?)", before, after));
        assertEquals(SWITCHED.stream().map(n -> n + ".test").sorted().toList(),
                rows("SELECT DISTINCT domain FROM scan_diff(?, ?) ORDER BY 1", before, after));
        // each scan against the one before it: the same rows
        assertEquals(expected, rows("SELECT domain, property, before, after FROM scan_changes WHERE scan_id = ? "
                + "AND previous_scan_id = ? ORDER BY domain, property", after, before));
        // and backwards, every change is reversed
        assertEquals(expected.size(), rows("SELECT 1 FROM scan_diff(?, ?)", after, before).size());
        // a new MTA-STS policy: another id and another mode
        assertEquals(List.of("sts-enforce.test 20261202T000000 20261203T000000 enforce testing"),
                rows("SELECT * FROM mta_sts_changes(?, ?)", before, after));

        // the report's history, from the running statistics, is what a pass over the mail domains gives
        List<String> recount = rows("SELECT round(100.0 * count(*) FILTER (WHERE mx_dnssec = 'secure') / count(*), 3), "
                + "round(100.0 * count(*) FILTER (WHERE starttls = 'all') / count(*), 3), "
                + "round(100.0 * count(*) FILTER (WHERE dane = 'all') / count(*), 3) FROM mail_domain "
                + "WHERE scan_id IN (?, ?) GROUP BY scan_id ORDER BY scan_id = ? DESC", before, after, before);
        ReportData.History history;
        try (Connection c = infra.database().connect()) {
            history = ReportData.load(c, after).history();
        }
        List<String> drawn = new java.util.ArrayList<>();
        for (int i = 0; i < history.labels().size(); i++) {
            List<String> row = new java.util.ArrayList<>();
            for (List<Double> series : history.series().values()) {
                row.add(new java.math.BigDecimal(series.get(i)).setScale(3, java.math.RoundingMode.HALF_UP).toString());
            }
            drawn.add(String.join(" ", row));
        }
        assertEquals(recount, drawn);
        assertEquals(2, drawn.size());
        assertNotEquals(drawn.get(0), drawn.get(1), "the switched scenarios move the shares");
    }
}
