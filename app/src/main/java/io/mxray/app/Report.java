package io.mxray.app;

import io.mxray.store.ReportData;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The report of one scan as a single self-contained HTML file: inline CSS and SVG charts, no
 * script, nothing fetched, so it can be mailed, archived and opened anywhere. What it shows is
 * {@link ReportData}, read from the database's views.
 */
public final class Report {
    /** The look of the report and of the web pages. */
    static final String CSS = """
            body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #212529; }
            h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #dee2e6; }
            .facts td { padding: 2px 12px 2px 0; } .charts { display: flex; flex-wrap: wrap; gap: 24px; }
            .chart-title { font-weight: 600; font-size: 14px; } .label, .value { font-size: 12px; fill: #343a40; }
            .grid { stroke: #dee2e6; } table.list { border-collapse: collapse; }
            table.list td, table.list th { border-bottom: 1px solid #e9ecef; padding: 3px 10px 3px 0; text-align: left; }
            .muted { color: #868e96; }
            """;

    private Report() {
    }

    public static String html(Connection c, String scanId) throws SQLException {
        return html(ReportData.load(c, scanId));
    }

    public static String html(ReportData d) {
        List<String> scan = d.scan();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>mxray report %s</title>
                <style>%s</style></head><body>
                """.formatted(Html.escape(d.scanId()), CSS));
        h.append("<h1>mxray: how mail is protected in transit</h1>");
        h.append("<table class=\"facts\">");
        fact(h, "scan", d.scanId());
        fact(h, "list", scan.get(0));
        fact(h, "started", scan.get(1));
        fact(h, "domains", String.format("%s accepted, %s final%s, %s rejected, %s duplicates", scan.get(2),
                d.finalized(), d.incomplete() > 0 ? " (" + d.incomplete() + " incomplete: a probe never answered)" : "",
                scan.get(3), scan.get(4)));
        h.append("</table>");

        charts(h, d.shares());

        if (d.history().labels().size() > 1) {
            h.append("<h2>Over all scans</h2><div class=\"charts\">");
            h.append(Svg.lines("chart-history", "Share of domains with MX, per scan", d.history().labels(),
                    d.history().series()));
            h.append("</div>");
        }

        h.append("<h2>DANE hall of fame</h2><p class=\"muted\">Every MX host address DANE-verified.</p>");
        table(h, d.hallOfFame(), List.of("domain", "MX hosts"));

        h.append("<h2>Domains that lose mail from a DANE-enforcing sender</h2>"
                + "<p class=\"muted\">It defers the mail (RFC 7672): the reason names what failed.</p>");
        table(h, d.undeliverable(), List.of("domain", "reason", "DNSSEC reason"));

        h.append("<h2>Domains that lose mail from an MTA-STS-enforcing sender</h2>"
                + "<p class=\"muted\">An enforce policy that no MX host satisfies (RFC 8461 section 5): the sender holds "
                + "the mail and returns it when its queue gives up.</p>");
        table(h, d.stsUndeliverable(), List.of("domain", "reason", "policy's mx patterns"));

        h.append("<h2>Dual-key servers whose TLSA covers only some keys</h2>"
                + "<p class=\"muted\">The server presents the key a sender's signature algorithms ask for: DANE "
                + "senders that get a key no record matches do not deliver.</p>");
        table(h, d.partialKeys(), List.of("MX host", "address", "keys matched", "keys not matched", "domains"));

        h.append("<h2>Certificates expiring within 30 days</h2>");
        table(h, d.expiring(), List.of("MX host", "address", "expires", "domains"));

        h.append("<h2>Changes since the previous scan</h2>");
        if (d.previous() == null) {
            h.append("<p class=\"muted\">This is the first scan.</p>");
        } else {
            h.append("<p class=\"muted\">Against scan ").append(Html.escape(d.previous())).append(".</p>");
            table(h, d.changes(), List.of("domain", "property", "change"));
        }
        h.append("<p class=\"muted\">Made by mxray from the scan's rows in PostgreSQL.</p></body></html>\n");
        return h.toString();
    }

    /** The scan's shares as bar charts, under a heading. */
    static void charts(StringBuilder h, ReportData.Shares d) {
        h.append("<h2>Shares</h2><div class=\"charts\">");
        h.append(Svg.bars("chart-dnssec", "DNSSEC of the MX answer (domains with MX)", bars(d.dnssec())));
        h.append(Svg.bars("chart-starttls", "STARTTLS on the MX hosts (domains)", bars(d.starttls())));
        h.append(Svg.bars("chart-certificates", "Certificate types (MX host addresses)", bars(d.certificates())));
        h.append(Svg.bars("chart-dane", "DANE on the MX hosts (domains)", bars(d.dane())));
        h.append(Svg.bars("chart-dane-delivery", "A DANE-enforcing sender would (domains)", bars(d.daneDelivery())));
        h.append(Svg.bars("chart-mta-sts", "MTA-STS (domains)", bars(d.mtaSts())));
        h.append("</div>");
    }

    private static List<Svg.Bar> bars(List<ReportData.Share> shares) {
        List<Svg.Bar> out = new ArrayList<>();
        for (ReportData.Share s : shares) {
            out.add(new Svg.Bar(s.label(), s.count(), Svg.color(s.label(), out.size())));
        }
        return out;
    }

    private static void table(StringBuilder h, ReportData.Rows rows, List<String> headers) {
        if (rows.total() == 0) {
            h.append("<p class=\"muted\">None.</p>");
            return;
        }
        h.append("<table class=\"list\"><tr>");
        headers.forEach(x -> h.append("<th>").append(Html.escape(x)).append("</th>"));
        h.append("</tr>");
        for (List<String> row : rows.rows()) {
            h.append("<tr>");
            for (String value : row) {
                h.append("<td>").append(Html.escape(value)).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
        if (rows.total() > rows.rows().size()) {
            h.append("<p class=\"muted\">and ").append(rows.total() - rows.rows().size())
                    .append(" more (mxray export or the SQL views list them all).</p>");
        }
    }

    private static void fact(StringBuilder h, String name, String value) {
        h.append("<tr><td class=\"muted\">").append(Html.escape(name)).append("</td><td>").append(Html.escape(value))
                .append("</td></tr>");
    }
}
