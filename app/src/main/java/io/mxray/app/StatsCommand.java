package io.mxray.app;

import io.mxray.aggregator.Database;
import io.mxray.aggregator.DatabaseOptions;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The running statistics of a scan, from the table the aggregator rewrites while it runs. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Print the running statistics of a scan (the latest by default): domains final so far and "
                + "counts per category.")
final class StatsCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Option(names = "--scan", paramLabel = "ID", defaultValue = "${env:MXRAY_SCAN}",
            description = "The scan (env MXRAY_SCAN; default: the one started last).")
    String scanId;

    @Override
    public Integer call() throws SQLException {
        Database database = db.database();
        try (Connection c = database.connect()) {
            String id = scanId != null ? scanId : ExportCommand.latestScan(c);
            if (id == null) {
                System.err.println("mxray stats: no scan in the database");
                return 1;
            }
            return print(c, id, System.out) ? 0 : 1;
        }
    }

    /** @return false when the scan does not exist */
    static boolean print(Connection c, String id, PrintStream out) throws SQLException {
        long accepted;
        String source;
        try (PreparedStatement s = c.prepareStatement("SELECT accepted, source FROM scan WHERE scan_id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    System.err.println("mxray stats: no scan " + id);
                    return false;
                }
                accepted = r.getLong(1);
                source = r.getString(2);
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT category, value, domains, updated_at FROM scan_stats WHERE scan_id = ?
                ORDER BY category = 'finalized' DESC, category, domains DESC, value""")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                String previous = null;
                boolean any = false;
                while (r.next()) {
                    any = true;
                    String category = r.getString(1);
                    long n = r.getLong(3);
                    if (category.equals("finalized")) {
                        out.printf("scan %s (%s): %,d of %,d domains final (%s), as of %s%n", id, source, n, accepted,
                                percent(n, accepted), r.getTimestamp(4).toInstant());
                        continue;
                    }
                    if (!category.equals(previous)) {
                        out.printf("%n%s%n", category.replace('_', ' '));
                        previous = category;
                    }
                    out.printf("  %-28s %,10d%n", r.getString(2), n);
                }
                if (!any) {
                    out.printf("scan %s (%s): no domain final yet, %,d accepted%n", id, source, accepted);
                }
            }
        }
        return true;
    }

    private static String percent(long n, long of) {
        return of == 0 ? "-" : String.format("%.1f%%", 100.0 * n / of);
    }
}
