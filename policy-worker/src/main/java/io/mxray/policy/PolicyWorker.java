package io.mxray.policy;

import io.mxray.runtime.Output;
import io.mxray.runtime.SeenPerScan;
import io.mxray.runtime.Topics;
import io.mxray.runtime.Worker;
import io.mxray.schema.PolicyReason;
import io.mxray.schema.PolicyRequest;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.PolicyStatus;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The policy stage on Kafka: one fetch per policy key and scan, its result keyed by policy key. */
public final class PolicyWorker implements Worker<PolicyRequest> {
    private final PolicyFetcher fetcher;
    private final Clock clock;
    private final SeenPerScan fetched = new SeenPerScan(8);

    public PolicyWorker(PolicyFetcher fetcher, Clock clock) {
        this.fetcher = fetcher;
        this.clock = clock;
    }

    @Override
    public CompletionStage<List<Output<?, ?>>> handle(PolicyRequest request) {
        if (!fetched.firstTime(request.scanId(), request.policyKey())) {
            return CompletableFuture.completedFuture(List.of());
        }
        return fetcher.fetch(request).thenApply(r -> List.of(Output.of(Topics.POLICY_RESULTS, r.policyKey(), r)));
    }

    @Override
    public List<Output<?, ?>> onFailure(PolicyRequest request, Throwable error) {
        PolicyResult r = new PolicyResult(request.scanId(), request.policyKey(), request.domain(), request.host(),
                request.policyId(), PolicyStatus.FAILED,
                new PolicyReason(PolicyReason.Key.INTERNAL_ERROR, Worker.failureReason(error)), null, null, null, null,
                null, null, null, 0, clock.instant(), 0);
        return List.of(Output.of(Topics.POLICY_RESULTS, r.policyKey(), r));
    }

    @Override
    public String outcome(List<Output<?, ?>> outputs) {
        for (Output<?, ?> o : outputs) {
            if (o.value() instanceof PolicyResult r) {
                return r.status().key();
            }
        }
        return "none";
    }
}
