package io.mxray.runtime;

import picocli.CommandLine.Option;

/** The Kafka options every process shares; each flag has one environment variable. */
public final class KafkaOptions {
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

    public void ensureTopics() {
        TopicSetup.ensure(bootstrap, partitions, replication);
    }
}
