package io.mxray.app;

import io.mxray.check.CheckText;
import io.mxray.schema.CheckResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /check}: the form; {@code /check/ID}: one check, waiting (its place in the queue, the
 * page reloading itself), running, or done with the report {@code mxray check} prints, its
 * advice, and where it was kept.
 */
final class CheckPages {
    /** How often a waiting check's page reloads. */
    static final int REFRESH_SECONDS = 2;

    private CheckPages() {
    }

    static String form(CheckQueue queue, String domain, String refusal) {
        StringBuilder h = new StringBuilder(8 * 1024);
        WebPages.head(h, "mxray: check a domain");
        h.append("<h1>Check a domain now</h1><p class=\"muted\">Its MX hosts, DNSSEC, TLSA, STARTTLS, TLS and the "
                + "certificate chain, judged as a sending MTA does, with advice in plain words: what "
                + "<code>mxray check</code> says. Only public addresses are contacted, nothing on the opt-out list; "
                + "no mail is sent.</p>");
        if (refusal != null) {
            h.append("<p class=\"CRITICAL\" id=\"refused\">").append(Html.escape(refusal)).append("</p>");
        }
        h.append("<form method=\"post\" action=\"/check\"><label>Domain <input name=\"domain\" size=\"40\" "
                + "maxlength=\"253\" required value=\"").append(Html.escape(domain)).append("\"></label> ");
        if (queue.limits().store()) {
            h.append("<label><input type=\"checkbox\" name=\"keep\" value=\"on\" checked> keep it in the domain's "
                    + "history</label> ");
        }
        h.append("<button type=\"submit\">check</button></form>");
        int[] load = queue.load();
        h.append("<p class=\"muted\">").append(load[0]).append(" running, ").append(load[1]).append(" waiting; at most ")
                .append(queue.limits().concurrent()).append(" at once and ").append(queue.limits().perMinute())
                .append(" a minute from one address.</p>");
        return WebPages.end(h);
    }

    static String job(CheckQueue queue, CheckQueue.Job job) {
        CheckQueue.State state = job.state;
        CheckResult r = job.result;
        StringBuilder h = new StringBuilder(16 * 1024);
        WebPages.head(h, "mxray: check of " + job.input, state == CheckQueue.State.DONE ? 0 : REFRESH_SECONDS);
        h.append("<h1>Check of ").append(Html.escape(job.input)).append("</h1>");
        if (state != CheckQueue.State.DONE) {
            int position = queue.position(job);
            h.append("<p id=\"state\">").append(position > 0 ? "Waiting: number " + position + " in the queue."
                    : "Running now.").append(" This page reloads every ").append(REFRESH_SECONDS).append(" s.</p>");
            return WebPages.end(h);
        }
        if (r == null) {
            h.append("<p class=\"UNKNOWN\" id=\"state\">").append(Html.escape(job.notKept)).append("</p>");
            return WebPages.end(h);
        }
        h.append("<p id=\"state\">Done: <span class=\"").append(r.status().name()).append("\" id=\"status\">")
                .append(r.status().name()).append("</span></p>");
        if (r.domain() != null && job.scanId != null) {
            h.append("<p>Kept as scan ").append(Html.escape(job.scanId)).append(": ");
            WebPages.link(h, "/domain/" + WebPages.encode(r.domain()), "the history of " + r.domain());
            h.append(".</p>");
        } else if (job.notKept != null) {
            h.append("<p class=\"muted\">Not kept: ").append(Html.escape(job.notKept)).append(".</p>");
        }
        if (!r.advice().isEmpty()) {
            h.append("<h2>Advice</h2>");
            WebPages.advice(h, r.advice().stream()
                    .map(a -> new WebPages.Advice(a.status().name(), a.subject(), a.text(), a.key())).toList());
        }
        h.append("<h2>Report</h2><pre id=\"report\">").append(Html.escape(CheckText.render(r))).append("</pre>");
        h.append("<p>");
        WebPages.link(h, "/check", "check another domain");
        h.append("</p>");
        return WebPages.end(h);
    }

    /** The job as JSON: its state, its place in the queue, and when done the result as {@code mxray check --json}. */
    static Map<String, Object> json(CheckQueue queue, CheckQueue.Job job) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", job.id);
        out.put("domain", job.input);
        out.put("state", job.state.name().toLowerCase(java.util.Locale.ROOT));
        out.put("position", queue.position(job));
        out.put("keptAs", job.scanId);
        out.put("notKept", job.notKept);
        out.put("result", job.result);
        return out;
    }
}
