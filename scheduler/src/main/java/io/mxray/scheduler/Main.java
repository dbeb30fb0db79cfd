package io.mxray.scheduler;

import io.mxray.runtime.Jvm;
import io.mxray.runtime.KafkaOptions;
import io.mxray.runtime.KafkaPublisher;
import io.mxray.runtime.OptOut;
import io.mxray.schema.RejectedLine;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

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
             Reader in = open(list)) {
            summary = new Scheduler(Clock.systemUTC(), optOutList).schedule(in, source != null ? source : list,
                    publisher);
        }
        print(summary, System.out);
        return 0;
    }

    public static Reader open(String list) throws IOException {
        InputStream in = "-".equals(list) ? System.in : Files.newInputStream(Path.of(list));
        // malformed UTF-8 becomes U+FFFD, which the name check then rejects with a reason
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    public static void print(ScanSummary s, PrintStream out) {
        var c = s.counts();
        out.printf("scan %s: %d lines, %d domains accepted, %d rejected, %d duplicates, %d blank or comment%n",
                s.scanId(), c.lines(), c.accepted(), c.rejected(), c.duplicates(), c.ignored());
        for (RejectedLine r : s.rejected()) {
            out.printf("  line %d rejected (%s): %s -- %s%n", r.lineNo(), r.reason(), abbreviate(r.line()), r.detail());
        }
        long shown = s.rejected().size();
        if (c.rejected() + c.duplicates() > shown) {
            out.printf("  ... and %d more (all are stored with the scan)%n", c.rejected() + c.duplicates() - shown);
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }

    public static void main(String[] args) {
        Jvm.prepare();
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
