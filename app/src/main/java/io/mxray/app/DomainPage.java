package io.mxray.app;

import io.mxray.store.DomainHistory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /domain/NAME}: the domain's verdict in every scan that saw it as a timeline, what changed
 * when, the advice of its latest check from the web, and the latest scan's MX hosts with their
 * addresses, chains and TLSA records.
 */
final class DomainPage {
    private DomainPage() {
    }

    /**
     * One domain: its verdict in every scan that saw it, what changed from one to the next, and
     * for the latest its MX hosts and addresses, the chain each presented and the TLSA records.
     */
    static String html(DomainHistory d) {
        String name = d.domain();
        StringBuilder h = new StringBuilder(16 * 1024);
        WebPages.head(h, "mxray: " + name);
        h.append("<h1>").append(Html.escape(name)).append("</h1><h2>Every scan</h2><table class=\"list\" "
                + "id=\"timeline\"><tr><th>scan</th><th>started</th>");
        DomainHistory.FIELDS.forEach(f -> h.append("<th>").append(Html.escape(f)).append("</th>"));
        h.append("</tr>");
        for (DomainHistory.Verdict v : d.verdicts()) {
            h.append("<tr><td>");
            WebPages.link(h, "/scan/" + WebPages.encode(v.scanId()), v.scanId());
            h.append(v.kind().equals("check") ? " <span class=\"muted\">(checked from the web)</span>" : "")
                    .append("</td><td>")
                    .append(Html.escape(v.startedAt().toString())).append("</td>");
            for (int i = 0; i < v.values().size(); i++) {
                String value = v.values().get(i);
                if (i == DomainHistory.FIELDS.indexOf("DANE delivery") && v.daneDeliveryReason() != null) {
                    value += " (" + v.daneDeliveryReason() + ")";
                }
                h.append("<td>").append(Html.escape(value)).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
        Map<String, List<String>> changes = d.changes();
        h.append("<h2>What changed</h2>");
        if (changes.isEmpty()) {
            h.append("<p class=\"muted\">").append(d.verdicts().size() == 1 ? "One scan so far."
                    : "Nothing, from one scan to the next.").append("</p>");
        } else {
            h.append("<table class=\"list\" id=\"changes\"><tr><th>scan</th><th>change</th></tr>");
            changes.forEach((scan, diff) -> diff.forEach(x -> h.append("<tr><td>").append(Html.escape(scan))
                    .append("</td><td>").append(Html.escape(x)).append("</td></tr>")));
            h.append("</table>");
        }
        advice(h, d);
        h.append("<h2>MX hosts in scan ").append(Html.escape(d.verdicts().get(0).scanId())).append("</h2>");
        if (d.hosts().isEmpty()) {
            h.append("<p class=\"muted\">None.</p>");
        }
        for (DomainHistory.Host host : d.hosts()) {
            h.append("<h3>").append(Html.escape(host.mxHost())).append(" (preference ").append(host.preference())
                    .append(")").append(host.ip().isEmpty() ? "" : " at " + Html.escape(host.ip())).append("</h3>");
            h.append("<table class=\"facts\">");
            WebPages.fact(h, "level", host.level());
            WebPages.fact(h, "outcome", host.outcome() + (host.reason() == null ? "" : " (" + host.reason() + ")"));
            WebPages.fact(h, "DANE", host.dane() == null ? "-" : host.dane()
                    + (host.daneReason() == null ? "" : " (" + host.daneReason() + ")"));
            h.append("</table>");
            if (!host.chain().isEmpty()) {
                h.append("<table class=\"list chain\"><tr><th>certificate</th><th>issuer</th><th>expires</th></tr>");
                for (DomainHistory.Certificate cert : host.chain()) {
                    h.append("<tr><td>").append(Html.escape(cert.subject())).append("</td><td>")
                            .append(Html.escape(cert.issuer())).append("</td><td>")
                            .append(Html.escape(cert.notAfter().toString())).append("</td></tr>");
                }
                h.append("</table>");
            }
            if (!host.tlsa().isEmpty()) {
                h.append("<table class=\"list tlsa\"><tr><th>TLSA at _25._tcp.").append(Html.escape(host.tlsaBase()))
                        .append("</th><th>usable</th></tr>");
                for (DomainHistory.Tlsa t : host.tlsa()) {
                    h.append("<tr><td><code>").append(Html.escape(t.record())).append("</code></td><td>")
                            .append(t.usable() ? "yes" : Html.escape("no" + (t.unusableReason() == null ? ""
                                    : " (" + t.unusableReason() + ")"))).append("</td></tr>");
                }
                h.append("</table>");
            }
        }
        return WebPages.end(h);
    }

    static Map<String, Object> json(DomainHistory d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("domain", d.domain());
        List<Map<String, Object>> scans = new ArrayList<>();
        for (DomainHistory.Verdict v : d.verdicts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scan", v.scanId());
            m.put("kind", v.kind());
            m.put("startedAt", v.startedAt().toString());
            for (int i = 0; i < DomainHistory.FIELDS.size(); i++) {
                m.put(DomainHistory.FIELDS.get(i), v.values().get(i));
            }
            m.put("DANE delivery reason", v.daneDeliveryReason());
            scans.add(m);
        }
        out.put("scans", scans);
        out.put("changes", d.changes());
        out.put("hosts", d.hosts());
        out.put("advice", d.advice());
        out.put("adviceFromCheck", d.adviceScan());
        return out;
    }

    /** The advice of the domain's latest check kept from the web, worded as {@code mxray check} words it. */
    private static void advice(StringBuilder h, DomainHistory d) {
        h.append("<h2>Advice</h2>");
        if (d.adviceScan() == null) {
            h.append("<p class=\"muted\">A scan of a list records verdicts, not advice: ");
            WebPages.link(h, WebPages.withQuery("/check", java.util.Map.of("domain", d.domain())), "check it now");
            h.append(" for the advice <code>mxray check</code> gives.</p>");
            return;
        }
        h.append("<p class=\"muted\">From the check ").append(Html.escape(d.adviceScan()));
        h.append(d.adviceScan().equals(d.verdicts().get(0).scanId()) ? " (the latest)" : ", before the latest scan")
                .append(".</p>");
        if (d.advice().isEmpty()) {
            h.append("<p id=\"advice\">OK: nothing to advise.</p>");
            return;
        }
        WebPages.advice(h, d.advice().stream()
                .map(a -> new WebPages.Advice(a.status(), a.subject(), a.text(), a.key())).toList());
    }
}
