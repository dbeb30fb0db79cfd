package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.dns.DnsConfig;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenarios;
import io.mxray.local.Infrastructure;
import io.mxray.local.Pipeline;
import io.mxray.scheduler.ScanSummary;
import io.mxray.smtp.SmtpConfig;
import io.mxray.store.ScanResults;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
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
    }
}
