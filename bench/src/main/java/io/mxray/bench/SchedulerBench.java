package io.mxray.bench;

import io.mxray.local.BrokerProcess;
import io.mxray.local.LocalCluster;
import io.mxray.local.MxrayProcess;
import io.mxray.scheduler.DomainListReader;
import io.mxray.scheduler.ListEntry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a domain list costs the scheduler as it grows. In this JVM: the list reader's duplicate set
 * (heap held after a collection, per domain) against a {@code HashMap<String, Long>} of the same
 * names, the baseline. Then {@code mxray scheduler} as a process of its own, publishing the largest
 * list to a broker: its time, CPU and peak resident set.
 */
@Command(name = "scheduler", mixinStandardHelpOptions = true,
        description = "Heap per domain of the scheduler's duplicate set against a HashMap, at each size; then the "
                + "scheduler process on the largest list against a broker: seconds, CPU and peak RSS.")
final class SchedulerBench implements Callable<Integer> {
    @Option(names = "--domains", defaultValue = "1000000,10000000", split = ",", paramLabel = "N[,N...]",
            description = "List sizes (default ${DEFAULT-VALUE}); a tenth of each list's lines repeat an earlier name.")
    List<Integer> sizes;

    @Option(names = "--process-domains", defaultValue = "1000000", paramLabel = "N",
            description = "Lines of the list the scheduler process publishes (0: no process run; default ${DEFAULT-VALUE}).")
    int processDomains;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("mxray-scheduler-bench");
        try {
            System.out.printf("scheduler benchmark: lists of %s lines; max heap %,d MB%n",
                    String.join(", ", sizes.stream().map(n -> String.format("%,d", n)).toList()),
                    Runtime.getRuntime().maxMemory() >> 20);
            StringBuilder result = new StringBuilder("RESULT scheduler");
            for (int n : sizes) {
                Path list = write(dir.resolve("list-" + n + ".txt"), n);
                Measured reader = measureReader(list);
                Measured baseline = measureBaseline(list);
                System.out.printf("%,d lines, %,d distinct: duplicate set %.0f B per domain (read in %.2f s, %.2f µs a "
                                + "line); HashMap baseline %.0f B per domain; ratio x%.2f%n", n, reader.distinct,
                        reader.bytesPerDomain(), reader.seconds, reader.seconds * 1e6 / n, baseline.bytesPerDomain(),
                        reader.bytesPerDomain() / baseline.bytesPerDomain());
                result.append(String.format(" set_bytes_per_domain_%d=%.0f hashmap_bytes_per_domain_%d=%.0f", n,
                        reader.bytesPerDomain(), n, baseline.bytesPerDomain()));
            }
            if (processDomains > 0) {
                Path list = write(dir.resolve("process-list.txt"), processDomains);
                try (BrokerProcess broker = BrokerProcess.start(dir.resolve("kafka"))) {
                    List<String> jvm = new ArrayList<>(LocalCluster.JVM_OPTIONS);
                    long t0 = System.nanoTime();
                    MxrayProcess p = MxrayProcess.mxray("scheduler", dir, jvm, List.of("scheduler", "--kafka",
                            broker.bootstrap(), "--source", "bench", list.toString()));
                    long peak = 0;
                    Duration cpuSeen = Duration.ZERO;
                    int status;
                    // /proc forgets a process once it ended: its CPU and peak RSS are read while it runs
                    while ((status = p.await(Duration.ofMillis(50))) == -1) {
                        peak = Math.max(peak, p.peakRssKb());
                        Duration c = p.cpu();
                        cpuSeen = c.compareTo(cpuSeen) > 0 ? c : cpuSeen;
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double cpu = cpuSeen.toMillis() / 1e3;
                    if (status != 0) {
                        throw new IllegalStateException("the scheduler failed (" + status + "):\n" + p.tail(30));
                    }
                    System.out.printf("scheduler process, %,d lines published: %.1f s, %.1f s of CPU (read every 50 ms while it ran; "
                                    + "%.1f µs a line), "
                                    + "peak RSS %,d MB (JVM options %s)%n", processDomains, seconds, cpu,
                            cpu * 1e6 / processDomains, peak >> 10, String.join(" ", jvm));
                    result.append(String.format(" process_domains=%d process_seconds=%.1f process_cpu_s=%.1f "
                            + "process_peak_rss_mb=%d", processDomains, seconds, cpu, peak >> 10));
                }
            }
            System.out.println(result);
            return 0;
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    private record Measured(int distinct, long bytes, double seconds) {
        double bytesPerDomain() {
            return (double) bytes / distinct;
        }
    }

    /** Names shaped like a ranked list's: one to three labels of 3 to 14 letters and digits under a common suffix. */
    private Path write(Path file, int n) throws IOException {
        Random random = new Random(seed);
        String[] suffixes = {"com", "net", "org", "de", "co.uk", "com.br", "xn--p1ai", "io", "nl", "fr"};
        List<String> names = new ArrayList<>();
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < n; i++) {
                String name;
                if (i > 0 && random.nextInt(10) == 0) {
                    name = names.get(random.nextInt(names.size())); // a repeat: a duplicate line
                } else {
                    StringBuilder sb = new StringBuilder();
                    for (int l = random.nextInt(5) == 0 ? 2 : 1; l > 0; l--) {
                        int len = 3 + random.nextInt(12);
                        for (int c = 0; c < len; c++) {
                            sb.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)));
                        }
                        sb.append('.');
                    }
                    name = sb + suffixes[random.nextInt(suffixes.length)];
                    if (names.size() < 1_000_000) {
                        names.add(name);
                    }
                }
                out.write(name);
                out.write('\n');
            }
        }
        return file;
    }

    private static Measured measureReader(Path list) throws IOException {
        long before = BenchSupport.heapAfterGc();
        DomainListReader reader = new DomainListReader();
        int[] distinct = new int[1];
        long t0 = System.nanoTime();
        try (Reader in = DomainListReader.open(list.toString())) {
            reader.read(in, e -> {
                if (e instanceof ListEntry.Accepted) {
                    distinct[0]++;
                }
            });
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long held = BenchSupport.heapAfterGc() - before;
        keep(reader);
        return new Measured(distinct[0], held, seconds);
    }

    /** The same accepted names in a HashMap from name to line, as the reader kept them before. */
    private static Measured measureBaseline(Path list) throws IOException {
        long before = BenchSupport.heapAfterGc();
        Map<String, Long> map = new HashMap<>();
        try (Reader in = DomainListReader.open(list.toString())) {
            new DomainListReader().read(in, e -> {
                if (e instanceof ListEntry.Accepted a) {
                    map.put(a.domain(), a.lineNo());
                }
            });
        }
        // the reader of this pass is garbage by now: only the map is held
        long held = BenchSupport.heapAfterGc() - before;
        keep(map);
        return new Measured(map.size(), held, 0);
    }

    private static volatile Object sink;

    /** Keeps {@code o} reachable until after the heap was measured. */
    private static void keep(Object o) {
        sink = o;
        sink = null;
    }
}
