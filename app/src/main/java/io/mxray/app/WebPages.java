package io.mxray.app;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What every page of {@code mxray serve} shares: its frame, its links, its small tables. */
final class WebPages {
    /** The look of the web pages beyond the report's. */
    private static final String CSS = """
            nav a { margin-right: 14px; } .pager a, .pager span { margin-right: 10px; }
            form.filters label { margin-right: 10px; } th a { color: inherit; } .running { background: #fff9db;
            padding: 8px 12px; border-left: 4px solid #f59f00; } .advice td { vertical-align: top; }
            .CRITICAL { color: #c92a2a; font-weight: 600; } .WARNING { color: #e67700; font-weight: 600; }
            .UNKNOWN { color: #868e96; font-weight: 600; }
            """;

    private WebPages() {
    }

    /** The page's head and navigation; {@code refreshSeconds} > 0 reloads it (a scan running, a check waiting). */
    static void head(StringBuilder h, String title, int refreshSeconds) {
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<link rel=\"icon\" href=\"data:,\">"); // no icon: a browser asks for none
        if (refreshSeconds > 0) {
            h.append("<meta http-equiv=\"refresh\" content=\"").append(refreshSeconds).append("\">");
        }
        h.append("<title>").append(Html.escape(title)).append("</title><style>").append(Report.CSS).append(CSS)
                .append("</style></head><body><nav><a href=\"/\">mxray</a><a href=\"/check\">check a domain</a>"
                        + "<a href=\"/api/scans\">JSON</a></nav>");
    }

    static void head(StringBuilder h, String title) {
        head(h, title, 0);
    }

    static String end(StringBuilder h) {
        h.append("<p class=\"muted\">mxray, from the scans' rows in PostgreSQL.</p></body></html>\n");
        return h.toString();
    }

    /** A link: {@code path} is mxray's own (escaped here), {@code text} escaped. */
    static void link(StringBuilder h, String path, String text) {
        h.append("<a href=\"").append(Html.escape(path)).append("\">").append(Html.escape(text)).append("</a>");
    }

    /** A path segment or query value, percent-encoded. */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** {@code path} with these parameters (empty values left out). */
    static String withQuery(String path, Map<String, String> params) {
        StringBuilder b = new StringBuilder(path);
        char sep = '?';
        for (var e : params.entrySet()) {
            if (e.getValue() != null && !e.getValue().isEmpty()) {
                b.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
                sep = '&';
            }
        }
        return b.toString();
    }

    /** One piece of advice as {@code mxray check} gives it: status, what it is about, the words, the key. */
    record Advice(String status, String subject, String text, String key) {
    }

    /** The advice table of a check (on its page, and kept with it on the domain's). */
    static void advice(StringBuilder h, java.util.List<Advice> advice) {
        h.append("<table class=\"list advice\" id=\"advice\"><tr><th>status</th><th>about</th><th>advice</th></tr>");
        for (Advice a : advice) {
            h.append("<tr><td class=\"").append(Html.escape(a.status())).append("\">").append(Html.escape(a.status()))
                    .append("</td><td>").append(Html.escape(a.subject())).append("</td><td>").append(Html.escape(a.text()))
                    .append(" <span class=\"muted\">[").append(Html.escape(a.key())).append("]</span></td></tr>");
        }
        h.append("</table>");
    }

    static void fact(StringBuilder h, String name, String value) {
        h.append("<tr><td class=\"muted\">").append(Html.escape(name)).append("</td><td>")
                .append(Html.escape(value == null ? "-" : value)).append("</td></tr>");
    }
}
