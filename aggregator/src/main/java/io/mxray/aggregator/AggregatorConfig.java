package io.mxray.aggregator;

import java.time.Clock;
import java.util.Objects;

/**
 * Settings of the aggregator topology.
 *
 * @param partitions partitions of the topology's repartition topics: must equal those of the
 *                   input topics, so that a probe's verdict and its subscriptions meet
 * @param clock      stamps finalized domains
 */
public record AggregatorConfig(int partitions, Clock clock) {
    public AggregatorConfig {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive");
        }
        Objects.requireNonNull(clock, "clock");
    }
}
