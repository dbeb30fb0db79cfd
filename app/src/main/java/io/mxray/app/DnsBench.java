package io.mxray.app;

import io.mxray.dns.DnsConfig;
import io.mxray.dns.DnsResolution;
import io.mxray.dns.DnsStage;
import io.mxray.dns.Resolvers;
import io.mxray.lab.Generator;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainTask;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.dnssec.ValidatingResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The DNS stage alone over generated lab domains, with injected latency per answer: domains/s,
 * lookups/s, CPU per domain and peak heap, for each size in one process. The baseline is the
 * same stage and validator over dnsjava's own transport (a socket per query), on a sample.
 */
@Command(name = "dns", mixinStandardHelpOptions = true,
        description = "Run the DNS stage alone (validation included) over generated lab domains with latency per "
                + "answer; print domains/s, lookups/s, CPU ms per domain, peak heap, and a baseline.")
final class DnsBench implements Callable<Integer> {
    @Option(names = "--domains", split = ",", defaultValue = "10000,100000",
            description = "Sizes, comma-separated (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--delay", defaultValue = "PT0.05S", description = "Latency per DNS answer (default ${DEFAULT-VALUE}).")
    Duration delay;

    @Option(names = "--concurrency", defaultValue = "2000", description = "Domains in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--baseline-domains", defaultValue = "2000",
            description = "Domains resolved over dnsjava's own transport for the baseline (0: none; default ${DEFAULT-VALUE}).")
    int baselineDomains;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Override
    public Integer call() throws Exception {
        System.out.printf("DNS stage benchmark: %s per answer, %d domains in flight, %d cores, max heap %d MB%n",
                delay, concurrency, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        for (int n : sizes) {
            Path dir = Files.createTempDirectory("mxray-dns-bench");
            List<Scenario> scenarios = Generator.generate(n, seed);
            try (Lab lab = Lab.start(new LabConfig(dir, Clock.systemUTC(), scenarios, 0, 0, 0, delay, Duration.ZERO))) {
                DnsConfig config = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                        .withTrustAnchor(lab.trustAnchorFile())
                        .withLimits(16, 8, concurrency * 6, 100);
                double baseline = baselineDomains > 0 ? baseline(lab, config, scenarios.subList(0,
                        Math.min(baselineDomains, n))) : 0;
                try (Resolvers resolvers = Resolvers.create(config, Clock.systemUTC())) {
                    DnsStage stage = resolvers.stage(config, Clock.systemUTC());
                    Run r = run(stage, lab, scenarios, "bench");
                    System.out.printf("%,d domains in %.1f s: %,.0f domains/s, %,.0f lookups/s (%,.0f queries/s at the lab, "
                                    + "validation included), %.3f ms CPU per domain (lab included), peak heap %d MB; "
                                    + "MX secure %d, insecure %d, other %d%n",
                            n, r.seconds, n / r.seconds, r.lookups / r.seconds, r.queries / r.seconds,
                            r.cpuMs / n, r.peakHeap >> 20, r.secure, r.insecure, n - r.secure - r.insecure);
                    String line = String.format(Locale.ROOT, "RESULT dns domains=%d domains_per_s=%.0f cpu_ms_per_domain=%.3f "
                                    + "peak_heap_mb=%d lookups_per_s=%.0f queries_per_s=%.0f delay_ms=%d",
                            n, n / r.seconds, r.cpuMs / n, r.peakHeap >> 20, r.lookups / r.seconds, r.queries / r.seconds,
                            delay.toMillis());
                    if (baseline > 0) {
                        line += String.format(Locale.ROOT, " baseline_per_s=%.0f ratio=%.2f", baseline, n / r.seconds / baseline);
                    }
                    System.out.println(line);
                }
            }
            deleteTree(dir);
        }
        return 0;
    }

    /** The same stage and validator over dnsjava's SimpleResolver (a UDP socket per query). */
    private double baseline(Lab lab, DnsConfig config, List<Scenario> sample) throws Exception {
        SimpleResolver simple = new SimpleResolver(lab.resolver());
        simple.setTimeout(config.timeout());
        ValidatingResolver v = new ValidatingResolver(simple, Clock.systemUTC());
        try (var anchor = Files.newInputStream(lab.trustAnchorFile())) {
            v.loadTrustAnchors(anchor);
        }
        DnsStage stage = new DnsStage(config, v, simple, Clock.systemUTC());
        Run r = run(stage, lab, sample, "baseline");
        System.out.printf("baseline (dnsjava's transport, same validator): %,d domains in %.1f s: %,.0f domains/s%n",
                sample.size(), r.seconds, sample.size() / r.seconds);
        return sample.size() / r.seconds;
    }

    private record Run(double seconds, double cpuMs, long lookups, long queries, long peakHeap, int secure,
                       int insecure) {
    }

    private Run run(DnsStage stage, Lab lab, List<Scenario> scenarios, String scan) throws InterruptedException {
        System.gc();
        resetPeaks();
        long q0 = lab.authority().answered();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Semaphore window = new Semaphore(concurrency);
        AtomicLong lookups = new AtomicLong();
        ConcurrentHashMap<DnssecStatus, Integer> status = new ConcurrentHashMap<>();
        CompletableFuture<?>[] all = new CompletableFuture<?>[scenarios.size()];
        for (int i = 0; i < scenarios.size(); i++) {
            window.acquire();
            all[i] = stage.resolve(new DomainTask(scan, scenarios.get(i).domain(), null, i)).toCompletableFuture()
                    .whenComplete((DnsResolution res, Throwable e) -> {
                        window.release();
                        if (res != null) {
                            lookups.addAndGet(res.result().lookups());
                            if (res.result().mxDnssec() != null) {
                                status.merge(res.result().mxDnssec(), 1, Integer::sum);
                            }
                        }
                    });
        }
        CompletableFuture.allOf(all).join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
        return new Run(seconds, cpuMs, lookups.get(), lab.authority().answered() - q0, peakHeap(),
                status.getOrDefault(DnssecStatus.SECURE, 0), status.getOrDefault(DnssecStatus.INSECURE, 0));
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @SuppressWarnings("unused")
    private static final int EDNS_DO = ExtendedFlags.DO;
}
