package io.mxray.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the commands ask the database about scans: which exist, how far one is, its running statistics. */
public final class Scans {
    private Scans() {
    }

    public static boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM scan WHERE scan_id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** @return null when there is no scan of a list, or no schema yet (the aggregator creates it when it starts) */
    public static String latestScan(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT scan_id FROM scan WHERE kind = 'list' ORDER BY started_at DESC, scan_id DESC LIMIT 1");
             ResultSet r = s.executeQuery()) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            if (noSchemaYet(e)) {
                return null;
            }
            throw e;
        }
    }

    /**
     * True when a query failed because the schema is not there yet, or only in part: a follower
     * started beside a fresh deployment asks before the aggregator's migrations have run.
     */
    static boolean noSchemaYet(SQLException e) {
        return UNDEFINED_TABLE.equals(e.getSQLState()) || UNDEFINED_COLUMN.equals(e.getSQLState());
    }

    private static final String UNDEFINED_TABLE = "42P01";
    private static final String UNDEFINED_COLUMN = "42703";

    /** The scan's size as the database knows it: -1 while the list is still being published. */
    public record State(boolean exists, long accepted, long finalized) {
        public boolean complete() {
            return accepted >= 0 && finalized >= accepted;
        }
    }

    public static State state(Database db, String scanId) throws SQLException {
        try (Connection c = db.connect()) {
            return state(c, scanId);
        }
    }

    /**
     * The domains final so far come from the running statistics ({@code scan_stats}, "finalized"),
     * which the writer of the domain rows updates in the same transaction: one row read, where a
     * count of the scan's rows costs the server more the larger the scan (followers poll every
     * 100 to 500 ms for the whole of it).
     */
    private static State state(Connection c, String scanId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT CASE WHEN published_at IS NULL THEN -1 ELSE accepted END, coalesce(f.domains, 0)
                FROM scan LEFT JOIN scan_stats f
                  ON f.scan_id = scan.scan_id AND f.category = 'finalized' AND f.value = ''
                WHERE scan.scan_id = ?""")) {
            s.setString(1, scanId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new State(true, r.getLong(1), r.getLong(2)) : new State(false, -1, 0);
            }
        } catch (SQLException e) {
            if (noSchemaYet(e)) {
                return new State(false, -1, 0);
            }
            throw e;
        }
    }

    /**
     * Asks for a scan's state again and again on one connection (a new connection is a new server
     * process for PostgreSQL: polling with a fresh one each time costs the server more than the
     * query); a broken connection is replaced once per poll.
     */
    public static final class Poller implements AutoCloseable {
        private final Database db;
        private final String scanId;
        private Connection connection;

        public Poller(Database db, String scanId) {
            this.db = db;
            this.scanId = scanId;
        }

        public State state() throws SQLException {
            if (connection != null) {
                try {
                    return Scans.state(connection, scanId);
                } catch (SQLException e) {
                    close(); // the server restarted, or the connection broke: one more try on a new one
                }
            }
            connection = db.connect();
            return Scans.state(connection, scanId);
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

    /** A scan's row: the list it read and how many domains it accepted. */
    public record Header(String source, long accepted) {
    }

    /** One line of the running statistics ({@code category} "finalized" is the count of final domains). */
    public record Stat(String category, String value, long domains, Instant updatedAt) {
    }

    /** @return null when there is no such scan */
    public static Header header(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT accepted, source FROM scan WHERE scan_id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new Header(r.getString(2), r.getLong(1)) : null;
            }
        }
    }

    /**
     * The scan's statistics, "finalized" first, then per category by count; not those counted over
     * the mail domains alone ({@code mail:}), which the report's history reads.
     */
    public static List<Stat> stats(Connection c, String id) throws SQLException {
        List<Stat> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT category, value, domains, updated_at FROM scan_stats WHERE scan_id = ? AND category NOT LIKE 'mail:%'
                ORDER BY category = 'finalized' DESC, category, domains DESC, value""")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Stat(r.getString(1), r.getString(2), r.getLong(3), r.getTimestamp(4).toInstant()));
                }
            }
        }
        return out;
    }

    /** A scan as a list of scans shows it: the domains final so far from its running statistics. */
    public record Summary(String id, String source, Instant startedAt, long accepted, long finalized) {
    }

    /** One scan as a list of scans shows it (of any kind), or null. */
    public static Summary summary(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT s.scan_id, s.source, s.started_at, coalesce(s.accepted, 0), coalesce(f.domains, 0)
                FROM scan s LEFT JOIN scan_stats f ON f.scan_id = s.scan_id AND f.category = 'finalized'
                WHERE s.scan_id = ?""")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new Summary(r.getString(1), r.getString(2), r.getTimestamp(3).toInstant(),
                        r.getLong(4), r.getLong(5)) : null;
            }
        }
    }

    /** The {@code limit} scans of lists started last, newest first. */
    public static List<Summary> recent(Connection c, int limit) throws SQLException {
        List<Summary> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT s.scan_id, s.source, s.started_at, coalesce(s.accepted, 0), coalesce(f.domains, 0)
                FROM scan s LEFT JOIN scan_stats f ON f.scan_id = s.scan_id AND f.category = 'finalized'
                WHERE s.kind = 'list' ORDER BY s.started_at DESC, s.scan_id DESC LIMIT ?""")) {
            s.setInt(1, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Summary(r.getString(1), r.getString(2), r.getTimestamp(3).toInstant(), r.getLong(4),
                            r.getLong(5)));
                }
            }
        }
        return out;
    }

    /** A scan as prune sees it. */
    public record Listed(String id, Instant startedAt, String source) {
    }

    /**
     * The scans to drop: all but the {@code keep} started last of each kind (lists, checks kept from
     * the web; null: no such limit) and every one
     * started before {@code before} (null: no such limit); a scan goes when either rule drops it.
     * Oldest first.
     */
    public static List<Listed> toPrune(Connection c, Integer keep, Instant before) throws SQLException {
        List<Listed> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT scan_id, started_at, source FROM (
                    SELECT scan_id, started_at, source,
                           row_number() OVER (PARTITION BY kind ORDER BY started_at DESC, scan_id DESC) AS newest
                    FROM scan) s
                WHERE (?::bigint IS NOT NULL AND newest > ?::bigint) OR started_at < ?::timestamptz
                ORDER BY started_at, scan_id""")) {
            if (keep == null) {
                s.setNull(1, Types.BIGINT);
                s.setNull(2, Types.BIGINT);
            } else {
                s.setLong(1, keep);
                s.setLong(2, keep);
            }
            s.setTimestamp(3, before == null ? null : Timestamp.from(before));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Listed(r.getString(1), r.getTimestamp(2).toInstant(), r.getString(3)));
                }
            }
        }
        return out;
    }

    /**
     * Drops a scan: its partition of every result table (a catalog change, however many rows it
     * held), its statistics and its row. Certificates, shared by every scan, stay.
     *
     * @return the partitions dropped
     */
    public static int drop(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT drop_scan(?)")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
