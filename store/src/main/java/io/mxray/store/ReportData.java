package io.mxray.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report of one scan shows, read from the database's views (docs/queries.md) so that the
 * report and SQL always agree. Every value is bound, never part of the SQL text.
 *
 * @param scan source, started, accepted, rejected, duplicates
 * @param previous the scan started before this one, or null
 */
public record ReportData(String scanId, List<String> scan, long finalized, long incomplete,
        List<Share> dnssec, List<Share> starttls, List<Share> certificates, List<Share> dane, List<Share> daneDelivery,
        History history, Rows hallOfFame, Rows undeliverable, Rows partialKeys, Rows expiring, String previous,
        Rows changes, List<Share> mtaSts, Rows stsUndeliverable) {
    /** Rows kept of a list before "and N more". */
    public static final int LIST_LIMIT = 500;

    /**
     * The report's history: per scan of a list, oldest first, the shares of its mail domains with
     * MX DNSSEC secure, STARTTLS on all MX and DANE on all MX, from the running statistics over the
     * mail domains ({@link ResultWriter#MAIL}), a few rows per scan.
     */
    public static final String HISTORY_SQL = """
                SELECT s.scan_id, s.started_at,
                       100.0 * sum(t.domains) FILTER (WHERE t.category = 'mail:mx_dnssec' AND t.value = 'secure')
                         / greatest(sum(t.domains) FILTER (WHERE t.category = 'mail:finalized'), 1),
                       100.0 * sum(t.domains) FILTER (WHERE t.category = 'mail:starttls' AND t.value = 'all')
                         / greatest(sum(t.domains) FILTER (WHERE t.category = 'mail:finalized'), 1),
                       100.0 * sum(t.domains) FILTER (WHERE t.category = 'mail:dane' AND t.value = 'all')
                         / greatest(sum(t.domains) FILTER (WHERE t.category = 'mail:finalized'), 1)
                FROM scan s JOIN scan_stats t ON t.scan_id = s.scan_id AND t.category LIKE 'mail:%'
                WHERE s.kind = 'list'
                GROUP BY s.scan_id, s.started_at
                HAVING sum(t.domains) FILTER (WHERE t.category = 'mail:finalized') > 0
                ORDER BY s.started_at, s.scan_id""";

    /** One bar: a value and how many counted it. */
    public record Share(String label, long count) {
    }

    /** The shares the charts show: per value, how many domains (certificates: MX host addresses). */
    public record Shares(List<Share> dnssec, List<Share> starttls, List<Share> certificates, List<Share> dane,
                         List<Share> daneDelivery, List<Share> mtaSts) {
    }

    /** The first {@link #LIST_LIMIT} rows of a list and how many there were. */
    public record Rows(List<List<String>> rows, int total) {
    }

    /** The main shares over every scan, oldest first: a label (the day) and a percentage per series per scan. */
    public record History(List<String> labels, Map<String, List<Double>> series) {
    }

    /** @throws IllegalArgumentException when there is no such scan */
    public static ReportData load(Connection c, String scanId) throws SQLException {
        List<String> scan = row(c, "SELECT source, started_at, accepted, rejected, duplicates FROM scan WHERE scan_id = ?",
                scanId);
        if (scan == null) {
            throw new IllegalArgumentException("no scan " + scanId);
        }
        long finalized = count(c, "SELECT count(*) FROM domain_result WHERE scan_id = ?", scanId);
        long incomplete = count(c, "SELECT count(*) FROM domain_result WHERE scan_id = ? AND missing_probes IS NOT NULL",
                scanId);
        Shares shares = shares(c, scanId);
        Rows stsUndeliverable = rows(c, "SELECT domain, reason, coalesce(mx_patterns, '') FROM mta_sts_undeliverable "
                + "WHERE scan_id = ? ORDER BY domain", List.of(scanId));
        History history = history(c);
        Rows hallOfFame = rows(c, "SELECT domain, mx_hosts FROM dane_hall_of_fame WHERE scan_id = ? "
                + "ORDER BY rank NULLS LAST, domain", List.of(scanId));
        Rows undeliverable = rows(c, "SELECT domain, reason, coalesce(mx_dnssec_reason, '') FROM dane_undeliverable "
                + "WHERE scan_id = ? ORDER BY domain", List.of(scanId));
        Rows partialKeys = rows(c, "SELECT mx_host, ip, matched, not_matched, domains FROM dane_partial_keys "
                + "WHERE scan_id = ? ORDER BY domains DESC, mx_host, ip", List.of(scanId));
        Rows expiring = rows(c, "SELECT mx_host, ip, not_after, domains FROM certificates_expiring WHERE scan_id = ? "
                + "ORDER BY not_after", List.of(scanId));
        String previous = ScanLists.previous(c, scanId);
        Rows changes = previous == null ? null
                : rows(c, "SELECT domain, property, change FROM ("
                        + "SELECT domain, property, CASE WHEN after THEN 'gained' ELSE 'lost' END AS change "
                        + "FROM scan_diff(?, ?) UNION ALL "
                        + "SELECT domain, 'mta_sts_policy', concat(coalesce(before_mode, 'no policy'), ' ', "
                        + "coalesce(before_id, ''), ' -> ', coalesce(after_mode, 'no policy'), ' ', coalesce(after_id, '')) "
                        + "FROM mta_sts_changes(?, ?)) x ORDER BY domain, property",
                        List.of(previous, scanId, previous, scanId));
        return new ReportData(scanId, scan, finalized, incomplete, shares.dnssec(), shares.starttls(),
                shares.certificates(), shares.dane(), shares.daneDelivery(), history, hallOfFame, undeliverable,
                partialKeys, expiring, previous, changes, shares.mtaSts(), stsUndeliverable);
    }

    /** The scan's shares, as its charts show them. */
    public Shares shares() {
        return new Shares(dnssec, starttls, certificates, dane, daneDelivery, mtaSts);
    }

    /** Only the scan's shares (its charts): what a page of every scan's latest needs. */
    public static Shares shares(Connection c, String scanId) throws SQLException {
        List<Share> dnssec = shares(c, "SELECT mx_dnssec, domains FROM mx_dnssec_share WHERE scan_id = ? "
                + "ORDER BY domains DESC", scanId);
        List<Share> starttls = shares(c, "SELECT starttls, domains FROM starttls_support WHERE scan_id = ? "
                + "ORDER BY domains DESC", scanId);
        List<Share> certificates = shares(c, "SELECT cert_type, addresses FROM certificate_types WHERE scan_id = ? "
                + "ORDER BY addresses DESC", scanId);
        List<Share> dane = shares(c, "SELECT dane, domains FROM dane_coverage WHERE scan_id = ? ORDER BY domains DESC",
                scanId);
        List<Share> daneDelivery = shares(c, "SELECT dane_delivery, count(*) FROM domain_result WHERE scan_id = ? "
                + "AND dane_delivery IS NOT NULL GROUP BY 1 ORDER BY 2 DESC", scanId);
        // MTA-STS per domain: what it publishes, and an enforce policy no MX host satisfies apart
        List<Share> mtaSts = shares(c, """
                SELECT CASE WHEN sts_mode = 'enforce' AND sts_delivery = 'bounce' THEN 'enforce, would bounce'
                            WHEN sts_mode IS NOT NULL THEN sts_mode
                            WHEN sts_policy IS NOT NULL OR mta_sts IN ('malformed', 'multiple') THEN 'record, no policy'
                            ELSE 'no MTA-STS' END, count(*)
                FROM domain_result WHERE scan_id = ? AND sts_delivery IS NOT NULL GROUP BY 1 ORDER BY 2 DESC""",
                scanId);
        return new Shares(dnssec, starttls, certificates, dane, daneDelivery, mtaSts);
    }

    private static History history(Connection c) throws SQLException {
        List<String> labels = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        List<Double> dnssec = new ArrayList<>();
        List<Double> starttls = new ArrayList<>();
        List<Double> dane = new ArrayList<>();
        series.put("MX DNSSEC secure", dnssec);
        series.put("STARTTLS on all MX", starttls);
        series.put("DANE on all MX", dane);
        try (PreparedStatement s = c.prepareStatement(HISTORY_SQL);
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                labels.add(r.getTimestamp(2).toInstant().toString().substring(0, 10));
                dnssec.add(r.getDouble(3));
                starttls.add(r.getDouble(4));
                dane.add(r.getDouble(5));
            }
        }
        return new History(labels, series);
    }

    private static List<Share> shares(Connection c, String sql, String scanId) throws SQLException {
        List<Share> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, scanId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Share(r.getString(1), r.getLong(2)));
                }
            }
        }
        return out;
    }

    /** A query's rows, every column as text; {@code args} are bound in order. */
    private static Rows rows(Connection c, String sql, List<String> args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                s.setString(i + 1, args.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                int columns = r.getMetaData().getColumnCount();
                int n = 0;
                List<List<String>> rows = new ArrayList<>();
                while (r.next()) {
                    n++;
                    if (n > LIST_LIMIT) {
                        continue;
                    }
                    List<String> row = new ArrayList<>(columns);
                    for (int i = 1; i <= columns; i++) {
                        row.add(r.getString(i));
                    }
                    rows.add(row);
                }
                return new Rows(rows, n);
            }
        }
    }

    private static List<String> row(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                List<String> out = new ArrayList<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    out.add(r.getString(i));
                }
                return out;
            }
        }
    }

    private static long count(Connection c, String sql, String arg) throws SQLException {
        return Long.parseLong(row(c, sql, arg).get(0));
    }
}
