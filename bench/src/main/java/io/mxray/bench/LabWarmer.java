package io.mxray.bench;

import io.mxray.dns.DnsConfig;
import io.mxray.dns.DnsStage;
import io.mxray.dns.Resolvers;
import io.mxray.lab.Lab;
import io.mxray.schema.DomainTask;
import io.mxray.schema.ProbeRequest;
import io.mxray.smtp.SmtpConfig;
import io.mxray.smtp.SmtpStage;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Warms the lab's servers up (their JIT) before the pipeline's processes start: the lab is the
 * simulated Internet, which a fresh deployment meets warm. Resolves and probes domains of its own
 * (none of the scanned lists: the lab keeps per-name TLS contexts) from this JVM, not from the
 * processes whose cold start is measured.
 */
final class LabWarmer {
    private static final int IN_FLIGHT = 400;

    private LabWarmer() {
    }

    /** Resolves and probes {@code domains}, at most {@code limit} long; returns the probes made. */
    static int warm(Lab lab, List<String> domains, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        DnsConfig dnsConfig = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        List<ProbeRequest> probes = new ArrayList<>();
        try (Resolvers resolvers = Resolvers.create(dnsConfig, Clock.systemUTC())) {
            DnsStage dns = resolvers.stage(dnsConfig, Clock.systemUTC());
            Semaphore slots = new Semaphore(IN_FLIGHT);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (String d : domains) {
                if (System.nanoTime() > deadline) {
                    break;
                }
                slots.acquire();
                all.add(dns.resolve(new DomainTask("lab-warm-up", d, null, 1)).toCompletableFuture()
                        .handle((r, e) -> {
                            slots.release();
                            if (r != null) {
                                synchronized (probes) {
                                    probes.addAll(r.probes());
                                }
                            }
                            return null;
                        }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        }
        SmtpConfig config = SmtpConfig.defaults().allowingNonPublic(true);
        try (SmtpStage smtp = new SmtpStage(config, new CertificateJudge(TrustStores.fromPem(lab.caFile()),
                Clock.systemUTC()), Clock.systemUTC())) {
            Semaphore slots = new Semaphore(IN_FLIGHT);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (ProbeRequest p : probes) {
                if (System.nanoTime() > deadline) {
                    break;
                }
                slots.acquire();
                all.add(smtp.probe(p).toCompletableFuture().handle((r, e) -> {
                    slots.release();
                    return null;
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            return all.size();
        }
    }
}
