package io.mxray.bench;

import picocli.CommandLine.Option;

/**
 * How a benchmark of long-running JVMs measures: untimed rounds until the JIT compilers have done
 * their work, then the measured runs, whose medians are reported. Each benchmark sets its own
 * defaults (the fields' initial values).
 */
final class WarmUp {
    @Option(names = "--runs", description = "Measured runs; medians are reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup-rounds",
            description = "Most untimed rounds before the measured ones; they stop once every measured process's JIT "
                    + "compiler threads used less than --warmup-jit of its CPU in one (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-jit",
            description = "Percent of a process's CPU in JIT compiler threads under which it counts as warm "
                    + "(default ${DEFAULT-VALUE}).")
    double jitPercent;

    WarmUp(int runs, int rounds, double jitPercent) {
        this.runs = runs;
        this.rounds = rounds;
        this.jitPercent = jitPercent;
    }

    /** Whether a round whose compiler threads took this share of a process's CPU leaves it warm. */
    boolean warm(double jitPercentOfRound) {
        return jitPercentOfRound < jitPercent;
    }
}
