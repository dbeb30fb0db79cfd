package io.mxray.runtime;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The Kafka options every process shares; each flag has one environment variable. */
public final class KafkaOptions {
    /** Kafka's own default: how long a silent member keeps its partitions. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

    @Option(names = "--kafka", paramLabel = "HOST:PORT", defaultValue = "${env:MXRAY_KAFKA:-localhost:9092}",
            description = "Kafka bootstrap servers (env MXRAY_KAFKA, default ${DEFAULT-VALUE}).")
    public String bootstrap;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "${env:MXRAY_PARTITIONS:-6}",
            description = "Partitions of every mxray topic when it is created; caps the instances per stage "
                    + "(env MXRAY_PARTITIONS, default ${DEFAULT-VALUE}).")
    public int partitions;

    @Option(names = "--replication", paramLabel = "N", defaultValue = "${env:MXRAY_REPLICATION:-1}",
            description = "Replication factor of topics mxray creates (env MXRAY_REPLICATION, default ${DEFAULT-VALUE}).")
    public short replication;

    @Option(names = "--session-timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_SESSION_TIMEOUT:-PT45S}",
            description = "How long the group waits for a crashed instance before its partitions go to the others; "
                    + "between the broker's group.min/max.session.timeout.ms (6 s and 30 min by default) "
                    + "(env MXRAY_SESSION_TIMEOUT, default ${DEFAULT-VALUE}).")
    public Duration sessionTimeout;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "${env:MXRAY_METRICS_PORT:-0}",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics; 0 serves none "
                    + "(env MXRAY_METRICS_PORT, default ${DEFAULT-VALUE}; the container images use 9400).")
    public int metricsPort;

    /** Starts the metrics server if a port is given; closing it stops the server. */
    public AutoCloseable serveMetrics() {
        return Metrics.serve(metricsPort);
    }

    public void ensureTopics() {
        TopicSetup.ensure(bootstrap, partitions, replication);
    }
}
