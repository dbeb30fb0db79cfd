package io.mxray.app;

import io.mxray.store.ScanResults;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The terminal view of a scan: one line per (domain, MX host, address), then the counts. */
public final class ResultTable {
    private ResultTable() {
    }

    /**
     * @param marks per domain, a mark to print at the end of its lines (for example "ok"), or null
     */
    public static void print(PrintStream out, List<ScanResults.HostRow> rows, Map<String, String> marks) {
        String fmt = "%-25s %-17s %-28s %-15s %-11s %-16s %-13s %-17s%s%n";
        out.printf(fmt, "DOMAIN", "DNSSEC MX/HOST", "MX HOST", "IP", "LEVEL", "CERT TYPE", "DANE", "OUTCOME",
                marks == null ? "" : " CHECK");
        String previous = null;
        for (ScanResults.HostRow r : rows) {
            String domain = r.domain().equals(previous) ? "" : r.domain();
            previous = r.domain();
            String mark = marks == null ? "" : " " + marks.getOrDefault(r.domain(), "");
            if (r.mxHost() == null) {
                out.printf(fmt, cut(domain, 25), dnssec(r.mxDnssec()), "(" + r.dnsOutcome() + ")", "", "", "", "", "",
                        mark);
            } else {
                out.printf(fmt, cut(domain, 25), dnssec(r.mxDnssec()) + "/" + dnssec(r.addressDnssec()),
                        cut(r.mxHost(), 28), r.ip().isEmpty() ? "-" : r.ip(),
                        dash(r.level()), dash(r.certType()), dash(r.dane()), dash(r.outcome()), mark);
            }
        }
    }

    public static void printLevels(PrintStream out, List<ScanResults.HostRow> rows) {
        Map<String, Integer> levels = new TreeMap<>();
        Set<String> domains = new HashSet<>();
        for (ScanResults.HostRow r : rows) {
            domains.add(r.domain());
            if (r.mxHost() != null) {
                levels.merge(r.level() == null ? "not probed" : r.level(), 1, Integer::sum);
            }
        }
        StringBuilder b = new StringBuilder("MX host addresses by level:");
        for (String level : List.of("verified", "trusted", "untrusted", "plaintext", "tls-failed", "unreachable",
                "not probed")) {
            Integer n = levels.get(level);
            if (n != null) {
                b.append(' ').append(level).append(' ').append(n).append(',');
            }
        }
        b.setLength(b.length() - 1);
        out.println(b);
    }

    /** A DNSSEC status in at most eight characters. */
    private static String dnssec(String status) {
        return status == null ? "-" : status.equals("indeterminate") ? "indeterm" : status;
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }
}
