package io.mxray.app;

import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.ExpectedHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Compares a scan's rows with the lab's declared ground truth, domain by domain. */
public final class GroundTruthCheck {
    private GroundTruthCheck() {
    }

    /** A difference between what was declared and what mxray found. */
    public record Mismatch(String domain, String what, String expected, String actual) {
        @Override
        public String toString() {
            return domain + ": " + what + " expected " + expected + ", got " + actual;
        }
    }

    public static List<Mismatch> compare(List<ExpectedDomain> truth, List<ScanResults.HostRow> rows) {
        Map<String, List<ScanResults.HostRow>> byDomain = new LinkedHashMap<>();
        for (ScanResults.HostRow r : rows) {
            byDomain.computeIfAbsent(r.domain(), k -> new ArrayList<>()).add(r);
        }
        List<Mismatch> out = new ArrayList<>();
        for (ExpectedDomain e : truth) {
            List<ScanResults.HostRow> got = byDomain.get(e.domain());
            if (got == null) {
                out.add(new Mismatch(e.domain(), "result", "a final row", "none"));
                continue;
            }
            check(out, e.domain(), "DNS outcome", e.dnsOutcome().key(), got.get(0).dnsOutcome());
            check(out, e.domain(), "worst level", key(e.worstLevel()), got.get(0).worstLevel());
            check(out, e.domain(), "best level", key(e.bestLevel()), got.get(0).bestLevel());
            List<ScanResults.HostRow> hostRows = got.stream().filter(r -> r.mxHost() != null).toList();
            for (ExpectedHost h : e.mx()) {
                List<ScanResults.HostRow> forHost = hostRows.stream().filter(r -> r.mxHost().equals(h.host())).toList();
                if (forHost.isEmpty()) {
                    out.add(new Mismatch(e.domain(), "MX host " + h.host(), "present", "missing"));
                }
                for (ScanResults.HostRow r : forHost) {
                    String where = "MX host " + h.host() + (r.ip().isEmpty() ? "" : " at " + r.ip());
                    check(out, e.domain(), where + " level", key(h.level()), r.level());
                    check(out, e.domain(), where + " certificate type", key(h.certType()), r.certType());
                    check(out, e.domain(), where + " outcome", h.outcome(), r.outcome());
                    if (!Objects.equals(h.preference(), r.preference())) {
                        out.add(new Mismatch(e.domain(), where + " preference", String.valueOf(h.preference()),
                                String.valueOf(r.preference())));
                    }
                }
            }
            for (ScanResults.HostRow r : hostRows) {
                if (e.mx().stream().noneMatch(h -> h.host().equals(r.mxHost()))) {
                    out.add(new Mismatch(e.domain(), "MX host " + r.mxHost(), "absent", "present"));
                }
            }
        }
        return out;
    }

    private static void check(List<Mismatch> out, String domain, String what, String expected, String actual) {
        if (!Objects.equals(expected, actual)) {
            out.add(new Mismatch(domain, what, String.valueOf(expected), String.valueOf(actual)));
        }
    }

    private static String key(io.mxray.schema.Keyed k) {
        return k == null ? null : k.key();
    }
}
