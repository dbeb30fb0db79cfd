package io.mxray.bench;

import io.mxray.demo.GroundTruthCheck;
import io.mxray.demo.LabInternet;
import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.Generator;
import io.mxray.lab.GroundTruth;
import io.mxray.lab.HostileScenarios;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.lab.Scenarios;
import io.mxray.local.BrokerProcess;
import io.mxray.local.EmbeddedDatabase;
import io.mxray.local.LocalCluster;
import io.mxray.local.MxrayProcess;
import io.mxray.runtime.KafkaSettings;
import io.mxray.runtime.Topics;
import io.mxray.store.Database;
import io.mxray.store.ScanResults;
import io.mxray.store.Scans;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The hostile run: the whole pipeline as separate processes (a broker process, DNS and SMTP
 * workers, the aggregator) over the scenario catalogue, the hostile family (oversized banners,
 * 60 KB TLSA RRsets, a KeyTrap zone, forged records, many names on one address, ...) and
 * generated domains, with an undecodable message on every topic besides. It checks what "nothing
 * crashes, nothing is lost, nothing forged is called secure" means in numbers: every domain
 * exactly one final row, as its ground truth declares; no stage process exited; no partition
 * left behind (every consumer lag zero at the end); every poison message dead-lettered; and the
 * peak memory of every process. One RESULT line; exit status 1 if any of it fails.
 */
@Command(name = "hostile", mixinStandardHelpOptions = true,
        description = "The pipeline as processes over the catalogue, the hostile family and generated domains, with "
                + "poison messages: final rows, ground truth, exits, lag, dead letters, peak RSS per process.")
final class HostileBench implements Callable<Integer> {
    @Option(names = "--domains", defaultValue = "5000", description = "Generated domains besides the catalogue and the "
            + "hostile family (default ${DEFAULT-VALUE}).")
    int generated;

    @Option(names = "--dns-workers", defaultValue = "2", description = "DNS worker processes (default ${DEFAULT-VALUE}).")
    int dnsWorkers;

    @Option(names = "--smtp-workers", defaultValue = "2", description = "SMTP worker processes (default ${DEFAULT-VALUE}).")
    int smtpWorkers;

    @Mixin
    StageJvms stageJvms = new StageJvms("768m");

    @Option(names = "--seed", defaultValue = "20")
    long seed;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("mxray-hostile-bench");
        List<Scenario> all = new ArrayList<>(Scenarios.withHostile());
        all.addAll(Generator.generate(generated, seed));
        System.out.printf("hostile run: %,d catalogue, %,d hostile and %,d generated domains; %d DNS, %d SMTP worker "
                        + "processes, 1 aggregator, 1 broker%n", Scenarios.catalogue().size(),
                HostileScenarios.all().size(), generated, dnsWorkers, smtpWorkers);
        BenchSupport.resetPeaks();
        try (Lab lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(all));
             EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("postgres")).stopOnExit();
             BrokerProcess broker = BrokerProcess.start(dir.resolve("kafka"))) {
            Database db = postgres.database();
            db.migrate();
            // a server greets after 10 s and one never does: the settings of the multi-process test
            LocalCluster.Settings settings = new LocalCluster.Settings(dnsWorkers, smtpWorkers, 6, Duration.ofSeconds(10),
                    stageJvms.jvmOptions(), List.of("--dns-in-flight", "200", "--dns-timeout", "PT6S"),
                    List.of("--connect-timeout", "PT5S", "--step-timeout", "PT20S", "--probe-deadline", "PT40S"));
            try (LocalCluster cluster = new LocalCluster(broker, db, LabInternet.of(lab), dir.resolve("processes"), settings)) {
                Map<String, String> poison = poison(broker.bootstrap());
                Map<String, Double> cpuBefore = E2eBench.cpu(cluster, postgres);
                long start = System.nanoTime();
                String scan = cluster.schedule(lab.domainsFile(), "hostile");
                List<ExpectedDomain> truth = GroundTruth.read(lab.groundTruthFile());
                int exits = 0;
                try (Scans.Poller poller = new Scans.Poller(db, scan)) {
                    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
                    while (poller.state().finalized() < truth.size() && System.nanoTime() < deadline) {
                        exits = (int) cluster.stages().stream().filter(p -> !p.isAlive()).count();
                        if (exits > 0) {
                            break;
                        }
                        Thread.sleep(200);
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Double> cpuAfter = E2eBench.cpu(cluster, postgres);
                long rows = E2eBench.count(db, "SELECT count(*) FROM domain_result WHERE scan_id = ?", scan);
                long doubled = E2eBench.count(db, "SELECT count(*) - count(DISTINCT domain) FROM domain_result "
                        + "WHERE scan_id = ?", scan);
                GroundTruthCheck.Result check = GroundTruthCheck.check(truth, ScanResults.rows(db, scan));
                Thread.sleep(3000); // the last commits, then the lag of every stage
                long stalled = 0;
                for (MxrayProcess p : cluster.stages()) {
                    double lag = LocalCluster.sample(cluster.scrape(p.name()), "mxray_consumer_lag");
                    stalled += lag > 0 ? 1 : 0;
                }
                int lettered = deadLettered(broker.bootstrap(), poison);
                double cpu = 0;
                for (var e : cpuAfter.entrySet()) {
                    cpu += e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0.0);
                }
                Map<String, Long> rss = new LinkedHashMap<>();
                for (MxrayProcess p : cluster.stages()) {
                    rss.put(p.name(), p.peakRssKb() >> 10);
                }
                rss.put("broker", broker.process().peakRssKb() >> 10);
                rss.put("lab", MxrayProcess.peakRssKb("self") >> 10);
                check.mismatches().stream().limit(10).forEach(m -> System.out.println("  mismatch: " + m));
                System.out.printf("%,d of %,d domains final in %.1f s, %d twice; %d ground-truth mismatches; %d stage "
                                + "processes exited; %d with lag left; %d of %d poison messages dead-lettered%n", rows,
                        truth.size(), seconds, doubled, check.mismatches().size(), exits, stalled, lettered, poison.size());
                StringBuilder result = new StringBuilder(String.format(Locale.ROOT,
                        "RESULT hostile domains=%d domains_per_s=%.0f cpu_ms_per_domain=%.3f peak_heap_mb=%d "
                                + "final_rows=%d duplicate_rows=%d ground_truth_mismatches=%d stage_exits=%d "
                                + "stalled_partitions=%d poison_dead_lettered=%d/%d",
                        truth.size(), rows / seconds, 1000 * cpu / truth.size(), BenchSupport.peakHeap() >> 20, rows,
                        doubled, check.mismatches().size(), exits, stalled, lettered, poison.size()));
                rss.forEach((p, mb) -> result.append(String.format(Locale.ROOT, " %s_rss_mb=%d", p.replace('-', '_'),
                        mb)));
                System.out.println(result);
                boolean ok = rows == truth.size() && doubled == 0 && check.matches() && exits == 0 && stalled == 0
                        && lettered == poison.size();
                return ok ? 0 : 1;
            }
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    /** A message no stage can read, on every topic of the pipeline; by key. */
    private static Map<String, String> poison(String bootstrap) throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        try (var producer = new KafkaProducer<byte[], byte[]>(KafkaSettings.producer(bootstrap, "hostile-bench"))) {
            for (var topic : List.of(Topics.SCANS, Topics.DOMAINS, Topics.REJECTED, Topics.PROBES, Topics.DNS_RESULTS,
                    Topics.SMTP_RESULTS, Topics.DOMAIN_RESULTS)) {
                String key = "poison@" + topic.name();
                producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8),
                        "\u0000{not json".getBytes(StandardCharsets.UTF_8))).get();
                keys.put(key, topic.name());
            }
        }
        return keys;
    }

    private static int deadLettered(String bootstrap, Map<String, String> poison) {
        var props = KafkaSettings.consumer(bootstrap, "hostile-bench-" + System.nanoTime(), "hostile-bench", 500, 300_000);
        Set<String> found = new HashSet<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS.name()));
            long deadline = System.currentTimeMillis() + 30_000;
            while (found.size() < poison.size() && System.currentTimeMillis() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (poison.containsKey(key)) {
                        found.add(key);
                    }
                }
            }
        }
        return found.size();
    }
}
