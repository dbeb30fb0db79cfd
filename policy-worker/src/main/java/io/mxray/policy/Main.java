package io.mxray.policy;

import io.mxray.runtime.FastEc;
import io.mxray.runtime.KafkaOptions;
import io.mxray.runtime.StageProcess;
import io.mxray.runtime.StageRunner;
import io.mxray.runtime.Topics;
import io.mxray.schema.PolicyRequest;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The MTA-STS stage as a process: consume policy requests, publish policy results. */
@Command(name = "policy-worker", mixinStandardHelpOptions = true,
        description = "Fetch MTA-STS policies over HTTPS as a sending MTA does (RFC 8461).")
public final class Main implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    PolicyOptions policy;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "${env:MXRAY_POLICY_BATCH:-" + PolicyConfig.BATCH + "}",
            description = "Fetches worked on at once; beyond that the worker stops fetching (env MXRAY_POLICY_BATCH, "
                    + "default ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        FastEc.install(); // before the first TLS context: the HTTPS handshakes' elliptic curves from BoringSSL
        kafka.ensureTopics();
        PolicyConfig config = policy.config();
        PolicyFetcher fetcher = new PolicyFetcher(config, policy.judge(Clock.systemUTC()), Clock.systemUTC());
        StageRunner<PolicyRequest> runner = StageRunner.create("policy-worker", Topics.POLICIES,
                new PolicyWorker(fetcher, Clock.systemUTC()), kafka.bootstrap, "mxray-policy-worker", batch,
                config.itemTime(), kafka.sessionTimeout);
        return StageProcess.run(runner, fetcher, kafka.serveMetrics());
    }
}
