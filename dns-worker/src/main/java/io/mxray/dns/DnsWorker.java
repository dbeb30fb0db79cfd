package io.mxray.dns;

import io.mxray.runtime.Output;
import io.mxray.runtime.SeenPerScan;
import io.mxray.runtime.Topics;
import io.mxray.runtime.Worker;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DomainTask;
import io.mxray.schema.Keys;
import io.mxray.schema.PolicyRequest;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.ProbeRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The DNS stage as the Kafka adapter runs it: one DNS result per domain, and each probe only the
 * first time this instance sees it in a scan (domains sharing a provider share its probes; the
 * SMTP stage de-duplicates again across instances, and the aggregator joins by probe key).
 */
public final class DnsWorker implements Worker<DomainTask> {
    private final DnsStage stage;
    private final ResolverHealth health;
    private final Clock clock;
    private final SeenPerScan emitted = new SeenPerScan(8);

    /** @param health the resolver's circuit breaker; null to trust the resolver blindly (tests) */
    public DnsWorker(DnsStage stage, ResolverHealth health, Clock clock) {
        this.stage = stage;
        this.health = health;
        this.clock = clock;
    }

    public DnsWorker(DnsStage stage, Clock clock) {
        this(stage, null, clock);
    }

    /**
     * A domain's result, unless the resolver is failing: then the domain waits until it passes its
     * check again and is resolved afresh, so that no row blames a domain for its resolver. A result
     * that looks like a resolver's failure is believed only once the resolver passed a check.
     */
    @Override
    public CompletionStage<List<Output<?, ?>>> handle(DomainTask task) {
        if (health == null) {
            return stage.resolve(task).thenApply(this::outputs);
        }
        if (health.isOpen()) {
            return health.whenHealthy().thenCompose(x -> handle(task));
        }
        return stage.resolve(task).thenCompose(res -> {
            if (!ResolverHealth.suspect(res.result())) {
                return CompletableFuture.completedFuture(outputs(res));
            }
            return health.verify().thenCompose(report -> report.healthy()
                    ? CompletableFuture.completedFuture(outputs(res))
                    : health.whenHealthy().thenCompose(x -> handle(task)));
        });
    }

    private List<Output<?, ?>> outputs(DnsResolution resolution) {
        List<Output<?, ?>> out = new ArrayList<>();
        for (ProbeRequest p : resolution.probes()) {
            if (emitted.firstTime(p.scanId(), p.probeKey())) {
                out.add(Output.of(Topics.PROBES, Keys.probeTarget(p.ip()), p));
            }
        }
        PolicyRequest policy = resolution.policy();
        if (policy != null && emitted.firstTime(policy.scanId(), policy.policyKey())) {
            out.add(Output.of(Topics.POLICIES, Keys.probeTarget(policy.addresses().get(0)), policy));
        }
        PolicyResult decided = resolution.policyDecided();
        if (decided != null) {
            out.add(Output.of(Topics.POLICY_RESULTS, decided.policyKey(), decided));
        }
        DnsResult r = resolution.result();
        out.add(Output.of(Topics.DNS_RESULTS, r.key(), r));
        return out;
    }

    @Override
    public List<Output<?, ?>> onFailure(DomainTask task, Throwable error) {
        DnsResult r = new DnsResult(task.scanId(), task.domain(), task.rank(), DnsOutcome.ERROR, Worker.failureReason(error),
                List.of(), List.of(), clock.instant(), 0);
        return List.of(Output.of(Topics.DNS_RESULTS, r.key(), r));
    }

    @Override
    public String outcome(List<Output<?, ?>> outputs) {
        for (Output<?, ?> o : outputs) {
            if (o.value() instanceof DnsResult r) {
                return r.outcome().key();
            }
        }
        return "none";
    }
}
