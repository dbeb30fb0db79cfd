package io.mxray.bench;

import com.sun.management.OperatingSystemMXBean;
import io.mxray.demo.GroundTruthCheck;
import io.mxray.demo.LabInternet;
import io.mxray.dns.DnsConfig;
import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.Generator;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.local.BrokerProcess;
import io.mxray.local.EmbeddedDatabase;
import io.mxray.local.Infrastructure;
import io.mxray.local.LocalCluster;
import io.mxray.local.MxrayProcess;
import io.mxray.local.Pipeline;
import io.mxray.runtime.FastEc;
import io.mxray.smtp.SmtpConfig;
import io.mxray.store.Database;
import io.mxray.store.ScanResults;
import io.mxray.store.Scans;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole pipeline as separate processes, as deployed: a Kafka broker process, DNS and SMTP
 * workers and the aggregator each in a JVM of their own, PostgreSQL, and the lab (in this JVM)
 * answering DNS and SMTP with injected latency. Scans generated domains end to end (scheduler to
 * final rows in PostgreSQL) and reports domains per second, CPU and peak memory per process;
 * then the same stages in this one JVM as the baseline.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = "End-to-end throughput of the pipeline as separate processes over a generated lab with latency; "
                + "CPU and peak memory per stage; the same stages in one JVM as the baseline.")
final class E2eBench implements Callable<Integer> {
    @Option(names = "--domains", defaultValue = "20000", split = ",", paramLabel = "N[,N...]",
            description = "Domains per measured scan (default ${DEFAULT-VALUE}); several sizes (20000,200000,1000000) "
                    + "measure --runs scans of each, smallest first, in one lab and one set of processes, with a "
                    + "RESULT line per size and one comparing the CPU per domain of the largest with the smallest.")
    List<Integer> sizes;

    @Mixin
    WarmUp warmUp = new WarmUp(3, 6, 5);

    @Option(names = "--warmup-domains", defaultValue = "10000",
            description = "Domains of each warm-up scan that lets the JVMs compile (default ${DEFAULT-VALUE}); at least a "
                    + "tenth of all domains, so that it covers the generator's hosts that serve one domain each and the "
                    + "measured lists are alike.")
    int warmup;

    @Option(names = "--delay", defaultValue = "PT0.05S",
            description = "Latency of every lab DNS answer and SMTP reply (default ${DEFAULT-VALUE}).")
    Duration delay;

    @Option(names = "--dns-workers", defaultValue = "1", description = "DNS worker processes (default ${DEFAULT-VALUE}).")
    int dnsWorkers;

    @Option(names = "--smtp-workers", defaultValue = "1", description = "SMTP worker processes (default ${DEFAULT-VALUE}).")
    int smtpWorkers;

    @Option(names = "--dns-in-flight", defaultValue = "2000",
            description = "Lookups in flight per DNS worker (default ${DEFAULT-VALUE}, the worker's own default).")
    int dnsInFlight;

    @Mixin
    StageJvms stageJvms = new StageJvms("1g");

    @Option(names = "--baseline", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also run the stages in this JVM on the first list, as the baseline (default ${DEFAULT-VALUE}).")
    boolean baseline;

    @Option(names = "--jfr", paramLabel = "DIR",
            description = "Record every stage process with Java Flight Recorder (profile settings) into DIR.")
    Path jfr;

    @Option(names = "--idle", paramLabel = "SECONDS", defaultValue = "10",
            description = "Before the measured scans, how long to measure what each process spends while no scan runs "
                    + "(polling, commits, timers; default ${DEFAULT-VALUE}, 0: not measured).")
    int idle;

    @Option(names = "--timeline", paramLabel = "SECONDS", defaultValue = "0",
            description = "Every SECONDS of a measured scan, print each stage's intake per second, consumer lag and items "
                    + "in flight, scraped from the processes' metrics, and the final rows so far: where the queue "
                    + "grows is the stage that holds the pipeline back (default 0: off).")
    int timeline;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--mta-sts-share", paramLabel = "SHARE", defaultValue = "0.1",
            description = "Share of the domains publishing MTA-STS, in tenths: an enforce policy listing their MX "
                    + "hosts, every policy host served by one lab address as a hosting provider serves them "
                    + "(default ${DEFAULT-VALUE}).")
    double mtaStsShare;

    @Option(names = "--shared-chain", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "The SMTP workers' shared-chain inference (--no-shared-chain: every name probed; default "
                    + "${DEFAULT-VALUE}).")
    boolean sharedChain;

    @Option(names = "--mix", paramLabel = "MIX", defaultValue = "tail",
            description = "How the generated domains are hosted: providers (mailbox, hosted-exchange and SNI hosters "
                    + "sharing addresses, and the long tail; docs/lab.md) or tail (default ${DEFAULT-VALUE}).")
    String mix;

    @Option(names = "--population", paramLabel = "N", defaultValue = "0",
            description = "With --mix providers: take every list as a uniform sample of N domains whose hoster "
                    + "addresses serve 200 customer names each, so that a list of n domains has 200 n / N names per "
                    + "hoster address (at least 1) on addresses of its own; lists of several sizes then compare as "
                    + "samples of one population (docs/lab.md). Default 0: 200 names per hoster address in every "
                    + "list, which makes any list with hosters take at least 400 s (the politeness limits).")
    long population;

    @Option(names = "--warmup-final", paramLabel = "PERCENT", defaultValue = "100",
            description = "A warm-up scan ends when this share of its domains is final (default ${DEFAULT-VALUE}); "
                    + "below 100 with --mix providers, whose hosting addresses take minutes for their hundreds of "
                    + "names, which warming the JIT up needs not wait for (their probes go on beside the next scan).")
    double warmupFinal;

    @Option(names = "--shared-listener",
            description = "Serve every lab SMTP server from one listening socket (for labs of more servers than a process "
                    + "may open files: a million domains). Needs a network namespace of its own and nftables: "
                    + "unshare -n sh -c 'ip link set lo up && exec ./mxray bench e2e --shared-listener ...'.")
    boolean sharedListener;

    @Option(names = "--warm-lab", paramLabel = "N", defaultValue = "0",
            description = "Before the pipeline's processes start, resolve and probe N further domains of the lab from this "
                    + "JVM (at most 3 minutes), so that the lab's servers are compiled when the first scan meets them, "
                    + "and make every lab server's TLS contexts beforehand instead of on its first STARTTLS: a fresh "
                    + "deployment meets a warm Internet (default ${DEFAULT-VALUE}: the lab starts cold).")
    int warmLab;

    @Option(names = "--ground-truth", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Compare every measured scan's rows with the lab's declared ground truth and print the "
                    + "differences (default ${DEFAULT-VALUE}).")
    boolean groundTruth;

    private record Run(double seconds, Map<String, Double> cpuSeconds, Map<String, Double> jitSeconds,
                       Map<String, Long> rssMb, long dnsTimeouts, long probeTimeouts, long policies,
                       Map<String, List<Map.Entry<String, Double>>> busiestThreads, String dnsQueries,
                       double[] machine, Finishing finishing, GroundTruthCheck.Result truth,
                       Map<String, Long> topicBytes) {
        /** The machine's busy CPU in the scan, in cores (of {@code cores}). */
        double busyCores() {
            return machine[0] / seconds;
        }
        /** The largest share of a process's CPU its JIT compiler threads used, in percent. */
        double maxJitPercent() {
            return jitSeconds.keySet().stream().mapToDouble(this::jitPercent).max().orElse(0);
        }

        double jitPercent(String p) {
            double cpu = cpuSeconds.getOrDefault(p, 0.0);
            return cpu > 0 ? 100 * jitSeconds.get(p) / cpu : 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Integer> plan = new ArrayList<>(); // the size of every measured scan, in order
        sizes.stream().sorted().forEach(n -> {
            if (n < 1) {
                throw new IllegalArgumentException("--domains must be positive: " + n);
            }
            for (int i = 0; i < warmUp.runs; i++) {
                plan.add(n);
            }
        });
        long measuredTotal = plan.stream().mapToLong(Integer::longValue).sum();
        System.out.printf("end-to-end benchmark: %d runs of %s domains after a warm-up of %,d; %s per DNS answer and "
                        + "per SMTP reply; %d DNS, %d SMTP worker processes, 1 aggregator, 1 broker; %d cores%s%n",
                warmUp.runs, String.join(", ", sizes.stream().sorted().map(n -> String.format("%,d", n)).toList()),
                warmup, delay, dnsWorkers, smtpWorkers, cores, population == 0 ? ""
                        : String.format("; every list a sample of a population of %,d domains (its hosters' names per "
                                + "address in proportion)", population));
        Path dir = Files.createTempDirectory("mxray-e2e-bench");
        int warmupTotal = warmup * Math.max(1, warmUp.rounds);
        // every scan's list is a segment of the lab of its own, shared within itself as a list of its
        // size is (Generator): a slice of one lab of the total would share its hosts by its position
        List<Integer> segments = new ArrayList<>();
        for (int i = 0; i < Math.max(1, warmUp.rounds); i++) {
            segments.add(warmup);
        }
        segments.addAll(plan);
        segments.add(warmLab);
        List<Scenario> all = Generator.generate(segments, seed, mtaStsShare, Generator.Mix.named(mix), population);
        // the lab is the simulated internet, not what is measured, and shares the cores with the
        // pipeline: its TLS servers make their key shares and signatures with the same faster curves
        // as the SMTP worker (what goes over the wire does not change)
        FastEc.install(); // logs what it installed
        long t0 = System.nanoTime();
        try (Lab lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(all).withLatency(delay, delay)
                .withSharedListener(sharedListener));
             EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("postgres")).stopOnExit();
             BrokerProcess broker = BrokerProcess.start(dir.resolve("kafka"))) {
            System.out.printf("lab of %,d domains, PostgreSQL and the broker process up in %.1f s%n", all.size(),
                    (System.nanoTime() - t0) / 1e9);
            Database db = postgres.database();
            db.migrate();
            List<String> names = all.stream().map(Scenario::domain).toList();
            List<Path> warmLists = new ArrayList<>();
            for (int i = 0; i < warmUp.rounds; i++) {
                warmLists.add(write(dir.resolve("warm-up-" + i + ".txt"), names.subList(i * warmup, (i + 1) * warmup)));
            }
            List<Path> lists = new ArrayList<>();
            List<Integer> from = new ArrayList<>();
            int next = warmupTotal;
            for (int i = 0; i < plan.size(); i++) {
                from.add(next);
                lists.add(write(dir.resolve("run-" + i + ".txt"), names.subList(next, next + plan.get(i))));
                next += plan.get(i);
            }
            if (warmLab > 0) {
                long c0 = System.nanoTime();
                int contexts = lab.prepareTls();
                System.out.printf("lab TLS contexts: %,d made in %.1f s%n", contexts, (System.nanoTime() - c0) / 1e9);
                long w0 = System.nanoTime();
                int probes = LabWarmer.warm(lab, names.subList(names.size() - warmLab, names.size()),
                        Duration.ofMinutes(3));
                System.out.printf("lab warmed up: %,d domains resolved and %,d probes from this JVM in %.1f s%n",
                        warmLab, probes, (System.nanoTime() - w0) / 1e9);
            }
            List<Run> measured = new ArrayList<>();
            List<String> jvm = stageJvms.jvmOptions();
            if (jfr != null) {
                Files.createDirectories(jfr);
                jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfr.toAbsolutePath());
            }
            LocalCluster.Settings settings = new LocalCluster.Settings(dnsWorkers, smtpWorkers, 6,
                    Duration.ofSeconds(10), jvm, List.of("--dns-in-flight", String.valueOf(dnsInFlight)),
                    sharedChain ? List.of() : List.of("--no-shared-chain"));
            try (LocalCluster cluster = new LocalCluster(broker, postgres.database(), LabInternet.of(lab), dir.resolve("processes"),
                    settings)) {
                for (int i = 0; warmup > 0 && i < warmUp.rounds; i++) {
                    Run r = scan(cluster, postgres, db, warmLists.get(i),
                            (int) Math.ceil(warmup * Math.min(100, warmupFinal) / 100), "warm-up-" + i, 0, null, null);
                    System.out.printf("warm-up %d: %,d domains in %.1f s (%,.0f domains/s); JIT share of CPU: %s; CPU s: %s%n",
                            i + 1, warmup, r.seconds(), warmup / r.seconds(), jitShares(r), cpuSeconds(r));
                    if (i == 0) {
                        firstScanPerS = warmup / r.seconds();
                    }
                    if (warmUp.warm(r.maxJitPercent())) {
                        break;
                    }
                }
                if (idle > 0) {
                    idleCpu = idleCpu(cluster, postgres, idle);
                }
                for (int i = 0; i < plan.size(); i++) {
                    int domains = plan.get(i);
                    List<Scenario> run = all.subList(from.get(i), from.get(i) + domains);
                    Run r = scan(cluster, postgres, db, lists.get(i), domains, "run-" + i, timeline,
                            groundTruth ? truthOf(lab, from.get(i), domains) : null, run);
                    measured.add(r);
                    print(r, i, domains, cores);
                }
            }
            TreeMap<Integer, Run> median = new TreeMap<>();
            List<String> results = new ArrayList<>();
            for (int size : new java.util.TreeSet<>(sizes)) {
                List<Run> of = new ArrayList<>();
                for (int i = 0; i < plan.size(); i++) {
                    if (plan.get(i) == size) {
                        of.add(measured.get(i));
                    }
                }
                Run m = of.stream().sorted(Comparator.comparingDouble(Run::seconds)).toList().get(of.size() / 2);
                median.put(size, m);
                StringBuilder result = result(size, of, m);
                if (baseline && size == plan.get(0)) {
                    double b = inOneJvm(lab, db, broker, dir, lists.get(0), warmLists.isEmpty() ? null : warmLists.get(0));
                    System.out.printf("baseline, the same stages in this one JVM (lab included): %,d domains at %,.0f "
                            + "domains/s; separate processes x%.2f%n", size, b, size / m.seconds() / b);
                    result.append(String.format(Locale.ROOT, " baseline_one_jvm_per_s=%.0f ratio=%.2f", b,
                            size / m.seconds() / b));
                }
                results.add(result.toString());
            }
            results.forEach(System.out::println);
            if (median.size() > 1) {
                int small = median.firstKey();
                int large = median.lastKey();
                double a = cpuPerDomain(median.get(small), small, false);
                double z = cpuPerDomain(median.get(large), large, false);
                System.out.printf(Locale.ROOT, "RESULT e2e-scale sizes=%s cpu_ms_per_domain_%d=%.3f cpu_ms_per_domain_%d=%.3f "
                                + "cpu_ratio=%.2f cpu_ratio_without_lab=%.2f domains_per_s_ratio=%.2f%n",
                        String.join(",", median.keySet().stream().map(String::valueOf).toList()), small, a, large, z,
                        z / a, cpuPerDomain(median.get(large), large, true) / cpuPerDomain(median.get(small), small, true),
                        (large / median.get(large).seconds()) / (small / median.get(small).seconds()));
                if (!idleCpu.isEmpty()) {
                    System.out.printf(Locale.ROOT, "RESULT e2e-scale-net-of-idle sizes=%s idle_cpu_ms_per_s_without_lab=%.1f "
                                    + "net_ms_per_domain_%d=%.3f net_ms_per_domain_%d=%.3f net_ratio_without_lab=%.2f%n",
                            String.join(",", median.keySet().stream().map(String::valueOf).toList()), idleWithoutLab(),
                            small, netOfIdle(median.get(small), small), large, netOfIdle(median.get(large), large),
                            netOfIdle(median.get(large), large) / netOfIdle(median.get(small), small));
                }
            }
        } finally {
            BenchSupport.deleteTree(dir);
        }
        return 0;
    }

    /** Bytes of log segments per topic in the broker's data directory (partition directories {@code topic-N}). */
    static Map<String, Long> topicBytes(Path data) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        if (!Files.isDirectory(data)) {
            return out;
        }
        try (var partitions = Files.list(data)) {
            for (Path p : partitions.filter(Files::isDirectory).toList()) {
                String name = p.getFileName().toString();
                int dash = name.lastIndexOf('-');
                if (dash <= 0 || !name.substring(dash + 1).chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long bytes = 0;
                try (var files = Files.list(p)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                        try {
                            bytes += Files.size(f);
                        } catch (IOException e) {
                            // a segment deleted meanwhile
                        }
                    }
                }
                out.merge(name.substring(0, dash), bytes, Long::sum);
            }
        }
        return out;
    }

    /** How much each topic's logs grew (never below 0: retention and compaction may remove segments meanwhile). */
    private static Map<String, Long> grown(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((t, b) -> out.put(t, Math.max(0, b - before.getOrDefault(t, 0L))));
        return out;
    }

    /** CPU ms per second of every process while no scan runs (after the warm-up), or empty. */
    private Map<String, Double> idleCpu = Map.of();
    /** Domains per second of the first warm-up scan, the processes' first (0: none ran). */
    private double firstScanPerS;

    /**
     * What each process spends while no scan runs, in ms of CPU per second: the floor under every
     * scan's CPU per domain (a short scan pays it for its whole duration).
     */
    private static Map<String, Double> idleCpu(LocalCluster cluster, EmbeddedDatabase postgres, int seconds)
            throws InterruptedException {
        Thread.sleep(5_000); // the last scan's commits and stragglers
        Map<String, Double> before = cpu(cluster, postgres);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double elapsed = (System.nanoTime() - start) / 1e9;
        Map<String, Double> out = new LinkedHashMap<>();
        cpu(cluster, postgres).forEach((p, c) -> {
            if (!p.equals("scheduler")) {
                out.put(p, 1000 * (c - before.getOrDefault(p, 0.0)) / elapsed);
            }
        });
        System.out.printf(Locale.ROOT, "idle, no scan running: %.1f ms of CPU per second over all processes (%s)%n",
                out.values().stream().mapToDouble(Double::doubleValue).sum(), String.join(", ", out.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())).toList()));
        return out;
    }

    /** CPU ms per domain over all processes of a scan (without the lab's: {@code withoutLab}). */
    private static double cpuPerDomain(Run r, int domains, boolean withoutLab) {
        return 1000 * r.cpuSeconds().entrySet().stream().filter(e -> !withoutLab || !e.getKey().equals("lab"))
                .mapToDouble(Map.Entry::getValue).sum() / domains;
    }

    /** The processes' CPU with no scan running (--idle), every process but the lab: ms a second. */
    private double idleWithoutLab() {
        return idleCpu.entrySet().stream().filter(e -> !e.getKey().equals("lab")).mapToDouble(Map.Entry::getValue).sum();
    }

    /**
     * CPU per domain of every process but the lab, less what the processes spend with no scan
     * running over the scan's duration: the work the domains caused, where a paced scan keeps the
     * machine mostly idle for long. Measured with {@link #idleCpu} of the same invocation.
     */
    private double netOfIdle(Run r, int domains) {
        return cpuPerDomain(r, domains, true) - idleWithoutLab() * r.seconds() / domains;
    }

    private void print(Run r, int i, int domains, int cores) {
        System.out.printf("run %d: %,d domains in %.1f s: %,.0f domains/s end to end; %,d domains with a DNS "
                        + "timeout, %,d probes timed out (a starved machine shows here first)%n", i + 1,
                domains, r.seconds(), domains / r.seconds(), r.dnsTimeouts(), r.probeTimeouts());
        System.out.println("  " + r.dnsQueries());
        System.out.println("  " + r.finishing().text());
        if (r.truth() != null) {
            System.out.printf("  ground truth: %,d expectations compared, %,d differ (%,d domains)%s%n",
                    r.truth().compared(), r.truth().mismatches().size(), r.truth().mismatchedDomains(),
                    r.truth().matches() ? "" : "; the first: " + String.join("; ", r.truth().mismatches()
                            .stream().limit(5).map(Object::toString).toList()));
        }
        System.out.printf(Locale.ROOT, "  MTA-STS policies fetched: %,d (%.0f per second of the scan)%n",
                r.policies(), r.policies() / r.seconds());
        long logBytes = r.topicBytes().values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "  the broker's logs grew by %,d bytes per domain: %s%n", logBytes / domains,
                String.join(", ", r.topicBytes().entrySet().stream().filter(e -> e.getValue() >= domains)
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .map(e -> e.getKey() + " " + e.getValue() / domains).toList()));
        double counted = r.cpuSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(Locale.ROOT, "  the machine: %.2f of %d cores busy on average (%.0f%%), %.2f idle, "
                        + "%.2f taken by the hypervisor (steal); the processes below %.2f cores, the rest "
                        + "(kernel work not charged to them, other processes) %.2f%n",
                r.busyCores(), cores, 100 * r.busyCores() / cores, r.machine()[1] / r.seconds(),
                r.machine()[2] / r.seconds(), counted / r.seconds(), r.busyCores() - counted / r.seconds());
        for (String p : r.cpuSeconds().keySet()) {
            Long rss = r.rssMb().get(p);
            System.out.printf("  %-14s CPU %6.1f s (%.3f ms per domain%s)%s%n", p,
                    r.cpuSeconds().get(p), 1000 * r.cpuSeconds().get(p) / domains,
                    r.jitSeconds().containsKey(p) ? String.format(", JIT %.0f%%", r.jitPercent(p)) : "",
                    rss != null ? String.format(", peak RSS %,d MB in this scan", rss) : "");
            List<Map.Entry<String, Double>> busy = r.busiestThreads().getOrDefault(p, List.of());
            if (!busy.isEmpty()) {
                System.out.printf("  %-14s busiest threads (share of the scan's time): %s%n", "",
                        String.join(", ", busy.stream().map(e -> String.format(Locale.ROOT, "%s %.0f%%",
                                e.getKey(), 100 * e.getValue() / r.seconds())).toList()));
            }
        }
    }

    /** The RESULT line of one size: the figures of its median scan {@code m} (by time) of {@code runs}. */
    private StringBuilder result(int domains, List<Run> runs, Run m) {
        StringBuilder result = new StringBuilder(String.format(Locale.ROOT,
                "RESULT e2e domains=%d runs=%d seconds=%.1f domains_per_s=%.0f delay_ms=%d dns_workers=%d smtp_workers=%d "
                        + "mix=%s population=%d shared_chain=%b dns_timeouts=%d probe_timeouts=%d mta_sts_share=%.1f "
                        + "policies_per_s=%.0f",
                domains, runs.size(), m.seconds(), domains / m.seconds(), delay.toMillis(), dnsWorkers, smtpWorkers, mix,
                population, sharedChain, m.dnsTimeouts(), m.probeTimeouts(), mtaStsShare, m.policies() / m.seconds()));
        m.finishing().lastByFamily().forEach((f, last) -> result.append(String.format(Locale.ROOT, " last_%s_s=%.1f",
                f.equals("generated") ? "tail" : f.replace("generated-", "").replace('-', '_'), last)));
        if (groundTruth) {
            result.append(" truth_mismatches=").append(runs.stream().mapToLong(r -> r.truth().mismatches().size()).sum());
        }
        result.append(String.format(Locale.ROOT, " cpu_ms_per_domain=%.3f cpu_ms_per_domain_without_lab=%.3f",
                cpuPerDomain(m, domains, false), cpuPerDomain(m, domains, true)));
        if (firstScanPerS > 0) {
            // the processes' first scan (fresh JVMs) against this size's median: the cold start
            result.append(String.format(Locale.ROOT, " first_scan_domains_per_s=%.0f cold_ratio=%.2f", firstScanPerS,
                    firstScanPerS / (domains / m.seconds())));
        }
        for (String p : m.cpuSeconds().keySet()) {
            String key = p.replace('-', '_');
            result.append(String.format(Locale.ROOT, " %s_cpu_ms_per_domain=%.3f", key,
                    1000 * m.cpuSeconds().get(p) / domains));
            if (m.rssMb().containsKey(p)) {
                result.append(String.format(Locale.ROOT, " %s_rss_mb=%d", key, m.rssMb().get(p)));
            }
        }
        result.append(String.format(Locale.ROOT, " max_jit_percent=%.1f", m.maxJitPercent()));
        if (!idleCpu.isEmpty()) {
            result.append(String.format(Locale.ROOT, " idle_cpu_ms_per_s=%.1f idle_cpu_ms_per_s_without_lab=%.1f "
                            + "cpu_ms_per_domain_without_lab_net_of_idle=%.3f",
                    idleCpu.values().stream().mapToDouble(Double::doubleValue).sum(), idleWithoutLab(),
                    netOfIdle(m, domains)));
        }
        result.append(" broker_log_bytes_per_domain=")
                .append(m.topicBytes().values().stream().mapToLong(Long::longValue).sum() / domains);
        return result;
    }

    private static Path write(Path file, List<String> domains) throws IOException {
        return Files.write(file, domains);
    }

    /** One scan through the processes, timed from the scheduler's start to the last final row. */
    /** The lab's declared expectations for the domains {@code from} .. {@code from + n} of its list. */
    private static List<ExpectedDomain> truthOf(Lab lab, int from, int n) {
        return lab.groundTruth().subList(from, from + n);
    }

    private static Run scan(LocalCluster cluster, EmbeddedDatabase postgres, Database db, Path list, int n, String name,
                            int timelineSeconds, List<ExpectedDomain> truth, List<Scenario> scenarios)
            throws Exception {
        Map<String, Double> cpuBefore = cpu(cluster, postgres);
        Map<String, Double> jitBefore = jit(cluster);
        Map<String, Long> bytesBefore = topicBytes(cluster.broker().dataDir());
        // the peak resident set of each process over this scan alone
        cluster.stages().forEach(MxrayProcess::resetPeakRss);
        cluster.broker().process().resetPeakRss();
        MxrayProcess.resetPeakRss("self");
        cluster.takeSchedulerPeakRssKb();
        Map<String, Map<String, Double>> threadsBefore = threads(cluster);
        TreeMap<Double, Double> queryTimesBefore = queryTimes(cluster);
        double[] machineBefore = ProcCpu.machine();
        Timeline timeline = timelineSeconds > 0 ? new Timeline(cluster, timelineSeconds) : null;
        long start = System.nanoTime();
        if (timeline != null) {
            timeline.sample(start, 0);
        }
        String scanId = cluster.schedule(list, name);
        // 30 minutes, or longer for a list that would take that at 100 domains a second
        long deadline = start + Duration.ofMinutes(Math.max(30, n / 6_000)).toNanos();
        try (Scans.Poller poller = new Scans.Poller(db, scanId)) {
            long finalized;
            while ((finalized = poller.state().finalized()) < n) {
                cluster.checkAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": not complete after " + Math.max(30, n / 6_000)
                            + " minutes");
                }
                if (timeline != null) {
                    timeline.sample(start, finalized);
                }
                Thread.sleep(100);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] machine = ProcCpu.machine();
        for (int i = 0; i < machine.length; i++) {
            machine[i] -= machineBefore[i];
        }
        Map<String, Double> cpuAfter = cpu(cluster, postgres);
        Map<String, Double> jitAfter = jit(cluster);
        Map<String, List<Map.Entry<String, Double>>> busiest = new LinkedHashMap<>();
        threads(cluster).forEach((p, after) -> busiest.put(p,
                ProcCpu.busiest(threadsBefore.getOrDefault(p, Map.of()), after, 3)));
        Map<String, Double> used = new LinkedHashMap<>();
        Map<String, Double> jitUsed = new LinkedHashMap<>();
        Map<String, Long> rss = new LinkedHashMap<>();
        cpuAfter.forEach((p, s) -> used.put(p, s - cpuBefore.getOrDefault(p, 0.0)));
        jitAfter.forEach((p, s) -> jitUsed.put(p, Math.max(0, s - jitBefore.getOrDefault(p, 0.0))));
        for (MxrayProcess p : cluster.stages()) {
            rss.put(p.name(), p.peakRssKb() >> 10);
        }
        rss.put("broker", cluster.broker().process().peakRssKb() >> 10);
        rss.put("lab", MxrayProcess.peakRssKb("self") >> 10); // this JVM: the lab, the bench and the PostgreSQL client
        rss.put("scheduler", cluster.takeSchedulerPeakRssKb() >> 10);
        long dnsTimeouts = count(db, "SELECT count(*) FROM domain_result WHERE scan_id = ? AND dns_outcome = 'timeout'",
                scanId);
        long probeTimeouts = count(db, "SELECT count(*) FROM mx_host_result WHERE scan_id = ? AND outcome IN "
                + "('timeout', 'connect-timeout', 'banner-timeout')", scanId);
        long policies = count(db, "SELECT count(*) FROM domain_result WHERE scan_id = ? AND sts_policy = 'valid'",
                scanId);
        return new Run(seconds, used, jitUsed, rss, dnsTimeouts, probeTimeouts, policies, busiest,
                describeQueryTimes(queryTimesBefore, queryTimes(cluster), n), machine, finishing(db, scanId, scenarios),
                truth == null ? null
                        : GroundTruthCheck.check(truth, each -> ScanResults.forEachDomain(db, scanId, each)),
                grown(bytesBefore, topicBytes(cluster.broker().dataDir())));
    }

    /**
     * Per-stage figures over a scan, scraped from the stage processes' metrics: how many items each
     * stage took per second, its consumer lag (the queue in front of it) and what it had in hand.
     */
    private static final class Timeline {
        private static final String[][] COLUMNS = {
                {"dns-worker", "dns"}, {"smtp-worker", "smtp"}, {"aggregator", "agg"}, {"db-sink", "sink"}};
        private final LocalCluster cluster;
        private final long everyNanos;
        private long next;
        private long lastAt;
        private long lastFinal;
        private final Map<String, Double> lastIn = new LinkedHashMap<>();
        private final Map<String, Double> lastSum = new LinkedHashMap<>();
        private final Map<String, Double> lastCount = new LinkedHashMap<>();
        private double[] lastDns = new double[7];

        Timeline(LocalCluster cluster, int seconds) {
            this.cluster = cluster;
            this.everyNanos = seconds * 1_000_000_000L;
        }

        void sample(long start, long finalized) {
            long now = System.nanoTime();
            if (now < next) {
                return;
            }
            next = now + everyNanos;
            Map<String, Double> in = new LinkedHashMap<>();
            Map<String, Double> lag = new LinkedHashMap<>();
            Map<String, Double> inFlight = new LinkedHashMap<>();
            Map<String, Double> sum = new LinkedHashMap<>();
            Map<String, Double> count = new LinkedHashMap<>();
            // lookups in flight, waiting for a permit, queries unanswered, queries sent, answers' time, answers
            double[] dns = new double[7];
            for (MxrayProcess p : cluster.stages()) {
                String text;
                try {
                    text = cluster.scrape(p.name());
                } catch (Exception e) {
                    continue; // a figure missing from one line is no reason to stop the benchmark
                }
                dns[0] += orZero(LocalCluster.sample(text, "mxray_dns_lookups{state=\"in-flight\"}"));
                dns[1] += orZero(LocalCluster.sample(text, "mxray_dns_lookups{state=\"waiting\"}"));
                dns[2] += orZero(LocalCluster.sample(text, "mxray_dns_queries_outstanding"));
                dns[3] += orZero(LocalCluster.sample(text, "mxray_dns_queries_total"));
                dns[4] += orZero(LocalCluster.sample(text, "mxray_dns_query_duration_seconds_sum"));
                dns[5] += orZero(LocalCluster.sample(text, "mxray_dns_query_duration_seconds_count"));
                dns[6] += orZero(LocalCluster.sample(text, "mxray_dns_query_timeouts_total"));
                for (String[] c : COLUMNS) {
                    String label = "{stage=\"" + c[0] + "\"}";
                    in.merge(c[0], orZero(LocalCluster.sample(text, "mxray_items_in_total" + label)), Double::sum);
                    lag.merge(c[0], orZero(LocalCluster.sample(text, "mxray_consumer_lag" + label)), Double::sum);
                    inFlight.merge(c[0], orZero(LocalCluster.sample(text, "mxray_in_flight" + label)), Double::sum);
                    sum.merge(c[0], orZero(LocalCluster.sample(text, "mxray_item_duration_seconds_sum" + label)),
                            Double::sum);
                    count.merge(c[0], orZero(LocalCluster.sample(text, "mxray_item_duration_seconds_count" + label)),
                            Double::sum);
                }
            }
            double dt = (now - lastAt) / 1e9;
            if (lastAt == 0) {
                System.out.printf("  %6s %8s %8s | %s | %s%n", "s", "final", "final/s",
                        String.join(" | ", Arrays.stream(COLUMNS)
                                .map(c -> String.format("%-4s in/s   lag  hand    ms", c[1])).toList()),
                        "lookups  wait queries   q/s q ms t/o");
            } else {
                StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %6.1f %,8d %8.0f", (now - start) / 1e9,
                        finalized, (finalized - lastFinal) / dt));
                for (String[] c : COLUMNS) {
                    double items = count.get(c[0]) - lastCount.getOrDefault(c[0], 0.0);
                    double ms = items > 0 ? 1000 * (sum.get(c[0]) - lastSum.getOrDefault(c[0], 0.0)) / items : 0;
                    b.append(String.format(Locale.ROOT, " | %9.0f %5.0f %5.0f %5.0f",
                            (in.get(c[0]) - lastIn.getOrDefault(c[0], 0.0)) / dt, lag.get(c[0]), inFlight.get(c[0]), ms));
                }
                double answers = dns[5] - lastDns[5];
                b.append(String.format(Locale.ROOT, " | %7.0f %5.0f %7.0f %5.0f %4.0f %3.0f", dns[0], dns[1], dns[2],
                        (dns[3] - lastDns[3]) / dt, answers > 0 ? 1000 * (dns[4] - lastDns[4]) / answers : 0,
                        dns[6] - lastDns[6]));
                System.out.println(b);
            }
            lastAt = now;
            lastFinal = finalized;
            lastIn.putAll(in);
            lastSum.putAll(sum);
            lastCount.putAll(count);
            lastDns = dns;
        }

        private static double orZero(double v) {
            return Double.isNaN(v) ? 0 : v;
        }
    }

    /**
     * When the scan's domains became final (seconds after its start: the median, the 99th
     * percentile, the last) and the addresses with the most probes: where per-address politeness
     * (a few connections at a time, spaced) makes the queue the scan waits for.
     */
    static Finishing finishing(Database db, String scanId, List<Scenario> scenarios) throws SQLException {
        StringBuilder b = new StringBuilder();
        Map<String, String> familyOf = new java.util.HashMap<>();
        if (scenarios != null) {
            scenarios.forEach(sc -> familyOf.put(sc.domain(), sc.family()));
        }
        List<Double> all = new ArrayList<>();
        Map<String, List<Double>> byFamily = new TreeMap<>();
        try (var c = db.connect(); var s = c.prepareStatement("SELECT d.domain, extract(epoch FROM d.finalized_at - "
                + "s.started_at) FROM domain_result d JOIN scan s ON s.scan_id = d.scan_id WHERE d.scan_id = ?");
             var top = c.prepareStatement("SELECT ip, count(*) FROM mx_host_result WHERE scan_id = ? GROUP BY ip "
                     + "ORDER BY 2 DESC, 1 LIMIT 3")) {
            s.setString(1, scanId);
            s.setFetchSize(10_000);
            c.setAutoCommit(false); // the fetch size holds only inside a transaction
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    double f = r.getDouble(2);
                    all.add(f);
                    byFamily.computeIfAbsent(familyOf.getOrDefault(r.getString(1), "other"), k -> new ArrayList<>())
                            .add(f);
                }
            }
            c.commit();
            c.setAutoCommit(true);
            all.sort(null);
            b.append(String.format(Locale.ROOT, "domains final after (s): median %.1f, 99th percentile %.1f, "
                    + "last %.1f", at(all, 0.5), at(all, 0.99), at(all, 1)));
            if (byFamily.size() > 1) {
                b.append("; median / last per family: ").append(String.join(", ", byFamily.entrySet().stream()
                        .map(e -> {
                            e.getValue().sort(null);
                            return String.format(Locale.ROOT, "%s %.1f / %.1f", e.getKey(), at(e.getValue(), 0.5),
                                    at(e.getValue(), 1));
                        }).toList()));
            }
            top.setString(1, scanId);
            List<String> ips = new ArrayList<>();
            try (var r = top.executeQuery()) {
                while (r.next()) {
                    ips.add(r.getString(1) + " " + r.getLong(2));
                }
            }
            b.append("; most probes per address: ").append(String.join(", ", ips));
            b.append(String.format(Locale.ROOT, "; %,d of %,d probe results inferred from a shared chain",
                    count(db, "SELECT count(*) FROM mx_host_result WHERE scan_id = ? AND shared_chain_of IS NOT NULL",
                            scanId), count(db, "SELECT count(*) FROM mx_host_result WHERE scan_id = ?", scanId)));
        }
        Map<String, Double> last = new TreeMap<>();
        byFamily.forEach((f, times) -> last.put(f, at(times, 1)));
        return new Finishing(b.toString(), last);
    }

    /** When a scan's domains became final, as text, and the last one per family of generated domains. */
    record Finishing(String text, Map<String, Double> lastByFamily) {
    }

    /** The value at quantile {@code q} of sorted {@code values} (the nearest rank), 0 when there are none. */
    private static double at(List<Double> values, double q) {
        if (values.isEmpty()) {
            return 0;
        }
        return values.get(Math.max(0, (int) Math.ceil(q * values.size()) - 1));
    }

    static long count(Database db, String sql, String scanId) throws SQLException {
        try (var c = db.connect(); var s = c.prepareStatement(sql)) {
            s.setString(1, scanId);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    static Map<String, Double> cpu(LocalCluster cluster, EmbeddedDatabase postgres) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (MxrayProcess p : cluster.stages()) {
            out.put(p.name(), p.cpu().toNanos() / 1e9);
        }
        out.put("broker", cluster.broker().process().cpu().toNanos() / 1e9);
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        out.put("lab", os.getProcessCpuTime() / 1e9);
        long self = ProcessHandle.current().pid();
        // the scheduler processes this JVM started and waited for (the stages and the broker live on)
        out.put("scheduler", ProcCpu.process(self, true) - ProcCpu.process(self, false));
        long pg = postgres.serverPid();
        if (pg > 0) {
            out.put("postgres", ProcCpu.tree(pg)); // the server and its backends
        }
        return out;
    }

    /** CPU seconds of each JVM's JIT compiler threads so far. */
    private static Map<String, Double> jit(LocalCluster cluster) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (MxrayProcess p : cluster.stages()) {
            out.put(p.name(), ProcCpu.jit(p.pid()));
        }
        out.put("broker", ProcCpu.jit(cluster.broker().process().pid()));
        out.put("lab", ProcCpu.jit(ProcessHandle.current().pid()));
        return out;
    }

    /**
     * The DNS workers' answers so far by time to answer: cumulative counts per upper bound in
     * seconds (the histogram's buckets, +Inf as infinity), summed over the workers.
     */
    private static TreeMap<Double, Double> queryTimes(LocalCluster cluster) {
        TreeMap<Double, Double> out = new TreeMap<>();
        String prefix = "mxray_dns_query_duration_seconds_bucket{le=\"";
        for (MxrayProcess p : cluster.dnsWorkers()) {
            try {
                for (String line : cluster.scrape(p.name()).split("\n")) {
                    if (line.startsWith(prefix)) {
                        int end = line.indexOf('"', prefix.length());
                        String le = line.substring(prefix.length(), end);
                        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                        out.merge(bound, Double.parseDouble(line.substring(line.indexOf("} ") + 2).trim().split(" ")[0]),
                                Double::sum);
                    }
                }
            } catch (Exception e) {
                // a worker that does not answer: its queries are missing from the line, which says how many it counted
            }
        }
        return out;
    }

    /** "DNS queries: 101,234 (5.1 per domain); answered within 50 ms 10%, 75 ms 80%, ...". */
    private static String describeQueryTimes(TreeMap<Double, Double> before, TreeMap<Double, Double> after, int domains) {
        double total = after.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
                - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return "DNS queries: no figures from the workers";
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "DNS queries answered over UDP: %,.0f (%.1f per domain); share answered within", total, total / domains));
        after.forEach((bound, count) -> {
            if (!bound.isInfinite()) {
                double share = (count - before.getOrDefault(bound, 0.0)) / total;
                b.append(String.format(Locale.ROOT, " %.0f ms %.1f%%,", bound * 1000, 100 * share));
            }
        });
        b.setLength(b.length() - 1);
        return b.toString();
    }

    /** CPU seconds per thread of each JVM so far. */
    private static Map<String, Map<String, Double>> threads(LocalCluster cluster) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (MxrayProcess p : cluster.stages()) {
            out.put(p.name(), ProcCpu.threads(p.pid()));
        }
        out.put("broker", ProcCpu.threads(cluster.broker().process().pid()));
        out.put("lab", ProcCpu.threads(ProcessHandle.current().pid()));
        return out;
    }

    /** Each process's CPU seconds in the scan, the largest first. */
    private static String cpuSeconds(Run r) {
        return String.join(", ", r.cpuSeconds().entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())).toList());
    }

    private static String jitShares(Run r) {
        StringBuilder b = new StringBuilder();
        for (String p : r.jitSeconds().keySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.0f%%", p, r.jitPercent(p)));
        }
        return b.toString();
    }

    /** The baseline: the same stages as threads of this JVM (the lab's too), on the same broker and database. */
    private static double inOneJvm(Lab lab, Database db, BrokerProcess broker, Path dir, Path list, Path warmList)
            throws Exception {
        Clock clock = Clock.systemUTC();
        DnsConfig dns = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort()).withTrustAnchor(lab.trustAnchorFile());
        SmtpConfig smtp = SmtpConfig.defaults().allowingNonPublic(true);
        CertificateJudge judge = new CertificateJudge(TrustStores.fromPem(lab.caFile()), clock);
        try (Infrastructure infra = Infrastructure.start(broker.bootstrap(), db, dir.resolve("one-jvm"), 6);
             Pipeline pipeline = new Pipeline(infra, dns, smtp, judge, clock)) {
            if (warmList != null) {
                timed(pipeline, db, warmList);
            }
            return Files.readAllLines(list).size() / timed(pipeline, db, list);
        }
    }

    private static double timed(Pipeline pipeline, Database db, Path list) throws Exception {
        long start = System.nanoTime();
        var summary = pipeline.schedule(Files.newBufferedReader(list), "one-jvm");
        long n = summary.counts().accepted();
        ScanResults.await(db, summary.scanId(), n, Duration.ofMinutes(30), x -> { }, pipeline::checkHealthy);
        return (System.nanoTime() - start) / 1e9;
    }
}
