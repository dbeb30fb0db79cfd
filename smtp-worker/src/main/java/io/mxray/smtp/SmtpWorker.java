package io.mxray.smtp;

import io.mxray.runtime.Output;
import io.mxray.runtime.SeenPerScan;
import io.mxray.runtime.Topics;
import io.mxray.runtime.Worker;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.Timings;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SMTP stage as the Kafka adapter runs it. Probe requests are keyed by the address to probe,
 * so every request for one address (all its names, all its scans) reaches the same instance: its
 * limiter holds the per-address politeness across the whole deployment, and it probes the first
 * request of a (scan, IP, port, name) and answers repeats with nothing (the first result is on the
 * results topic and the aggregator joins by probe key), counting them.
 */
public final class SmtpWorker implements Worker<ProbeRequest> {
    private final SmtpStage stage;
    private final Clock clock;
    private final AtomicLong repeats = new AtomicLong();
    private final SeenPerScan probed = new SeenPerScan(8);

    public SmtpWorker(SmtpStage stage, Clock clock) {
        this.stage = stage;
        this.clock = clock;
    }

    @Override
    public CompletionStage<List<Output<?, ?>>> handle(ProbeRequest request) {
        if (!probed.firstTime(request.scanId(), request.probeKey())) {
            repeats.incrementAndGet();
            return CompletableFuture.completedFuture(List.of());
        }
        return stage.probe(request).thenApply(r -> List.of(Output.of(Topics.SMTP_RESULTS, r.probeKey(), r)));
    }

    @Override
    public List<Output<?, ?>> onFailure(ProbeRequest request, Throwable error) {
        ProbeResult r = new ProbeResult(request.scanId(), request.probeKey(), request.ip(), request.port(),
                request.mxHost(), ProbeOutcome.NETWORK_ERROR, Worker.failureReason(error), null, null, "internal-error",
                null, List.of(), List.of(), null, new Timings(null, null, null, null, null, 0), clock.instant());
        return List.of(Output.of(Topics.SMTP_RESULTS, r.probeKey(), r));
    }

    public long repeats() {
        return repeats.get();
    }

    @Override
    public String outcome(List<Output<?, ?>> outputs) {
        for (Output<?, ?> o : outputs) {
            if (o.value() instanceof ProbeResult r) {
                return r.outcome().key();
            }
        }
        return "none";
    }
}
