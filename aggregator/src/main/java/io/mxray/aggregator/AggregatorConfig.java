package io.mxray.aggregator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the aggregator topology.
 *
 * @param partitions partitions of the topology's repartition topics: must equal those of the
 *                   input topics, so that a probe's verdict and its subscriptions meet
 * @param clock      stamps finalized domains
 * @param probeWait  how long a domain waits for its probe results once its DNS result is in; then it
 *                   is finalized as incomplete, naming the probes that are missing
 * @param sweepEvery how often waiting domains are checked against {@code probeWait}
 */
public record AggregatorConfig(int partitions, Clock clock, Duration probeWait, Duration sweepEvery) {
    public static final Duration DEFAULT_PROBE_WAIT = Duration.ofHours(1);

    public AggregatorConfig(int partitions, Clock clock) {
        this(partitions, clock, DEFAULT_PROBE_WAIT, Duration.ofSeconds(10));
    }

    public AggregatorConfig {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive");
        }
        Objects.requireNonNull(clock, "clock");
        if (probeWait == null || probeWait.isNegative() || probeWait.isZero() || sweepEvery == null
                || sweepEvery.isNegative() || sweepEvery.isZero()) {
            throw new IllegalArgumentException("probeWait and sweepEvery must be positive");
        }
    }
}
