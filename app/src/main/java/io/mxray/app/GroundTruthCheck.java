package io.mxray.app;

import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.ExpectedHost;
import io.mxray.lab.Pending;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares a scan's rows with the lab's declared ground truth, domain by domain. Expectations that
 * {@link Pending} names are counted as pending instead of compared.
 */
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

    /** What the comparison found: mismatches, and how many expectations each pending rule held back. */
    public record Result(List<Mismatch> mismatches, Map<Pending.Rule, Integer> pending, int compared) {
        public boolean matches() {
            return mismatches.isEmpty();
        }

        public long mismatchedDomains() {
            return mismatches.stream().map(Mismatch::domain).distinct().count();
        }
    }

    public static List<Mismatch> compare(List<ExpectedDomain> truth, List<ScanResults.HostRow> rows) {
        return check(truth, rows).mismatches();
    }

    public static Result check(List<ExpectedDomain> truth, List<ScanResults.HostRow> rows) {
        Map<String, List<ScanResults.HostRow>> byDomain = new LinkedHashMap<>();
        for (ScanResults.HostRow r : rows) {
            byDomain.computeIfAbsent(r.domain(), k -> new ArrayList<>()).add(r);
        }
        Checker c = new Checker();
        for (ExpectedDomain e : truth) {
            List<ScanResults.HostRow> got = byDomain.get(e.domain());
            if (got == null) {
                c.out.add(new Mismatch(e.domain(), "result", "a final row", "none"));
                continue;
            }
            c.check(e.domain(), "DNS outcome", e.dnsOutcome().key(), got.get(0).dnsOutcome(), null);
            c.check(e.domain(), "MX DNSSEC status", key(e.mxDnssec()), got.get(0).mxDnssec(),
                    Pending.forDomain(e, Pending.Field.MX_DNSSEC));
            c.check(e.domain(), "MTA-STS record", key(e.mtaSts()), got.get(0).mtaSts(), null);
            c.check(e.domain(), "TLS-RPT record", key(e.tlsRpt()), got.get(0).tlsRpt(), null);
            c.check(e.domain(), "worst level", key(e.worstLevel()), got.get(0).worstLevel(),
                    Pending.forDomain(e, Pending.Field.WORST_LEVEL));
            c.check(e.domain(), "best level", key(e.bestLevel()), got.get(0).bestLevel(),
                    Pending.forDomain(e, Pending.Field.BEST_LEVEL));
            List<ScanResults.HostRow> hostRows = got.stream().filter(r -> r.mxHost() != null).toList();
            for (ExpectedHost h : e.mx()) {
                List<ScanResults.HostRow> forHost = hostRows.stream().filter(r -> r.mxHost().equals(h.host())).toList();
                if (forHost.isEmpty()) {
                    c.out.add(new Mismatch(e.domain(), "MX host " + h.host(), "present", "missing"));
                }
                for (ScanResults.HostRow r : forHost) {
                    String where = "MX host " + h.host() + (r.ip().isEmpty() ? "" : " at " + r.ip());
                    c.check(e.domain(), where + " level", key(h.level()), r.level(),
                            Pending.forHost(h, Pending.Field.LEVEL));
                    c.check(e.domain(), where + " certificate type", key(h.certType()), r.certType(),
                            Pending.forHost(h, Pending.Field.CERT_TYPE));
                    c.check(e.domain(), where + " outcome", h.outcome(), r.outcome(), null);
                    if (h.pkix() != null || r.pkix() != null) {
                        c.check(e.domain(), where + " web PKI level", key(h.pkix()), r.pkix(), null);
                    }
                    if (h.keyTypes() != null) {
                        c.check(e.domain(), where + " key types presented", String.join(" ", h.keyTypes().stream().sorted().toList()),
                                r.keyTypes(), null);
                        c.check(e.domain(), where + " DANE over all certificates", key(h.allCertificates()),
                                r.daneAllCertificates(), null);
                    }
                    c.check(e.domain(), where + " DANE status", key(h.dane()), r.dane(),
                            Pending.forHost(h, Pending.Field.DANE));
                    c.check(e.domain(), where + " address DNSSEC status", key(h.addressDnssec()), r.addressDnssec(),
                            Pending.forHost(h, Pending.Field.ADDRESS_DNSSEC));
                    c.check(e.domain(), where + " preference", String.valueOf(h.preference()),
                            String.valueOf(r.preference()), null);
                }
            }
            for (ScanResults.HostRow r : hostRows) {
                if (e.mx().stream().noneMatch(h -> h.host().equals(r.mxHost()))) {
                    c.out.add(new Mismatch(e.domain(), "MX host " + r.mxHost(), "absent", "present"));
                }
            }
        }
        return new Result(c.out, c.pending, c.compared);
    }

    private static final class Checker {
        final List<Mismatch> out = new ArrayList<>();
        final Map<Pending.Rule, Integer> pending = new LinkedHashMap<>();
        int compared;

        void pend(Pending.Rule rule) {
            if (rule != null) {
                pending.merge(rule, 1, Integer::sum);
            }
        }

        void check(String domain, String what, String expected, String actual, Pending.Rule rule) {
            if (rule != null) {
                pend(rule);
                return;
            }
            compared++;
            if (!Objects.equals(expected, actual)) {
                out.add(new Mismatch(domain, what, String.valueOf(expected), String.valueOf(actual)));
            }
        }
    }

    private static String key(io.mxray.schema.Keyed k) {
        return k == null ? null : k.key();
    }
}
