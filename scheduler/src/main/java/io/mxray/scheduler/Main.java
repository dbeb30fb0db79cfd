package io.mxray.scheduler;

import io.mxray.runtime.KafkaOptions;
import io.mxray.runtime.KafkaPublisher;
import io.mxray.runtime.OptOut;
import java.io.Reader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The scheduler as a process: read a list, publish a scan, print its id and counts. */
@Command(name = "scheduler", mixinStandardHelpOptions = true,
        description = "Read a domain list (plain or rank,domain CSV; - for stdin), create a scan run and publish it.")
public final class Main implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "LIST", description = "The domain list.")
    String list;

    @Option(names = "--source", paramLabel = "TEXT", defaultValue = "${env:MXRAY_SOURCE}",
            description = "What the list is, stored with the scan (env MXRAY_SOURCE; default: its file name).")
    String source;

    @Option(names = "--opt-out", paramLabel = "FILE", defaultValue = "${env:MXRAY_OPT_OUT}",
            description = "Networks and domains never contacted (the SMTP workers' list): listed domains are not "
                    + "scanned but recorded as rejected, reason opted-out (env MXRAY_OPT_OUT).")
    Path optOut;

    @Override
    public Integer call() throws Exception {
        OptOut optOutList = optOut == null ? OptOut.NONE
                : OptOut.read(optOut);
        kafka.ensureTopics();
        ScanSummary summary;
        try (AutoCloseable metrics = kafka.serveMetrics();
             KafkaPublisher publisher = new KafkaPublisher(kafka.bootstrap, "mxray-scheduler");
             Reader in = DomainListReader.open(list)) {
            summary = new Scheduler(Clock.systemUTC(), optOutList).schedule(in, source != null ? source : list,
                    publisher);
        }
        summary.print(System.out);
        return 0;
    }
}
