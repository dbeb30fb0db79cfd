package io.mxray.bench;

import com.sun.management.OperatingSystemMXBean;
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
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The DNS stage alone over generated lab domains, with injected latency per answer: domains/s,
 * lookups/s, CPU per domain, peak heap and the heap the stage still holds after the run, for each
 * size in one process. Before measuring, the stage runs over warm-up domains until the JIT has
 * compiled what it uses (a worker that has run for a while is in that state; the one-time cost of
 * compiling is not what a scan of millions pays). Each measured run starts with fresh resolvers
 * (empty caches). The baseline is the same stage with dnsjava's validator instead of mxray's.
 */
@Command(name = "dns", mixinStandardHelpOptions = true,
        description = "Run the DNS stage alone (validation included) over generated lab domains with latency per "
                + "answer; print domains/s, lookups/s, CPU ms per domain, heap, and dnsjava's validator as a baseline.")
final class DnsBench implements Callable<Integer> {
    @Option(names = "--domains", split = ",", defaultValue = "10000,100000",
            description = "Sizes, comma-separated (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--delay", defaultValue = "PT0.05S", description = "Latency per DNS answer (default ${DEFAULT-VALUE}).")
    Duration delay;

    @Option(names = "--concurrency", defaultValue = "2000", description = "Domains in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--runs", defaultValue = "3",
            description = "Measured runs per size, each with fresh resolvers; medians are reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--baseline-domains", defaultValue = "5000",
            description = "Domains resolved with dnsjava's validator for the baseline (0: none; default ${DEFAULT-VALUE}).")
    int baselineDomains;

    @Option(names = "--warmup-domains", defaultValue = "10000",
            description = "Domains of the warm-up rounds (0: no warm-up; default ${DEFAULT-VALUE}).")
    int warmupDomains;

    @Option(names = "--warmup-max", defaultValue = "PT4M",
            description = "Longest warm-up: rounds stop once the JIT takes under 5%% of the CPU, or after this "
                    + "(default ${DEFAULT-VALUE}).")
    Duration warmupMax;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    private final OperatingSystemMXBean os =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();

    @Override
    public Integer call() throws Exception {
        System.out.printf("DNS stage benchmark: %s per answer, %d domains in flight, %d cores, max heap %d MB%n",
                delay, concurrency, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        for (int n : sizes) {
            Path dir = Files.createTempDirectory("mxray-dns-bench");
            int w = Math.max(0, warmupDomains);
            List<Scenario> all = Generator.generate(w + n, seed);
            List<Scenario> warm = all.subList(0, w);
            List<Scenario> measured = all.subList(w, w + n);
            try (Lab lab = Lab.start(new LabConfig(dir, Clock.systemUTC(), all, 0, 0, 0, delay, Duration.ZERO))) {
                DnsConfig config = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                        .withTrustAnchor(lab.trustAnchorFile())
                        .withLimits(16, 8, concurrency * 6, 100);
                double warmSeconds = warmUp(config, lab, warm, "mxray");
                List<Run> results = new ArrayList<>();
                for (int i = 0; i < Math.max(1, runs); i++) {
                    try (Resolvers resolvers = Resolvers.create(config, Clock.systemUTC())) {
                        Run r = run(resolvers.stage(config, Clock.systemUTC()), lab, measured, "bench-" + i);
                        results.add(r);
                        System.out.printf("run %d: %,d domains in %.1f s: %,.0f domains/s, %,.0f lookups/s "
                                        + "(%,.0f queries/s at the lab, %.2f per domain, validation included), %.3f ms CPU "
                                        + "per domain (lab included; JIT %.0f%% of it), peak heap %d MB, held after "
                                        + "the run %d MB; MX secure %d, insecure %d, other %d%n",
                                i + 1, n, r.seconds, n / r.seconds, r.lookups / r.seconds, r.queries / r.seconds,
                                (double) r.queries / n, r.cpuMs / n, 100 * r.jitShare(), r.peakHeap >> 20,
                                r.retained >> 20, r.secure, r.insecure, n - r.secure - r.insecure);
                    }
                }
                Run m = median(results);
                String line = String.format(Locale.ROOT, "RESULT dns domains=%d domains_per_s=%.0f cpu_ms_per_domain=%.3f "
                                + "peak_heap_mb=%d retained_heap_mb=%d lookups_per_s=%.0f queries_per_s=%.0f "
                                + "queries_per_domain=%.2f delay_ms=%d runs=%d warmup_s=%.0f",
                        n, n / m.seconds, m.cpuMs / n, m.peakHeap >> 20, m.retained >> 20, m.lookups / m.seconds,
                        m.queries / m.seconds, (double) m.queries / n, delay.toMillis(), results.size(), warmSeconds);
                int b = Math.min(Math.max(0, baselineDomains), n);
                if (b > 0) {
                    DnsConfig dnsjava = config.withValidator(DnsConfig.ValidatorKind.DNSJAVA);
                    warmUp(dnsjava, lab, warm, "dnsjava");
                    Run base;
                    try (Resolvers resolvers = Resolvers.create(dnsjava, Clock.systemUTC())) {
                        base = run(resolvers.stage(dnsjava, Clock.systemUTC()), lab, measured.subList(0, b), "baseline");
                    }
                    double baseline = b / base.seconds;
                    System.out.printf("baseline (dnsjava's ValidatingResolver on the same transport, with mxray's key caches "
                                    + "for it): %,d domains in %.1f s: %,.0f domains/s, %.3f ms CPU per domain%n",
                            b, base.seconds, baseline, base.cpuMs / b);
                    line += String.format(Locale.ROOT, " baseline_per_s=%.0f ratio=%.2f baseline_cpu_ms_per_domain=%.3f",
                            baseline, n / m.seconds / baseline, base.cpuMs / b);
                }
                System.out.println(line);
            }
            BenchSupport.deleteTree(dir);
        }
        return 0;
    }

    /** Rounds over the warm-up domains, fresh resolvers each, until the JIT is done or time is up. */
    private double warmUp(DnsConfig config, Lab lab, List<Scenario> warm, String name) throws InterruptedException {
        if (warm.isEmpty()) {
            return 0;
        }
        long t0 = System.nanoTime();
        int round = 0;
        while (true) {
            Run r;
            try (Resolvers resolvers = Resolvers.create(config, Clock.systemUTC())) {
                r = run(resolvers.stage(config, Clock.systemUTC()), lab, warm, "warm-up-" + name + "-" + round);
            }
            round++;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            System.out.printf("warm-up (%s) round %d: %,.0f domains/s, %.3f ms CPU per domain, JIT %.0f%% of the CPU%n",
                    name, round, warm.size() / r.seconds, r.cpuMs / warm.size(), 100 * r.jitShare());
            if (r.jitShare() < 0.05 || elapsed > warmupMax.toSeconds()) {
                return elapsed;
            }
        }
    }

    private record Run(double seconds, double cpuMs, double jitMs, long lookups, long queries, long peakHeap,
                       long retained, int secure, int insecure) {
        double jitShare() {
            return cpuMs <= 0 ? 0 : Math.min(1, jitMs / cpuMs);
        }
    }

    private static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Run::seconds));
        return sorted.get(sorted.size() / 2);
    }

    private Run run(DnsStage stage, Lab lab, List<Scenario> scenarios, String scan) throws InterruptedException {
        long before = BenchSupport.heapAfterGc();
        BenchSupport.resetPeaks();
        long q0 = lab.authority().answered();
        long cpu0 = os.getProcessCpuTime();
        long jit0 = jit.getTotalCompilationTime();
        long t0 = System.nanoTime();
        Semaphore window = new Semaphore(concurrency);
        AtomicLong lookups = new AtomicLong();
        AtomicInteger secure = new AtomicInteger();
        AtomicInteger insecure = new AtomicInteger();
        Map<String, Integer> others = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(scenarios.size());
        for (int i = 0; i < scenarios.size(); i++) {
            window.acquire();
            // results are counted, not kept: what the heap holds afterwards is the stage's own state
            stage.resolve(new DomainTask(scan, scenarios.get(i).domain(), null, i)).whenComplete((DnsResolution res, Throwable e) -> {
                window.release();
                if (res != null) {
                    lookups.addAndGet(res.result().lookups());
                    if (res.result().mxDnssec() == DnssecStatus.SECURE) {
                        secure.incrementAndGet();
                    } else if (res.result().mxDnssec() == DnssecStatus.INSECURE) {
                        insecure.incrementAndGet();
                    } else {
                        others.merge(res.result().outcome().key() + "/" + res.result().mxDnssec() + "/"
                                + (res.result().mxDnssecReason() != null ? res.result().mxDnssecReason() : res.result().reason()), 1, Integer::sum);
                    }
                }
                done.countDown();
            });
        }
        done.await();
        if (!others.isEmpty()) {
            System.out.println("  MX answers neither secure nor insecure (outcome/status/reason): " + others);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
        long jitMs = jit.getTotalCompilationTime() - jit0;
        long queries = lab.authority().answered() - q0;
        long peak = BenchSupport.peakHeap();
        long retained = Math.max(0, BenchSupport.heapAfterGc() - before);
        return new Run(seconds, cpuMs, jitMs, lookups.get(), queries, peak, retained, secure.get(), insecure.get());
    }

}
