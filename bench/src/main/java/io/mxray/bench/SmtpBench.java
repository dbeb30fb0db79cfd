package io.mxray.bench;

import io.mxray.dns.DnsConfig;
import io.mxray.dns.DnsStage;
import io.mxray.dns.Resolvers;
import io.mxray.lab.Generator;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.PosttlsFinger;
import io.mxray.lab.Scenario;
import io.mxray.runtime.FastEc;
import io.mxray.schema.DomainTask;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.smtp.SmtpConfig;
import io.mxray.smtp.SmtpStage;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The SMTP stage alone against the lab's MX hosts, one probe per host address, every SMTP reply
 * delayed; beside it, in the same invocation and over the same hosts, Postfix's posttls-finger
 * (resolving through a validating Unbound with the lab's trust anchor, as the agreement test does)
 * many at a time, as a researcher would run it. Printed: probes per second, CPU milliseconds per
 * probe and peak heap on mxray's side, posttls-finger's rate and CPU per probe, and the ratio.
 *
 * <p>The lab runs in this JVM: mxray's CPU is that of its own threads (the SMTP stage's event loops
 * and the pool that judges chains), read from /proc; the JVM's garbage collector and compilers are
 * not in it, and the whole JVM's CPU per probe (lab included) is printed beside it.
 * posttls-finger's CPU is that of its processes (and the {@code unshare}/{@code sh} that start
 * each in its mount namespace), which this JVM waits for; Unbound's is apart.
 */
@Command(name = "smtp", mixinStandardHelpOptions = true,
        description = "Probes per second, CPU per probe and peak heap of the SMTP stage over the lab's MX hosts with "
                + "latency per SMTP reply, and Postfix's posttls-finger over the same hosts in the same invocation "
                + "(needs root, port 25, postfix and unbound); the ratio of the two rates.")
final class SmtpBench implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--hosts", defaultValue = "2000", description = "MX host addresses probed (default ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--delay", defaultValue = "PT0.05S",
            description = "Latency of every SMTP reply of the lab (default ${DEFAULT-VALUE}).")
    Duration delay;

    @Option(names = "--in-flight", defaultValue = "1000",
            description = "mxray's probes in flight at once, as the worker's batch keeps them (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--parallel", defaultValue = "32",
            description = "posttls-finger processes at once (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--no-posttls-finger", description = "Measure mxray alone.")
    boolean noPosttlsFinger;

    @Mixin
    WarmUp warmUp = new WarmUp(5, 8, 3);

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    private record Run(double seconds, double stageCpu, double jvmCpu, long established) {
    }

    private static final Pattern MXRAY_THREADS = Pattern.compile("^(mxray-smtp|ForkJoinPool\\.co).*");

    @Override
    public Integer call() throws Exception {
        System.out.printf("smtp benchmark: %,d lab MX host addresses, %s per SMTP reply; mxray %d runs after at most %d "
                + "warm-up rounds, %,d probes in flight; posttls-finger %s%n", hosts, delay, warmUp.runs, warmUp.rounds,
                inFlight, noPosttlsFinger ? "not run" : parallel + " at a time");
        Path dir = Files.createTempDirectory("mxray-smtp-bench");
        FastEc.install(); // the lab's TLS servers and mxray's client, as in the other benchmarks
        // one host per Generator.DOMAINS_PER_HOST domains: the first domains name every host once
        List<Scenario> all = Generator.generate(hosts * Generator.DOMAINS_PER_HOST, seed);
        try (Lab lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(all)
                .withLatency(Duration.ZERO, delay))) {
            List<ProbeRequest> targets = targets(lab, all);
            Map<ProbeOutcome, Integer> outcomes = new LinkedHashMap<>();
            SmtpConfig config = SmtpConfig.defaults().allowingNonPublic(true); // as the worker: both key types asked for
            try (SmtpStage smtp = new SmtpStage(config, new CertificateJudge(TrustStores.fromPem(lab.caFile()),
                    Clock.systemUTC()), Clock.systemUTC())) {
                long pid = ProcessHandle.current().pid();
                for (int i = 0; i < warmUp.rounds; i++) {
                    double jit = ProcCpu.jit(pid);
                    Run r = probeAll(smtp, targets, null);
                    double jitShare = 100 * (ProcCpu.jit(pid) - jit) / Math.max(1e-9, r.jvmCpu());
                    System.out.printf(Locale.ROOT, "warm-up %d: %,d probes in %.2f s (%,.0f probes/s); JIT %.0f%% of "
                            + "the JVM's CPU%n", i + 1, targets.size(), r.seconds(), targets.size() / r.seconds(), jitShare);
                    if (warmUp.warm(jitShare)) {
                        break;
                    }
                }
                List<Run> runs = new ArrayList<>();
                long peakHeap = 0;
                for (int i = 0; i < warmUp.runs; i++) {
                    BenchSupport.heapAfterGc();
                    BenchSupport.resetPeaks();
                    outcomes.clear();
                    Run r = probeAll(smtp, targets, outcomes);
                    peakHeap = Math.max(peakHeap, BenchSupport.peakHeap());
                    runs.add(r);
                    System.out.printf(Locale.ROOT, "run %d: %,d probes in %.2f s: %,.0f probes/s; mxray's threads "
                                    + "%.3f ms CPU per probe (the whole JVM, lab included, %.3f); %,d with TLS%n", i + 1,
                            targets.size(), r.seconds(), targets.size() / r.seconds(), 1000 * r.stageCpu() / targets.size(),
                            1000 * r.jvmCpu() / targets.size(), r.established());
                }
                System.out.println("  outcomes: " + outcomes);
                double[] secs = runs.stream().mapToDouble(Run::seconds).sorted().toArray();
                double[] cpus = runs.stream().mapToDouble(Run::stageCpu).sorted().toArray();
                double rate = targets.size() / secs[secs.length / 2];
                double cpuMs = 1000 * cpus[cpus.length / 2] / targets.size();
                StringBuilder result = new StringBuilder(String.format(Locale.ROOT,
                        "RESULT smtp hosts=%d delay_ms=%d runs=%d probes_per_s=%.0f cpu_ms_per_probe=%.3f "
                                + "peak_heap_mb=%d", targets.size(), delay.toMillis(), runs.size(), rate, cpuMs,
                        peakHeap >> 20));
                if (!noPosttlsFinger) {
                    double[] theirs = posttlsFinger(lab, dir, targets);
                    double theirRate = targets.size() / theirs[0];
                    result.append(String.format(Locale.ROOT, " posttls_finger_parallel=%d posttls_finger_per_s=%.1f "
                                    + "posttls_finger_cpu_ms_per_probe=%.1f ratio=%.1f", parallel, theirRate,
                            1000 * theirs[1] / targets.size(), rate / theirRate));
                    System.out.printf(Locale.ROOT, "posttls-finger: %,d probes in %.1f s: %.1f probes/s, %.1f ms CPU "
                                    + "per probe, %,d with TLS; mxray is x%.1f its rate%n", targets.size(), theirs[0],
                            theirRate, 1000 * theirs[1] / targets.size(), (long) theirs[2], rate / theirRate);
                }
                System.out.println(result);
            }
        } finally {
            BenchSupport.deleteTree(dir);
        }
        return 0;
    }

    /** The lab's MX host addresses as the DNS stage finds them: one probe per IPv4 address, the first {@code hosts}. */
    private List<ProbeRequest> targets(Lab lab, List<Scenario> all) throws Exception {
        DnsConfig dnsConfig = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        Map<String, ProbeRequest> byIp = new LinkedHashMap<>();
        try (Resolvers resolvers = Resolvers.create(dnsConfig, Clock.systemUTC())) {
            DnsStage dns = resolvers.stage(dnsConfig, Clock.systemUTC());
            for (int from = 0; from < all.size() && byIp.size() < hosts; from += 200) {
                List<CompletableFuture<List<ProbeRequest>>> batch = new ArrayList<>();
                for (Scenario s : all.subList(from, Math.min(all.size(), from + 200))) {
                    batch.add(dns.resolve(new DomainTask("bench", s.domain(), null, 1)).toCompletableFuture()
                            .thenApply(r -> r.probes()));
                }
                for (var f : batch) {
                    for (ProbeRequest p : f.join()) {
                        if (!p.ip().contains(":") && byIp.size() < hosts) {
                            byIp.putIfAbsent(p.ip(), p);
                        }
                    }
                }
            }
        }
        if (byIp.size() < hosts) {
            throw new IllegalStateException("the lab has " + byIp.size() + " IPv4 MX host addresses, fewer than --hosts "
                    + hosts);
        }
        return new ArrayList<>(byIp.values());
    }

    /** Every target probed once, at most {@code inFlight} at a time. */
    private Run probeAll(SmtpStage smtp, List<ProbeRequest> targets, Map<ProbeOutcome, Integer> outcomes)
            throws Exception {
        long pid = ProcessHandle.current().pid();
        double stageBefore = stageCpu(pid);
        double jvmBefore = ProcCpu.process(pid, false);
        Semaphore slots = new Semaphore(inFlight);
        AtomicInteger established = new AtomicInteger();
        List<CompletableFuture<ProbeResult>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (ProbeRequest p : targets) {
            slots.acquire();
            all.add(smtp.probe(p).toCompletableFuture().whenComplete((r, e) -> {
                slots.release();
                if (r != null && r.outcome() == ProbeOutcome.TLS_ESTABLISHED) {
                    established.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (outcomes != null) {
            for (var f : all) {
                outcomes.merge(f.join().outcome(), 1, Integer::sum);
            }
        }
        return new Run(seconds, stageCpu(pid) - stageBefore, ProcCpu.process(pid, false) - jvmBefore,
                established.get());
    }

    /** CPU seconds of the SMTP stage's threads: its event loops and the common pool that judges chains. */
    private static double stageCpu(long pid) {
        return ProcCpu.threads(pid).entrySet().stream().filter(e -> MXRAY_THREADS.matcher(e.getKey()).matches())
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /**
     * posttls-finger over the same MX hosts, {@code parallel} at a time, at level dane (TLSA looked up,
     * the chain verified, as a DANE-capable MTA does): seconds, CPU seconds of its processes, and how
     * many established TLS.
     */
    private double[] posttlsFinger(Lab lab, Path dir, List<ProbeRequest> targets) throws Exception {
        if (lab.smtpPort() != 25) {
            throw new IllegalStateException("posttls-finger looks TLSA up at _25._tcp: the lab must listen on port 25 "
                    + "(run as root, with nothing else on port 25 of [::1])");
        }
        long pid = ProcessHandle.current().pid();
        try (PosttlsFinger finger = PosttlsFinger.start(lab, "127.254.252.53", dir.resolve("posttls-finger"))) {
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            try {
                double childrenBefore = ProcCpu.process(pid, true) - ProcCpu.process(pid, false);
                AtomicInteger tls = new AtomicInteger();
                long t0 = System.nanoTime();
                List<Future<?>> all = new ArrayList<>();
                for (ProbeRequest p : targets) {
                    all.add(pool.submit(() -> {
                        String word = PosttlsFinger.word(finger.run(p.mxHost(), "dane"));
                        if (word != null && !word.equals("TLSA lookup error")) {
                            tls.incrementAndGet();
                        }
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double children = ProcCpu.process(pid, true) - ProcCpu.process(pid, false) - childrenBefore;
                return new double[] {seconds, children, tls.get()};
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
