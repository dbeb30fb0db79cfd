package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.GroundTruth;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.local.BrokerProcess;
import io.mxray.local.EmbeddedDatabase;
import io.mxray.local.LocalCluster;
import io.mxray.local.MxrayProcess;
import io.mxray.store.Database;
import io.mxray.store.ScanResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * mxray as separate processes on a real broker process: a Kafka broker (kafka.Kafka, KRaft), a
 * PostgreSQL server, two DNS workers, two SMTP workers and one aggregator, each a JVM of its own
 * started as an operator starts them ({@code mxray dns-worker --kafka ...}); the scheduler and
 * {@code mxray wait} are processes too. 5,000 lab domains (the catalogue and generated ones).
 *
 * <p>First an undisturbed scan, checked against the lab's ground truth; then a scan during which
 * one DNS worker and one SMTP worker are killed with SIGKILL while they hold work; then a scan
 * during which the broker process is killed and started again. Each disturbed scan must complete
 * with exactly one final row per domain and the same tables as the undisturbed one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiProcessTest {
    private static final int DOMAINS = 5_000;
    private static final Duration SCAN_TIMEOUT = Duration.ofMinutes(6);

    private static Path dir;
    private static Lab lab;
    private static EmbeddedDatabase postgres;
    private static Database db;
    private static BrokerProcess broker;
    private static LocalCluster cluster;
    private static String baseline;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("multiprocess");
        List<Scenario> scenarios = new ArrayList<>(io.mxray.lab.Scenarios.catalogue());
        scenarios.addAll(io.mxray.lab.Generator.generate(DOMAINS - scenarios.size(), 5));
        lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(scenarios));
        postgres = EmbeddedDatabase.start(dir.resolve("postgres"));
        db = postgres.database();
        db.migrate(); // the aggregator would too; the test reads before it may have
        broker = BrokerProcess.start(dir.resolve("kafka"));
        // the lab has a server that greets after 10 s: 12 s per step, as in the demo
        // eight JVMs share two cores here: 100 lookups in flight per DNS worker and 6 s per attempt keep
        // the lab's one DNS server (in this starved JVM) answering in time (2,000 and 3 s drowned it)
        cluster = new LocalCluster(broker, postgres.database(), LabInternet.of(lab), dir.resolve("processes"),
                new LocalCluster.Settings(2, 2, 6, Duration.ofSeconds(8), List.of("-Xmx768m"),
                        List.of("--dns-in-flight", "100", "--dns-timeout", "PT6S"),
                        List.of("--connect-timeout", "PT5S", "--step-timeout", "PT20S", "--probe-deadline", "PT40S")));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {cluster, broker, postgres, lab}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing
                }
            }
        }
    }

    private static long finalized(String scanId) throws Exception {
        return ScanTables.count(db, ScanTables.DOMAINS, scanId);
    }

    /** `mxray wait` follows the scan to its end; the processes must all stay up meanwhile. */
    private static void awaitComplete(MxrayProcess wait) throws Exception {
        awaitComplete(wait, cluster.stages());
    }

    /** As above, with only {@code mustRun} required to stay up (the others were stopped on purpose). */
    private static void awaitComplete(MxrayProcess wait, List<MxrayProcess> mustRun) throws Exception {
        long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
        int status;
        while ((status = wait.await(Duration.ofMillis(500))) < 0) {
            for (MxrayProcess p : mustRun) {
                assertTrue(p.isAlive(), p.name() + " exited; its log ends:\n" + p.tail(40));
            }
            assertTrue(System.nanoTime() < deadline, "the scan did not complete in " + SCAN_TIMEOUT);
        }
        assertEquals(0, status, "mxray wait: " + wait.tail(5));
        assertTrue(wait.tail(3).contains("complete: " + String.format("%,d", DOMAINS) + " domains final"),
                wait.tail(3));
    }

    private static void assertSameTablesAsBaseline(String scanId) throws Exception {
        assertEquals(DOMAINS, finalized(scanId));
        assertEquals(0, ScanTables.count(db, ScanTables.DOUBLED, scanId), "a domain twice");
        ScanTables.assertSameRows(ScanTables.rows(db, ScanTables.DOMAIN_ROWS, baseline),
                ScanTables.rows(db, ScanTables.DOMAIN_ROWS, scanId), "domain rows");
        ScanTables.assertSameRows(ScanTables.rows(db, ScanTables.HOST_ROWS, baseline),
                ScanTables.rows(db, ScanTables.HOST_ROWS, scanId), "MX host rows");
        assertEquals(ScanTables.count(db, ScanTables.PROBES, baseline), ScanTables.count(db, ScanTables.PROBES, scanId),
                "probe rows");
    }

    private static double itemsIn(MxrayProcess p, String stage) throws Exception {
        return LocalCluster.sample(cluster.scrape(p.name()), "mxray_items_in_total{stage=\"" + stage + "\"}");
    }

    /**
     * Eight JVMs start at once on two cores here: while they compile their hot code, a DNS worker
     * can be so starved that its 3 s query timeouts fire before it reads answers that came (a
     * TLSA lookup that times out makes a host's DANE status bogus). A long-running deployment is
     * past that; so is this test after one scan of the whole list, whose results are not compared
     * (only that it completes).
     */
    @Test
    @Order(0)
    void aWarmUpScanCompletes() throws Exception {
        long start = System.nanoTime();
        String scan = cluster.schedule(lab.domainsFile(), "warm-up");
        awaitComplete(cluster.follow(scan, SCAN_TIMEOUT));
        System.out.printf("multi-process: warm-up scan of %,d domains in %.1f s, %d with a DNS timeout%n",
                DOMAINS, (System.nanoTime() - start) / 1e9, ScanTables.count(db,
                        "SELECT count(*) FROM domain_result WHERE scan_id = ? AND dns_outcome = 'timeout'", scan));
    }

    @Test
    @Order(1)
    void anUndisturbedScanOfFiveThousandDomainsMatchesTheGroundTruthAndEveryProcessServesMetrics() throws Exception {
        double rowsBefore = LocalCluster.sample(cluster.scrape("aggregator"),
                "mxray_items_out_total{stage=\"db-sink\",topic=\"domain_result\"}");
        long start = System.nanoTime();
        baseline = cluster.schedule(lab.domainsFile(), "undisturbed");
        awaitComplete(cluster.follow(baseline, SCAN_TIMEOUT));
        System.out.printf("multi-process: undisturbed scan of %,d domains in %.1f s%n", DOMAINS,
                (System.nanoTime() - start) / 1e9);
        assertEquals(DOMAINS, finalized(baseline));
        List<ExpectedDomain> truth = GroundTruth.read(lab.groundTruthFile());
        GroundTruthCheck.Result check = GroundTruthCheck.check(truth, ScanResults.rows(db, baseline));
        assertTrue(check.matches(), () -> check.mismatches().size() + " mismatches, first: "
                + check.mismatches().subList(0, Math.min(10, check.mismatches().size())));
        // the same comparison over rows streamed domain by domain (how bench e2e checks a million domains),
        // here with one domain's rows held back: exactly that domain is reported, as the list-based check does
        GroundTruthCheck.Result streamed = GroundTruthCheck.check(truth,
                each -> ScanResults.forEachDomain(db, baseline, each));
        assertEquals(check, streamed);
        String dropped = truth.get(truth.size() / 2).domain();
        GroundTruthCheck.Result withoutOne = GroundTruthCheck.check(truth,
                each -> ScanResults.forEachDomain(db, baseline, rows -> {
                    if (!rows.get(0).domain().equals(dropped)) {
                        each.accept(rows);
                    }
                }));
        assertEquals(GroundTruthCheck.check(truth, ScanResults.rows(db, baseline).stream()
                .filter(r -> !r.domain().equals(dropped)).toList()), withoutOne);
        assertEquals(List.of(new GroundTruthCheck.Mismatch(dropped, "result", "a final row", "none")),
                withoutOne.mismatches());

        // both instances of each worker stage took a share of the work
        for (MxrayProcess p : cluster.dnsWorkers()) {
            assertTrue(itemsIn(p, "dns-worker") > 0, p.name() + " took no domain");
        }
        double probes = 0;
        for (MxrayProcess p : cluster.smtpWorkers()) {
            double n = itemsIn(p, "smtp-worker");
            assertTrue(n > 0, p.name() + " took no probe");
            probes += n;
        }
        assertTrue(probes >= ScanTables.count(db, ScanTables.PROBES, baseline), "every probe row was a probe taken");
        // what an operator scrapes from an SMTP worker
        String smtp = cluster.scrape("smtp-worker-1");
        assertTrue(LocalCluster.sample(smtp, "mxray_results_total{outcome=\"tls-established\",stage=\"smtp-worker\"}")
                > 0, "results by outcome");
        assertTrue(LocalCluster.sample(smtp, "mxray_item_duration_seconds_count{stage=\"smtp-worker\"}") > 0,
                "probe latency histogram");
        assertTrue(smtp.contains("mxray_item_duration_seconds_bucket{stage=\"smtp-worker\",le=\"0.1\"}")
                || smtp.contains("mxray_item_duration_seconds_bucket{le=\"0.1\",stage=\"smtp-worker\"}"), "buckets");
        assertEquals(0.0, LocalCluster.sample(smtp, "mxray_in_flight{stage=\"smtp-worker\"}"), "nothing in flight");
        assertEquals(0.0, LocalCluster.sample(smtp, "mxray_consumer_lag{stage=\"smtp-worker\"}"), "no lag at the end");
        assertTrue(LocalCluster.sample(smtp, "mxray_items_out_total{stage=\"smtp-worker\",topic=\"mxray.smtp-results\"}")
                > 0 || smtp.contains("mxray_items_out_total{stage=\"smtp-worker\""), "items out");
        assertTrue(smtp.contains("jvm_memory_used_bytes"), "JVM metrics");
        String aggregator = cluster.scrape("aggregator");
        assertEquals((double) DOMAINS, LocalCluster.sample(aggregator,
                "mxray_items_out_total{stage=\"db-sink\",topic=\"domain_result\"}") - rowsBefore,
                "domain rows written");
    }

    @Test
    @Order(2)
    void killingOneDnsAndOneSmtpWorkerMidScanLosesNothing() throws Exception {
        MxrayProcess dnsVictim = cluster.dnsWorkers().get(1);
        MxrayProcess smtpVictim = cluster.smtpWorkers().get(1);
        double dnsBefore = itemsIn(dnsVictim, "dns-worker");
        double smtpBefore = itemsIn(smtpVictim, "smtp-worker");
        try {
            scanWhileKilling(dnsVictim, smtpVictim, dnsBefore, smtpBefore);
        } finally {
            if (!dnsVictim.isAlive()) {
                dnsVictim.restart();
            }
            if (!smtpVictim.isAlive()) {
                smtpVictim.restart();
            }
        }
    }

    private static void scanWhileKilling(MxrayProcess dnsVictim, MxrayProcess smtpVictim, double dnsBefore,
                                         double smtpBefore) throws Exception {
        String scan = cluster.schedule(lab.domainsFile(), "workers-killed");
        MxrayProcess wait = cluster.follow(scan, SCAN_TIMEOUT);
        // each is killed as soon as it has taken work of this scan (its batch is then in hand, uncommitted)
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        boolean dnsKilled = false;
        boolean smtpKilled = false;
        long finalAtDnsKill = -1;
        long finalAtSmtpKill = -1;
        while (!dnsKilled || !smtpKilled) {
            assertTrue(System.nanoTime() < deadline, "the victims took no work");
            if (!dnsKilled && itemsIn(dnsVictim, "dns-worker") > dnsBefore) {
                dnsVictim.kill();
                dnsKilled = true;
                finalAtDnsKill = finalized(scan);
            }
            if (!smtpKilled && itemsIn(smtpVictim, "smtp-worker") > smtpBefore) {
                smtpVictim.kill();
                smtpKilled = true;
                finalAtSmtpKill = finalized(scan);
            }
            Thread.sleep(20);
        }
        assertTrue(finalAtDnsKill < DOMAINS && finalAtSmtpKill < DOMAINS, "killed mid-scan");
        // the survivors finish the scan (after the session timeout hands them the victims' partitions)
        awaitComplete(wait, List.of(cluster.dnsWorkers().get(0), cluster.smtpWorkers().get(0), cluster.aggregator()));
        System.out.printf("multi-process: dns-worker-2 killed with %d of %d domains final, smtp-worker-2 with %d; "
                + "the survivors completed the scan%n", finalAtDnsKill, DOMAINS, finalAtSmtpKill);
        assertSameTablesAsBaseline(scan);
    }

    @Test
    @Order(3)
    void restartingTheBrokerMidScanLosesNothing() throws Exception {
        String scan = cluster.schedule(lab.domainsFile(), "broker-restarted");
        MxrayProcess wait = cluster.follow(scan, SCAN_TIMEOUT);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long before;
        while ((before = finalized(scan)) < DOMAINS / 20) {
            assertTrue(System.nanoTime() < deadline, "the scan did not start");
            Thread.sleep(20);
        }
        long t = System.nanoTime();
        broker.killAndRestart();
        System.out.printf("multi-process: broker killed (SIGKILL) with %d of %d domains final, serving again after "
                + "%.1f s%n", before, DOMAINS, (System.nanoTime() - t) / 1e9);
        assertTrue(before < DOMAINS, "restarted mid-scan");
        awaitComplete(wait);
        assertSameTablesAsBaseline(scan);
    }

    @Test
    @Order(4)
    void aWorkerStoppedWithSigtermMidScanFinishesItsWorkCommitsAndLeaves() throws Exception {
        MxrayProcess worker = cluster.smtpWorkers().get(1);
        double before = itemsIn(worker, "smtp-worker");
        String scan = cluster.schedule(lab.domainsFile(), "worker-stopped");
        MxrayProcess wait = cluster.follow(scan, SCAN_TIMEOUT);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (itemsIn(worker, "smtp-worker") <= before) {
            assertTrue(System.nanoTime() < deadline, "the worker took no probe");
            Thread.sleep(20);
        }
        long t = System.nanoTime();
        worker.terminate(Duration.ofSeconds(90)); // SIGTERM
        double seconds = (System.nanoTime() - t) / 1e9;
        String log = worker.tail(5);
        assertTrue(log.contains("smtp-worker: stopped"), log);
        assertTrue(!log.contains("unanswered") && !log.contains("did not stop"), "finished what it held: " + log);
        System.out.printf("multi-process: smtp-worker-2 stopped by SIGTERM mid-scan in %.1f s%n", seconds);
        List<MxrayProcess> others = new ArrayList<>(cluster.stages());
        others.remove(worker);
        awaitComplete(wait, others);
        assertSameTablesAsBaseline(scan);
    }
}
