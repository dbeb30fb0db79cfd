package io.mxray.bench;

import picocli.CommandLine.Command;

/** Benchmarks: each runs against the lab and ends with one RESULT line (see SPEC "Benchmarks"). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks against the lab; each prints figures and ends with a RESULT line.",
        subcommands = {LabBench.class, DnsBench.class, SmtpBench.class, AggregatorBench.class, E2eBench.class, DbBench.class, WebBench.class, CheckBench.class,
                HostileBench.class, KeyTrapBench.class, SchedulerBench.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
