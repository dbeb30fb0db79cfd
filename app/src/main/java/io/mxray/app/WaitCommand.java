package io.mxray.app;

import io.mxray.local.ResultsDatabase;
import io.mxray.store.Database;
import io.mxray.store.Scans;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Follows a scan run by separate processes until every accepted domain has its final row, from
 * the database alone: the scan's row gives the number of accepted domains once the scheduler has
 * published the whole list, domain_result the number final.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = "Follow a scan (the latest by default) with a progress bar until every accepted domain is "
                + "final. Exit status 0 when complete, 1 when --timeout passed first.")
final class WaitCommand implements Callable<Integer> {
    @Mixin
    ResultsDatabase db;

    @Option(names = "--scan", paramLabel = "ID", defaultValue = "${env:MXRAY_SCAN}",
            description = "The scan to follow (env MXRAY_SCAN; default: the one started last).")
    String scanId;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_WAIT_TIMEOUT:-P7D}",
            description = "Give up after this long (env MXRAY_WAIT_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        try (ResultsDatabase.Open open = db.open()) {
            Database database = open.database();
            String id = scanId;
            if (id == null || id.isBlank()) {
                try (Connection c = database.connect()) {
                    id = Scans.latestScan(c);
                }
                if (id == null) {
                    System.err.println("mxray wait: no scan in the database");
                    return 1;
                }
            }
            return follow(database, id, timeout, Progress.forStdout("scan " + id), System.out) ? 0 : 1;
        }
    }

    /** @return true when the scan completed before the timeout */
    static boolean follow(Database db, String scanId, Duration timeout, Progress progress, PrintStream out)
            throws SQLException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        boolean announced = false;
        try (Scans.Poller poller = new Scans.Poller(db, scanId)) {
            while (true) {
                Scans.State s = poller.state();
                if (!s.exists() && !announced) {
                    out.printf("scan %s: not in the database yet (is the aggregator running?)%n", scanId);
                    announced = true;
                }
                if (s.exists()) {
                    progress.update(s.finalized(), s.accepted());
                }
                if (s.complete()) {
                    progress.finish();
                    out.printf("scan %s complete: %,d domains final (followed for %.1f s)%n", scanId, s.finalized(),
                            (System.nanoTime() - start) / 1e9);
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    progress.finish();
                    out.printf("scan %s not complete after %s: %,d of %s domains final%n", scanId, timeout, s.finalized(),
                            s.accepted() < 0 ? "?" : String.format("%,d", s.accepted()));
                    return false;
                }
                Thread.sleep(500);
            }
        }
    }
}
