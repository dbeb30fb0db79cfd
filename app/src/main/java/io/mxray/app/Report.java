package io.mxray.app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of one scan as a single self-contained HTML file: inline CSS and SVG charts, no
 * script, nothing fetched, so it can be mailed, archived and opened anywhere. Everything comes
 * from the database's views (docs/queries.md), so the report and SQL always agree.
 */
final class Report {
    /** Rows listed in a table before "and N more". */
    static final int LIST_LIMIT = 500;

    private Report() {
    }

    static String html(Connection c, String scanId) throws SQLException {
        List<String> scan = row(c, "SELECT source, started_at, accepted, rejected, duplicates FROM scan WHERE scan_id = ?",
                scanId);
        if (scan == null) {
            throw new IllegalArgumentException("no scan " + scanId);
        }
        long finalized = count(c, "SELECT count(*) FROM domain_result WHERE scan_id = ?", scanId);
        long incomplete = count(c, "SELECT count(*) FROM domain_result WHERE scan_id = ? AND missing_probes IS NOT NULL",
                scanId);
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>mxray report %s</title>
                <style>
                body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #212529; }
                h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #dee2e6; }
                .facts td { padding: 2px 12px 2px 0; } .charts { display: flex; flex-wrap: wrap; gap: 24px; }
                .chart-title { font-weight: 600; font-size: 14px; } .label, .value { font-size: 12px; fill: #343a40; }
                .grid { stroke: #dee2e6; } table.list { border-collapse: collapse; }
                table.list td, table.list th { border-bottom: 1px solid #e9ecef; padding: 3px 10px 3px 0; text-align: left; }
                .muted { color: #868e96; }
                </style></head><body>
                """.formatted(Html.escape(scanId)));
        h.append("<h1>mxray: how mail is protected in transit</h1>");
        h.append("<table class=\"facts\">");
        fact(h, "scan", scanId);
        fact(h, "list", scan.get(0));
        fact(h, "started", scan.get(1));
        fact(h, "domains", String.format("%s accepted, %s final%s, %s rejected, %s duplicates", scan.get(2), finalized,
                incomplete > 0 ? " (" + incomplete + " incomplete: a probe never answered)" : "", scan.get(3),
                scan.get(4)));
        h.append("</table>");

        h.append("<h2>Shares</h2><div class=\"charts\">");
        h.append(Svg.bars("chart-dnssec", "DNSSEC of the MX answer (domains with MX)",
                bars(c, "SELECT mx_dnssec, domains FROM mx_dnssec_share WHERE scan_id = ? ORDER BY domains DESC", scanId)));
        h.append(Svg.bars("chart-starttls", "STARTTLS on the MX hosts (domains)",
                bars(c, "SELECT starttls, domains FROM starttls_support WHERE scan_id = ? ORDER BY domains DESC", scanId)));
        h.append(Svg.bars("chart-certificates", "Certificate types (MX host addresses)",
                bars(c, "SELECT cert_type, addresses FROM certificate_types WHERE scan_id = ? ORDER BY addresses DESC",
                        scanId)));
        h.append(Svg.bars("chart-dane", "DANE on the MX hosts (domains)",
                bars(c, "SELECT dane, domains FROM dane_coverage WHERE scan_id = ? ORDER BY domains DESC", scanId)));
        h.append(Svg.bars("chart-dane-delivery", "A DANE-enforcing sender would (domains)",
                bars(c, "SELECT dane_delivery, count(*) FROM domain_result WHERE scan_id = ? AND dane_delivery IS NOT NULL "
                        + "GROUP BY 1 ORDER BY 2 DESC", scanId)));
        h.append("</div>");

        history(c, h);

        h.append("<h2>DANE hall of fame</h2><p class=\"muted\">Every MX host address DANE-verified.</p>");
        table(h, c, "SELECT domain, mx_hosts FROM dane_hall_of_fame WHERE scan_id = ? ORDER BY rank NULLS LAST, domain",
                scanId, List.of("domain", "MX hosts"));

        h.append("<h2>Domains that lose mail from a DANE-enforcing sender</h2>"
                + "<p class=\"muted\">It defers the mail (RFC 7672): the reason names what failed.</p>");
        table(h, c, "SELECT domain, reason, coalesce(mx_dnssec_reason, '') FROM dane_undeliverable WHERE scan_id = ? "
                + "ORDER BY domain", scanId, List.of("domain", "reason", "DNSSEC reason"));

        h.append("<h2>Dual-key servers whose TLSA covers only some keys</h2>"
                + "<p class=\"muted\">The server presents the key a sender's signature algorithms ask for: DANE "
                + "senders that get a key no record matches do not deliver.</p>");
        table(h, c, "SELECT mx_host, ip, matched, not_matched, domains FROM dane_partial_keys WHERE scan_id = ? "
                + "ORDER BY domains DESC, mx_host, ip", scanId,
                List.of("MX host", "address", "keys matched", "keys not matched", "domains"));

        h.append("<h2>Certificates expiring within 30 days</h2>");
        table(h, c, "SELECT mx_host, ip, not_after, domains FROM certificates_expiring WHERE scan_id = ? ORDER BY not_after",
                scanId, List.of("MX host", "address", "expires", "domains"));

        String previous = single(c, "SELECT scan_id FROM scan WHERE started_at < (SELECT started_at FROM scan "
                + "WHERE scan_id = ?) ORDER BY started_at DESC LIMIT 1", scanId);
        h.append("<h2>Changes since the previous scan</h2>");
        if (previous == null) {
            h.append("<p class=\"muted\">This is the first scan.</p>");
        } else {
            h.append("<p class=\"muted\">Against scan ").append(Html.escape(previous)).append(".</p>");
            table(h, c, "SELECT domain, property, CASE WHEN after THEN 'gained' ELSE 'lost' END "
                    + "FROM scan_diff(?, ?) ORDER BY domain, property",
                    List.of(previous, scanId), List.of("domain", "property", "change"));
        }
        h.append("<p class=\"muted\">Made by mxray from the scan's rows in PostgreSQL.</p></body></html>\n");
        return h.toString();
    }

    /** The main shares over every scan, oldest first, when there are several. */
    private static void history(Connection c, StringBuilder h) throws SQLException {
        List<String> labels = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("MX DNSSEC secure", new ArrayList<>());
        series.put("STARTTLS on all MX", new ArrayList<>());
        series.put("DANE on all MX", new ArrayList<>());
        try (PreparedStatement s = c.prepareStatement("""
                SELECT s.scan_id, s.started_at,
                       100.0 * count(*) FILTER (WHERE d.mx_dnssec = 'secure') / greatest(count(d.domain), 1),
                       100.0 * count(*) FILTER (WHERE d.starttls = 'all') / greatest(count(d.domain), 1),
                       100.0 * count(*) FILTER (WHERE d.dane = 'all') / greatest(count(d.domain), 1)
                FROM scan s JOIN mail_domain d ON d.scan_id = s.scan_id
                GROUP BY s.scan_id, s.started_at ORDER BY s.started_at, s.scan_id""");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                labels.add(r.getTimestamp(2).toInstant().toString().substring(0, 10));
                series.get("MX DNSSEC secure").add(r.getDouble(3));
                series.get("STARTTLS on all MX").add(r.getDouble(4));
                series.get("DANE on all MX").add(r.getDouble(5));
            }
        }
        if (labels.size() > 1) {
            h.append("<h2>Over all scans</h2><div class=\"charts\">");
            h.append(Svg.lines("chart-history", "Share of domains with MX, per scan", labels, series));
            h.append("</div>");
        }
    }

    private static List<Svg.Bar> bars(Connection c, String sql, String scanId) throws SQLException {
        List<Svg.Bar> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, scanId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Svg.Bar(r.getString(1), r.getLong(2), Svg.color(r.getString(1), out.size())));
                }
            }
        }
        return out;
    }

    private static void table(StringBuilder h, Connection c, String sql, String scanId, List<String> headers)
            throws SQLException {
        table(h, c, sql, List.of(scanId), headers);
    }

    /** A table of a query's rows; {@code args} are bound in order (no value is ever part of the SQL text). */
    private static void table(StringBuilder h, Connection c, String sql, List<String> args, List<String> headers)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                s.setString(i + 1, args.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                int n = 0;
                StringBuilder rows = new StringBuilder();
                while (r.next()) {
                    n++;
                    if (n > LIST_LIMIT) {
                        continue;
                    }
                    rows.append("<tr>");
                    for (int i = 1; i <= headers.size(); i++) {
                        rows.append("<td>").append(Html.escape(r.getString(i))).append("</td>");
                    }
                    rows.append("</tr>");
                }
                if (n == 0) {
                    h.append("<p class=\"muted\">None.</p>");
                    return;
                }
                h.append("<table class=\"list\"><tr>");
                headers.forEach(x -> h.append("<th>").append(Html.escape(x)).append("</th>"));
                h.append("</tr>").append(rows).append("</table>");
                if (n > LIST_LIMIT) {
                    h.append("<p class=\"muted\">and ").append(n - LIST_LIMIT)
                            .append(" more (mxray export or the SQL views list them all).</p>");
                }
            }
        }
    }

    private static void fact(StringBuilder h, String name, String value) {
        h.append("<tr><td class=\"muted\">").append(Html.escape(name)).append("</td><td>").append(Html.escape(value))
                .append("</td></tr>");
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

    private static String single(Connection c, String sql, String arg) throws SQLException {
        List<String> r = row(c, sql, arg);
        return r == null ? null : r.get(0);
    }

    private static long count(Connection c, String sql, String arg) throws SQLException {
        return Long.parseLong(single(c, sql, arg));
    }
}
