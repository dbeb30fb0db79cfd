package io.mxray.aggregator;

import io.mxray.runtime.KafkaOptions;
import io.mxray.runtime.StageProcess;
import io.mxray.store.DatabaseOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The aggregator as a process: the Streams topology and the PostgreSQL sink until SIGTERM. */
@Command(name = "aggregator", mixinStandardHelpOptions = true,
        description = "Join DNS and probe results per domain and write every result into PostgreSQL.")
public final class Main implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    DatabaseOptions db;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:MXRAY_STATE_DIR:-./mxray-state}",
            description = "Local state of the Streams topology (env MXRAY_STATE_DIR, default ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--probe-wait", paramLabel = "DURATION", defaultValue = "${env:MXRAY_PROBE_WAIT:-" + AggregatorConfig.PROBE_WAIT + "}",
            description = "How long a domain waits for its probe results after its DNS result; then it is finalized "
                    + "as incomplete, naming the missing probes (env MXRAY_PROBE_WAIT, default ${DEFAULT-VALUE}).")
    Duration probeWait;

    @Option(names = "--commit-interval", paramLabel = "DURATION", defaultValue = "${env:MXRAY_COMMIT_INTERVAL:-" + Aggregator.COMMIT_INTERVAL + "}",
            description = "How often the topology commits its exactly-once transaction: results reach the database at "
                    + "this pace, and each commit costs the broker a transaction "
                    + "(env MXRAY_COMMIT_INTERVAL, default ${DEFAULT-VALUE}).")
    Duration commitInterval;

    @Override
    public Integer call() {
        kafka.ensureTopics();
        AutoCloseable metrics = kafka.serveMetrics();
        Aggregator aggregator = Aggregator.start(kafka.bootstrap, db.database(), new AggregatorConfig(
                Clock.systemUTC(), probeWait), stateDir, commitInterval);
        LoggerFactory.getLogger(Main.class).info("aggregator: state in {}", stateDir);
        // on SIGTERM: the sink finishes its batch and commits, then the topology leaves its group
        return StageProcess.run(aggregator, aggregator, metrics);
    }
}
