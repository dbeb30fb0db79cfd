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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Warms the lab's servers up (their JIT) before the pipeline's processes start: the lab is the
 * simulated Internet, which a fresh deployment meets warm. Resolves and probes domains of its own
 * (none of the scanned lists: the lab keeps per-name TLS contexts) from this JVM, not from the
 * processes whose cold start is measured.
 */
final class LabWarmer {
    private static final int IN_FLIGHT = 400;
    private static final int NAMES_PER_ADDRESS = 4;
    /**
     * Each probe is made this many times: the lab's TLS servers' optimizing compiler needs more
     * handshakes than one round of a 10,000-domain list's hosts gives it, and what it has not
     * compiled before the first scan it compiles during it, on the cores the scan measures.
     */
    private static final int PROBE_ROUNDS = 3;

    private LabWarmer() {
    }

    /** Resolves and probes {@code domains}, at most {@code limit} long; returns the probes made. */
    static int warm(Lab lab, List<String> domains, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        DnsConfig dnsConfig = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        // each host once, as the workers probe it once per scan (domains share hosts), and a few names
        // per address: the worker paces its probes of one address a second apart, so a hoster's
        // address of hundreds of names would hold the warm-up for minutes and warm nothing more
        Map<String, ProbeRequest> probes = new LinkedHashMap<>();
        Map<String, Integer> perAddress = new java.util.HashMap<>();
        try (Resolvers resolvers = Resolvers.create(dnsConfig, Clock.systemUTC())) {
            DnsStage dns = resolvers.stage(dnsConfig, Clock.systemUTC());
            throttled(domains, deadline, d -> dns.resolve(new DomainTask("lab-warm-up", d, null, 1))
                    .thenAccept(r -> {
                        synchronized (probes) {
                            for (ProbeRequest p : r.probes()) {
                                if (!probes.containsKey(p.probeKey())
                                        && perAddress.merge(p.ip(), 1, Integer::sum) <= NAMES_PER_ADDRESS) {
                                    probes.put(p.probeKey(), p);
                                }
                            }
                        }
                    }));
        }
        SmtpConfig config = SmtpConfig.defaults().allowingNonPublic(true);
        int made = 0;
        try (SmtpStage smtp = new SmtpStage(config, new CertificateJudge(TrustStores.fromPem(lab.caFile()),
                Clock.systemUTC()), Clock.systemUTC())) {
            for (int round = 0; round < PROBE_ROUNDS && System.nanoTime() < deadline; round++) {
                made += throttled(List.copyOf(probes.values()), deadline, smtp::probe);
            }
        }
        return made;
    }

    /**
     * Starts {@code work} for each item until the deadline, at most {@link #IN_FLIGHT} at a time,
     * and waits for them until a minute past it (what is still open then is left: closing ends it);
     * returns how many were started. A failed item is as good as another for warming up.
     */
    private static <T> int throttled(List<T> items, long deadline, Function<T, CompletionStage<?>> work)
            throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (T item : items) {
            if (System.nanoTime() > deadline) {
                break;
            }
            slots.acquire();
            all.add(work.apply(item).toCompletableFuture().whenComplete((r, e) -> slots.release()));
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                    .get(Math.max(0, deadline - System.nanoTime()) + TimeUnit.MINUTES.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            System.out.printf("lab warm-up: %,d of %,d still open at its time limit; left%n",
                    all.stream().filter(f -> !f.isDone()).count(), all.size());
        }
        return all.size();
    }
}
