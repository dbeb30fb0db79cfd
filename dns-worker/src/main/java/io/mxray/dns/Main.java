package io.mxray.dns;

import io.mxray.runtime.KafkaOptions;
import io.mxray.runtime.StageProcess;
import io.mxray.runtime.StageRunner;
import io.mxray.runtime.Topics;
import io.mxray.schema.DomainTask;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The DNS stage as a process: consume domains, publish DNS results and probes. */
@Command(name = "dns-worker", mixinStandardHelpOptions = true,
        description = "Resolve MX hosts and their addresses for every domain of a scan.")
public final class Main implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    public DnsOptions dns;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "${env:MXRAY_DNS_BATCH:-" + DnsConfig.BATCH + "}",
            description = "Domains worked on at once; beyond that the worker stops fetching (env MXRAY_DNS_BATCH, default ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        kafka.ensureTopics();
        DnsConfig config = dns.config();
        Resolvers resolvers = Resolvers.create(config, Clock.systemUTC());
        DnsStage stage = resolvers.stage(config, Clock.systemUTC());
        DnsMetrics.watch(stage, resolvers.direct(), resolvers.health());
        // a resolver that fails its check leaves the worker paused (logged), not stopped: it resumes
        // when the resolver passes again, and no domain is answered through it meanwhile
        resolvers.health().verify().join();
        DnsWorker worker = new DnsWorker(stage, resolvers.health(), Clock.systemUTC());
        StageRunner<DomainTask> runner = StageRunner.create("dns-worker", Topics.DOMAINS, worker, kafka.bootstrap,
                "mxray-dns-worker", batch, config.itemTime(), kafka.sessionTimeout);
        return StageProcess.run(runner, resolvers, kafka.serveMetrics());
    }
}
