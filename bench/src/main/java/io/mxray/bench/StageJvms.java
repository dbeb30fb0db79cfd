package io.mxray.bench;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The JVM options of the stage processes a benchmark starts (the defaults: the fields' initial values). */
final class StageJvms {
    @Option(names = "--worker-heap", description = "-Xmx of each stage process (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--stage-jvm-option", paramLabel = "OPTION",
            description = "A further JVM option of every stage process and of a scheduler process (repeatable), "
                    + "e.g. -XX:+UseParallelGC.")
    List<String> options = new ArrayList<>();

    StageJvms(String heap) {
        this.heap = heap;
    }

    /** The heap and the further options, for {@code LocalCluster.Settings}. */
    List<String> jvmOptions() {
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
        jvm.addAll(options);
        return jvm;
    }
}
