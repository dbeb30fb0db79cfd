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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
        // each host once, as the workers probe it once per scan (domains share hosts)
        Map<String, ProbeRequest> probes = new LinkedHashMap<>();
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
                                    r.probes().forEach(p -> probes.putIfAbsent(p.probeKey(), p));
                                }
                            }
                            return null;
                        }));
            }
            await(all, deadline);
        }
        SmtpConfig config = SmtpConfig.defaults().allowingNonPublic(true);
        try (SmtpStage smtp = new SmtpStage(config, new CertificateJudge(TrustStores.fromPem(lab.caFile()),
                Clock.systemUTC()), Clock.systemUTC())) {
            Semaphore slots = new Semaphore(IN_FLIGHT);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (ProbeRequest p : probes.values()) {
                if (System.nanoTime() > deadline) {
                    break;
                }
                slots.acquire();
                all.add(smtp.probe(p).toCompletableFuture().handle((r, e) -> {
                    slots.release();
                    return null;
                }));
            }
            await(all, deadline);
            return all.size();
        }
    }

    /** Waits for {@code all} until a minute past the deadline; what is still open then is left (closing ends it). */
    private static void await(List<CompletableFuture<Void>> all, long deadline) throws Exception {
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()) + TimeUnit.MINUTES.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            System.out.printf("lab warm-up: %,d of %,d still open at its time limit; left%n",
                    all.stream().filter(f -> !f.isDone()).count(), all.size());
        }
    }
}
