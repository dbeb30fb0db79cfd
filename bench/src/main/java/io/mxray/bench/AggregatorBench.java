package io.mxray.bench;

import io.mxray.demo.LabInternet;
import io.mxray.lab.Generator;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.local.BrokerProcess;
import io.mxray.local.EmbeddedDatabase;
import io.mxray.local.EmbeddedKafka;
import io.mxray.local.LocalCluster;
import io.mxray.local.MxrayProcess;
import io.mxray.runtime.FastEc;
import io.mxray.runtime.Topics;
import io.mxray.store.Database;
import io.mxray.store.Scans;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The aggregator alone, as a process of its own against the broker process and PostgreSQL: one
 * real scan of the lab through the whole pipeline is recorded (its scan events, DNS results,
 * probe results and policy fetches, as the workers wrote them), then replayed again and again
 * under new scan ids, as fast as a producer writes them, into the aggregator's input topics.
 * Each replay is timed from its first message to its last final row in PostgreSQL: domains/s the
 * aggregator (with its database sink) sustains, and CPU per domain of the aggregator, the broker
 * and PostgreSQL. Unlike {@code bench e2e}, nothing else runs meanwhile (the lab and the workers
 * sit idle), so a change of a few percent in the aggregator shows.
 */
@Command(name = "aggregator", mixinStandardHelpOptions = true,
        description = "Throughput and CPU per domain of the aggregator process alone (Kafka Streams joins and the "
                + "PostgreSQL sink), replaying a recorded scan of the lab under new scan ids.")
final class AggregatorBench implements Callable<Integer> {
    @Option(names = "--domains", defaultValue = "20000", description = "Domains of the recorded scan (default ${DEFAULT-VALUE}).")
    int domains;

    @Mixin
    WarmUp warmUp = new WarmUp(5, 8, 3);

    @Mixin
    StageJvms stageJvms = new StageJvms("1g");

    @Option(names = "--jfr", paramLabel = "DIR",
            description = "Record the aggregator process with Java Flight Recorder (profile settings) into DIR.")
    Path jfr;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    /** One recorded message, scan id and all, as the workers or the scheduler wrote it. */
    record Recorded(String topic, byte[] key, byte[] value, Headers headers, long timestamp) {
    }

    private record Run(double seconds, double produceSeconds, Map<String, Double> cpuSeconds, double jitSeconds) {
        double jitPercent() {
            double cpu = cpuSeconds.getOrDefault("aggregator", 0.0);
            return cpu > 0 ? 100 * jitSeconds / cpu : 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf("aggregator benchmark: a recorded scan of %,d lab domains replayed %d times after at most %d "
                + "warm-up replays; the aggregator, the broker and PostgreSQL measured%n", domains, warmUp.runs, warmUp.rounds);
        Path dir = Files.createTempDirectory("mxray-aggregator-bench");
        List<Scenario> all = Generator.generate(domains, seed);
        FastEc.install(); // the lab's TLS servers, as in bench e2e
        try (Lab lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(all));
             EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("postgres")).stopOnExit();
             BrokerProcess broker = BrokerProcess.start(dir.resolve("kafka"))) {
            Database db = postgres.database();
            db.migrate();
            Path list = Files.write(dir.resolve("list.txt"), all.stream().map(Scenario::domain).toList());
            LocalCluster.Settings settings = new LocalCluster.Settings(1, 1, 6, Duration.ofSeconds(10),
                    stageJvms.jvmOptions(),
                    List.of(), List.of());
            List<Recorded> recorded;
            String recordedId;
            try (LocalCluster cluster = new LocalCluster(broker, postgres.database(), LabInternet.of(lab), dir.resolve("record"),
                    settings)) {
                long t0 = System.nanoTime();
                recordedId = cluster.schedule(list, "recorded");
                awaitFinal(db, recordedId, domains, Duration.ofMinutes(30), cluster::checkAlive);
                recorded = record(broker.bootstrap(), recordedId);
                System.out.printf("recorded scan %s through the whole pipeline in %.1f s: %s%n", recordedId,
                        (System.nanoTime() - t0) / 1e9, describe(recorded));
            }
            // the workers are gone; the aggregator alone from here, in a process of its own
            List<String> aggJvm = stageJvms.jvmOptions();
            if (jfr != null) {
                Files.createDirectories(jfr);
                aggJvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                        + jfr.toAbsolutePath());
            }
            int port = EmbeddedKafka.freePort();
            try (MxrayProcess aggregator = MxrayProcess.mxray("aggregator", dir, aggJvm, List.of("aggregator",
                    "--kafka", broker.bootstrap(), "--partitions", "6", "--session-timeout", "PT10S",
                    "--metrics-port", String.valueOf(port), "--db", postgres.jdbcUrl(),
                    "--state-dir", dir.resolve("aggregator-state").toString()),
                    Map.of("MXRAY_DB_PASSWORD", postgres.password()));
                 KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrap())) {
                for (int i = 0; i < warmUp.rounds; i++) {
                    Run r = replay(producer, recorded, recordedId, i + 1, db, aggregator, broker, postgres);
                    System.out.printf(Locale.ROOT, "warm-up %d: %,d domains in %.2f s (%,.0f domains/s); aggregator "
                                    + "%.3f ms CPU per domain, JIT %.0f%% of it%n", i + 1, domains, r.seconds(),
                            domains / r.seconds(), 1000 * r.cpuSeconds().get("aggregator") / domains, r.jitPercent());
                    if (warmUp.warm(r.jitPercent())) {
                        break;
                    }
                }
                List<Run> measured = new ArrayList<>();
                for (int i = 0; i < warmUp.runs; i++) {
                    Run r = replay(producer, recorded, recordedId, 1000 + i, db, aggregator, broker, postgres);
                    measured.add(r);
                    System.out.printf(Locale.ROOT, "run %d: %,d domains in %.2f s: %,.0f domains/s (written to the "
                                    + "topics in %.2f s); CPU ms per domain: %s; aggregator JIT %.0f%%%n", i + 1,
                            domains, r.seconds(), domains / r.seconds(), r.produceSeconds(), perDomain(r),
                            r.jitPercent());
                }
                Run m = measured.stream().sorted(Comparator.comparingDouble(Run::seconds)).toList()
                        .get(measured.size() / 2);
                StringBuilder result = new StringBuilder(String.format(Locale.ROOT,
                        "RESULT aggregator domains=%d runs=%d domains_per_s=%.0f", domains, measured.size(),
                        domains / m.seconds()));
                double total = m.cpuSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
                result.append(String.format(Locale.ROOT, " cpu_ms_per_domain=%.3f", 1000 * total / domains));
                for (String p : m.cpuSeconds().keySet()) {
                    result.append(String.format(Locale.ROOT, " %s_cpu_ms_per_domain=%.3f", p,
                            1000 * m.cpuSeconds().get(p) / domains));
                }
                // the median of each process's CPU over the runs, apart from the median run's
                for (String p : m.cpuSeconds().keySet()) {
                    double[] v = measured.stream().mapToDouble(r -> r.cpuSeconds().get(p)).sorted().toArray();
                    result.append(String.format(Locale.ROOT, " %s_cpu_ms_per_domain_median=%.3f", p,
                            1000 * v[v.length / 2] / domains));
                }
                result.append(String.format(Locale.ROOT, " aggregator_rss_mb=%d jit_percent=%.1f",
                        aggregator.peakRssKb() >> 10, m.jitPercent()));
                System.out.println(result);
            }
        } finally {
            BenchSupport.deleteTree(dir);
        }
        return 0;
    }

    private String perDomain(Run r) {
        StringBuilder b = new StringBuilder();
        r.cpuSeconds().forEach((p, s) -> b.append(b.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.3f", p, 1000 * s / domains)));
        return b.toString();
    }

    private static String describe(List<Recorded> recorded) {
        Map<String, long[]> byTopic = new LinkedHashMap<>();
        for (Recorded r : recorded) {
            long[] c = byTopic.computeIfAbsent(r.topic(), t -> new long[2]);
            c[0]++;
            c[1] += r.value() == null ? 0 : r.value().length;
        }
        StringBuilder b = new StringBuilder();
        byTopic.forEach((t, c) -> b.append(b.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %,d messages (%,.0f bytes each)", t, c[0], (double) c[1] / c[0])));
        return b.toString();
    }

    /**
     * Until {@code n} domains of the scan are final, asking on one connection every 20 ms (a
     * replay takes seconds); {@code alive} throws when a process the wait depends on is gone.
     */
    static void awaitFinal(Database db, String scanId, long n, Duration timeout, Runnable alive)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Scans.Poller poller = new Scans.Poller(db, scanId)) {
            while (poller.state().finalized() < n) {
                alive.run();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(scanId + ": not complete after " + timeout);
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * What a replay writes: the scan's events (its row) and every topic the aggregator's topology
     * reads (a domain with an MTA-STS record waits for its policy fetch: without it no replay ends).
     */
    static final List<String> RECORDED = List.of(Topics.SCANS.name(), Topics.DNS_RESULTS.name(),
            Topics.SMTP_RESULTS.name(), Topics.POLICY_RESULTS.name());

    /** The scan's messages on the {@link #RECORDED} topics as committed, in the order they were written. */
    static List<Recorded> record(String bootstrap, String scanId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<Recorded> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : RECORDED) {
                c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the recorded scan back within 2 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith(scanId)) {
                        out.add(new Recorded(r.topic(), r.key(), r.value(), r.headers(), r.timestamp()));
                    }
                }
            }
        }
        // scan events first (the scan row), then the results in the order the workers wrote them
        out.sort(Comparator.comparingInt((Recorded r) -> r.topic().equals(Topics.SCANS.name()) ? 0 : 1)
                .thenComparingLong(Recorded::timestamp));
        return out;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The recorded scan id with its last four characters replaced: the same shape, another scan. */
    static String replayId(String recordedId, int round) {
        return recordedId.substring(0, recordedId.length() - 4) + String.format("%04x", (round * 7919 + 1) & 0xffff);
    }

    /** Every occurrence of {@code from} in the message's text replaced by {@code to}. */
    static byte[] rewrite(byte[] bytes, String from, String to) {
        if (bytes == null) {
            return null;
        }
        return new String(bytes, StandardCharsets.UTF_8).replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    private Run replay(KafkaProducer<byte[], byte[]> producer, List<Recorded> recorded, String recordedId, int round,
                       Database db, MxrayProcess aggregator, BrokerProcess broker, EmbeddedDatabase postgres)
            throws Exception {
        String id = replayId(recordedId, round);
        if (id.equals(recordedId)) {
            id = replayId(recordedId, round + 1);
        }
        List<ProducerRecord<byte[], byte[]>> messages = new ArrayList<>(recorded.size());
        for (Recorded r : recorded) {
            messages.add(new ProducerRecord<>(r.topic(), null, null, rewrite(r.key(), recordedId, id),
                    rewrite(r.value(), recordedId, id), r.headers()));
        }
        Map<String, Double> before = cpu(aggregator, broker, postgres);
        double jitBefore = ProcCpu.jit(aggregator.pid());
        long start = System.nanoTime();
        for (ProducerRecord<byte[], byte[]> m : messages) {
            producer.send(m);
        }
        producer.flush();
        double produced = (System.nanoTime() - start) / 1e9;
        awaitFinal(db, id, domains, Duration.ofMinutes(10), () -> {
            if (!aggregator.isAlive()) {
                throw new IllegalStateException("the aggregator exited; its log ends:\n" + aggregator.tail(40));
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> after = cpu(aggregator, broker, postgres);
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((p, s) -> used.put(p, s - before.getOrDefault(p, 0.0)));
        return new Run(seconds, produced, used, Math.max(0, ProcCpu.jit(aggregator.pid()) - jitBefore));
    }

    private static Map<String, Double> cpu(MxrayProcess aggregator, BrokerProcess broker, EmbeddedDatabase postgres) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("aggregator", aggregator.cpu().toNanos() / 1e9);
        out.put("broker", broker.process().cpu().toNanos() / 1e9);
        long pg = postgres.serverPid();
        if (pg > 0) {
            out.put("postgres", ProcCpu.tree(pg));
        }
        return out;
    }
}
