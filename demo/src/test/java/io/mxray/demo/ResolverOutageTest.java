package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.dns.DnsConfig;
import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.ResolverMode;
import io.mxray.local.Infrastructure;
import io.mxray.local.Pipeline;
import io.mxray.scheduler.ScanSummary;
import io.mxray.smtp.SmtpConfig;
import io.mxray.store.ScanResults;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The resolver dies mid-scan (it answers nothing for 15 s, while the DNS stage is still working
 * through the list) and comes back. The DNS worker notices (its breaker opens: it stops answering
 * domains rather than answer them with timeouts), resumes when the resolver passes its check
 * again, and every domain ends as the lab's ground truth declares: no row blames a domain for its
 * resolver.
 */
class ResolverOutageTest {
    @Test
    void aResolverThatDiesMidScanPausesTheScanAndNoRowBlamesADomain() throws Exception {
        Path dir = Files.createTempDirectory("outage");
        var scenarios = new ArrayList<>(io.mxray.lab.Scenarios.catalogue());
        scenarios.addAll(io.mxray.lab.Generator.generate(600, 11));
        try (Lab lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(scenarios)
                .withLatency(Duration.ofMillis(50), Duration.ZERO));
             Infrastructure infra = Infrastructure.start(null, null, dir.resolve("data"), 3)) {
            // 8 lookups at a time at 50 ms each: the DNS stage works through the list for half a minute,
            // well past the outage's start, however long the SMTP stage takes to finish the first domains
            DnsConfig dns = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                    .withTrustAnchor(lab.trustAnchorFile()).withLimits(16, 8, 8, 100)
                    .withTimeout(Duration.ofSeconds(1), 2, Duration.ofMillis(100));
            SmtpConfig smtp = SmtpConfig.defaults().allowingNonPublic(true)
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(40));
            CertificateJudge judge = new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC());
            List<ExpectedDomain> truth = io.mxray.lab.GroundTruth.read(lab.groundTruthFile());
            try (Pipeline pipeline = new Pipeline(infra, dns, smtp, judge, Clock.systemUTC())) {
                ScanSummary s = pipeline.schedule(new StringReader(Files.readString(lab.domainsFile())), "outage");
                long deadline = System.currentTimeMillis() + 60_000;
                while (ScanTables.count(infra.database(), ScanTables.DOMAINS, s.scanId()) < 5
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                long before = ScanTables.count(infra.database(), ScanTables.DOMAINS, s.scanId());
                assertTrue(before < truth.size() / 2, "the outage must come while the scan is under way: " + before);
                boolean opened = false;
                lab.resolverMode(ResolverMode.SILENT);
                try {
                    long outageEnds = System.currentTimeMillis() + 15_000;
                    while (System.currentTimeMillis() < outageEnds) {
                        opened |= pipeline.resolverHealth().isOpen();
                        Thread.sleep(100);
                    }
                } finally {
                    lab.resolverMode(ResolverMode.HONEST);
                }
                assertTrue(opened, "the DNS worker noticed the resolver was gone and paused");
                long done = ScanResults.await(infra.database(), s.scanId(), s.counts().accepted(), Duration.ofMinutes(3),
                        n -> { });
                assertEquals(s.counts().accepted(), done, "every domain final once the resolver is back");
                GroundTruthCheck.Result check = GroundTruthCheck.check(truth, ScanResults.rows(infra.database(),
                        s.scanId()));
                assertEquals(List.of(), check.mismatches().stream().limit(20).toList(),
                        check.mismatches().size() + " rows blame a domain for its resolver");
                assertTrue(!pipeline.resolverHealth().isOpen(), "resumed");
            }
        }
    }
}
