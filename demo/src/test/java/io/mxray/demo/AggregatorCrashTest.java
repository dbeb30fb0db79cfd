package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.dns.DnsConfig;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.local.EmbeddedKafka;
import io.mxray.local.Infrastructure;
import io.mxray.local.LocalCluster;
import io.mxray.local.MxrayProcess;
import io.mxray.local.Pipeline;
import io.mxray.scheduler.ScanSummary;
import io.mxray.smtp.SmtpConfig;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The aggregator as a process of its own, killed with SIGKILL in the middle of a scan (nothing
 * committed, nothing closed) and started again: the scan completes, and its tables hold exactly
 * what an uninterrupted scan of the same list holds, with no row twice.
 */
class AggregatorCrashTest {
    private static Lab lab;
    private static Infrastructure infra;
    private static Pipeline workers;
    private static Path dir;
    private static final List<MxrayProcess> aggregators = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("crash");
        var scenarios = new ArrayList<>(io.mxray.lab.Scenarios.catalogue());
        scenarios.addAll(io.mxray.lab.Generator.generate(300, 11));
        lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(scenarios));
        infra = Infrastructure.start(null, null, dir.resolve("data"), 3);
        infra.database().migrate(); // the aggregator processes would too; the test reads before they run
        DnsConfig dns = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        // slow-banner.test greets after 10 s: a 20 s step timeout leaves it 10 s of margin (with 12 s,
        // a loaded 2-core machine once pushed its banner past the timeout in one of the two scans compared)
        SmtpConfig smtp = SmtpConfig.defaults().allowingNonPublic(true)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(40));
        CertificateJudge judge = new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC());
        workers = new Pipeline(infra, dns, smtp, judge, Clock.systemUTC(), false);
    }

    @AfterAll
    static void stop() {
        for (MxrayProcess p : aggregators) {
            try {
                p.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {workers, infra, lab}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing
                }
            }
        }
    }

    private static int metricsPort;

    /** Until the aggregator's stream thread has its partitions (its lag gauge shows): then it follows the scan. */
    private static void awaitConsuming(MxrayProcess p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "the aggregator did not start consuming");
            try {
                if (!Double.isNaN(LocalCluster.sample(LocalCluster.scrape(metricsPort),
                        "mxray_consumer_lag{stage=\"aggregator\"}"))) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not serving yet
            }
            Thread.sleep(200);
        }
    }

    /** `mxray aggregator` in a JVM of its own, on the test's classpath. */
    private static MxrayProcess aggregator(String name) throws Exception {
        metricsPort = EmbeddedKafka.freePort();
        MxrayProcess p = MxrayProcess.mxray(name, dir, List.of(), List.of("aggregator",
                "--kafka", infra.bootstrap(), "--db", infra.database().url(), "--partitions", "3",
                "--state-dir", dir.resolve("aggregator-state").toString(),
                // commits every 0.1 s: rows appear as the scan goes, so that the kill lands mid-scan
                "--commit-interval", "PT0.1S", "--metrics-port", String.valueOf(metricsPort)),
                java.util.Map.of("MXRAY_DB_PASSWORD", infra.database().password()));
        aggregators.add(p);
        return p;
    }

    private static long count(String sql, String scanId) throws Exception {
        return ScanTables.count(infra.database(), sql, scanId);
    }

    private static List<String> rows(String sql, String scanId) throws Exception {
        return ScanTables.rows(infra.database(), sql, scanId);
    }

    private static void awaitFinal(String scanId, long domains, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count("SELECT count(*) FROM domain_result WHERE scan_id = ?", scanId) < domains) {
            assertTrue(System.nanoTime() < deadline, "scan " + scanId + " not final in " + timeout);
            workers.checkHealthy();
            Thread.sleep(200);
        }
    }

    @Test
    void anAggregatorKilledMidScanAndRestartedLeavesTheTablesOfAnUninterruptedScan() throws Exception {
        String list = String.join("\n", Files.readAllLines(lab.domainsFile()));
        MxrayProcess first = aggregator("aggregator-1");
        awaitConsuming(first);
        ScanSummary crashed = workers.schedule(new StringReader(list), "crash");
        long domains = crashed.counts().accepted();
        // kill it once part of the scan is final and part is not
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        long finalBefore;
        do {
            assertTrue(first.isAlive(), "the first aggregator runs");
            assertTrue(System.nanoTime() < deadline, "the scan did not progress");
            Thread.sleep(100);
            finalBefore = count("SELECT count(*) FROM domain_result WHERE scan_id = ?", crashed.scanId());
        } while (finalBefore < domains / 4);
        first.kill(); // SIGKILL: no commit, no close
        assertTrue(finalBefore < domains, "killed mid-scan (" + finalBefore + " of " + domains + " final)");
        aggregator("aggregator-2");
        awaitFinal(crashed.scanId(), domains, Duration.ofMinutes(4));

        ScanSummary calm = workers.schedule(new StringReader(list), "uninterrupted");
        awaitFinal(calm.scanId(), domains, Duration.ofMinutes(4));

        assertEquals(domains, count("SELECT count(*) FROM domain_result WHERE scan_id = ?", crashed.scanId()));
        assertEquals(rows(ScanTables.DOMAIN_ROWS, calm.scanId()), rows(ScanTables.DOMAIN_ROWS, crashed.scanId()),
                "domain rows");
        assertEquals(rows(ScanTables.HOST_ROWS, calm.scanId()), rows(ScanTables.HOST_ROWS, crashed.scanId()),
                "MX host rows");
        assertEquals(count("SELECT count(*) FROM mx_host_result WHERE scan_id = ?", calm.scanId()),
                count("SELECT count(*) FROM mx_host_result WHERE scan_id = ?", crashed.scanId()), "probe rows");
        // no domain twice (the key forbids it) and no domain missing
        assertEquals(0, count("SELECT count(*) - count(DISTINCT domain) FROM domain_result WHERE scan_id = ?",
                crashed.scanId()));
        System.out.printf("aggregator killed with %d of %d domains final; after restart all %d, equal to an "
                + "uninterrupted scan%n", finalBefore, domains, domains);
    }
}
