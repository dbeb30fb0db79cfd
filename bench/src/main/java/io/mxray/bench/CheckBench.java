package io.mxray.bench;

import io.mxray.app.Mxray;
import io.mxray.check.Checker;
import io.mxray.dns.DnsConfig;
import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenarios;
import io.mxray.schema.CheckResult;
import io.mxray.schema.CheckStatus;
import io.mxray.smtp.SmtpConfig;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How soon {@code mxray check} prints its first result for a healthy lab domain: as a user runs it
 * (a new process through the {@code ./mxray} launcher, timed to the first byte of output), and
 * inside a running JVM; against {@code openssl s_client}'s STARTTLS handshake with the same host
 * (no DNS, no DNSSEC, no judgement) as the baseline, in the same run.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Time mxray check's first result for a healthy lab domain, cold (a new process) and warm, against "
                + "openssl s_client on the same host.")
final class CheckBench implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "9", description = "Timed runs of each kind (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmups", defaultValue = "3",
            description = "Untimed runs first: the launcher's class archive, the lab's JIT (default ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--domain", defaultValue = "tls-valid.test",
            description = "The lab domain to check (default ${DEFAULT-VALUE}: one MX host, PKIX-verified).")
    String domain;

    @Option(names = "--launcher", paramLabel = "FILE", defaultValue = "mxray",
            description = "The launcher script to time (default ./${DEFAULT-VALUE}); without it, java -cp.")
    Path launcher;

    @Option(names = "--baseline", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Time openssl s_client against the same host (default ${DEFAULT-VALUE}).")
    boolean baseline;

    /** One timed process: to its first byte of output and to its exit, with its CPU and peak memory when known. */
    record Timed(double firstMs, double exitMs, int exit, double cpuMs, long maxRssKb) {
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("mxray-check-bench");
        try (Lab lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(Scenarios.catalogue()))) {
            ExpectedDomain truth = lab.groundTruth().stream().filter(d -> d.domain().equals(domain)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(domain + " is not a lab domain"));
            String host = truth.mx().get(0).host();
            List<String> args = List.of("check", "--resolver", lab.resolver().getAddress().getHostAddress() + ":"
                    + lab.resolver().getPort(), "--trust-anchor", lab.trustAnchorFile().toString(), "--ca-file",
                    lab.caFile().toString(), "--port", String.valueOf(lab.smtpPort()), "--allow-non-public", domain);
            List<String> command = new ArrayList<>();
            if (Files.isExecutable(launcher)) {
                command.add(launcher.toAbsolutePath().toString());
            } else {
                command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                        Mxray.class.getName()));
            }
            command.addAll(args);
            System.out.printf("cold: %s ... %s (%d runs after %d untimed ones)%n", command.get(0), domain, runs,
                    warmups);
            for (int i = 0; i < warmups; i++) {
                time(command, dir); // untimed: the launcher writes its class archive, the lab's JIT warms up
                awaitArchive();
            }
            List<Timed> cold = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                System.gc(); // the lab lives in this JVM: no collection of ours in the middle of a run
                Timed t = time(command, dir);
                cold.add(t);
                System.out.printf("  run %d: first result %.0f ms, exit %.0f ms (status %d), CPU %.0f ms, peak RSS %d MB%n",
                        i + 1, t.firstMs(), t.exitMs(), t.exit(), t.cpuMs(), t.maxRssKb() >> 10);
            }

            // warm: a JVM that has checked before (a monitoring daemon, the second domain of a list)
            DnsConfig dns = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                    .withTrustAnchor(lab.trustAnchorFile());
            SmtpConfig smtp = SmtpConfig.defaults().allowingNonPublic(true);
            CertificateJudge judge = new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC());
            List<Double> warm = new ArrayList<>();
            for (int i = 0; i < runs + 3; i++) {
                try (Checker checker = new Checker(dns, smtp, judge, Clock.systemUTC())) {
                    long t0 = System.nanoTime();
                    CheckResult r = checker.check(domain).join();
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (r.status() != CheckStatus.OK) {
                        throw new IllegalStateException(domain + " is not healthy: " + r.advice());
                    }
                    if (i >= 3) {
                        warm.add(ms);
                    }
                }
            }
            System.out.printf("warm (a new Checker in a JVM that has checked before): median %.1f ms%n", median(warm));

            double opensslMs = Double.NaN;
            if (baseline) {
                List<String> openssl = List.of("openssl", "s_client", "-starttls", "smtp", "-connect",
                        hostPort(lab.addressOf(host), lab.smtpPort()), "-servername", host, "-CAfile",
                        lab.caFile().toString(), "-verify_return_error");
                List<Double> o = new ArrayList<>();
                try {
                    time(openssl, dir);
                    for (int i = 0; i < runs; i++) {
                        o.add(time(openssl, dir).exitMs());
                    }
                    opensslMs = median(o);
                    System.out.printf("baseline: openssl s_client -starttls smtp (handshake only: no DNS, no DNSSEC, "
                            + "no judgement): median %.0f ms%n", opensslMs);
                } catch (IOException e) {
                    System.out.println("baseline: openssl not found (" + e.getMessage() + ")");
                }
            }
            double first = median(cold.stream().map(Timed::firstMs).toList());
            double exit = median(cold.stream().map(Timed::exitMs).toList());
            double cpu = median(cold.stream().map(Timed::cpuMs).toList());
            double rss = median(cold.stream().map(t -> (double) t.maxRssKb()).toList()) / 1024;
            System.out.printf("cold first result: median %.0f ms (min %.0f, max %.0f); exit %.0f ms%n", first,
                    cold.stream().mapToDouble(Timed::firstMs).min().orElse(0),
                    cold.stream().mapToDouble(Timed::firstMs).max().orElse(0), exit);
            System.out.printf(Locale.ROOT, "RESULT check domains=%d domains_per_s=%.2f cpu_ms_per_domain=%.0f "
                            + "peak_heap_mb=%.0f first_result_ms=%.0f exit_ms=%.0f warm_ms=%.1f baseline_per_s=%.2f "
                            + "ratio=%.2f%n", runs, 1000 / first, cpu, rss, first, exit, median(warm),
                    1000 / opensslMs, opensslMs / first);
        } finally {
            BenchSupport.deleteTree(dir);
        }
        return 0;
    }

    /** The launcher dumps its class archive in the background after a first check: timed runs map it. */
    private void awaitArchive() throws Exception {
        Path target = launcher.toAbsolutePath().getParent().resolve("app").resolve("target");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (Files.isDirectory(target) && System.nanoTime() < deadline) {
            try (var files = Files.list(target)) {
                if (files.noneMatch(f -> f.getFileName().toString().endsWith(".dumping"))) {
                    return;
                }
            }
            Thread.sleep(200);
        }
    }

    private static String hostPort(String ip, int port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    /** Runs the command (under GNU time when there is one, for CPU and peak memory) and times it. */
    private static Timed time(List<String> command, Path dir) throws Exception {
        Path usage = dir.resolve("usage.txt");
        Files.deleteIfExists(usage);
        List<String> full = new ArrayList<>();
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        if (gnuTime) {
            full.addAll(List.of("/usr/bin/time", "-o", usage.toString(), "-f", "%U %S %M"));
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long t0 = System.nanoTime();
        Process p = pb.start();
        double first = Double.NaN;
        try (InputStream in = p.getInputStream()) {
            if (in.read() >= 0) {
                first = (System.nanoTime() - t0) / 1e6;
            }
            in.transferTo(OutputStream.nullOutputStream());
        }
        int exit = p.waitFor();
        double total = (System.nanoTime() - t0) / 1e6;
        double cpu = Double.NaN;
        long rss = 0;
        if (gnuTime && Files.exists(usage)) {
            String[] f = Files.readString(usage, StandardCharsets.UTF_8).strip().split("\\s+");
            String[] last = Arrays.copyOfRange(f, f.length - 3, f.length); // after any "Command exited" line
            cpu = (Double.parseDouble(last[0]) + Double.parseDouble(last[1])) * 1000;
            rss = Long.parseLong(last[2]);
        }
        return new Timed(first, total, exit, cpu, rss);
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().filter(x -> !x.isNaN()).sorted().toList();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
