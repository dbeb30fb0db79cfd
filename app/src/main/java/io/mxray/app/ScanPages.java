package io.mxray.app;

import io.mxray.store.ScanLists;
import io.mxray.store.Scans;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.Fields;

/**
 * One scan on the web: {@code /scan/ID}, its facts, charts and lists with how many rows each
 * holds; {@code /scan/ID/LIST}, one list a page at a time, sorted by a column, filtered by level,
 * DANE status, DANE delivery and provider; {@code /scan/ID/report}, the report as one file.
 */
final class ScanPages {
    private ScanPages() {
    }

    static String overview(Connection c, ChartCache charts, String id) throws SQLException {
        Scans.Summary scan = Scans.summary(c, id);
        String previous = ScanLists.previous(c, id);
        Map<String, Long> totals = ScanLists.totals(c, id, previous);
        StringBuilder h = new StringBuilder(32 * 1024);
        WebPages.head(h, "mxray: scan " + id);
        h.append("<h1>Scan ").append(Html.escape(id)).append("</h1><table class=\"facts\">");
        WebPages.fact(h, "list", scan.source());
        WebPages.fact(h, "started", scan.startedAt().toString());
        WebPages.fact(h, "domains", String.format("%,d of %,d final", scan.finalized(), scan.accepted()));
        WebPages.fact(h, "previous scan", previous == null ? "none: this is the first" : previous);
        h.append("</table><p>");
        WebPages.link(h, "/scan/" + WebPages.encode(id) + "/report", "the whole report as one page");
        h.append(" (as <code>mxray report</code> writes it)</p>");
        Report.charts(h, charts.shares(c, id, scan.finalized()));
        h.append("<h2>Lists</h2><table class=\"list\" id=\"lists\"><tr><th>list</th><th>rows</th><th></th></tr>");
        for (ScanLists.Definition list : ScanLists.ALL) {
            h.append("<tr><td>");
            WebPages.link(h, "/scan/" + WebPages.encode(id) + "/" + list.name(), list.title());
            Long total = totals.get(list.name());
            h.append("</td><td>").append(total == null ? (previous == null ? "-" : "against " + Html.escape(previous))
                    : String.format("%,d", total)).append("</td><td class=\"muted\">")
                    .append(Html.escape(list.note())).append("</td></tr>");
        }
        h.append("</table>");
        return WebPages.end(h);
    }

    /** The query a request asks of {@code list}: its filters, sort, direction and page. */
    static ScanLists.Query query(ScanLists.Definition list, Fields params) {
        String sort = params.getValue("sort");
        String dir = params.getValue("dir");
        boolean descending = dir == null ? (sort == null && list.descending()) : dir.equals("desc");
        return new ScanLists.Query(params.getValue("level"), params.getValue("dane"), params.getValue("delivery"),
                params.getValue("provider"), sort == null ? list.sort() : sort, descending,
                number(params.getValue("page"), 1), number(params.getValue("per"), ScanLists.PER_PAGE));
    }

    private static int number(String s, int otherwise) {
        if (s == null || s.isBlank() || s.length() > 9 || !s.strip().chars().allMatch(Character::isDigit)) {
            return otherwise;
        }
        return Integer.parseInt(s.strip());
    }

    static String list(Connection c, String id, ScanLists.Definition list, ScanLists.Query q) throws SQLException {
        String previous = ScanLists.previous(c, id);
        ScanLists.Page page = ScanLists.load(c, id, previous, list, q);
        String base = "/scan/" + WebPages.encode(id) + "/" + list.name();
        StringBuilder h = new StringBuilder(32 * 1024);
        WebPages.head(h, "mxray: " + list.title() + ", scan " + id);
        h.append("<p>");
        WebPages.link(h, "/scan/" + WebPages.encode(id), "scan " + id);
        h.append("</p><h1>").append(Html.escape(list.title())).append("</h1><p class=\"muted\">")
                .append(Html.escape(list.note())).append("</p>");
        if (list.needsPrevious() && previous == null) {
            h.append("<p class=\"muted\">This is the first scan: there is nothing to compare with.</p>");
        }
        filterForm(h, base, list, q);
        h.append("<p id=\"count\">").append(String.format("%,d", page.total())).append(page.total() == 1 ? " row" : " rows")
                .append(q.filters().isEmpty() ? "" : " match the filters").append("</p>");
        if (!page.rows().isEmpty()) {
            h.append("<table class=\"list\" id=\"rows\"><tr>");
            for (ScanLists.Column col : list.columns()) {
                h.append("<th>");
                if (col.late()) {
                    h.append(Html.escape(col.label()));
                } else {
                    boolean current = col.key().equals(q.sort());
                    boolean nextDescending = current && !q.descending();
                    Map<String, String> p = params(q, 1);
                    p.put("sort", col.key());
                    p.put("dir", nextDescending ? "desc" : "asc");
                    WebPages.link(h, WebPages.withQuery(base, p), col.label()
                            + (current ? (q.descending() ? " \u25bc" : " \u25b2") : ""));
                }
                h.append("</th>");
            }
            h.append("</tr>");
            int domainColumn = list.kind() == ScanLists.Kind.DOMAINS ? 0 : -1;
            for (List<String> row : page.rows()) {
                h.append("<tr>");
                for (int i = 0; i < row.size(); i++) {
                    h.append("<td>");
                    if (i == domainColumn) {
                        WebPages.link(h, "/domain/" + WebPages.encode(row.get(i)), row.get(i));
                    } else {
                        h.append(Html.escape(row.get(i)));
                    }
                    h.append("</td>");
                }
                h.append("</tr>");
            }
            h.append("</table>");
        }
        pager(h, base, q, page);
        return WebPages.end(h);
    }

    private static void filterForm(StringBuilder h, String base, ScanLists.Definition list, ScanLists.Query q) {
        h.append("<form class=\"filters\" method=\"get\" action=\"").append(Html.escape(base)).append("\">");
        if (list.kind() == ScanLists.Kind.DOMAINS) {
            select(h, "level", "level", ScanLists.LEVELS, q.level());
            select(h, "dane", "DANE", ScanLists.DANE, q.dane());
            select(h, "delivery", "DANE sender", ScanLists.DELIVERY, q.delivery());
        }
        h.append("<label>provider (MX host suffix) <input name=\"provider\" size=\"24\" maxlength=\"253\" value=\"")
                .append(Html.escape(q.provider())).append("\"></label>");
        h.append("<input type=\"hidden\" name=\"sort\" value=\"").append(Html.escape(q.sort())).append("\">")
                .append("<input type=\"hidden\" name=\"dir\" value=\"").append(q.descending() ? "desc" : "asc")
                .append("\"><button type=\"submit\">filter</button> ");
        WebPages.link(h, base, "clear");
        h.append("</form>");
    }

    private static void select(StringBuilder h, String name, String label, List<String> values, String current) {
        h.append("<label>").append(Html.escape(label)).append(" <select name=\"").append(name).append("\">")
                .append("<option value=\"\">any</option>");
        for (String v : values) {
            h.append("<option").append(v.equals(current) ? " selected" : "").append(">").append(Html.escape(v))
                    .append("</option>");
        }
        h.append("</select></label>");
    }

    private static void pager(StringBuilder h, String base, ScanLists.Query q, ScanLists.Page page) {
        if (page.pages() <= 1) {
            return;
        }
        h.append("<p class=\"pager\">");
        if (q.page() > 1) {
            WebPages.link(h, WebPages.withQuery(base, params(q, 1)), "first");
            WebPages.link(h, WebPages.withQuery(base, params(q, q.page() - 1)), "previous");
        }
        h.append("<span id=\"page\">page ").append(q.page()).append(" of ").append(page.pages()).append("</span>");
        if (q.page() < page.pages()) {
            WebPages.link(h, WebPages.withQuery(base, params(q, q.page() + 1)), "next");
            WebPages.link(h, WebPages.withQuery(base, params(q, page.pages())), "last");
        }
        h.append("</p>");
    }

    /** The request's filters and sort, at page {@code n}. */
    private static Map<String, String> params(ScanLists.Query q, int n) {
        Map<String, String> p = new LinkedHashMap<>(q.filters());
        p.put("sort", q.sort());
        p.put("dir", q.descending() ? "desc" : "asc");
        if (q.perPage() != ScanLists.PER_PAGE) {
            p.put("per", String.valueOf(q.perPage()));
        }
        p.put("page", n == 1 ? null : String.valueOf(n));
        return p;
    }

    /** The same page as JSON: its columns, rows, total and where it is. */
    static Map<String, Object> json(Connection c, String id, ScanLists.Definition list, ScanLists.Query q)
            throws SQLException {
        ScanLists.Page page = ScanLists.load(c, id, ScanLists.previous(c, id), list, q);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scan", id);
        out.put("list", list.name());
        out.put("filters", q.filters());
        out.put("sort", q.sort());
        out.put("dir", q.descending() ? "desc" : "asc");
        out.put("page", q.page());
        out.put("pages", page.pages());
        out.put("total", page.total());
        out.put("columns", list.columns().stream().map(ScanLists.Column::key).toList());
        out.put("rows", page.rows());
        return out;
    }
}
