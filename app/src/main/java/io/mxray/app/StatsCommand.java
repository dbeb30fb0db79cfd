package io.mxray.app;

import io.mxray.local.ResultsDatabase;
import io.mxray.store.Scans;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The running statistics of a scan, from the table the aggregator rewrites while it runs. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Print the running statistics of a scan (the latest by default): domains final so far and "
                + "counts per category.")
public final class StatsCommand implements Callable<Integer> {
    @Mixin
    ResultsDatabase db;

    @Option(names = "--scan", paramLabel = "ID", defaultValue = "${env:MXRAY_SCAN}",
            description = "The scan (env MXRAY_SCAN; default: the one started last).")
    String scanId;

    @Override
    public Integer call() throws SQLException {
        try (ResultsDatabase.Open open = db.open(); Connection c = open.database().connect()) {
            String id = scanId != null ? scanId : Scans.latestScan(c);
            if (id == null) {
                System.err.println("mxray stats: no scan in the database");
                return 1;
            }
            return print(c, id, System.out) ? 0 : 1;
        }
    }

    /** @return false when the scan does not exist */
    public static boolean print(Connection c, String id, PrintStream out) throws SQLException {
        Scans.Header scan = Scans.header(c, id);
        if (scan == null) {
            System.err.println("mxray stats: no scan " + id);
            return false;
        }
        String previous = null;
        boolean any = false;
        for (Scans.Stat stat : Scans.stats(c, id)) {
            any = true;
            if (stat.category().equals("finalized")) {
                out.printf("scan %s (%s): %,d of %,d domains final (%s), as of %s%n", id, scan.source(), stat.domains(),
                        scan.accepted(), percent(stat.domains(), scan.accepted()), stat.updatedAt());
                continue;
            }
            if (!stat.category().equals(previous)) {
                out.printf("%n%s%n", stat.category().replace('_', ' '));
                previous = stat.category();
            }
            out.printf("  %-28s %,10d%n", stat.value(), stat.domains());
        }
        if (!any) {
            out.printf("scan %s (%s): no domain final yet, %,d accepted%n", id, scan.source(), scan.accepted());
        }
        return true;
    }

    private static String percent(long n, long of) {
        return of == 0 ? "-" : String.format("%.1f%%", 100.0 * n / of);
    }
}
