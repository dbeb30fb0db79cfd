package io.mxray.aggregator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the aggregator topology.
 *
 * @param clock      stamps finalized domains
 * @param probeWait  how long a domain waits for its probe results once its DNS result is in; then it
 *                   is finalized as incomplete, naming the probes that are missing
 * @param sweepEvery how often waiting domains are checked against {@code probeWait}
 */
public record AggregatorConfig(Clock clock, Duration probeWait, Duration sweepEvery) {
    /** The defaults, as the options' default values read them. */
    public static final String PROBE_WAIT = "PT1H";
    public static final Duration SWEEP_EVERY = Duration.ofSeconds(10);

    public AggregatorConfig(Clock clock) {
        this(clock, Duration.parse(PROBE_WAIT), SWEEP_EVERY);
    }

    public AggregatorConfig(Clock clock, Duration probeWait) {
        this(clock, probeWait, SWEEP_EVERY);
    }

    public AggregatorConfig {
        Objects.requireNonNull(clock, "clock");
        if (probeWait == null || probeWait.isNegative() || probeWait.isZero() || sweepEvery == null
                || sweepEvery.isNegative() || sweepEvery.isZero()) {
            throw new IllegalArgumentException("probeWait and sweepEvery must be positive");
        }
    }
}
