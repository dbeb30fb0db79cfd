package io.mxray.bench;

import com.sun.management.OperatingSystemMXBean;
import io.mxray.dns.dnssec.Validated;
import io.mxray.dns.dnssec.Validator;
import io.mxray.lab.HostileScenarios;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.LabResolver;
import io.mxray.lab.Scenarios;
import io.mxray.schema.DnssecStatus;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * KeyTrap (CVE-2023-50387) against mxray's validator: the lab's keytrap zone has 100 keys with its
 * key's tag and 100 decoy signatures before every genuine one. Each answer is validated by a
 * fresh validator (nothing cached: the root's and the TLD's keys are validated too), without the
 * work limits (how validation worked before them) and with them, in one process; an honest signed
 * zone is measured alike as the reference. Prints verifications and CPU per answer.
 */
@Command(name = "keytrap", mixinStandardHelpOptions = true,
        description = "Verifications and CPU per answer for the lab's KeyTrap zone, with and without the validator's "
                + "work limits, against an honest signed zone.")
final class KeyTrapBench implements Callable<Integer> {
    @Option(names = "--answers", defaultValue = "20", description = "Answers per measurement (default ${DEFAULT-VALUE}).")
    int answers;

    private record Measure(double verifications, double cpuMs, String status) {
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("mxray-keytrap-bench");
        try (Lab lab = Lab.start(LabConfig.defaults(dir).withScenarios(Scenarios.withHostile().stream()
                .filter(s -> s.name().equals(HostileScenarios.KEYTRAP) || s.name().equals("signed")).toList()))) {
            Map<Name, List<Record>> anchors;
            try (InputStream in = Files.newInputStream(lab.trustAnchorFile())) {
                anchors = Validator.readAnchors(in);
            }
            Name trap = Name.fromString("keytrap.test.");
            Name honest = Name.fromString("signed.test.");
            measure(lab, anchors, trap, Validator.Limits.UNLIMITED, 2); // warm-up: the JIT, the lab's answers
            measure(lab, anchors, trap, Validator.Limits.DEFAULT, 2);
            Measure unlimited = measure(lab, anchors, trap, Validator.Limits.UNLIMITED, answers);
            Measure limited = measure(lab, anchors, trap, Validator.Limits.DEFAULT, answers);
            Measure reference = measure(lab, anchors, honest, Validator.Limits.DEFAULT, answers);
            System.out.printf(Locale.ROOT, "KeyTrap zone, no limits (as before):  %,.0f verifications, %.1f ms CPU per "
                    + "answer (%s)%n", unlimited.verifications(), unlimited.cpuMs(), unlimited.status());
            System.out.printf(Locale.ROOT, "KeyTrap zone, with the limits:        %,.0f verifications, %.2f ms CPU per "
                    + "answer (%s)%n", limited.verifications(), limited.cpuMs(), limited.status());
            System.out.printf(Locale.ROOT, "honest signed zone, with the limits:  %,.0f verifications, %.2f ms CPU per "
                    + "answer (%s)%n", reference.verifications(), reference.cpuMs(), reference.status());
            System.out.printf(Locale.ROOT, "RESULT keytrap domains=%d domains_per_s=%.0f cpu_ms_per_domain=%.3f "
                            + "peak_heap_mb=%d verifications_per_answer=%.0f verifications_per_answer_unlimited=%.0f "
                            + "cpu_ms_per_answer_unlimited=%.2f honest_verifications_per_answer=%.0f "
                            + "honest_cpu_ms_per_answer=%.3f baseline_per_s=%.1f ratio=%.0f%n", answers,
                    1000 / limited.cpuMs(), limited.cpuMs(), BenchSupport.peakHeap() >> 20, limited.verifications(),
                    unlimited.verifications(), unlimited.cpuMs(), reference.verifications(), reference.cpuMs(),
                    1000 / unlimited.cpuMs(), unlimited.cpuMs() / limited.cpuMs());
        } finally {
            BenchSupport.deleteTree(dir);
        }
        return 0;
    }

    /** {@code n} answers for {@code name}'s MX, each by a fresh validator; averages. */
    private static Measure measure(Lab lab, Map<Name, List<Record>> anchors, Name name, Validator.Limits limits, int n)
            throws Exception {
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long verifications = 0;
        long cpu = 0;
        DnssecStatus status = null;
        String reason = null;
        for (int i = 0; i < n; i++) {
            Validator v = new Validator(new LabResolver(lab.authority()), anchors, Clock.systemUTC(), limits);
            long c0 = os.getProcessCpuTime();
            Validated r = v.resolve(name, Type.MX).get(5, TimeUnit.MINUTES);
            cpu += os.getProcessCpuTime() - c0;
            verifications += v.verifications();
            status = r.status();
            reason = r.reason();
        }
        return new Measure((double) verifications / n, cpu / 1e6 / n, status.key() + (reason == null ? ""
                : ": " + reason));
    }
}
