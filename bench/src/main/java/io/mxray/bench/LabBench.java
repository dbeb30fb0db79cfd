package io.mxray.bench;

import com.sun.management.OperatingSystemMXBean;
import io.mxray.lab.Generator;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long the lab takes to start and how much heap it holds, for generated labs of several
 * sizes, in one process; then how fast it answers DNSSEC queries that need fresh signatures.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Start generated labs of the given sizes, one after the other, and measure start-up time, CPU, "
                + "heap and the rate of signed DNS answers. Run with MXRAY_JAVA_OPTS=-Xmx2g to hold it to 2 GB.")
final class LabBench implements Callable<Integer> {
    @Option(names = "--domains", split = ",", defaultValue = "10000,100000",
            description = "Lab sizes, comma-separated (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--queries", defaultValue = "2000",
            description = "Signed MX answers to time per lab (each needs fresh signatures; default ${DEFAULT-VALUE}).")
    int queries;

    @Override
    public Integer call() throws Exception {
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String last = null;
        System.out.printf("max heap %d MB, %d cores%n", Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        for (int n : sizes) {
            Path dir = Files.createTempDirectory("mxray-lab-bench");
            BenchSupport.resetPeaks();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            List<Scenario> scenarios = Generator.generate(n, seed);
            long generated = System.nanoTime();
            Lab lab = Lab.start(new LabConfig(dir, Clock.systemUTC(), scenarios, 0, 0, 0, Duration.ZERO, Duration.ZERO));
            long started = System.nanoTime();
            long cpu = os.getProcessCpuTime() - cpu0;
            System.gc();
            long live = BenchSupport.usedHeap();
            long peak = BenchSupport.peakHeap();
            double startupS = (started - t0) / 1e9;
            // signed answers for random signed domains: every one signs its MX RRset on first use
            Random random = new Random(seed);
            List<Message> qs = new ArrayList<>();
            for (int i = 0; i < queries; i++) {
                int j = random.nextInt(n);
                while (j % 10 == 9 || j % 3 != 0) {
                    j = random.nextInt(n);
                }
                Message q = Message.newQuery(Record.newRecord(Name.fromString("d" + j + ".test."), Type.MX, DClass.IN));
                q.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
                qs.add(q);
            }
            long q0 = System.nanoTime();
            int sigs = 0;
            for (Message q : qs) {
                sigs += (int) lab.authority().answer(q).getSection(Section.ANSWER).stream()
                        .filter(r -> r.getType() == Type.RRSIG).count();
            }
            double answersPerS = queries / ((System.nanoTime() - q0) / 1e9);
            int hosts = Math.max(1, n / Generator.DOMAINS_PER_HOST);
            System.out.printf("%,d domains, %,d MX hosts, %,d zones: generated in %.1f s, lab up in %.1f s "
                            + "(cpu %.1f s), heap %d MB live after GC, %d MB peak; %,.0f signed answers/s (%d signatures)%n",
                    n, hosts, lab.authority().zoneCount(), (generated - t0) / 1e9, startupS, cpu / 1e9, live >> 20,
                    peak >> 20, answersPerS, sigs);
            last = String.format(Locale.ROOT, "RESULT lab domains=%d domains_per_s=%.0f cpu_ms_per_domain=%.3f "
                            + "peak_heap_mb=%d startup_s=%.2f live_heap_mb=%d hosts=%d zones=%d signed_answers_per_s=%.0f",
                    n, n / startupS, cpu / 1e6 / n, peak >> 20, startupS, live >> 20, hosts,
                    lab.authority().zoneCount(), answersPerS);
            System.out.println(last);
            lab.close();
            BenchSupport.deleteTree(dir);
            scenarios = null;
            System.gc();
        }
        return 0;
    }

}
