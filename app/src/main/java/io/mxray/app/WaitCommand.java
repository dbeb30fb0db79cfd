package io.mxray.app;

import io.mxray.aggregator.Database;
import io.mxray.aggregator.DatabaseOptions;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
    DatabaseOptions db;

    @Option(names = "--scan", paramLabel = "ID", defaultValue = "${env:MXRAY_SCAN}",
            description = "The scan to follow (env MXRAY_SCAN; default: the one started last).")
    String scanId;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_WAIT_TIMEOUT:-P7D}",
            description = "Give up after this long (env MXRAY_WAIT_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        Database database = db.database();
        String id = scanId;
        if (id == null || id.isBlank()) {
            try (Connection c = database.connect()) {
                id = ExportCommand.latestScan(c);
            }
            if (id == null) {
                System.err.println("mxray wait: no scan in the database");
                return 1;
            }
        }
        return follow(database, id, timeout, Progress.forStdout("scan " + id), System.out) ? 0 : 1;
    }

    /** The scan's size as the database knows it: -1 while the list is still being published. */
    record State(boolean exists, long accepted, long finalized) {
        boolean complete() {
            return accepted >= 0 && finalized >= accepted;
        }
    }

    static State state(Database db, String scanId) throws SQLException {
        try (Connection c = db.connect()) {
            return state(c, scanId);
        }
    }

    private static State state(Connection c, String scanId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT CASE WHEN published_at IS NULL THEN -1 ELSE accepted END,
                       (SELECT count(*) FROM domain_result d WHERE d.scan_id = scan.scan_id)
                FROM scan WHERE scan_id = ?""")) {
            s.setString(1, scanId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new State(true, r.getLong(1), r.getLong(2)) : new State(false, -1, 0);
            }
        }
    }

    /**
     * Asks for a scan's state again and again on one connection (a new connection is a new server
     * process for PostgreSQL: polling with a fresh one each time costs the server more than the
     * query); a broken connection is replaced once per poll.
     */
    static final class Poller implements AutoCloseable {
        private final Database db;
        private final String scanId;
        private Connection connection;

        Poller(Database db, String scanId) {
            this.db = db;
            this.scanId = scanId;
        }

        State state() throws SQLException {
            if (connection != null) {
                try {
                    return WaitCommand.state(connection, scanId);
                } catch (SQLException e) {
                    close(); // the server restarted, or the connection broke: one more try on a new one
                }
            }
            connection = db.connect();
            return WaitCommand.state(connection, scanId);
        }

        @Override
        public void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // broken anyway
                }
                connection = null;
            }
        }
    }

    /** @return true when the scan completed before the timeout */
    static boolean follow(Database db, String scanId, Duration timeout, Progress progress, PrintStream out)
            throws SQLException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        boolean announced = false;
        try (Poller poller = new Poller(db, scanId)) {
            while (true) {
                State s = poller.state();
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
