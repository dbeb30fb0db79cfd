package io.mxray.app;

import io.mxray.store.Scans;
import io.mxray.store.Trends;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /}: the latest scan's charts, its running statistics while it runs (the page reloads
 * itself every few seconds then: no script), the trends over the scans (share of domains per
 * level, per DANE status and per MTA-STS mode, scan by scan) and every scan.
 */
final class HomePage {
    /** Scans listed, and scans in the trends. */
    static final int RECENT = 50;
    /** How often a page showing a running scan reloads. */
    static final int REFRESH_SECONDS = 5;
    /** A scan whose statistics have not moved for this long is not running (its pipeline stopped). */
    static final Duration STALLED = Duration.ofMinutes(10);

    private HomePage() {
    }

    static String html(Connection c, ChartCache charts, Instant now) throws SQLException {
        List<Scans.Summary> recent = Scans.recent(c, RECENT);
        Scans.Summary latest = recent.isEmpty() ? null : recent.get(0);
        List<Scans.Stat> stats = latest == null ? List.of() : Scans.stats(c, latest.id());
        boolean running = latest != null && running(latest, stats, now);
        StringBuilder h = new StringBuilder(48 * 1024);
        WebPages.head(h, "mxray: e-mail in transit", running ? REFRESH_SECONDS : 0);
        h.append("<h1>mxray: how mail is protected in transit</h1>");
        h.append("<form action=\"/domain\" method=\"get\"><label>A domain's history: <input name=\"name\" "
                + "size=\"40\" maxlength=\"253\"></label> <button type=\"submit\">show</button></form>");
        if (latest == null) {
            h.append("<p>No scan yet: <code>./mxray scan LIST</code> or <code>./mxray demo</code> make one.</p>");
            return WebPages.end(h);
        }
        h.append("<h2>Latest scan: ");
        WebPages.link(h, "/scan/" + WebPages.encode(latest.id()), latest.id());
        h.append("</h2><p class=\"muted\">").append(Html.escape(latest.source())).append(", started ")
                .append(Html.escape(latest.startedAt().toString())).append(": ")
                .append(String.format("%,d of %,d domains final", latest.finalized(), latest.accepted()))
                .append("</p>");
        if (running) {
            runningStats(h, latest, stats);
        }
        Report.charts(h, charts.shares(c, latest.id(), latest.finalized()));
        trends(h, Trends.load(c, RECENT));
        h.append("<h2>Scans</h2><table class=\"list\" id=\"scans\"><tr><th>scan</th><th>list</th><th>started</th>"
                + "<th>domains final</th></tr>");
        for (Scans.Summary s : recent) {
            h.append("<tr><td>");
            WebPages.link(h, "/scan/" + WebPages.encode(s.id()), s.id());
            h.append("</td><td>").append(Html.escape(s.source())).append("</td><td>")
                    .append(Html.escape(s.startedAt().toString())).append("</td><td>")
                    .append(String.format("%,d of %,d", s.finalized(), s.accepted())).append("</td></tr>");
        }
        h.append("</table>");
        return WebPages.end(h);
    }

    /** Not all final (or the list still being read), and its statistics moved lately. */
    static boolean running(Scans.Summary s, List<Scans.Stat> stats, Instant now) {
        if (s.accepted() > 0 && s.finalized() >= s.accepted()) {
            return false;
        }
        Instant last = stats.stream().map(Scans.Stat::updatedAt).max(Instant::compareTo).orElse(s.startedAt());
        return Duration.between(last, now).compareTo(STALLED) < 0;
    }

    private static void runningStats(StringBuilder h, Scans.Summary s, List<Scans.Stat> stats) {
        h.append("<div class=\"running\" id=\"running\"><strong>Running</strong>: ")
                .append(String.format("%,d", s.finalized())).append(" domains final")
                .append(s.accepted() > 0 ? String.format(" of %,d (%.1f%%)", s.accepted(),
                        100.0 * s.finalized() / s.accepted()) : " (the list is still being read)")
                .append(". This page reloads every ").append(REFRESH_SECONDS).append(" s.<table class=\"list\">"
                        + "<tr><th>category</th><th>value</th><th>domains</th></tr>");
        for (Scans.Stat st : stats) {
            if (!st.category().equals("finalized") && List.of("best_level", "worst_level", "dane", "dane_delivery",
                    "starttls", "mx_dnssec", "sts_mode").contains(st.category())) {
                h.append("<tr><td>").append(Html.escape(st.category())).append("</td><td>")
                        .append(Html.escape(st.value())).append("</td><td>").append(String.format("%,d", st.domains()))
                        .append("</td></tr>");
            }
        }
        h.append("</table></div>");
    }

    private static void trends(StringBuilder h, Trends t) {
        if (t.labels().size() < 2) {
            return;
        }
        h.append("<h2>Over the scans</h2><p class=\"muted\">Share of the final domains of each scan.</p>"
                + "<div class=\"charts\">");
        h.append(Svg.lines("chart-trend-level", "Worst level of a domain's MX host addresses", days(t), t.level()));
        h.append(Svg.lines("chart-trend-dane", "DANE on a domain's MX host addresses", days(t), t.dane()));
        h.append(Svg.lines("chart-trend-mta-sts", "MTA-STS policy mode", days(t), t.mtaSts()));
        h.append("</div>");
    }

    private static List<String> days(Trends t) {
        return t.labels().stream().map(l -> l.substring(0, Math.min(10, l.length()))).toList();
    }

    /** The trends as JSON. */
    static Map<String, Object> trendsJson(Trends t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scans", t.labels());
        out.put("level", t.level());
        out.put("dane", t.dane());
        out.put("mtaSts", t.mtaSts());
        return out;
    }
}
