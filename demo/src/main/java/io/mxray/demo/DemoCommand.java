package io.mxray.demo;

import io.mxray.app.Report;
import io.mxray.app.ResultTable;
import io.mxray.app.ScanRun;
import io.mxray.dns.DnsConfig;
import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.GroundTruth;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.local.InfraOptions;
import io.mxray.local.Infrastructure;
import io.mxray.local.Pipeline;
import io.mxray.smtp.SmtpConfig;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The lab, the embedded infrastructure, a full scan through Kafka, the table and the check. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the lab and embedded Kafka and PostgreSQL, scan every lab domain through the "
                + "whole pipeline, print the verdicts next to the lab's ground truth.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    InfraOptions infra;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_DEMO_TIMEOUT:-PT2M}",
            description = "Give up waiting for the scan after this long (env MXRAY_DEMO_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Clock clock = Clock.systemUTC();
        out.println("mxray demo: starting the lab, Kafka and PostgreSQL in " + infra.dataDir.toAbsolutePath().normalize());
        // the infrastructure first: it locks the data folder, which the lab writes into
        try (Infrastructure infrastructure = infra.start();
             Lab lab = Lab.start(LabConfig.defaults(infra.dataDir.resolve("lab")))) {
            Lab.Endpoints ep = lab.endpoints();
            out.printf("lab: %d domains, DNS at %s:%d, SMTP on port %d, ground truth in %s%n",
                    lab.groundTruth().size(), ep.resolverHost(), ep.resolverPort(), ep.smtpPort(), ep.groundTruthFile());
            DnsConfig dns = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
            // the lab has a server that greets after 10 s and one that never does: wait 12 s per step
            SmtpConfig smtp = SmtpConfig.defaults().allowingNonPublic(true)
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(12), Duration.ofSeconds(40));
            out.println("(two lab servers are slow on purpose: the scan takes about 15 s)");
            CertificateJudge judge = new CertificateJudge(TrustStores.fromPem(lab.caFile()), clock);
            ScanRun.Outcome result;
            try (Pipeline pipeline = new Pipeline(infrastructure, dns, smtp,
                    Pipeline.policyConfig(smtp, lab.httpsPort()), judge, clock, true);
                 Reader list = Files.newBufferedReader(lab.domainsFile())) {
                result = ScanRun.run(pipeline, infrastructure.database(), list, "lab demo", timeout, out);
            }
            List<ExpectedDomain> truth = GroundTruth.read(lab.groundTruthFile());
            GroundTruthCheck.Result check = GroundTruthCheck.check(truth, result.rows());
            Map<String, String> marks = new HashMap<>();
            for (ExpectedDomain e : truth) {
                marks.put(e.domain(), "ok");
            }
            check.mismatches().forEach(m -> marks.put(m.domain(), "MISMATCH"));
            out.println();
            ResultTable.print(out, result.rows(), marks);
            out.println();
            ResultTable.printLevels(out, result.rows());
            out.printf("scan %s: %d/%d domains final in %.1f s (%.1f domains/s end to end)%n",
                    result.summary().scanId(), result.finalized(), result.summary().counts().accepted(),
                    result.elapsed().toMillis() / 1000.0, result.domainsPerSecond());
            out.printf("ground truth: %d of %d domains as declared (%d expectations compared)%n",
                    truth.size() - check.mismatchedDomains(), truth.size(), check.compared());
            check.mismatches().forEach(m -> out.println("  " + m));
            out.println("results are in PostgreSQL (" + infrastructure.database().describe() + " while it runs), "
                    + "tables scan, domain_result, domain_mx, mx_host_result, certificate");
            String scanId = result.summary().scanId();
            Path report = infra.dataDir.toAbsolutePath().normalize().resolve("mxray-report-" + scanId + ".html");
            try (Connection c = infrastructure.database().connect()) {
                Files.writeString(report, Report.html(c, scanId), StandardCharsets.UTF_8);
            }
            out.println("report written to " + report);
            String dataDir = infra.dataDir.equals(Path.of("./mxray-data")) ? "" : " --data-dir " + infra.dataDir;
            out.println("the results stay in " + infra.dataDir.toAbsolutePath().normalize() + "; read them with ./mxray "
                    + "report" + dataDir + ", ./mxray stats" + dataDir + " or ./mxray export" + dataDir
                    + ", or on the web: ./mxray serve" + dataDir + ", then http://127.0.0.1:8080/");
            return result.complete() && check.matches() ? 0 : 1;
        }
    }
}
