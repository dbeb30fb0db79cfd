package io.mxray.app;

import io.mxray.local.Pipeline;
import io.mxray.scheduler.ScanSummary;
import io.mxray.store.Database;
import io.mxray.store.ScanResults;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** Publishes one list into a running pipeline and follows it until every domain is final. */
public final class ScanRun {
    /** What happened, as measured. */
    public record Outcome(ScanSummary summary, long finalized, Duration elapsed, List<ScanResults.HostRow> rows) {
        public boolean complete() {
            return finalized >= summary.counts().accepted();
        }

        public double domainsPerSecond() {
            double s = Math.max(elapsed.toMillis(), 1) / 1000.0;
            return finalized / s;
        }
    }

    private ScanRun() {
    }

    public static Outcome run(Pipeline pipeline, Database db, Reader list, String source, Duration timeout, PrintStream out)
            throws IOException, SQLException, InterruptedException {
        long start = System.nanoTime();
        ScanSummary summary = pipeline.schedule(list, source);
        summary.print(out);
        long accepted = summary.counts().accepted();
        Progress progress = new Progress(out, out == System.out && System.console() != null, Duration.ofSeconds(2),
                "  scan");
        long done;
        try {
            done = ScanResults.await(db, summary.scanId(), accepted, timeout, n -> progress.update(n, accepted),
                    pipeline::checkHealthy);
        } finally {
            progress.finish();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        List<ScanResults.HostRow> rows = ScanResults.rows(db, summary.scanId());
        return new Outcome(summary, done, elapsed, rows);
    }
}
